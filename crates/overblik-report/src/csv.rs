//! CSV: every table of the report in one file, in long ("tidy") format for machines — R,
//! Python, DuckDB, a data warehouse. People use the XLSX or HTML version.
//!
//! One line per cell: `table_id,table_title,row,column,value`, where `row` is the 1-based data
//! row within the table and `column` the column's Danish title. UTF-8 without BOM, comma
//! separated, quoted where needed, lines end in CRLF (RFC 4180). Every cell has its line, also
//! an empty one, so each table's grid is complete.
//!
//! Values are machine-readable, not Danish-formatted:
//! - counts and numbers with a dot decimal and no thousands separator (`1234.5`), at full
//!   precision (the shortest text that reads back as the same double; never an exponent);
//! - dates in ISO 8601 (`2026-11-22`);
//! - a share as its fraction (`0.125`). Like the XLSX sheets, a Percent column has two more
//!   columns, "<title> (tæller)" and "<title> (nævner)", with the share's numerator and
//!   denominator, so the fraction can be checked and shares summed correctly; a share with
//!   denominator 0 has an empty value but its numerator and denominator;
//! - suppressed values as `<5` (a count of 1-4) or `x` (ASCII, for every other suppression), in
//!   the value and in its numerator and denominator;
//! - empty and unavailable values as the empty string.
//!
//! Formula injection (OWASP "CSV Injection", security WEB-6): a text field that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet that
//! opens the file shows it as text instead of running it. This applies to text only (cell text,
//! titles, ids); numbers are written as numbers, so `-12` from a count is unchanged. A reader
//! who needs the original text removes one leading `'` from a text value that starts with `'`
//! followed by one of those characters.

use ::csv::{Terminator, WriterBuilder};
use overblik_domain::report::{Cell, Document, Suppression};

use crate::{Part, looks_like_formula, part_columns};

const HEADER: [&str; 5] = ["table_id", "table_title", "row", "column", "value"];

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, ::csv::Error> {
    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for table in doc.sections.iter().flat_map(|section| &section.tables) {
        let table_id = inert(&table.id);
        let table_title = inert(&table.title);
        let columns = part_columns(table);
        let titles: Vec<String> = columns.iter().map(|column| inert(&column.title)).collect();
        for (index, row) in table.rows.iter().enumerate() {
            let row_number = (index + 1).to_string();
            for (column, title) in columns.iter().zip(&titles) {
                let cell = &row[column.source];
                let value = match column.part {
                    Part::Value => value(cell),
                    part => share_part(cell, part),
                };
                writer.write_record([&table_id, &table_title, &row_number, title, &value])?;
            }
        }
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

fn value(cell: &Cell) -> String {
    match *cell {
        Cell::Empty | Cell::NotAvailable => String::new(),
        Cell::Text(ref text) => inert(text),
        Cell::Integer(value) => value.to_string(),
        Cell::Number(value) => finite(value),
        Cell::Share {
            numerator,
            denominator,
        } => Cell::share_value(numerator, denominator).map_or_else(String::new, finite),
        Cell::Date(date) => date.to_string(),
        Cell::Suppressed(suppression) => mark(suppression).to_owned(),
    }
}

/// A cell of a Percent column in its numerator or denominator line.
fn share_part(cell: &Cell, part: Part) -> String {
    if let Some(count) = part.count(cell) {
        return count.to_string();
    }
    match *cell {
        // The parts of a suppressed share would give it away.
        Cell::Suppressed(suppression) => mark(suppression).to_owned(),
        _ => String::new(),
    }
}

fn mark(suppression: Suppression) -> &'static str {
    match suppression {
        Suppression::Primary => "<5",
        Suppression::SmallDenominator | Suppression::Complementary => "x",
    }
}

/// Rust's `Display` of a double is the shortest text that reads back as the same value and
/// never uses an exponent; NaN and infinities have no CSV meaning and become empty.
fn finite(value: f64) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        String::new()
    }
}

/// Text with a leading `'` when a spreadsheet would run it as a formula.
fn inert(text: &str) -> String {
    if looks_like_formula(text) || text.starts_with(['\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_get_a_quote() {
        for risky in ["=1+1", "+45", "-3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(risky), format!("'{risky}"));
        }
        assert_eq!(inert("Team Nord"), "Team Nord");
        assert_eq!(inert("<5"), "<5");
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(value(&Cell::Number(1234.5)), "1234.5");
        assert_eq!(value(&Cell::Number(1e-7)), "0.0000001");
        assert_eq!(value(&Cell::Integer(-12)), "-12");
        assert_eq!(value(&Cell::Number(f64::NAN)), "");
        let third = Cell::Share {
            numerator: 1,
            denominator: 3,
        };
        assert_eq!(value(&third), "0.3333333333333333");
    }
}
