//! Which files of the interchange format a municipality has supplied, and when each was last
//! imported. A figure whose input file is absent is "not available", never 0
//! (key-figures.md), and every report states how fresh its data is.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::TABLES;

/// The supply state of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableSource {
    /// The table's name (as in `TABLES`).
    pub table: &'static str,
    /// Whether any import has contained the file (an empty file counts as supplied).
    pub present: bool,
    /// When the file was last imported.
    pub last_imported_at: Option<DateTime<Utc>>,
}

/// The supply state of every table, in `TABLES` order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sources {
    tables: Vec<TableSource>,
}

impl Sources {
    /// Every table supplied, with no import time (data built in memory: tests, benchmarks,
    /// generated data).
    pub fn all_present() -> Sources {
        Sources {
            tables: TABLES
                .iter()
                .map(|spec| TableSource {
                    table: spec.name,
                    present: true,
                    last_imported_at: None,
                })
                .collect(),
        }
    }

    /// Builds the state from the imports' records: `(table, imported_at)` for every table of
    /// every committed import, in any order.
    pub fn from_imports<'a>(
        imports: impl IntoIterator<Item = (&'a str, DateTime<Utc>)>,
    ) -> Sources {
        let mut sources = Sources {
            tables: TABLES
                .iter()
                .map(|spec| TableSource {
                    table: spec.name,
                    present: false,
                    last_imported_at: None,
                })
                .collect(),
        };
        for (table, at) in imports {
            if let Some(source) = sources.tables.iter_mut().find(|s| s.table == table) {
                source.present = true;
                source.last_imported_at = source.last_imported_at.max(Some(at));
            }
        }
        sources
    }

    /// Marks `table` as not supplied (tests of "not available").
    pub fn without(mut self, table: &str) -> Sources {
        for source in self.tables.iter_mut().filter(|s| s.table == table) {
            source.present = false;
            source.last_imported_at = None;
        }
        self
    }

    pub fn has(&self, table: &str) -> bool {
        self.tables.iter().any(|s| s.table == table && s.present)
    }

    pub fn tables(&self) -> &[TableSource] {
        &self.tables
    }
}
