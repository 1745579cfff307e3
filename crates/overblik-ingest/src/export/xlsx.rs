//! XLSX export: one sheet per table, a bold frozen header, real dates, numbers and booleans.
//!
//! Every text-like value (ids, text, names, codes, timestamps, months, CPR numbers) is written
//! as a string cell, never as a formula, so a cell such as `=HYPERLINK(...)` coming from a source
//! system is shown as text and never run (security.md WEB-6). Document properties are fixed so
//! that the same data gives a byte-identical workbook.

use std::path::Path;

use chrono::Datelike;
use overblik_domain::{Row, Value, format_cell};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{ExportError, ExportSource, ExportSummary, all_tables, for_each_row};

/// A decimal with more significant digits than this does not survive a trip through an Excel
/// number (a double), so it is written as text.
const MAX_NUMBER_DIGITS: usize = 15;
/// Integers beyond this are not exact as doubles.
const MAX_EXACT_INTEGER: i64 = 1 << 53;
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

pub(super) fn export<S: ExportSource>(
    out: &Path,
    source: &mut S,
) -> Result<ExportSummary, ExportError<S::Error>> {
    let xlsx_error = |error| ExportError::Xlsx {
        path: out.to_owned(),
        source: error,
    };
    let mut workbook = Workbook::new();
    // A fixed creation time: otherwise every export of the same data would differ.
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let formats = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };
    let mut summary = ExportSummary { tables: Vec::new() };
    for spec in all_tables(source) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(spec.name).map_err(xlsx_error)?;
        let mut widths: Vec<usize> = spec.columns.iter().map(|c| c.name.len()).collect();
        for (column, spec_column) in spec.columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, col(column), spec_column.name, &formats.header)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let mut next_row = 1;
        let rows = for_each_row(
            source,
            spec,
            |row| {
                write_row(sheet, next_row, row, &formats, &mut widths)?;
                next_row += 1;
                Ok(())
            },
            xlsx_error,
        )?;
        for (column, width) in widths.into_iter().enumerate() {
            let width = (width + 2).clamp(MIN_WIDTH, MAX_WIDTH);
            // Widths are small whole numbers, exact as f64.
            sheet
                .set_column_width(col(column), width as f64)
                .map_err(xlsx_error)?;
        }
        summary.tables.push((spec.name, rows));
    }
    workbook.save(out).map_err(xlsx_error)?;
    Ok(summary)
}

struct Formats {
    header: Format,
    date: Format,
}

fn col(index: usize) -> u16 {
    u16::try_from(index).expect("tables have few columns")
}

fn write_row(
    sheet: &mut Worksheet,
    row_number: u32,
    row: &Row,
    formats: &Formats,
    widths: &mut [usize],
) -> Result<(), XlsxError> {
    for (column, value) in row.0.iter().enumerate() {
        let c = col(column);
        let shown_width = match value {
            Value::Null => 0,
            Value::Bool(flag) => {
                sheet.write_boolean(row_number, c, *flag)?;
                5
            }
            Value::Date(date) => {
                let excel_date = ExcelDateTime::from_ymd(
                    u16::try_from(date.year()).expect("dates are 1900-2200"),
                    u8::try_from(date.month()).expect("month 1-12"),
                    u8::try_from(date.day()).expect("day 1-31"),
                )?;
                sheet.write_datetime_with_format(row_number, c, &excel_date, &formats.date)?;
                10
            }
            Value::Int(number) if number.unsigned_abs() <= MAX_EXACT_INTEGER.unsigned_abs() => {
                // Exact: below 2^53.
                sheet.write_number(row_number, c, *number as f64)?;
                number.to_string().len()
            }
            Value::Decimal(_) => {
                let text = format_cell(value);
                match number_of(&text) {
                    Some(number) => sheet.write_number(row_number, c, number)?,
                    None => sheet.write_string(row_number, c, &text)?,
                };
                text.len()
            }
            // Text, codes, ids, names, timestamps, months, CPR numbers and huge integers: a
            // string cell is never evaluated, whatever the text starts with.
            _ => {
                let text = format_cell(value);
                sheet.write_string(row_number, c, &text)?;
                text.chars().count()
            }
        };
        widths[column] = widths[column].max(shown_width);
    }
    Ok(())
}

/// The decimal `text` as a double, if the double gives back the same digits.
fn number_of(text: &str) -> Option<f64> {
    let significant = text
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|digit| *digit == '0')
        .count();
    if significant > MAX_NUMBER_DIGITS {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_with_up_to_15_significant_digits_are_numbers() {
        assert_eq!(number_of("12500.5"), Some(12500.5));
        assert_eq!(
            number_of("-0.000123456789012345"),
            Some(-0.000123456789012345)
        );
        assert_eq!(number_of("123456789012.345"), Some(123456789012.345));
        assert_eq!(number_of("1234567890123.456"), None);
    }
}
