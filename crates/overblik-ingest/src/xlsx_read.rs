//! Reading a workbook: which tables are there, and the records of one sheet.
//!
//! Sheets are streamed cell by cell (calamine's cell reader) rather than loaded as a whole
//! range, so a large sheet costs no more memory than one row of it.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx, XlsxCellReader, XlsxError};
use chrono::{NaiveDate, NaiveDateTime};
use overblik_domain::{TABLES, TableSpec};

use crate::raw::{RawCell, RawRecord, ReadProblem, RecordReader};

/// An open workbook.
pub(crate) type Workbook = Xlsx<BufReader<File>>;

/// Opens the workbook at `path`; the error is a reason safe to show (see [`describe`]).
pub(crate) fn open(path: &Path) -> Result<Workbook, String> {
    calamine::open_workbook(path).map_err(|error| describe(&error))
}

/// What went wrong, without calamine's own text: some of its errors carry XML fragments of
/// the file, which could be cell content.
pub(crate) fn describe(error: &XlsxError) -> String {
    match error {
        XlsxError::Io(io_error) => format!("filen kan ikke læses: {io_error}"),
        XlsxError::Zip(_) => "filen er ikke en XLSX-projektmappe (gem den som .xlsx)".to_owned(),
        XlsxError::Password => {
            "projektmappen er beskyttet med adgangskode; gem den uden adgangskode".to_owned()
        }
        XlsxError::NotAWorksheet(_) => "arket er ikke et regneark".to_owned(),
        _ => "projektmappen er beskadiget eller ikke en XLSX-projektmappe".to_owned(),
    }
}

/// The sheets of a workbook.
#[derive(Debug, Default)]
pub(crate) struct SheetListing {
    /// The table sheets present, in [`TABLES`] order.
    pub tables: Vec<&'static TableSpec>,
    /// The names of the other sheets, in workbook order.
    pub others: Vec<String>,
}

pub(crate) fn list_sheets(workbook: &Workbook) -> SheetListing {
    let names = workbook.sheet_names();
    SheetListing {
        tables: TABLES
            .iter()
            .copied()
            .filter(|spec| names.iter().any(|name| name == spec.name))
            .collect(),
        others: names
            .into_iter()
            .filter(|name| TABLES.iter().all(|spec| spec.name != name))
            .collect(),
    }
}

/// The records of one sheet; the line of a record is its sheet row (1-based).
pub(crate) struct XlsxRecords<'a> {
    cells: XlsxCellReader<'a, BufReader<File>>,
    /// The first cell of the next row, read while looking for the end of the current one.
    pending: Option<(u32, u32, RawCell)>,
    /// The row of the last record, to place a problem found after it.
    last_line: u64,
    /// Whether the cell reader reached the end of the sheet data; asked again, it would read
    /// past it and fail.
    exhausted: bool,
    done: bool,
}

impl<'a> XlsxRecords<'a> {
    /// Starts reading `sheet`; the error is a reason safe to show.
    pub fn open(workbook: &'a mut Workbook, sheet: &str) -> Result<Self, String> {
        let cells = workbook
            .worksheet_cells_reader(sheet)
            .map_err(|error| describe(&error))?;
        Ok(Self {
            cells,
            pending: None,
            last_line: 0,
            exhausted: false,
            done: false,
        })
    }

    fn next_cell(&mut self) -> Result<Option<(u32, u32, RawCell)>, ReadProblem> {
        if let Some(cell) = self.pending.take() {
            return Ok(Some(cell));
        }
        if self.exhausted {
            return Ok(None);
        }
        match self.cells.next_cell() {
            Ok(Some(cell)) => {
                let (row, column) = cell.get_position();
                Ok(Some((row, column, raw_cell(cell.get_value()))))
            }
            Ok(None) => {
                self.exhausted = true;
                Ok(None)
            }
            Err(error) => Err(ReadProblem {
                line: self.last_line + 1,
                code: "read_error",
                message: describe(&error),
            }),
        }
    }

    /// The cells of the next row that has any, by column index.
    fn next_row(&mut self) -> Result<Option<RawRecord>, ReadProblem> {
        let Some((row, column, cell)) = self.next_cell()? else {
            return Ok(None);
        };
        let mut cells = Vec::new();
        place(&mut cells, column, cell);
        while let Some((next_row, column, cell)) = self.next_cell()? {
            if next_row != row {
                self.pending = Some((next_row, column, cell));
                break;
            }
            place(&mut cells, column, cell);
        }
        self.last_line = u64::from(row) + 1;
        Ok(Some(RawRecord {
            line: self.last_line,
            cells,
        }))
    }
}

fn place(cells: &mut Vec<RawCell>, column: u32, cell: RawCell) {
    let index = column as usize;
    if cells.len() <= index {
        cells.resize(index + 1, RawCell::Empty);
    }
    cells[index] = cell;
}

impl RecordReader for XlsxRecords<'_> {
    fn fixed_width(&self) -> bool {
        false
    }

    fn next_record(&mut self) -> Option<Result<RawRecord, ReadProblem>> {
        while !self.done {
            match self.next_row() {
                Ok(Some(record)) if record.cells.iter().all(RawCell::is_blank) => continue,
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => self.done = true,
                Err(problem) => {
                    self.done = true;
                    return Some(Err(problem));
                }
            }
        }
        None
    }
}

/// Keeps the cell's type: only the column knows how a number or a date is to be read.
fn raw_cell(value: &DataRef<'_>) -> RawCell {
    match value {
        DataRef::Empty => RawCell::Empty,
        DataRef::String(text) => RawCell::Text(text.clone()),
        DataRef::SharedString(text) => RawCell::Text((*text).to_owned()),
        DataRef::Int(number) => RawCell::Int(*number),
        DataRef::Float(number) => RawCell::Float(*number),
        DataRef::Bool(flag) => RawCell::Bool(*flag),
        DataRef::DateTime(moment) if moment.is_duration() => {
            RawCell::Unusable("en varighed".to_owned())
        }
        DataRef::DateTime(moment) => {
            let (year, month, day, hour, minute, second, milli) = moment.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
                .and_then(|date| {
                    date.and_hms_milli_opt(hour.into(), minute.into(), second.into(), milli.into())
                })
                .map_or_else(
                    || RawCell::Unusable("en dato, som Excel ikke kan vise".to_owned()),
                    RawCell::DateTime,
                )
        }
        DataRef::DateTimeIso(text) => NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .map(|date| date.and_time(chrono::NaiveTime::MIN))
            })
            .map_or_else(|| RawCell::Text(text.clone()), RawCell::DateTime),
        DataRef::DurationIso(_) => RawCell::Unusable("en varighed".to_owned()),
        DataRef::Error(error) => RawCell::Unusable(format!("fejlen `{error}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn excel_dates_become_calendar_dates() {
        let moment = ExcelDateTime::new(45351.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            raw_cell(&DataRef::DateTime(moment)),
            RawCell::DateTime(
                NaiveDate::from_ymd_opt(2024, 2, 29)
                    .unwrap()
                    .and_time(chrono::NaiveTime::MIN)
            )
        );
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert!(matches!(
            raw_cell(&DataRef::DateTime(duration)),
            RawCell::Unusable(_)
        ));
    }

    #[test]
    fn iso_dates_are_read_and_other_text_kept() {
        assert_eq!(
            raw_cell(&DataRef::DateTimeIso("2025-03-01".into())),
            RawCell::DateTime(
                NaiveDate::from_ymd_opt(2025, 3, 1)
                    .unwrap()
                    .and_time(chrono::NaiveTime::MIN)
            )
        );
        assert_eq!(
            raw_cell(&DataRef::DateTimeIso("PT1H".into())),
            RawCell::Text("PT1H".into())
        );
    }

    #[test]
    fn error_cells_are_unusable() {
        assert_eq!(
            raw_cell(&DataRef::Error(calamine::CellErrorType::Div0)),
            RawCell::Unusable("fejlen `#DIV/0!`".into())
        );
    }
}
