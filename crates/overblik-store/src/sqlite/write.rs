//! Writing an import on SQLite: one `BEGIN IMMEDIATE` transaction, and one cached prepared
//! statement per table and kind of write (insert, update, delete).

use std::collections::HashMap;

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior, params, params_from_iter};

use overblik_domain::TableSpec;

use crate::StoreError;
use crate::layout::{Stored, StoredColumn, index_entry, index_sql, quote, stored_columns};
use crate::session::Writer;
use crate::summary::{ImportSource, ImportSummary};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl ToSql for Stored<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Stored::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Stored::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Stored::Int(number) => ToSqlOutput::Borrowed(ValueRef::Integer(*number)),
            Stored::Bool(flag) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*flag))),
            Stored::Blob(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

/// The tables whose references do not resolve, as "`child` -> `parent`" pairs (names only).
fn unresolved_references(connection: &Connection) -> Option<String> {
    let mut statement = connection
        .prepare("SELECT DISTINCT \"table\", parent FROM pragma_foreign_key_check ORDER BY 1, 2")
        .ok()?;
    let pairs: Vec<String> = statement
        .query_map([], |row| {
            Ok(format!(
                "`{}` -> `{}`",
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?
            ))
        })
        .ok()?
        .collect::<rusqlite::Result<_>>()
        .ok()?;
    (!pairs.is_empty()).then(|| pairs.join(", "))
}

/// The statements of one table, built once per session.
struct TableSql {
    insert: String,
    update: String,
    delete: String,
}

impl TableSql {
    fn new(spec: &TableSpec) -> Self {
        let columns = stored_columns(spec);
        let names: Vec<String> = columns.iter().map(|column| quote(&column.name)).collect();
        let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
        // Numbered parameters let insert and update bind the same encoded row.
        let (keys, others): (Vec<_>, Vec<_>) = columns
            .iter()
            .enumerate()
            .partition(|(_, column)| column.is_key);
        let assign = |list: &[(usize, &StoredColumn)]| -> Vec<String> {
            list.iter()
                .map(|(position, column)| format!("{} = ?{}", quote(&column.name), position + 1))
                .collect()
        };
        let key_match: Vec<String> = spec
            .key
            .iter()
            .enumerate()
            .map(|(n, name)| format!("{} = ?{}", quote(name), n + 1))
            .collect();
        Self {
            insert: format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quote(spec.name),
                names.join(", "),
                placeholders.join(", ")
            ),
            update: format!(
                "UPDATE {} SET {} WHERE {}",
                quote(spec.name),
                assign(&others).join(", "),
                assign(&keys).join(" AND ")
            ),
            delete: format!(
                "DELETE FROM {} WHERE {}",
                quote(spec.name),
                key_match.join(" AND ")
            ),
        }
    }
}

/// The writes of one import on SQLite. Dropping the transaction rolls back.
pub(crate) struct SqliteWriter<'a> {
    transaction: rusqlite::Transaction<'a>,
    statements: HashMap<&'static str, TableSql>,
}

/// Starts an import: `BEGIN IMMEDIATE` takes the write lock now, so two imports never
/// interleave, and foreign keys are checked at COMMIT so tables may come in any order.
pub(crate) fn begin(connection: &mut Connection) -> Result<SqliteWriter<'_>> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite("starting the import transaction"))?;
    transaction
        .execute_batch("PRAGMA defer_foreign_keys = ON")
        .map_err(StoreError::sqlite("deferring foreign keys"))?;
    Ok(SqliteWriter {
        transaction,
        statements: HashMap::new(),
    })
}

impl SqliteWriter<'_> {
    fn execute(
        &mut self,
        spec: &'static TableSpec,
        pick: fn(&TableSql) -> &str,
        values: &[Stored<'_>],
        action: &str,
    ) -> Result<()> {
        let sql = self
            .statements
            .entry(spec.name)
            .or_insert_with(|| TableSql::new(spec));
        let context = || format!("{action} a row of `{}`", spec.name);
        // The connection's statement cache keeps one prepared statement per SQL text.
        let mut statement = self
            .transaction
            .prepare_cached(pick(sql))
            .map_err(StoreError::sqlite(context()))?;
        statement
            .execute(params_from_iter(values.iter()))
            .map(|_| ())
            .map_err(StoreError::sqlite(context()))
    }
}

impl Writer for SqliteWriter<'_> {
    fn load_index(
        &mut self,
        spec: &'static TableSpec,
        sink: &mut dyn FnMut(String, [u8; 32]),
    ) -> Result<()> {
        let context = || format!("loading the keys of `{}`", spec.name);
        let mut statement = self
            .transaction
            .prepare(&index_sql(spec))
            .map_err(StoreError::sqlite(context()))?;
        let mut rows = statement.query([]).map_err(StoreError::sqlite(context()))?;
        let mut texts = Vec::with_capacity(spec.key.len());
        while let Some(row) = rows.next().map_err(StoreError::sqlite(context()))? {
            let (key, hash) = index_entry(
                spec,
                &mut texts,
                |i| row.get(i).map_err(StoreError::sqlite(context())),
                |i| row.get(i).map_err(StoreError::sqlite(context())),
            )?;
            sink(key, hash);
        }
        Ok(())
    }

    fn insert(&mut self, spec: &'static TableSpec, row: &[Stored<'_>]) -> Result<()> {
        self.execute(spec, |sql| &sql.insert, row, "inserting")
    }

    fn update(&mut self, spec: &'static TableSpec, row: &[Stored<'_>]) -> Result<()> {
        self.execute(spec, |sql| &sql.update, row, "updating")
    }

    fn flush(&mut self, _spec: &'static TableSpec) -> Result<()> {
        // Every statement has already run; nothing is buffered.
        Ok(())
    }

    fn delete(&mut self, spec: &'static TableSpec, keys: &[Vec<Stored<'static>>]) -> Result<()> {
        for key in keys {
            self.execute(spec, |sql| &sql.delete, key, "deleting")?;
        }
        Ok(())
    }

    fn record(
        &mut self,
        source: &ImportSource,
        summary: &ImportSummary,
        imported_at: &str,
    ) -> Result<()> {
        let context = "recording the import";
        self.transaction
            .execute(
                "INSERT INTO import_batches (imported_at, source_name, source_format, source_sha256, warnings)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    imported_at,
                    source.name,
                    source.format,
                    source.sha256,
                    i64::try_from(source.warnings).unwrap_or(i64::MAX)
                ],
            )
            .map_err(StoreError::sqlite(context))?;
        let batch_id = self.transaction.last_insert_rowid();
        let mut insert = self
            .transaction
            .prepare(
                "INSERT INTO import_batch_tables (batch_id, table_name, inserted, updated, unchanged, removed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(StoreError::sqlite(context))?;
        for table in &summary.tables {
            let [inserted, updated, unchanged, removed] = table.stored_counts();
            insert
                .execute(params![
                    batch_id,
                    table.table,
                    inserted,
                    updated,
                    unchanged,
                    removed
                ])
                .map_err(StoreError::sqlite(context))?;
        }
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        // COMMIT by hand rather than `Transaction::commit`, so that on a failure the transaction
        // is still open to ask which references did not resolve (SQLite's own message does not
        // say). Dropping `self` then rolls back; after a successful COMMIT the drop does nothing.
        match self.transaction.execute_batch("COMMIT") {
            Ok(()) => Ok(()),
            Err(source) => {
                let context = match unresolved_references(&self.transaction) {
                    Some(references) => {
                        format!("committing the import (unresolved references: {references})")
                    }
                    None => "committing the import".to_owned(),
                };
                Err(StoreError::Sqlite { context, source })
            }
        }
    }

    fn rollback(self: Box<Self>) -> Result<()> {
        self.transaction
            .rollback()
            .map_err(StoreError::sqlite("rolling back the import"))
    }
}
