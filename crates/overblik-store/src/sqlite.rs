//! The SQLite backend: opening the file, migrations, metadata and the import history; reading
//! and writing table rows live in `read` and `write`.
//!
//! One file in WAL mode with `synchronous = FULL`: a committed import survives a power cut, and
//! readers (the web pages) are never blocked by an import.

mod read;
mod write;

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior, params};

use crate::StoreError;
use crate::migrate::{self, check_not_newer};

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
    connection.set_prepared_statement_cache_capacity(4 * overblik_domain::TABLES.len());
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
