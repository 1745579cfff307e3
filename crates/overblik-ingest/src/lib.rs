#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cross_row;
mod csv_read;
mod export;
mod goal_limit;
mod index;
mod issue;
mod layout;
mod load;
mod overlap;
mod raw;
mod scan;
mod snapshot;
mod source;
mod validate;
mod walk;
mod xlsx_read;

pub use export::{
    ExportError, ExportFormat, ExportSource, ExportSummary, UnknownExportFormat, export,
};
pub use issue::{Issue, IssueSeverity, NO_COLUMN};
pub use load::{ImportTarget, LoadError, load};
pub use source::{Source, SourceError};
pub use validate::{Validation, validate};

/// Keys already in the store: a reference in an import may resolve to one of them.
pub trait KnownKeys {
    /// Whether `table` holds a row with `key` (the text of [`overblik_domain::TableSpec::key_of`]).
    fn contains(&self, table: &str, key: &str) -> bool;
}

/// No stored keys: every reference must resolve within the import itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoKnownKeys;

impl KnownKeys for NoKnownKeys {
    fn contains(&self, _table: &str, _key: &str) -> bool {
        false
    }
}
