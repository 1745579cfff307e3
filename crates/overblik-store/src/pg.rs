//! The PostgreSQL backend: connection, migrations, metadata and the import history; reading and
//! writing table rows live in `read` and `write`.
//!
//! The session runs with `TimeZone = UTC` and `DateStyle = ISO`, so that values written and read
//! as text mean one thing whatever the server's defaults.

mod bulk;
mod copy;
mod read;
mod write;

use std::time::Duration;

use postgres::{Client, NoTls};

use crate::StoreError;
use crate::error::postgres_message;
use crate::migrate::{self, check_not_newer};

pub(crate) use read::for_each_row;
pub(crate) use write::begin;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Serialises imports and migrations across processes (the bytes of "overblik").
pub(crate) const LOCK_KEY: i64 = 0x6f76_6572_626c_696b;
/// Rows per COPY (and per fetch when reading), bounding memory whatever the table size.
pub(crate) const BATCH_ROWS: usize = 50_000;

/// Connects and sets the session up so that values read and written as text mean one thing.
pub(crate) fn connect(url: &str, redacted_url: &str) -> Result<Client> {
    let cannot_connect = |error: postgres::Error| StoreError::CannotConnect {
        url: redacted_url.to_owned(),
        message: postgres_message(&error),
    };
    let mut config: postgres::Config = url.parse().map_err(cannot_connect)?;
    if config.get_connect_timeout().is_none() {
        // An unreachable server should fail the command, not hang it.
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("overblik");
    }
    let mut client = config.connect(NoTls).map_err(cannot_connect)?;
    client
        .batch_execute(
            "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET client_min_messages TO warning",
        )
        .map_err(cannot_connect)?;
    Ok(client)
}

/// The schema versions recorded in the database (none for a new one).
pub(crate) fn applied_versions(client: &mut impl postgres::GenericClient) -> Result<Vec<i64>> {
    let context = "reading the schema version";
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .and_then(|row| row.try_get(0))
        .map_err(StoreError::postgres(context))?;
    if !exists {
        return Ok(Vec::new());
    }
    client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .and_then(|rows| rows.iter().map(|row| row.try_get(0)).collect())
        .map_err(StoreError::postgres(context))
}

/// Applies the pending migrations in one transaction under the store's lock.
pub(crate) fn migrate(client: &mut Client) -> Result<Vec<String>> {
    let mut transaction = client
        .transaction()
        .map_err(StoreError::postgres("starting the migration"))?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .map_err(StoreError::postgres("waiting for the migration lock"))?;
    let applied = applied_versions(&mut transaction)?;
    check_not_newer(&applied)?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL
            )",
        )
        .map_err(StoreError::postgres("creating schema_migrations"))?;
    let mut names = Vec::new();
    for migration in migrate::pending(&applied) {
        let context = format!("applying migration {}", migration.name);
        transaction
            .batch_execute(migration.postgres)
            .map_err(StoreError::postgres(context.clone()))?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())",
                &[&migration.version, &migration.name],
            )
            .map_err(StoreError::postgres(context))?;
        names.push(migration.name.to_owned());
    }
    transaction
        .commit()
        .map_err(StoreError::postgres("committing the migration"))?;
    Ok(names)
}
