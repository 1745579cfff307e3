//! Writes the workbook fixtures of `test_data/` (run after changing the CSV fixtures):
//!
//! ```text
//! cargo run -p overblik-ingest --example fixture_workbooks
//! ```
//!
//! - `valid.xlsx`: `valid/` imported and exported again with this crate's own XLSX exporter, so
//!   it has typed cells (dates, numbers, booleans) as a spreadsheet user's file would.
//! - `broken/missing-sheet.xlsx`: the tables of `valid-minimal/` except `cases`, every cell a
//!   string, as a hand-made workbook would be.

use std::path::Path;

use chrono::NaiveDate;
use overblik_domain::Snapshot;
use overblik_ingest::{ExportFormat, NoKnownKeys, Source, export, load, validate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let test_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    let source = Source::open(&test_data.join("valid"))?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
    let validation = validate(&source, &NoKnownKeys, today);
    if validation.has_errors() {
        for issue in &validation.issues {
            eprintln!("{issue}");
        }
        return Err("valid/ does not validate".into());
    }
    let mut snapshot = Snapshot::default();
    load(&source, &validation, &mut snapshot)?;
    export(
        ExportFormat::Xlsx,
        &test_data.join("valid.xlsx"),
        &mut &snapshot,
    )?;

    let minimal = test_data.join("valid-minimal");
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    for table in ["org_units", "staff", "persons"] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(minimal.join(format!("{table}.csv")))?;
        for (row, record) in reader.records().enumerate() {
            for (column, cell) in record?.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(u32::try_from(row)?, u16::try_from(column)?, cell)?;
                }
            }
        }
    }
    workbook.save(test_data.join("broken").join("missing-sheet.xlsx"))?;
    Ok(())
}
