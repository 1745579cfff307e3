//! Danish formatting of numbers and dates for everything a person reads: `1.234`, `1.234,5`,
//! `12,5 %`, `1.234.567 kr.`, `22-11-2026`, `22. nov. 2026`.
//!
//! Written by hand rather than with a locale library: the rules are few and fixed (thousands
//! separator ".", decimal comma, a space before "%" and "kr."), and output must not depend on the
//! machine's locale. Negative numbers use the ASCII hyphen-minus, which every reader and screen
//! reader handles. A value that rounds to zero is shown without a sign (`-0,0` confuses).

use chrono::{Datelike, NaiveDate};
use overblik_domain::report::{Cell, ColumnKind, Table};

use crate::{NOT_AVAILABLE, suppression_mark};

/// More decimals than a double carries would only show noise.
const MAX_DECIMALS: u8 = 15;

/// Danish month abbreviations (Retskrivningsordbogen; "maj" is not abbreviated).
const MONTHS: [&str; 12] = [
    "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
];

/// A whole number: `1.234.567`, `-12`.
pub fn integer(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    push_grouped(&digits, &mut out);
    out
}

/// A number rounded to `decimals` decimals: `1.234,50` for (1234.5, 2). Not finite: `–`.
pub fn decimal(value: f64, decimals: u8) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_owned();
    }
    let fixed = fixed_point(value.abs(), decimals.min(MAX_DECIMALS));
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut out = String::with_capacity(fixed.len() + whole.len() / 3 + 1);
    if value < 0.0 && fixed.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        out.push('-');
    }
    push_grouped(whole, &mut out);
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// A share given as a fraction (0.125), shown in percent with one decimal: `12,5 %`.
pub fn percent(fraction: f64) -> String {
    percent_with(fraction, 1)
}

/// A share given as a fraction, in percent with `decimals` decimals.
pub fn percent_with(fraction: f64, decimals: u8) -> String {
    if !fraction.is_finite() {
        return NOT_AVAILABLE.to_owned();
    }
    format!("{} %", decimal(fraction * 100.0, decimals))
}

/// Danish kroner without øre: `1.234.567 kr.`.
pub fn money(value: f64) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_owned();
    }
    format!("{} kr.", decimal(value, 0))
}

/// A date in tables: `22-11-2026`.
pub fn date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// A date in running text and headings: `22. nov. 2026`.
pub fn date_long(date: NaiveDate) -> String {
    format!(
        "{}. {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// A number with no column format to follow: whole numbers without decimals, others with up
/// to two.
pub fn general(value: f64) -> String {
    if value.fract() == 0.0 {
        return decimal(value, 0);
    }
    let text = decimal(value, 2);
    match text.split_once(',') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole},{fraction}")
            }
        }
        None => text,
    }
}

/// A cell as a person reads it in a column of `kind`: a number follows its column's format
/// (a `Percent` column holds fractions), a share is always a percentage, suppressed and
/// unavailable values their marks.
pub fn cell_text(cell: &Cell, kind: ColumnKind) -> String {
    match *cell {
        Cell::Empty => String::new(),
        Cell::Text(ref text) => text.clone(),
        Cell::Integer(value) => match kind {
            ColumnKind::Text | ColumnKind::Integer | ColumnKind::Date => integer(value),
            _ => number_text(value as f64, kind),
        },
        Cell::Number(value) => number_text(value, kind),
        Cell::Share {
            numerator,
            denominator,
        } => Cell::share_value(numerator, denominator)
            .map_or_else(|| NOT_AVAILABLE.to_owned(), percent),
        Cell::Date(value) => date(value),
        Cell::Suppressed(suppression) => suppression_mark(suppression).to_owned(),
        Cell::NotAvailable => NOT_AVAILABLE.to_owned(),
    }
}

/// Every cell of `table` as a person reads it ([`cell_text`]), row by row.
pub(crate) fn table_texts(table: &Table) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&table.columns)
                .map(|(cell, column)| cell_text(cell, column.kind))
                .collect()
        })
        .collect()
}

/// A number in a column of `kind`.
pub(crate) fn number_text(value: f64, kind: ColumnKind) -> String {
    match kind {
        ColumnKind::Integer => decimal(value, 0),
        ColumnKind::Decimal(decimals) => decimal(value, decimals),
        ColumnKind::Percent => percent(value),
        ColumnKind::Money => money(value),
        ColumnKind::Text | ColumnKind::Date => general(value),
    }
}

/// A non-negative finite `value` with exactly `decimals` decimals and a "." before them,
/// rounded half away from zero (2,25 → 2,3) as Danish statistics do; `format!` would round an
/// exact half to even.
fn fixed_point(value: f64, decimals: u8) -> String {
    let decimals = usize::from(decimals);
    let scaled = (value * 10f64.powi(decimals as i32)).round();
    // Beyond 2^53 the scaled value is no longer exact; such a value has no meaningful half.
    if scaled >= 9_007_199_254_740_992.0 {
        return format!("{value:.decimals$}");
    }
    let digits = format!("{scaled:0>width$.0}", width = decimals + 1);
    if decimals == 0 {
        return digits;
    }
    let (whole, fraction) = digits.split_at(digits.len() - decimals);
    format!("{whole}.{fraction}")
}

/// Appends ASCII `digits` with a "." between groups of three from the right.
fn push_grouped(digits: &str, out: &mut String) {
    let lead = match digits.len() % 3 {
        0 => digits.len().min(3),
        short => short,
    };
    let (head, tail) = digits.split_at(lead);
    out.push_str(head);
    for group in tail.as_bytes().chunks(3) {
        out.push('.');
        out.extend(group.iter().map(|&digit| char::from(digit)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overblik_domain::report::Suppression;

    #[test]
    fn integers_group_thousands_with_dots() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1234), "1.234");
        assert_eq!(integer(1_234_567), "1.234.567");
        assert_eq!(integer(-1234), "-1.234");
        assert_eq!(integer(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn decimals_use_a_comma() {
        assert_eq!(decimal(1234.5, 1), "1.234,5");
        assert_eq!(decimal(1234.5, 2), "1.234,50");
        assert_eq!(decimal(0.25, 0), "0");
        assert_eq!(decimal(2.5, 0), "3");
        assert_eq!(decimal(2.25, 1), "2,3");
        assert_eq!(decimal(0.05, 2), "0,05");
        assert_eq!(decimal(1e20, 1), "100.000.000.000.000.000.000,0");
        assert_eq!(decimal(-1234.56, 1), "-1.234,6");
        assert_eq!(decimal(-0.01, 1), "0,0");
        assert_eq!(decimal(f64::NAN, 1), "–");
    }

    #[test]
    fn percent_money_and_general() {
        assert_eq!(percent(0.125), "12,5 %");
        assert_eq!(percent(1.0), "100,0 %");
        assert_eq!(percent_with(0.5, 0), "50 %");
        assert_eq!(money(1_234_567.4), "1.234.567 kr.");
        assert_eq!(money(-1500.0), "-1.500 kr.");
        assert_eq!(general(1234.0), "1.234");
        assert_eq!(general(2.5), "2,5");
        assert_eq!(general(2.001), "2");
    }

    #[test]
    fn dates() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(date(day), "22-11-2026");
        assert_eq!(date_long(day), "22. nov. 2026");
        let may = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        assert_eq!(date_long(may), "1. maj 2026");
    }

    #[test]
    fn cells_follow_their_column() {
        assert_eq!(
            cell_text(&Cell::Integer(1234), ColumnKind::Integer),
            "1.234"
        );
        assert_eq!(
            cell_text(&Cell::Integer(1234), ColumnKind::Money),
            "1.234 kr."
        );
        assert_eq!(
            cell_text(&Cell::Number(2.25), ColumnKind::Decimal(1)),
            "2,3"
        );
        assert_eq!(cell_text(&Cell::Number(0.5), ColumnKind::Percent), "50,0 %");
        let share = Cell::Share {
            numerator: 1,
            denominator: 8,
        };
        assert_eq!(cell_text(&share, ColumnKind::Percent), "12,5 %");
        let no_denominator = Cell::Share {
            numerator: 0,
            denominator: 0,
        };
        assert_eq!(cell_text(&no_denominator, ColumnKind::Percent), "–");
        let primary = Cell::Suppressed(Suppression::Primary);
        assert_eq!(cell_text(&primary, ColumnKind::Integer), "<5");
        let complementary = Cell::Suppressed(Suppression::Complementary);
        assert_eq!(cell_text(&complementary, ColumnKind::Integer), "×");
        assert_eq!(cell_text(&Cell::NotAvailable, ColumnKind::Integer), "–");
        assert_eq!(cell_text(&Cell::Empty, ColumnKind::Integer), "");
    }
}
