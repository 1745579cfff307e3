//! Writing every table of the format from a row source (the store) to CSV files or a workbook.
//!
//! The output is the interchange format v1 itself, so an export can be imported again and gives
//! the same values; and it is deterministic, so the same data gives byte-identical files.

mod csv;
mod xlsx;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use overblik_domain::{Row, TABLES, TableSpec};

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A folder with one `<table>.csv` per table.
    Csv,
    /// One workbook with one sheet per table.
    Xlsx,
}

/// An export format name that is neither `csv` nor `xlsx`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ukendt eksportformat `{0}`; brug `csv` eller `xlsx`")]
pub struct UnknownExportFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownExportFormat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            _ => Err(UnknownExportFormat(text.to_owned())),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        })
    }
}

/// Where the rows of an export come from (the CLI implements it over the store).
pub trait ExportSource {
    type Error: std::error::Error + Send + Sync + 'static;
    /// Calls `f` with every row of `spec`, in the order they should appear in the file, and
    /// stops at the first error `f` returns.
    fn for_each_row(
        &mut self,
        spec: &'static TableSpec,
        f: &mut dyn FnMut(Row) -> Result<(), Self::Error>,
    ) -> Result<(), Self::Error>;

    /// Whether the export writes `spec`: every table, unless the source stands for a case
    /// system's export, which has none of the tables entered in overblik ([`TableSpec::entered`]).
    /// Those files are then left out rather than written empty: importing an empty snapshot file
    /// would delete what the users entered.
    fn includes(&self, _spec: &TableSpec) -> bool {
        true
    }
}

/// What an export wrote: the number of rows of every table, in [`TABLES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub tables: Vec<(&'static str, u64)>,
}

/// Why an export failed. The output may then be incomplete and must not be used.
#[derive(Debug, thiserror::Error)]
pub enum ExportError<E: std::error::Error + 'static> {
    #[error("kunne ikke skrive `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kunne ikke skrive projektmappen `{}`", path.display())]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("kunne ikke læse rækkerne i `{table}`")]
    Source {
        table: &'static str,
        #[source]
        source: E,
    },
    /// The source gave a row that does not fit the table (a bug in the source).
    #[error("en række i `{table}` har {values} værdier, men tabellen har {columns} kolonner")]
    RowShape {
        table: &'static str,
        values: usize,
        columns: usize,
    },
}

/// Writes every table of [`TABLES`]: as CSV, `out` is a folder (created if missing) with one
/// `<table>.csv` per table, each with its header even when empty; as XLSX, `out` is a workbook
/// with one sheet per table.
pub fn export<S: ExportSource>(
    format: ExportFormat,
    out: &Path,
    source: &mut S,
) -> Result<ExportSummary, ExportError<S::Error>> {
    match format {
        ExportFormat::Csv => csv::export(out, source),
        ExportFormat::Xlsx => xlsx::export(out, source),
    }
}

/// Feeds the rows of `spec` to `write`, turning the three kinds of failure into one error.
///
/// `for_each_row` can only be stopped with the source's own error type, which a write failure
/// is not; so after one, the remaining rows are skipped and the failure is returned at the end.
fn for_each_row<S: ExportSource, W>(
    source: &mut S,
    spec: &'static TableSpec,
    mut write: impl FnMut(&Row) -> Result<(), W>,
    wrap: impl Fn(W) -> ExportError<S::Error>,
) -> Result<u64, ExportError<S::Error>> {
    let mut rows = 0;
    let mut failure = None;
    source
        .for_each_row(spec, &mut |row| {
            if failure.is_some() {
                return Ok(());
            }
            if row.0.len() != spec.columns.len() {
                failure = Some(ExportError::RowShape {
                    table: spec.name,
                    values: row.0.len(),
                    columns: spec.columns.len(),
                });
                return Ok(());
            }
            match write(&row) {
                Ok(()) => rows += 1,
                Err(error) => failure = Some(wrap(error)),
            }
            Ok(())
        })
        .map_err(|source| ExportError::Source {
            table: spec.name,
            source,
        })?;
    match failure {
        Some(failure) => Err(failure),
        None => Ok(rows),
    }
}

fn all_tables<S: ExportSource>(source: &S) -> Vec<&'static TableSpec> {
    TABLES
        .iter()
        .copied()
        .filter(|spec| source.includes(spec))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_parsed_from_their_names() {
        assert_eq!("csv".parse(), Ok(ExportFormat::Csv));
        assert_eq!("XLSX".parse(), Ok(ExportFormat::Xlsx));
        assert_eq!(
            "ods".parse::<ExportFormat>().unwrap_err().to_string(),
            "ukendt eksportformat `ods`; brug `csv` eller `xlsx`"
        );
        assert_eq!(ExportFormat::Xlsx.to_string(), "xlsx");
    }
}
