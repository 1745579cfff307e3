//! The SQLite backend: opening the file, migrations, metadata and the import history; reading
//! and writing table rows live in `read` and `write`.
//!
//! One file in WAL mode with `synchronous = FULL`: a committed import survives a power cut, and
//! readers (the web pages) are never blocked by an import.

mod read;
mod write;

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use overblik_domain::TABLES;

use crate::StoreError;
use crate::layout::quote;
use crate::migrate::{self, check_not_newer};
use crate::summary::{ImportRecord, ImportSource, summary_from_stored};

pub(crate) use read::for_each_row;
pub(crate) use write::begin;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Opens (creating if missing) the file with the per-connection settings that do not change the
/// file itself; [`prepare`] switches to WAL once the schema version is known to be ours.
pub(crate) fn connect(path: &Path, url: &str) -> Result<Connection> {
    let cannot_open = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::CannotOpen {
        url: url.to_owned(),
        source,
    };
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|error| cannot_open(Box::new(error)))?;
    }
    let connection = Connection::open(path).map_err(|error| cannot_open(Box::new(error)))?;
    // FULL: a committed import must survive a power cut (WAL + NORMAL could lose the last one).
    // A 64 MiB page cache keeps the key indexes of large tables in memory during an import.
    connection
        .execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;
             PRAGMA cache_size = -65536;",
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
                params![
                    migration.version,
                    migration.name,
                    crate::summary::now_text()
                ],
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
        .query_row(
            "SELECT value FROM store_meta WHERE key = ?1",
            [key],
            |row| row.get(0),
        )
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

/// The row count of every table, in `TABLES` order.
pub(crate) fn row_counts(connection: &Connection) -> Result<Vec<(&'static str, u64)>> {
    TABLES
        .iter()
        .map(|spec| {
            let count: i64 = connection
                .query_row(
                    &format!("SELECT count(*) FROM {}", quote(spec.name)),
                    [],
                    |row| row.get(0),
                )
                .map_err(StoreError::sqlite(format!("counting `{}`", spec.name)))?;
            Ok((spec.name, count.max(0) as u64))
        })
        .collect()
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
        let read = || -> rusqlite::Result<_> {
            let count = |index| row.get::<_, i64>(index).map(|count| count.max(0) as u64);
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                [count(2)?, count(3)?, count(4)?, count(5)?],
            ))
        };
        let (batch_id, table, counts) = read().map_err(StoreError::sqlite(context))?;
        tables.entry(batch_id).or_default().push((table, counts));
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
