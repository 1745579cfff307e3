//! XLSX: a first sheet "Om rapporten" (title, subtitle, date, unit, the suppression notice,
//! every section's notes and which sheet holds which table), then one sheet per table.
//!
//! A table sheet has its header in row 1 — bold, frozen, with an autofilter — and the data right
//! below, so the sheet can be filtered, sorted and read by other programs as it is; the table's
//! full title and its footnotes follow below the data after one empty row. Values keep their
//! type: counts, numbers and kroner are numbers with a Danish-looking number format (Excel
//! shows `#,##0` as `1.234` in a Danish locale), dates are Excel dates, and a share is its
//! fraction with the format `0.0%`.
//!
//! **Percent columns** get two more columns right after them, "<title> (tæller)" and
//! "<title> (nævner)", holding the share's numerator and denominator: a reader can check the
//! percentage and add shares up correctly (Σ tællere / Σ nævnere, not the mean of percentages).
//! The two columns are there for every Percent column, whatever its cells, so a report always
//! has the same layout. A suppressed or unavailable share shows its mark in all three columns:
//! the numerator and denominator of a suppressed share would reveal it.
//!
//! Text is always written as a string, never as a formula, so `=HYPERLINK(...)` from a source
//! system is shown and never run (security WEB-6); text starting with `=`, `+`, `-` or `@` also
//! gets Excel's quote prefix, so it stays text even when someone edits the cell. Suppressed
//! values are the text `<5` or `×`, unavailable values the text `–`. The creation date is fixed,
//! so the same document gives the same bytes.

use chrono::Datelike;
use overblik_domain::report::{Cell, ColumnKind, Document, Table};
use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, RowNum, Workbook,
    Worksheet, XlsxError,
};

use crate::number;
use crate::{
    NOT_AVAILABLE, Part, PartColumn, SUPPRESSION_NOTICE, looks_like_formula, mark, part_columns,
};

const ABOUT_SHEET: &str = "Om rapporten";
const MAX_SHEET_NAME: usize = 31;
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;
/// Room for the autofilter's drop-down button next to a header.
const FILTER_BUTTON: usize = 3;
/// Integers beyond this are not exact as doubles (Excel's numbers); they are written as text.
const MAX_EXACT_INTEGER: u64 = 1 << 53;

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation time: otherwise every rendering of the same document would differ.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&doc.title)
            .set_subject(&doc.subtitle)
            .set_creation_datetime(&created),
    );
    let names = sheet_names(doc);
    about_sheet(workbook.add_worksheet(), doc, &names)?;
    let tables = doc.sections.iter().flat_map(|section| &section.tables);
    for (table, name) in tables.zip(&names) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        table_sheet(sheet, table)?;
    }
    workbook.save_to_buffer()
}

fn about_sheet(sheet: &mut Worksheet, doc: &Document, names: &[String]) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let label = Format::new().set_bold().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("dd-mm-yyyy")
        .set_align(FormatAlign::Left);
    sheet.set_name(ABOUT_SHEET)?;
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 90)?;
    sheet.set_column_width(2, 34)?;
    sheet.write_string_with_format(0, 0, &doc.title, &title)?;
    sheet.write_string(1, 0, &doc.subtitle)?;
    let mut row: RowNum = 3;
    sheet.write_string_with_format(row, 0, "Opgjort pr.", &label)?;
    write_date(sheet, row, 1, doc.as_of, &date)?;
    row += 1;
    sheet.write_string_with_format(row, 0, "Enhed", &label)?;
    let unit = doc.unit.as_ref().map_or("Hele kommunen", |unit| &unit.name);
    write_text(sheet, row, 1, unit, None)?;
    row += 1;
    if doc.suppressed {
        sheet.write_string_with_format(row, 0, "Diskretionering", &label)?;
        sheet.write_string_with_format(row, 1, SUPPRESSION_NOTICE, &wrap)?;
        row += 1;
    }
    row += 1;
    sheet.write_string_with_format(row, 0, "Indhold", &bold)?;
    sheet.write_string_with_format(row, 2, "Ark", &bold)?;
    row += 1;
    let mut names = names.iter();
    for (index, section) in doc.sections.iter().enumerate() {
        sheet.write_string_with_format(row, 0, format!("Afsnit {}", index + 1), &label)?;
        sheet.write_string_with_format(row, 1, &section.title, &bold)?;
        row += 1;
        for note in &section.notes {
            write_text(sheet, row, 1, note, Some(&wrap))?;
            row += 1;
        }
        for table in &section.tables {
            sheet.write_string_with_format(row, 0, "Tabel", &label)?;
            write_text(sheet, row, 1, &table.title, Some(&wrap))?;
            if let Some(name) = names.next() {
                sheet.write_string(row, 2, name)?;
            }
            row += 1;
        }
        row += 1;
    }
    Ok(())
}

fn table_sheet(sheet: &mut Worksheet, table: &Table) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color("E8EEF4")
        .set_border_bottom(FormatBorder::Medium);
    let columns = part_columns(table);
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|column| column.title.chars().count() + FILTER_BUTTON)
        .collect();
    for (index, column) in columns.iter().enumerate() {
        let format = match column.kind {
            ColumnKind::Text => header.clone(),
            _ => header.clone().set_align(FormatAlign::Right),
        };
        sheet.write_string_with_format(0, col(index), &column.title, &format)?;
    }
    for (row_index, row) in table.rows.iter().enumerate() {
        let sheet_row = row_number(row_index + 1)?;
        for (index, column) in columns.iter().enumerate() {
            let cell = &row[column.source];
            let shown = write_cell(sheet, sheet_row, col(index), cell, column)?;
            widths[index] = widths[index].max(shown);
        }
    }
    if !columns.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, row_number(table.rows.len())?, col(columns.len() - 1))?;
    }
    for (index, width) in widths.into_iter().enumerate() {
        sheet.set_column_width(col(index), (width + 1).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    // Title and footnotes below the data, after an empty row, so the filter range stays clean.
    let mut row = row_number(table.rows.len() + 2)?;
    sheet.write_string_with_format(row, 0, &table.title, &Format::new().set_bold())?;
    for footnote in &table.footnotes {
        row += 1;
        write_text(sheet, row, 0, footnote, None)?;
    }
    Ok(())
}

/// Writes one cell and returns how many characters it shows (for the column width).
fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    cell: &Cell,
    column: &PartColumn,
) -> Result<usize, XlsxError> {
    if let Some((mark, _)) = mark(cell) {
        return write_mark(sheet, row, col, mark);
    }
    if column.part != Part::Value {
        return match column.part.count(cell) {
            Some(count) => write_count(sheet, row, col, count),
            None => Ok(0),
        };
    }
    let shown = number::cell_text(cell, column.kind).chars().count();
    match *cell {
        Cell::Empty => return Ok(0),
        Cell::Text(ref text) => write_text(sheet, row, col, text, None)?,
        Cell::Integer(value) => write_whole(
            sheet,
            row,
            col,
            value.into(),
            number_format(column.kind, true),
        )?,
        Cell::Number(value) if !value.is_finite() => {
            write_mark(sheet, row, col, NOT_AVAILABLE)?;
        }
        Cell::Number(value) => {
            write_number(sheet, row, col, value, number_format(column.kind, false))?;
        }
        Cell::Share {
            numerator,
            denominator,
        } => match Cell::share_value(numerator, denominator) {
            Some(value) => write_number(sheet, row, col, value, Some("0.0%"))?,
            None => {
                write_mark(sheet, row, col, NOT_AVAILABLE)?;
            }
        },
        Cell::Date(value) => {
            let format = Format::new().set_num_format("dd-mm-yyyy");
            write_date(sheet, row, col, value, &format)?;
        }
        Cell::Suppressed(_) | Cell::NotAvailable => unreachable!("handled above"),
    }
    Ok(shown)
}

/// A mark instead of a value (suppressed, not available), right-aligned like the numbers;
/// returns its width.
fn write_mark(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    mark: &str,
) -> Result<usize, XlsxError> {
    let right = Format::new().set_align(FormatAlign::Right);
    sheet.write_string_with_format(row, col, mark, &right)?;
    Ok(mark.chars().count())
}

/// The number format of a number in a column of `kind`; `None`: Excel's General.
fn number_format(kind: ColumnKind, integer: bool) -> Option<&'static str> {
    const DECIMALS: [&str; 7] = [
        "#,##0",
        "#,##0.0",
        "#,##0.00",
        "#,##0.000",
        "#,##0.0000",
        "#,##0.00000",
        "#,##0.000000",
    ];
    match kind {
        ColumnKind::Integer => Some("#,##0"),
        ColumnKind::Decimal(decimals) => {
            Some(DECIMALS[usize::from(decimals).min(DECIMALS.len() - 1)])
        }
        ColumnKind::Percent => Some("0.0%"),
        ColumnKind::Money => Some("#,##0 \"kr.\""),
        ColumnKind::Text | ColumnKind::Date if integer => Some("#,##0"),
        ColumnKind::Text | ColumnKind::Date => None,
    }
}

fn write_number(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    value: f64,
    format: Option<&str>,
) -> Result<(), XlsxError> {
    match format {
        Some(format) => {
            let format = Format::new().set_num_format(format);
            sheet.write_number_with_format(row, col, value, &format)?;
        }
        None => {
            sheet.write_number(row, col, value)?;
        }
    }
    Ok(())
}

fn write_count(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    value: u64,
) -> Result<usize, XlsxError> {
    write_whole(sheet, row, col, value.into(), Some("#,##0"))?;
    Ok(number::integer(value.min(i64::MAX as u64) as i64)
        .chars()
        .count())
}

/// A whole number as an Excel number, or as text when a double would not hold it exactly.
fn write_whole(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    value: i128,
    format: Option<&str>,
) -> Result<(), XlsxError> {
    if value.unsigned_abs() > u128::from(MAX_EXACT_INTEGER) {
        sheet.write_string(row, col, value.to_string())?;
        Ok(())
    } else {
        write_number(sheet, row, col, value as f64, format)
    }
}

/// A date as an Excel date; one outside Excel's calendar (before 1900) as Danish text.
fn write_date(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    date: chrono::NaiveDate,
    format: &Format,
) -> Result<(), XlsxError> {
    let excel = u16::try_from(date.year())
        .ok()
        .and_then(|year| ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok());
    match excel {
        Some(excel) => sheet.write_datetime_with_format(row, col, &excel, format)?,
        None => sheet.write_string(row, col, number::date(date))?,
    };
    Ok(())
}

/// Text as a string cell; text that a spreadsheet would take for a formula also gets the quote
/// prefix, so it stays text when the cell is edited.
fn write_text(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    text: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    if looks_like_formula(text) {
        let quoted = format.cloned().unwrap_or_default().set_quote_prefix();
        sheet.write_string_with_format(row, col, text, &quoted)?;
    } else if let Some(format) = format {
        sheet.write_string_with_format(row, col, text, format)?;
    } else {
        sheet.write_string(row, col, text)?;
    }
    Ok(())
}

/// The sheet names of the tables, in document order: from the Danish title, without the
/// characters Excel forbids (`[]:*?/\`), at most 31 characters, and unique ignoring case (as
/// Excel compares them) — a repeated name gets " (2)", " (3)" and so on.
fn sheet_names(doc: &Document) -> Vec<String> {
    let mut taken: Vec<String> = vec![ABOUT_SHEET.to_lowercase(), "history".to_owned()];
    let mut names = Vec::new();
    for table in doc.sections.iter().flat_map(|section| &section.tables) {
        let mut base = clean_sheet_name(&table.title);
        if base.is_empty() {
            base = clean_sheet_name(&table.id);
        }
        if base.is_empty() {
            base = "Tabel".to_owned();
        }
        let mut name = cut(&base, MAX_SHEET_NAME);
        let mut number = 2;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({number})");
            name = format!(
                "{}{suffix}",
                cut(&base, MAX_SHEET_NAME - suffix.chars().count())
            );
            number += 1;
        }
        taken.push(name.to_lowercase());
        names.push(name);
    }
    names
}

/// `title` without forbidden characters and control characters, spaces collapsed, no
/// apostrophe at either end (Excel refuses those).
fn clean_sheet_name(title: &str) -> String {
    let replaced: String = title
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let collapsed = replaced.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| c == '\'' || c.is_whitespace())
        .to_owned()
}

/// At most `max` UTF-16 units (Excel's measure) of `name`, without trailing spaces or
/// apostrophes.
fn cut(name: &str, max: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in name.chars() {
        units += c.len_utf16();
        if units > max {
            break;
        }
        out.push(c);
    }
    out.trim_end_matches(|c: char| c == '\'' || c.is_whitespace())
        .to_owned()
}

fn col(index: usize) -> ColNum {
    // A table never has 16,384 columns; rust_xlsxwriter rejects that itself.
    ColNum::try_from(index).unwrap_or(ColNum::MAX)
}

fn row_number(index: usize) -> Result<RowNum, XlsxError> {
    RowNum::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_clean() {
        assert_eq!(
            clean_sheet_name("Frister: [uge 47] a/b"),
            "Frister uge 47 a b"
        );
        assert_eq!(clean_sheet_name("'citat'"), "citat");
        assert_eq!(
            cut("Sagsbelastning pr. sagsbehandler i alt", 31)
                .chars()
                .count(),
            31
        );
        assert_eq!(cut("abc def", 4), "abc");
    }
}
