//! The validation index: the keys of every table read so far, with the line each is on.
//!
//! This is all that pass 1 keeps in memory; rows themselves are dropped once checked. Duplicate
//! keys and references are answered from here.

use std::collections::{HashMap, HashSet};

use overblik_domain::{ColumnKind, Row, TableSpec, Value, format_cell};

use crate::KnownKeys;

/// Keys per table, and which tables could not be read completely.
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    keys: HashMap<&'static str, HashMap<String, u64>>,
    /// Tables with keys missing from the index (unreadable file, no key column): references into
    /// them are not checked, because every one of them would be reported as unresolved.
    incomplete: HashSet<&'static str>,
}

/// Whether a reference resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolution {
    Resolved,
    Unresolved,
    /// The target's keys are not all known; nothing can be said.
    Unchecked,
}

impl KeyIndex {
    /// Records the key of a row; on a duplicate, the line of the earlier row.
    pub fn insert(&mut self, table: &'static str, key: String, line: u64) -> Option<u64> {
        match self.keys.entry(table).or_default().entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                None
            }
        }
    }

    pub fn mark_incomplete(&mut self, table: &'static str) {
        self.incomplete.insert(table);
    }

    /// Resolves `key` against this import first, then against the store.
    pub fn resolve(&self, table: &'static str, key: &str, known: &dyn KnownKeys) -> Resolution {
        if self
            .keys
            .get(table)
            .is_some_and(|keys| keys.contains_key(key))
            || known.contains(table, key)
        {
            Resolution::Resolved
        } else if self.incomplete.contains(table) {
            Resolution::Unchecked
        } else {
            Resolution::Unresolved
        }
    }
}

/// The key of `row` if every required key part has a value (a missing part was reported).
pub(crate) fn row_key(spec: &TableSpec, row: &Row) -> Option<String> {
    spec.key_indices()
        .all(|index| !(spec.columns[index].required && row.get(index).is_null()))
        .then(|| spec.key_of(row).into_owned())
}

/// The key of `row` as a message shows it: the id itself, or each part with its column name.
/// Returns `None` when a key part is personal data (no table of v1 has one; this guards v2).
pub(crate) fn describe_key(spec: &TableSpec, row: &Row) -> Option<String> {
    let mut parts = Vec::new();
    for index in spec.key_indices() {
        let column = &spec.columns[index];
        if matches!(column.kind, ColumnKind::Name | ColumnKind::Cpr) {
            return None;
        }
        parts.push(match row.get(index) {
            Value::Null => format!("{} tom", column.name),
            value if spec.key.len() == 1 => format!("`{}`", format_cell(value)),
            value => format!("{} `{}`", column.name, format_cell(value)),
        });
    }
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoKnownKeys;
    use overblik_domain::tables::{BUDGETS, CASES};

    #[test]
    fn the_first_line_of_a_key_is_kept() {
        let mut index = KeyIndex::default();
        assert_eq!(index.insert("cases", "C1".into(), 2), None);
        assert_eq!(index.insert("cases", "C1".into(), 7), Some(2));
        assert_eq!(index.insert("cases", "C1".into(), 9), Some(2));
    }

    #[test]
    fn references_resolve_against_the_import_then_the_store() {
        struct Store;
        impl KnownKeys for Store {
            fn contains(&self, table: &str, key: &str) -> bool {
                table == "persons" && key == "P9"
            }
        }
        let mut index = KeyIndex::default();
        index.insert("persons", "P1".into(), 2);
        assert_eq!(
            index.resolve("persons", "P1", &NoKnownKeys),
            Resolution::Resolved
        );
        assert_eq!(index.resolve("persons", "P9", &Store), Resolution::Resolved);
        assert_eq!(
            index.resolve("persons", "P9", &NoKnownKeys),
            Resolution::Unresolved
        );
        index.mark_incomplete("persons");
        assert_eq!(
            index.resolve("persons", "P9", &NoKnownKeys),
            Resolution::Unchecked
        );
    }

    #[test]
    fn composite_keys_are_described_part_by_part() {
        let row = Row(vec![
            Value::Int(2025),
            Value::Text("U1".into()),
            Value::Text("5.28.21".into()),
            Value::Null,
            Value::Int(1),
            Value::Null,
        ]);
        assert_eq!(
            describe_key(&BUDGETS, &row).unwrap(),
            "year `2025`, unit_id `U1`, account `5.28.21`, measure_type tom"
        );
        assert!(row_key(&BUDGETS, &row).is_some());
        let case = Row(vec![Value::Null; CASES.columns.len()]);
        assert_eq!(row_key(&CASES, &case), None);
    }
}
