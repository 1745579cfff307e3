//! The SQLite backend: one file, WAL, full durability, one cached statement per table and kind
//! of write inside one `BEGIN IMMEDIATE` transaction.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};

use overblik_domain::{ColumnKind, Row, TABLES, TableSpec};

use crate::keys::CprKeys;
use crate::layout::{Stored, decode_cpr, decode_text, key_text_from_stored, stored_columns};
use crate::migrate::{self, check_not_newer};
use crate::session::Writer;
use crate::summary::{ImportRecord, ImportSource, ImportSummary, summary_from_stored};
use crate::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Opens (creating if missing) the file with the per-connection settings that do not change the
/// file itself; [`prepare`] switches to WAL once the schema version is known to be ours.
pub(crate) fn connect(path: &Path, url: &str) -> Result<Connection> {
    let cannot_open = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::CannotOpen {
        url: url.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|error| cannot_open(Box::new(error)))?;
    }
    let connection = Connection::open(path).map_err(|error| cannot_open(Box::new(error)))?;
    // FULL: a committed import must survive a power cut (WAL + NORMAL could lose the last one).
    connection
        .execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;",
        )
        .map_err(|error| cannot_open(Box::new(error)))?;
    connection.set_prepared_statement_cache_capacity(4 * TABLES.len());
    Ok(connection)
}

/// Switches to WAL (persistent in the file), after the schema version check.
pub(crate) fn prepare(connection: &Connection) -> Result<()> {
    connection
        .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(StoreError::sqlite("switching to WAL"))
}

/// The schema versions recorded in the database (none for a new file).
pub(crate) fn applied_versions(connection: &Connection) -> Result<Vec<i64>> {
    let context = "reading the schema version";
    let exists: bool = connection
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
            [],
            |row| row.get(0),
        )
        .map_err(StoreError::sqlite(context))?;
    if !exists {
        return Ok(Vec::new());
    }
    let mut statement = connection
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .map_err(StoreError::sqlite(context))?;
    let versions = statement
        .query_map([], |row| row.get(0))
        .and_then(Iterator::collect)
        .map_err(StoreError::sqlite(context))?;
    Ok(versions)
}

/// Applies the pending migrations in one transaction; returns their names.
pub(crate) fn migrate(connection: &mut Connection) -> Result<Vec<String>> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite("starting the migration"))?;
    let applied = applied_versions(&transaction)?;
    check_not_newer(&applied)?;
    transaction
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            ) STRICT",
        )
        .map_err(StoreError::sqlite("creating schema_migrations"))?;
    let mut names = Vec::new();
    for migration in migrate::pending(&applied) {
        let context = format!("applying migration {}", migration.name);
        transaction
            .execute_batch(migration.sqlite)
            .map_err(StoreError::sqlite(context.clone()))?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![migration.version, migration.name, crate::summary::now_text()],
            )
            .map_err(StoreError::sqlite(context))?;
        names.push(migration.name.to_owned());
    }
    transaction
        .commit()
        .map_err(StoreError::sqlite("committing the migration"))?;
    Ok(names)
}

/// A value of `store_meta`.
pub(crate) fn get_meta(connection: &Connection, key: &str) -> Result<Option<String>> {
    connection
        .query_row("SELECT value FROM store_meta WHERE key = ?1", [key], |row| row.get(0))
        .optional()
        .map_err(StoreError::sqlite("reading store_meta"))
}

/// Sets a value of `store_meta` unless it is already set.
pub(crate) fn insert_meta(connection: &Connection, key: &str, value: &str) -> Result<()> {
    connection
        .execute(
            "INSERT OR IGNORE INTO store_meta (key, value) VALUES (?1, ?2)",
            [key, value],
        )
        .map(|_| ())
        .map_err(StoreError::sqlite("writing store_meta"))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The row count of every table, in `TABLES` order.
pub(crate) fn row_counts(connection: &Connection) -> Result<Vec<(&'static str, u64)>> {
    TABLES
        .iter()
        .map(|spec| {
            let count: i64 = connection
                .query_row(&format!("SELECT count(*) FROM {}", quote(spec.name)), [], |row| {
                    row.get(0)
                })
                .map_err(StoreError::sqlite(format!("counting `{}`", spec.name)))?;
            Ok((spec.name, count.max(0) as u64))
        })
        .collect()
}

/// Calls `f` with every row of `spec` in key order, inside one read transaction so that the
/// rows are one consistent snapshot.
pub(crate) fn for_each_row(
    connection: &mut Connection,
    spec: &'static TableSpec,
    cpr_keys: Option<&CprKeys>,
    f: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    let context = || format!("reading `{}`", spec.name);
    let transaction = connection
        .transaction()
        .map_err(StoreError::sqlite(context()))?;
    let select: Vec<String> = spec
        .columns
        .iter()
        .map(|column| match (column.kind, cpr_keys) {
            (ColumnKind::Cpr, Some(_)) => quote(&format!("{}_encrypted", column.name)),
            (ColumnKind::Cpr, None) => "NULL".to_owned(),
            _ => format!("CAST({} AS TEXT)", quote(column.name)),
        })
        .collect();
    // Qualified, so that a key column is never mistaken for a select-list alias.
    let order: Vec<String> = spec
        .key
        .iter()
        .map(|name| format!("src.{}", quote(name)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {} AS src ORDER BY {}",
        select.join(", "),
        quote(spec.name),
        order.join(", ")
    );
    {
        let mut statement = transaction
            .prepare(&sql)
            .map_err(StoreError::sqlite(context()))?;
        let mut rows = statement.query([]).map_err(StoreError::sqlite(context()))?;
        while let Some(stored) = rows.next().map_err(StoreError::sqlite(context()))? {
            let mut values = Vec::with_capacity(spec.columns.len());
            for (position, column) in spec.columns.iter().enumerate() {
                let value = if column.kind == ColumnKind::Cpr {
                    let bytes: Option<Vec<u8>> =
                        stored.get(position).map_err(StoreError::sqlite(context()))?;
                    match cpr_keys {
                        Some(cpr_keys) => decode_cpr(spec, cpr_keys, bytes.as_deref())?,
                        None => overblik_domain::Value::Null,
                    }
                } else {
                    let text: Option<String> =
                        stored.get(position).map_err(StoreError::sqlite(context()))?;
                    decode_text(spec, column, text.as_deref())?
                };
                values.push(value);
            }
            f(Row(values))?;
        }
    }
    transaction
        .commit()
        .map_err(StoreError::sqlite(context()))
}

/// Every recorded import, oldest first.
pub(crate) fn imports(connection: &Connection) -> Result<Vec<ImportRecord>> {
    let context = "reading import_batches";
    let mut tables: HashMap<i64, Vec<(String, [u64; 4])>> = HashMap::new();
    let mut statement = connection
        .prepare(
            "SELECT batch_id, table_name, inserted, updated, unchanged, removed FROM import_batch_tables",
        )
        .map_err(StoreError::sqlite(context))?;
    let mut rows = statement.query([]).map_err(StoreError::sqlite(context))?;
    while let Some(row) = rows.next().map_err(StoreError::sqlite(context))? {
        let count = |index| row.get::<_, i64>(index).map(|count| count.max(0) as u64);
        let counts = [count(2), count(3), count(4), count(5)];
        let counts = counts
            .into_iter()
            .collect::<rusqlite::Result<Vec<u64>>>()
            .map_err(StoreError::sqlite(context))?;
        tables
            .entry(row.get(0).map_err(StoreError::sqlite(context))?)
            .or_default()
            .push((
                row.get(1).map_err(StoreError::sqlite(context))?,
                [counts[0], counts[1], counts[2], counts[3]],
            ));
    }
    let mut statement = connection
        .prepare(
            "SELECT id, imported_at, source_name, source_format, source_sha256, warnings
             FROM import_batches ORDER BY id",
        )
        .map_err(StoreError::sqlite(context))?;
    let batches = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                ImportSource {
                    name: row.get(2)?,
                    format: row.get(3)?,
                    sha256: row.get(4)?,
                    warnings: row.get::<_, i64>(5)?.max(0) as u64,
                },
            ))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(StoreError::sqlite(context))?;
    batches
        .into_iter()
        .map(|(id, imported_at, source)| {
            Ok(ImportRecord {
                id,
                imported_at,
                source,
                summary: summary_from_stored(tables.remove(&id).unwrap_or_default())?,
            })
        })
        .collect()
}

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
        let (keys, others): (Vec<_>, Vec<_>) =
            columns.iter().enumerate().partition(|(_, column)| column.is_key);
        let assign = |list: &[(usize, &crate::layout::StoredColumn)]| -> Vec<String> {
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
        let keys: Vec<String> = spec
            .key
            .iter()
            .map(|name| format!("CAST({} AS TEXT)", quote(name)))
            .collect();
        let sql = format!(
            "SELECT {}, row_hash FROM {}",
            keys.join(", "),
            quote(spec.name)
        );
        let mut statement = self
            .transaction
            .prepare(&sql)
            .map_err(StoreError::sqlite(context()))?;
        let mut rows = statement.query([]).map_err(StoreError::sqlite(context()))?;
        let n_keys = spec.key.len();
        let mut texts = Vec::with_capacity(n_keys);
        while let Some(row) = rows.next().map_err(StoreError::sqlite(context()))? {
            texts.clear();
            for position in 0..n_keys {
                texts.push(row.get(position).map_err(StoreError::sqlite(context()))?);
            }
            let hash: Vec<u8> = row.get(n_keys).map_err(StoreError::sqlite(context()))?;
            let hash = hash.try_into().map_err(|_| StoreError::Corrupt {
                table: spec.name,
                column: "row_hash".to_owned(),
                reason: "not 32 bytes".to_owned(),
            })?;
            sink(key_text_from_stored(spec, &texts)?, hash);
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
        for table in &summary.tables {
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            self.transaction
                .execute(
                    "INSERT INTO import_batch_tables (batch_id, table_name, inserted, updated, unchanged, removed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        batch_id,
                        table.table,
                        count(table.inserted),
                        count(table.updated),
                        count(table.unchanged),
                        count(table.removed)
                    ],
                )
                .map_err(StoreError::sqlite(context))?;
        }
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.transaction
            .commit()
            .map_err(StoreError::sqlite("committing the import"))
    }

    fn rollback(self: Box<Self>) -> Result<()> {
        self.transaction
            .rollback()
            .map_err(StoreError::sqlite("rolling back the import"))
    }
}
