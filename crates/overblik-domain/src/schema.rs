//! The interchange format v1 as data: which tables exist, their columns, keys and references.
//!
//! Importer, store and exporter are all driven by these specs, so a column is described once.

use std::borrow::Cow;

use crate::{Row, Value};

/// What a column holds; decides how a cell is parsed, validated, stored and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// An identifier from the source system.
    Id,
    /// Free text that is not about a person (unit names, provider names, accounts).
    Text,
    /// A person's name: personal data, never echoed in messages.
    Name,
    /// One of a fixed list of codes.
    Code(&'static [&'static str]),
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339 with offset, or Europe/Copenhagen local time without.
    Timestamp,
    /// `YYYY-MM`.
    Month,
    /// Any decimal amount in DKK (may be negative).
    Amount,
    /// A decimal that cannot be negative (weights, capacity, rates, full-year persons).
    NonNegative,
    /// A decimal in 0..=1 (fte, probabilities).
    Fraction,
    /// An integer in `min..=max`.
    Integer { min: i64, max: i64 },
    /// `true/false`, `1/0`, `ja/nej`.
    Bool,
    /// A CPR number: stored only as a keyed hash plus an encrypted value.
    Cpr,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub required: bool,
    /// The table whose key this column refers to.
    pub references: Option<&'static str>,
}

/// One table (one CSV file, one XLSX sheet).
#[derive(Debug, PartialEq, Eq)]
pub struct TableSpec {
    /// The table name; the file is `<name>.csv`, the sheet is `<name>`.
    pub name: &'static str,
    /// Whether every import must contain this file.
    pub required_file: bool,
    /// Whether the rows are entered in overblik (the format's extension tables: case weights,
    /// complexity flags, …) rather than exported by a case or economy system.
    pub entered: bool,
    /// The columns that identify a row (the id column, or a natural key).
    pub key: &'static [&'static str],
    pub columns: &'static [ColumnSpec],
}

/// Separates the parts of a composite key in [`TableSpec::key_of`]; cannot occur in a cell.
pub const KEY_SEPARATOR: char = '\u{1f}';

impl TableSpec {
    /// `<name>.csv`.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// The position of column `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column.name == name)
    }

    /// The positions of the key columns.
    pub fn key_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.key
            .iter()
            .map(|name| self.column_index(name).expect("key column exists"))
    }

    /// The canonical text of a row's key: the id itself, or the key parts joined by
    /// [`KEY_SEPARATOR`] (an absent optional part is empty). A single text id is borrowed, so
    /// the import's hot path allocates nothing for it.
    pub fn key_of<'r>(&self, row: &'r Row) -> Cow<'r, str> {
        if let [name] = self.key
            && let Some(Value::Text(id)) = self.column_index(name).map(|index| row.get(index))
        {
            return Cow::Borrowed(id);
        }
        let mut key = String::new();
        for (n, index) in self.key_indices().enumerate() {
            if n > 0 {
                key.push(KEY_SEPARATOR);
            }
            key.push_str(&crate::format_cell(row.get(index)));
        }
        Cow::Owned(key)
    }

    /// Builds a row from interchange-format cell texts in column order, failing on the first bad
    /// cell with the column's name. For tests and generated data; the importer collects every
    /// problem instead.
    pub fn parse_row(&self, cells: &[&str]) -> Result<Row, String> {
        if cells.len() != self.columns.len() {
            return Err(format!(
                "{}: {} cells for {} columns",
                self.name,
                cells.len(),
                self.columns.len()
            ));
        }
        self.columns
            .iter()
            .zip(cells)
            .map(|(column, text)| {
                crate::parse_cell(column.kind, text)
                    .map(|parsed| parsed.value)
                    .map_err(|error| format!("{}.{}: {error}", self.name, column.name))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Row)
    }

    /// Whether the table has a CPR column (persons only).
    pub fn has_cpr(&self) -> bool {
        self.columns
            .iter()
            .any(|column| column.kind == ColumnKind::Cpr)
    }
}
