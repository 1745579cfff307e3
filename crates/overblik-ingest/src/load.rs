//! Pass 2: stream the rows of a validated source into a target, table by table.
//!
//! The target is a trait so that this crate never touches a database: the CLI implements it
//! over the store (inside one transaction), tests over a `Vec`.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use overblik_domain::{Row, TableSpec};

use crate::issue::{Issue, NO_COLUMN};
use crate::scan::{Scanned, scan_table};
use crate::walk::{Entry, walk};
use crate::{Source, Validation};

/// Where pass 2 puts the rows.
pub trait ImportTarget {
    type Error: std::error::Error + Send + Sync + 'static;
    /// Called before the first row of a present table (also when it has no rows).
    fn begin_table(&mut self, spec: &'static TableSpec) -> Result<(), Self::Error>;
    /// One row, its values in the column order of `spec`.
    fn write_row(&mut self, spec: &'static TableSpec, row: &Row) -> Result<(), Self::Error>;
    fn end_table(&mut self, spec: &'static TableSpec) -> Result<(), Self::Error>;
}

/// Why pass 2 stopped. Whatever the target received must then be discarded (rolled back).
#[derive(Debug, thiserror::Error)]
pub enum LoadError<E: std::error::Error + 'static> {
    #[error("kilden har valideringsfejl; ret dem og valider igen før indlæsning")]
    NotValid,
    /// The source no longer reads as it did in pass 1; it was changed in between.
    #[error("kilden er ændret efter valideringen: {issue}")]
    SourceChanged { issue: Box<Issue> },
    #[error("kilden er ændret efter valideringen: `{table}` havde {validated} rækker, nu {loaded}")]
    RowCountChanged {
        table: &'static str,
        validated: u64,
        loaded: u64,
    },
    #[error("kilden er ændret efter valideringen: `{table}` findes ikke længere")]
    TableMissing { table: &'static str },
    #[error("kunne ikke skrive `{table}` til målet")]
    Target {
        table: &'static str,
        #[source]
        source: E,
    },
}

/// Pass 2: streams the rows of every present table, in [`overblik_domain::TABLES`] order, into
/// `target`. Call it only after `validation` (of this very source) found no errors: anything
/// found now is an error, because it means the source changed in between.
pub fn load<T: ImportTarget>(
    source: &Source,
    validation: &Validation,
    target: &mut T,
) -> Result<(), LoadError<T::Error>> {
    if validation.has_errors() {
        return Err(LoadError::NotValid);
    }
    let mut outcome = Ok(());
    let mut loaded_tables = Vec::new();
    walk(source, &mut |entry| {
        if outcome.is_err() {
            return;
        }
        outcome = match entry {
            Entry::Table {
                spec,
                file,
                records,
            } => {
                loaded_tables.push(spec.name);
                load_table(spec, &file, records, validation, target)
            }
            Entry::Unreadable { file, problem, .. } => Err(LoadError::SourceChanged {
                issue: Box::new(problem.into_issue(&file)),
            }),
            Entry::Broken { problem } => Err(LoadError::SourceChanged {
                issue: Box::new(problem.into_issue("-")),
            }),
            Entry::Absent { .. } | Entry::Stray { .. } => Ok(()),
        };
    });
    outcome?;
    if let Some(spec) = validation
        .tables
        .iter()
        .find(|spec| !loaded_tables.contains(&spec.name))
    {
        return Err(LoadError::TableMissing { table: spec.name });
    }
    Ok(())
}

fn load_table<T: ImportTarget>(
    spec: &'static TableSpec,
    file: &str,
    records: &mut dyn crate::raw::RecordReader,
    validation: &Validation,
    target: &mut T,
) -> Result<(), LoadError<T::Error>> {
    let target_error = |source| LoadError::Target {
        table: spec.name,
        source,
    };
    let Some(validated) = validation.row_count(spec.name) else {
        // A table that appeared after validation was never checked: refuse it.
        return Err(LoadError::SourceChanged {
            issue: Box::new(Issue::error(
                file,
                1,
                NO_COLUMN,
                "new_table",
                "tabellen fandtes ikke, da kilden blev valideret",
            )),
        });
    };
    target.begin_table(spec).map_err(target_error)?;
    let mut outcome = Ok(());
    // The plausibility checks that depend on the date only give warnings, and warnings were
    // reported in pass 1, so any date will do here.
    let summary = scan_table(spec, file, records, NaiveDate::MAX, &mut |scanned| {
        outcome = match scanned {
            Scanned::Issue(issue) if issue.is_error() => Err(LoadError::SourceChanged {
                issue: Box::new(issue),
            }),
            Scanned::Issue(_) => Ok(()),
            Scanned::Row { row, .. } => target.write_row(spec, &row).map_err(target_error),
        };
        if outcome.is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    outcome?;
    if summary.rows != validated {
        return Err(LoadError::RowCountChanged {
            table: spec.name,
            validated,
            loaded: summary.rows,
        });
    }
    target.end_table(spec).map_err(target_error)
}
