//! Parsing one cell of the interchange format into a [`Value`], and writing it back.
//!
//! Parsing is strict where the format is strict (dates, amounts) because a lenient parser turns
//! a wrong export into wrong figures. Messages never repeat a CPR number or a name.

use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;
use rust_decimal::Decimal;

use crate::{ColumnKind, Cpr, Value, YearMonth};

/// Why a cell was rejected: a stable machine-readable code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CellError {
    pub code: &'static str,
    pub message: String,
}

/// A cell that was accepted but deserves attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellWarning {
    pub code: &'static str,
    pub message: String,
}

/// The value of an accepted cell and, rarely, a warning about how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCell {
    pub value: Value,
    pub warning: Option<CellWarning>,
}

/// The earliest and latest dates overblik accepts; anything outside is a typing error.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2200;
/// Longest accepted text cell, to keep a broken file from filling memory with one cell.
const MAX_TEXT_CHARS: usize = 1000;
const MAX_ID_CHARS: usize = 100;

fn error(code: &'static str, message: impl Into<String>) -> CellError {
    CellError {
        code,
        message: message.into(),
    }
}

/// Parses one cell (surrounding whitespace ignored; empty means NULL).
///
/// A NULL in a required column is reported by the caller, which knows the column.
pub fn parse_cell(kind: ColumnKind, raw: &str) -> Result<ParsedCell, CellError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(ParsedCell {
            value: Value::Null,
            warning: None,
        });
    }
    let value = match kind {
        ColumnKind::Id => Value::Text(parse_id(text)?),
        ColumnKind::Text | ColumnKind::Name => {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(error("too_long", format!("teksten er længere end {MAX_TEXT_CHARS} tegn")));
            }
            // PostgreSQL cannot store NUL in text; rejecting it here reports it with its cell
            // instead of failing the import's write after validation passed.
            if text.contains('\0') {
                return Err(error("bad_text", "teksten indeholder et NUL-tegn"));
            }
            Value::Text(text.to_owned())
        }
        ColumnKind::Code(codes) => Value::Text(parse_code(codes, text)?),
        ColumnKind::Date => Value::Date(parse_date(text)?),
        ColumnKind::Timestamp => return parse_timestamp(text),
        ColumnKind::Month => Value::Month(YearMonth::parse(text).ok_or_else(|| {
            error("bad_month", format!("`{text}` er ikke en måned (ÅÅÅÅ-MM, 1900-2200)"))
        })?),
        ColumnKind::Amount => Value::Decimal(parse_decimal(text)?),
        ColumnKind::NonNegative => {
            let value = parse_decimal(text)?;
            if value.is_sign_negative() && !value.is_zero() {
                return Err(error("out_of_range", format!("`{text}` må ikke være negativ")));
            }
            Value::Decimal(value)
        }
        ColumnKind::Fraction => {
            let value = parse_decimal(text)?;
            if value < Decimal::ZERO || value > Decimal::ONE {
                return Err(error("out_of_range", format!("`{text}` skal ligge mellem 0 og 1")));
            }
            Value::Decimal(value)
        }
        ColumnKind::Integer { min, max } => {
            let value = parse_integer(text)?;
            if !(min..=max).contains(&value) {
                return Err(error("out_of_range", format!("`{text}` skal ligge mellem {min} og {max}")));
            }
            Value::Int(value)
        }
        ColumnKind::Bool => Value::Bool(parse_bool(text)?),
        ColumnKind::Cpr => Value::Cpr(Cpr::parse(text).ok_or_else(|| {
            error("bad_cpr", "ikke et gyldigt CPR-nummer (10 cifre, der begynder med en gyldig fødselsdato); værdien vises ikke")
        })?),
    };
    Ok(ParsedCell {
        value,
        warning: None,
    })
}

fn parse_id(text: &str) -> Result<String, CellError> {
    if text.chars().count() > MAX_ID_CHARS {
        return Err(error(
            "bad_id",
            format!("id er længere end {MAX_ID_CHARS} tegn"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(error("bad_id", "id indeholder kontroltegn"));
    }
    // Ids travel into URLs, logs and messages; one built from a CPR number would leak it there.
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    if digits.len() == 10
        && digits.chars().all(|c| c.is_ascii_digit())
        && Cpr::parse(text).is_some()
    {
        return Err(error(
            "id_looks_like_cpr",
            "id ligner et CPR-nummer; id'er må ikke indeholde CPR-numre (værdien vises ikke)",
        ));
    }
    Ok(text.to_owned())
}

fn parse_code(codes: &[&str], text: &str) -> Result<String, CellError> {
    codes
        .iter()
        .find(|code| code.eq_ignore_ascii_case(text))
        .map(|code| (*code).to_owned())
        .ok_or_else(|| {
            error(
                "bad_code",
                format!("`{text}` er ikke en af: {}", codes.join(", ")),
            )
        })
}

fn in_range(date: NaiveDate) -> bool {
    use chrono::Datelike;
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

fn parse_date(text: &str) -> Result<NaiveDate, CellError> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let bad = || error("bad_date", format!("`{text}` er ikke en dato (ÅÅÅÅ-MM-DD)"));
    if !shaped {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?;
    if !in_range(date) {
        return Err(error(
            "out_of_range",
            format!("`{text}` ligger uden for {FIRST_YEAR}-{LAST_YEAR}"),
        ));
    }
    Ok(date)
}

/// Offsets written by the source win; without one, the time is Europe/Copenhagen local time.
fn parse_timestamp(text: &str) -> Result<ParsedCell, CellError> {
    let bad = || {
        error(
            "bad_timestamp",
            format!(
                "`{text}` er ikke et tidspunkt (fx 2025-03-01T14:05:00+01:00 eller 2025-03-01 14:05)"
            ),
        )
    };
    let ok = |instant: DateTime<Utc>, warning| {
        if !in_range(instant.date_naive()) {
            return Err(error(
                "out_of_range",
                format!("`{text}` ligger uden for {FIRST_YEAR}-{LAST_YEAR}"),
            ));
        }
        // Microseconds are what both databases keep; finer digits would break the round trip.
        let instant =
            chrono::DurationRound::duration_trunc(instant, chrono::TimeDelta::microseconds(1))
                .map_err(|_| bad())?;
        Ok(ParsedCell {
            value: Value::Timestamp(instant),
            warning,
        })
    };
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return ok(with_offset.with_timezone(&Utc), None);
    }
    const LOCAL_FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];
    const SHORT_FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"];
    let local = LOCAL_FORMATS
        .iter()
        .chain(SHORT_FORMATS.iter())
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(bad)?;
    match Copenhagen.from_local_datetime(&local) {
        LocalResult::Single(instant) => ok(instant.with_timezone(&Utc), None),
        LocalResult::Ambiguous(summer, _winter) => ok(
            summer.with_timezone(&Utc),
            Some(CellWarning {
                code: "ambiguous_local_time",
                message: format!(
                    "`{text}` forekommer to gange i dansk tid (sommertiden slutter); læst som sommertid {}; angiv tidszone for at være præcis",
                    summer.to_rfc3339()
                ),
            }),
        ),
        LocalResult::None => {
            // The hour skipped at the start of summer time: the clock showed it an hour later.
            let shifted = Copenhagen
                .from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
                .earliest()
                .ok_or_else(bad)?;
            ok(
                shifted.with_timezone(&Utc),
                Some(CellWarning {
                    code: "nonexistent_local_time",
                    message: format!(
                        "`{text}` findes ikke i dansk tid (sommertiden begynder); læst som {}",
                        shifted.to_rfc3339()
                    ),
                }),
            )
        }
    }
}

fn parse_decimal(text: &str) -> Result<Decimal, CellError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let shaped = !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !shaped {
        let hint = if text.contains(',') {
            "; brug `.` som decimaltegn og ingen tusindtalsseparator"
        } else {
            ""
        };
        return Err(error(
            "bad_number",
            format!("`{text}` er ikke et decimaltal{hint}"),
        ));
    }
    if whole.len() > 15 || fraction.len() > 10 {
        return Err(error(
            "out_of_range",
            format!("`{text}` har for mange cifre"),
        ));
    }
    Decimal::from_str(text)
        .map(|value| value.normalize())
        .map_err(|_| error("bad_number", format!("`{text}` er ikke et decimaltal")))
}

fn parse_integer(text: &str) -> Result<i64, CellError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error("bad_integer", format!("`{text}` er ikke et heltal")));
    }
    text.parse()
        .map_err(|_| error("out_of_range", format!("`{text}` er for stort")))
}

fn parse_bool(text: &str) -> Result<bool, CellError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "ja" => Ok(true),
        "false" | "0" | "nej" => Ok(false),
        _ => Err(error(
            "bad_bool",
            format!("`{text}` er ikke en sandhedsværdi (true/false, 1/0, ja/nej)"),
        )),
    }
}

/// The canonical text of a value in the interchange format; `parse_cell` reads it back to the
/// same value. Timestamps are written in Europe/Copenhagen local time with their offset. A CPR
/// value is written in full: only an explicit export with CPR gets here with one.
pub fn format_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(text) => text.clone(),
        Value::Int(number) => number.to_string(),
        Value::Decimal(number) => number.normalize().to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        Value::Timestamp(instant) => instant
            .with_timezone(&Copenhagen)
            .to_rfc3339_opts(SecondsFormat::AutoSi, false),
        Value::Month(month) => month.to_string(),
        Value::Cpr(cpr) => cpr.digits().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(kind: ColumnKind, text: &str) -> Value {
        parse_cell(kind, text).unwrap().value
    }

    #[test]
    fn timestamps_without_offset_are_copenhagen_local_time() {
        let winter = parse(ColumnKind::Timestamp, "2025-03-01 14:05");
        assert_eq!(format_cell(&winter), "2025-03-01T14:05:00+01:00");
        let summer = parse(ColumnKind::Timestamp, "2025-07-01T14:05:00");
        assert_eq!(format_cell(&summer), "2025-07-01T14:05:00+02:00");
        assert_eq!(
            summer.as_timestamp().unwrap().to_rfc3339(),
            "2025-07-01T12:05:00+00:00"
        );
    }

    #[test]
    fn explicit_offsets_win() {
        let value = parse(ColumnKind::Timestamp, "2025-03-01T14:05:00Z");
        assert_eq!(format_cell(&value), "2025-03-01T15:05:00+01:00");
    }

    #[test]
    fn dst_gap_and_overlap_are_read_with_a_warning() {
        let gap = parse_cell(ColumnKind::Timestamp, "2025-03-30 02:30").unwrap();
        assert_eq!(format_cell(&gap.value), "2025-03-30T03:30:00+02:00");
        assert_eq!(gap.warning.unwrap().code, "nonexistent_local_time");
        let overlap = parse_cell(ColumnKind::Timestamp, "2025-10-26 02:30").unwrap();
        assert_eq!(format_cell(&overlap.value), "2025-10-26T02:30:00+02:00");
        assert_eq!(overlap.warning.unwrap().code, "ambiguous_local_time");
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            format_cell(&parse(ColumnKind::Date, "2024-02-29")),
            "2024-02-29"
        );
        for bad in [
            "2025-02-29",
            "2025-2-1",
            "01-02-2025",
            "2025-02-30",
            "2025-13-01",
            "1899-12-31",
        ] {
            assert!(parse_cell(ColumnKind::Date, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_use_a_dot_and_are_normalised() {
        assert_eq!(
            format_cell(&parse(ColumnKind::Amount, "12500.50")),
            "12500.5"
        );
        assert_eq!(format_cell(&parse(ColumnKind::Amount, "-300")), "-300");
        let err = parse_cell(ColumnKind::Amount, "12.500,50").unwrap_err();
        assert_eq!(err.code, "bad_number");
        assert!(err.message.contains("decimaltegn"));
        assert!(parse_cell(ColumnKind::Amount, "1e5").is_err());
        assert!(parse_cell(ColumnKind::NonNegative, "-1").is_err());
        assert!(parse_cell(ColumnKind::Fraction, "1.01").is_err());
    }

    #[test]
    fn booleans_accept_danish_words() {
        assert_eq!(parse(ColumnKind::Bool, "ja"), Value::Bool(true));
        assert_eq!(parse(ColumnKind::Bool, "NEJ"), Value::Bool(false));
        assert_eq!(parse(ColumnKind::Bool, "1"), Value::Bool(true));
        assert!(parse_cell(ColumnKind::Bool, "yes").is_err());
    }

    #[test]
    fn codes_are_canonicalised_and_listed_on_error() {
        let kind = ColumnKind::Code(&["F", "M", "U"]);
        assert_eq!(parse(kind, "f"), Value::Text("F".into()));
        let err = parse_cell(kind, "X").unwrap_err();
        assert_eq!(err.message, "`X` er ikke en af: F, M, U");
    }

    #[test]
    fn errors_never_echo_a_cpr_number() {
        let err = parse_cell(ColumnKind::Cpr, "3102901234").unwrap_err();
        assert!(!err.message.contains("3102901234"));
        let err = parse_cell(ColumnKind::Id, "0101901234").unwrap_err();
        assert_eq!(err.code, "id_looks_like_cpr");
        assert!(!err.message.contains("0101901234"));
    }

    #[test]
    fn text_with_a_nul_character_is_rejected() {
        assert_eq!(
            parse_cell(ColumnKind::Text, "a\0b").unwrap_err().code,
            "bad_text"
        );
        assert_eq!(
            parse_cell(ColumnKind::Name, "a\0b").unwrap_err().code,
            "bad_text"
        );
    }

    #[test]
    fn empty_cells_are_null() {
        assert_eq!(parse(ColumnKind::Date, "  "), Value::Null);
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,40}") {
            for kind in [ColumnKind::Id, ColumnKind::Date, ColumnKind::Timestamp, ColumnKind::Month,
                         ColumnKind::Amount, ColumnKind::Fraction, ColumnKind::Bool, ColumnKind::Cpr,
                         ColumnKind::Integer { min: 0, max: 10 }] {
                let _ = parse_cell(kind, &text);
            }
        }

        #[test]
        fn timestamps_round_trip_through_their_text(seconds in 0i64..4_000_000_000, micros in 0u32..1_000_000) {
            let instant = DateTime::from_timestamp(seconds, micros * 1000).unwrap();
            let value = Value::Timestamp(instant);
            let text = format_cell(&value);
            prop_assert_eq!(parse(ColumnKind::Timestamp, &text), value);
        }

        #[test]
        fn decimals_round_trip_through_their_text(units in -1_000_000_000_000i64..1_000_000_000_000, scale in 0u32..4) {
            let value = Value::Decimal(Decimal::new(units, scale).normalize());
            let text = format_cell(&value);
            prop_assert_eq!(parse(ColumnKind::Amount, &text), value);
        }
    }
}
