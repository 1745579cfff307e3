//! Data quality ("Datakvalitet"): what `overblik quality` prints and every report ends with.
//!
//! Four parts, all as of T (the end of a day, Europe/Copenhagen):
//!
//! - **freshness**: per table of the format, whether the file was supplied, when it was last
//!   imported and how many rows it has;
//! - **completeness**: per optional column a key figure needs, on how many of the rows that
//!   should have it by T it is filled ([`completeness::COLUMNS`] states the rule per column);
//! - **contradictions**: rows whose dates or references cannot all be true (assessed before
//!   received, a payment for a month the measure was not active, …), with up to five example
//!   ids ([`contradiction_kinds`] lists every check);
//! - **exclusions**: for each figure, the source rows it left out and why ([`section`] takes
//!   them from the figures, which report them as [`Exclusion`]s).
//!
//! Only facts by T count, as for the figures (key-figures.md): a row exists by T when its own
//! date (received_at, aware_at, start_date, opened_at, month, …) is on or before T, and a
//! contradiction counts when every date it compares is on or before T (one that depends on a
//! later date is not yet a fact). A table whose file was not supplied is not assessed: the
//! figures that need it say "not available" instead.
//!
//! Pure and cheap: one pass per table, id maps built once, no allocation per row (examples are
//! formatted only while fewer than five have been kept).

mod completeness;
mod contradictions;
mod section;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::Snapshot;
use crate::obligations::AsOf;
use crate::sources::Sources;

pub use completeness::{COLUMNS, ColumnRule, Delay, Expected, Only};
pub use contradictions::{ContradictionKind, MAX_EXAMPLES, contradiction_kinds};
pub use section::section;

#[cfg(doc)]
use crate::figures::Exclusion;

/// The data-quality assessment of one municipality's data as of T.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    /// T: the assessment covers what had happened by the end of this day.
    pub as_of: NaiveDate,
    /// Every table of the format that a source system supplies, in `TABLES` order.
    pub freshness: Vec<Freshness>,
    /// Every rule of [`COLUMNS`] whose table was supplied, in that order.
    pub completeness: Vec<Completeness>,
    /// Every kind of contradiction found at least once, in the order of
    /// [`contradiction_kinds`].
    pub contradictions: Vec<Contradiction>,
}

/// When a table was last imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Freshness {
    pub table: &'static str,
    /// Whether the file has been supplied (an absent file makes its figures "not available").
    pub present: bool,
    /// When the file was last imported (`None`: never, or data built in memory).
    pub last_imported_at: Option<DateTime<Utc>>,
    /// Rows of the table (all rows held, whatever their dates).
    pub rows: u64,
}

/// How completely an optional column that figures need is filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub table: &'static str,
    pub column: &'static str,
    /// The figures that use the column, e.g. `["KF03", "KF04"]`.
    pub needed_by: &'static [&'static str],
    /// Rows of `rows` on which the column is filled (a date or timestamp only when it is on or
    /// before T).
    pub filled: u64,
    /// Rows on which the column is expected by T (the column's rule in [`COLUMNS`]).
    pub rows: u64,
}

/// Rows of one table that contradict themselves or the rows they refer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contradiction {
    /// Stable code, e.g. `assessed_before_received`.
    pub code: &'static str,
    /// The table whose rows are counted (and whose ids are the examples).
    pub table: &'static str,
    /// What is wrong, in Danish.
    pub label_da: &'static str,
    pub rows: u64,
    /// Ids of the first rows found (at most [`MAX_EXAMPLES`]): pseudonymous ids from the source
    /// system, never a CPR number or a name. A table without an id column shows its key joined
    /// by `/` (e.g. `C1/2025-01-01` for an assignment).
    pub examples: Vec<String>,
}

/// Assesses the data as of T. See the module documentation for what counts.
pub fn assess(snapshot: &Snapshot, sources: &Sources, as_of: AsOf) -> Quality {
    // Both in `TABLES` order. Tables entered in overblik have no source system to be fresh.
    let freshness = sources
        .tables()
        .iter()
        .zip(snapshot.row_counts())
        .zip(crate::TABLES)
        .filter(|(_, spec)| !spec.entered)
        .map(|((source, (table, rows)), _)| {
            debug_assert_eq!(source.table, table);
            Freshness {
                table: source.table,
                present: source.present,
                last_imported_at: source.last_imported_at,
                rows: rows as u64,
            }
        })
        .collect();
    Quality {
        as_of: as_of.date,
        freshness,
        completeness: completeness::assess(snapshot, sources, as_of),
        contradictions: contradictions::assess(snapshot, sources, as_of),
    }
}
