//! Visits what a source holds, table by table in [`TABLES`] order, for both passes.
//!
//! Validation and loading must see exactly the same tables and records; walking a source in
//! one place is how that is kept true for both formats.

use overblik_domain::{TABLES, TableSpec};

use crate::Source;
use crate::csv_read::{self, CsvRecords};
use crate::raw::{ReadProblem, RecordReader};
use crate::xlsx_read::{self, XlsxRecords};

/// One thing found (or not found) in a source.
pub(crate) enum Entry<'r> {
    /// A table that is present, with its records (header first).
    Table {
        spec: &'static TableSpec,
        file: String,
        records: &'r mut dyn RecordReader,
    },
    /// A table that is present but cannot be opened.
    Unreadable {
        spec: &'static TableSpec,
        file: String,
        problem: ReadProblem,
    },
    /// A table that is not in the source.
    Absent {
        spec: &'static TableSpec,
        file: String,
    },
    /// A file or sheet that is not a table of the format.
    Stray { name: String },
    /// The source itself cannot be read (an unreadable folder, a damaged workbook).
    Broken { problem: ReadProblem },
}

/// The name issues use for `spec` in `source`: the file name, or the sheet name.
pub(crate) fn file_label(source: &Source, spec: &TableSpec) -> String {
    match source {
        Source::CsvFolder(_) => spec.file_name(),
        Source::Xlsx(_) => spec.name.to_owned(),
    }
}

/// Calls `visit` for every table of [`TABLES`] in order, then for every stray file or sheet.
pub(crate) fn walk(source: &Source, visit: &mut dyn FnMut(Entry<'_>)) {
    match source {
        Source::CsvFolder(dir) => walk_folder(source, dir, visit),
        Source::Xlsx(path) => walk_workbook(source, path, visit),
    }
}

fn broken(message: String) -> ReadProblem {
    ReadProblem {
        line: 1,
        code: "unreadable_source",
        message,
    }
}

fn walk_folder(source: &Source, dir: &std::path::Path, visit: &mut dyn FnMut(Entry<'_>)) {
    let listing = match csv_read::list_folder(dir) {
        Ok(listing) => listing,
        Err(error) => {
            let message = format!("mappen kan ikke læses: {error}");
            return visit(Entry::Broken {
                problem: broken(message),
            });
        }
    };
    for spec in TABLES.iter().copied() {
        let file = file_label(source, spec);
        let Some((_, path)) = listing.tables.iter().find(|(table, _)| *table == spec) else {
            visit(Entry::Absent { spec, file });
            continue;
        };
        match CsvRecords::open(path) {
            Ok(mut records) => visit(Entry::Table {
                spec,
                file,
                records: &mut records,
            }),
            Err(error) => visit(Entry::Unreadable {
                spec,
                file,
                problem: ReadProblem {
                    line: 1,
                    code: "read_error",
                    message: format!("filen kan ikke læses: {error}"),
                },
            }),
        }
    }
    for name in listing.others {
        visit(Entry::Stray { name });
    }
}

fn walk_workbook(source: &Source, path: &std::path::Path, visit: &mut dyn FnMut(Entry<'_>)) {
    let mut workbook = match xlsx_read::open(path) {
        Ok(workbook) => workbook,
        Err(reason) => {
            return visit(Entry::Broken {
                problem: broken(reason),
            });
        }
    };
    let listing = xlsx_read::list_sheets(&workbook);
    for spec in TABLES.iter().copied() {
        let file = file_label(source, spec);
        if !listing.tables.contains(&spec) {
            visit(Entry::Absent { spec, file });
            continue;
        }
        match XlsxRecords::open(&mut workbook, spec.name) {
            Ok(mut records) => visit(Entry::Table {
                spec,
                file,
                records: &mut records,
            }),
            Err(message) => visit(Entry::Unreadable {
                spec,
                file,
                problem: ReadProblem {
                    line: 1,
                    code: "read_error",
                    message,
                },
            }),
        }
    }
    for name in listing.others {
        visit(Entry::Stray { name });
    }
}
