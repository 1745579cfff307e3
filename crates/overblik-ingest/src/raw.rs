//! Records as the readers deliver them, before any column knowledge: the common ground of the
//! CSV and XLSX readers.
//!
//! A CSV field is always text; a workbook cell may be typed (a number, a date, a boolean). Both
//! are turned into the text of the interchange format here, so that every value is then parsed
//! by the one cell parser of the domain crate and means the same whichever format carried it.

use std::borrow::Cow;

use overblik_domain::{CellError, ColumnKind};

/// One cell of a record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawCell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A spreadsheet date or date-time, as the calendar and clock showed it (no time zone).
    DateTime(chrono::NaiveDateTime),
    /// A spreadsheet error value such as `#DIV/0!`, or a cell type the format has no use for.
    Unusable(String),
}

/// One non-blank record and the line (CSV) or sheet row (XLSX) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawRecord {
    pub line: u64,
    pub cells: Vec<RawCell>,
}

/// A problem that ends the reading of one table (bad encoding, a damaged file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadProblem {
    pub line: u64,
    pub code: &'static str,
    pub message: String,
}

impl ReadProblem {
    /// The problem as an error of `file` (no column: the record itself could not be read).
    pub(crate) fn into_issue(self, file: &str) -> crate::Issue {
        crate::Issue::error(file, self.line, crate::NO_COLUMN, self.code, self.message)
    }
}

/// Delivers the records of one table, header first. Blank records are skipped by the reader.
pub(crate) trait RecordReader {
    /// The next record; after a problem, `None`.
    fn next_record(&mut self) -> Option<Result<RawRecord, ReadProblem>>;

    /// Whether every record must have as many fields as the header (CSV). A sheet row simply
    /// ends at its last filled cell.
    fn fixed_width(&self) -> bool;
}

/// Integers beyond this are not exact as `f64`, so a float this large is shown as read.
const EXACT_FLOAT_LIMIT: f64 = 9_007_199_254_740_992.0;

impl RawCell {
    /// Whether the cell holds nothing (an empty or whitespace-only text counts as nothing).
    pub fn is_blank(&self) -> bool {
        match self {
            RawCell::Empty => true,
            RawCell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the text the format expects for a column of `kind`.
    ///
    /// Typed cells need the column's kind because a spreadsheet loses the distinction the format
    /// makes: Excel turns `2025-03` into the date 2025-03-01 and `0101901234` into a number
    /// without its leading zero.
    pub fn to_text(&self, kind: ColumnKind) -> Result<Cow<'_, str>, CellError> {
        Ok(match self {
            RawCell::Empty => Cow::Borrowed(""),
            RawCell::Text(text) => Cow::Borrowed(text),
            RawCell::Int(number) => Cow::Owned(integer_text(kind, *number)),
            RawCell::Float(number) => Cow::Owned(float_text(kind, *number)),
            RawCell::Bool(flag) => Cow::Owned(flag.to_string()),
            RawCell::DateTime(moment) => Cow::Owned(date_time_text(kind, *moment)),
            RawCell::Unusable(what) => {
                return Err(CellError {
                    code: "spreadsheet_error",
                    message: format!("cellen indeholder {what}, ikke en værdi"),
                });
            }
        })
    }
}

fn integer_text(kind: ColumnKind, number: i64) -> String {
    match kind {
        // A CPR number typed into Excel becomes a number and loses its leading zero.
        ColumnKind::Cpr if (0..10_000_000_000).contains(&number) => format!("{number:010}"),
        _ => number.to_string(),
    }
}

fn float_text(kind: ColumnKind, number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < EXACT_FLOAT_LIMIT {
        // Excel stores every number as a float; `1001` must not become the id `1001.0`.
        // The cast is exact: the float is integral and below 2^53.
        return integer_text(kind, number as i64);
    }
    // `Display` for f64 is the shortest text that reads back to the same float and never uses
    // an exponent, so `12500.5` stays `12500.5`.
    number.to_string()
}

fn date_time_text(kind: ColumnKind, moment: chrono::NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let midnight = moment.time() == chrono::NaiveTime::MIN;
    match kind {
        ColumnKind::Timestamp => {
            if moment.nanosecond() == 0 {
                moment.format("%Y-%m-%dT%H:%M:%S").to_string()
            } else {
                moment.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
            }
        }
        ColumnKind::Month if midnight && moment.day() == 1 => moment.format("%Y-%m").to_string(),
        _ if midnight => moment.format("%Y-%m-%d").to_string(),
        // A date column with a time of day is a mistake the cell parser reports with this text.
        _ => moment.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cell: RawCell, kind: ColumnKind) -> String {
        cell.to_text(kind).unwrap().into_owned()
    }

    fn moment(text: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn integral_floats_are_written_without_a_fraction() {
        assert_eq!(text(RawCell::Float(1001.0), ColumnKind::Id), "1001");
        assert_eq!(text(RawCell::Float(-300.0), ColumnKind::Amount), "-300");
        assert_eq!(text(RawCell::Float(12500.5), ColumnKind::Amount), "12500.5");
        assert_eq!(text(RawCell::Float(0.1), ColumnKind::Fraction), "0.1");
        assert_eq!(text(RawCell::Float(1e-7), ColumnKind::Amount), "0.0000001");
    }

    #[test]
    fn a_cpr_number_stored_as_a_number_gets_its_leading_zero_back() {
        assert_eq!(text(RawCell::Int(101901234), ColumnKind::Cpr), "0101901234");
        assert_eq!(
            text(RawCell::Float(101901234.0), ColumnKind::Cpr),
            "0101901234"
        );
        assert_eq!(text(RawCell::Int(101901234), ColumnKind::Id), "101901234");
    }

    #[test]
    fn spreadsheet_dates_follow_the_column_kind() {
        let midnight = RawCell::DateTime(moment("2025-03-01 00:00:00"));
        assert_eq!(text(midnight.clone(), ColumnKind::Date), "2025-03-01");
        assert_eq!(text(midnight.clone(), ColumnKind::Month), "2025-03");
        assert_eq!(text(midnight, ColumnKind::Timestamp), "2025-03-01T00:00:00");
        let afternoon = RawCell::DateTime(moment("2025-03-01 14:05:00.250"));
        assert_eq!(
            text(afternoon.clone(), ColumnKind::Timestamp),
            "2025-03-01T14:05:00.250"
        );
        assert_eq!(text(afternoon, ColumnKind::Date), "2025-03-01 14:05:00");
    }

    #[test]
    fn booleans_and_errors_are_converted_or_reported() {
        assert_eq!(text(RawCell::Bool(true), ColumnKind::Bool), "true");
        let err = RawCell::Unusable("fejlen `#DIV/0!`".into())
            .to_text(ColumnKind::Text)
            .unwrap_err();
        assert_eq!(err.code, "spreadsheet_error");
        assert_eq!(
            err.message,
            "cellen indeholder fejlen `#DIV/0!`, ikke en værdi"
        );
    }
}
