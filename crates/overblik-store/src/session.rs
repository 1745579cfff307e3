//! The import session: one open transaction, the key index of what is stored, and the counts of
//! what changed.
//!
//! The key index (per table: key text -> row hash) is loaded once when the session begins. It
//! decides for every row whether to insert, update or skip it without a round trip to the
//! database, and it is the only memory that grows with the amount of stored data. Backends only
//! execute the writes ([`Writer`]); all decisions are made here, once for both.

use std::collections::HashMap;

use overblik_domain::{Row, TABLES, TableSpec, Value};

use crate::keys::CprKeys;
use crate::layout::{Stored, check_row, encode_row, stored_key_values};
use crate::summary::{ImportSource, ImportSummary, TableSummary, now_text, table_position};
use crate::{StoreError, hashing};

/// How many rows of deleted keys are handed to the backend at once.
const DELETE_CHUNK: usize = 50_000;

/// The writes of one backend inside one transaction. Dropping it without `commit` rolls back.
pub(crate) trait Writer {
    /// Calls `sink` with the key text and row hash of every stored row of `spec`.
    fn load_index(
        &mut self,
        spec: &'static TableSpec,
        sink: &mut dyn FnMut(String, [u8; 32]),
    ) -> Result<(), StoreError>;
    /// Inserts a row whose key is not stored (the backend may buffer it until `flush`).
    fn insert(&mut self, spec: &'static TableSpec, row: &[Stored<'_>]) -> Result<(), StoreError>;
    /// Replaces every column of the stored row with the same key (may be buffered).
    fn update(&mut self, spec: &'static TableSpec, row: &[Stored<'_>]) -> Result<(), StoreError>;
    /// Applies every buffered write of `spec`.
    fn flush(&mut self, spec: &'static TableSpec) -> Result<(), StoreError>;
    /// Deletes the rows with these keys (stored key values in key order).
    fn delete(
        &mut self,
        spec: &'static TableSpec,
        keys: &[Vec<Stored<'static>>],
    ) -> Result<(), StoreError>;
    /// Called before the first write when every data table is empty (a first import): the
    /// backend may switch to a faster way of checking references, as long as every reference is
    /// still checked before COMMIT.
    fn begin_bulk_load(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Records the import in `import_batches` and `import_batch_tables`.
    fn record(
        &mut self,
        source: &ImportSource,
        summary: &ImportSummary,
        imported_at: &str,
    ) -> Result<(), StoreError>;
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
    fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}

/// The index's map type. foldhash instead of SipHash: the lookup is the hottest spot of an
/// import; its per-process random seed still keeps crafted ids from degrading the map.
type KeyMap = HashMap<Box<str>, IndexEntry, foldhash::fast::RandomState>;

/// What the index knows about one stored row.
struct IndexEntry {
    hash: [u8; 32],
    /// Written in this session (snapshot tables delete the rest at `end_table`).
    seen: bool,
}

/// One import inside one transaction. Dropping it without [`ImportSession::commit`] rolls
/// everything back.
pub struct ImportSession<'a> {
    writer: Box<dyn Writer + 'a>,
    cpr_keys: &'a CprKeys,
    index: HashMap<&'static str, KeyMap>,
    /// By position in `TABLES`; `Some` for every table begun in this session.
    summaries: Vec<Option<TableSummary>>,
    /// The table being written and its position in `TABLES`.
    open_table: Option<(&'static TableSpec, usize)>,
}

impl<'a> ImportSession<'a> {
    /// Loads the key index of every table through `writer`.
    pub(crate) fn start(
        mut writer: Box<dyn Writer + 'a>,
        cpr_keys: &'a CprKeys,
    ) -> Result<Self, StoreError> {
        let mut index = HashMap::with_capacity(TABLES.len());
        for spec in TABLES {
            let mut table_index = KeyMap::default();
            writer.load_index(spec, &mut |key, hash| {
                table_index.insert(key.into_boxed_str(), IndexEntry { hash, seen: false });
            })?;
            index.insert(spec.name, table_index);
        }
        if index.values().all(KeyMap::is_empty) {
            writer.begin_bulk_load()?;
        }
        Ok(Self {
            writer,
            cpr_keys,
            index,
            summaries: vec![None; TABLES.len()],
            open_table: None,
        })
    }
}

impl ImportSession<'_> {
    /// Whether a row with this key (as [`TableSpec::key_of`] writes it) is stored, including
    /// rows written earlier in this session.
    pub fn contains_key(&self, table: &str, key: &str) -> bool {
        self.index
            .get(table)
            .is_some_and(|table_index| table_index.contains_key(key))
    }

    /// Starts writing `spec`. One table is open at a time.
    pub fn begin_table(&mut self, spec: &'static TableSpec) -> Result<(), StoreError> {
        if let Some((open, _)) = self.open_table {
            return Err(StoreError::Misuse(format!(
                "`{}` was begun while `{}` is still open",
                spec.name, open.name
            )));
        }
        let position = position_of(spec)?;
        self.summaries[position].get_or_insert_with(|| TableSummary::new(spec.name));
        self.open_table = Some((spec, position));
        Ok(())
    }

    /// Inserts, updates or skips one row of the open table, by its key and row hash.
    pub fn write_row(&mut self, spec: &'static TableSpec, row: &Row) -> Result<(), StoreError> {
        let position = self.expect_open(spec)?;
        check_row(spec, row)?;
        let cpr_hash = row.0.iter().find_map(|value| match value {
            Value::Cpr(cpr) => Some(self.cpr_keys.hash(cpr)),
            _ => None,
        });
        let hash = hashing::row_hash(spec, row, cpr_hash.as_ref());
        let key = spec.key_of(row);
        let summary = self.summaries[position]
            .as_mut()
            .expect("an open table has a summary");
        let table_index = self
            .index
            .get_mut(spec.name)
            .expect("the index has every table");
        match table_index.get_mut(key.as_ref()) {
            None => {
                let stored = encode_row(spec, row, self.cpr_keys, cpr_hash, hash);
                self.writer.insert(spec, &stored)?;
                table_index.insert(
                    key.into_owned().into_boxed_str(),
                    IndexEntry { hash, seen: true },
                );
                summary.inserted += 1;
            }
            Some(entry) if entry.hash == hash => {
                entry.seen = true;
                summary.unchanged += 1;
            }
            Some(entry) => {
                if entry.seen {
                    // The same key twice in one session: the earlier write may still sit in a
                    // backend buffer, and must land before this one replaces it.
                    self.writer.flush(spec)?;
                }
                let stored = encode_row(spec, row, self.cpr_keys, cpr_hash, hash);
                self.writer.update(spec, &stored)?;
                entry.hash = hash;
                entry.seen = true;
                summary.updated += 1;
            }
        }
        Ok(())
    }

    /// Finishes the open table; for a snapshot table, deletes the stored rows it did not contain.
    pub fn end_table(&mut self, spec: &'static TableSpec) -> Result<(), StoreError> {
        let position = self.expect_open(spec)?;
        self.writer.flush(spec)?;
        if spec.is_snapshot() {
            let removed = self.remove_unseen(spec)?;
            if let Some(summary) = self.summaries[position].as_mut() {
                summary.removed += removed;
            }
        }
        self.open_table = None;
        Ok(())
    }

    fn remove_unseen(&mut self, spec: &'static TableSpec) -> Result<u64, StoreError> {
        let table_index = self
            .index
            .get_mut(spec.name)
            .expect("the index has every table");
        let unseen: Vec<Box<str>> = table_index
            .iter()
            .filter(|(_, entry)| !entry.seen)
            .map(|(key, _)| key.clone())
            .collect();
        for chunk in unseen.chunks(DELETE_CHUNK) {
            let keys = chunk
                .iter()
                .map(|key| stored_key_values(spec, key))
                .collect::<Result<Vec<_>, _>>()?;
            self.writer.delete(spec, &keys)?;
        }
        for key in &unseen {
            table_index.remove(key);
        }
        Ok(unseen.len() as u64)
    }

    /// Ends an open table, records the import and commits. Returns what changed.
    pub fn commit(mut self, source: &ImportSource) -> Result<ImportSummary, StoreError> {
        if let Some((open, _)) = self.open_table {
            self.end_table(open)?;
        }
        // `summaries` is indexed by position in `TABLES`, so this is `TABLES` order.
        let tables: Vec<TableSummary> = self.summaries.iter().flatten().cloned().collect();
        let summary = ImportSummary { tables };
        self.writer.record(source, &summary, &now_text())?;
        self.writer.commit()?;
        Ok(summary)
    }

    /// Discards everything written in this session (dropping the session does the same).
    pub fn rollback(self) -> Result<(), StoreError> {
        self.writer.rollback()
    }

    /// Checks that `spec` is the open table; returns its position in `TABLES`.
    fn expect_open(&self, spec: &'static TableSpec) -> Result<usize, StoreError> {
        match self.open_table {
            Some((open, position)) if open.name == spec.name => Ok(position),
            Some((open, _)) => Err(StoreError::Misuse(format!(
                "a row for `{}` while `{}` is open",
                spec.name, open.name
            ))),
            None => Err(StoreError::Misuse(format!(
                "a row for `{}` before begin_table",
                spec.name
            ))),
        }
    }
}

fn position_of(spec: &'static TableSpec) -> Result<usize, StoreError> {
    Some(table_position(spec.name))
        .filter(|position| *position != usize::MAX)
        .ok_or_else(|| StoreError::Misuse(format!("`{}` is not a table of TABLES", spec.name)))
}
