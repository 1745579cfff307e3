//! The PostgreSQL backend: COPY in buffers of rows, never one round trip per row.
//!
//! New rows are copied straight into their table (the key index already says they are new).
//! Changed rows are copied into a temporary staging table and applied with one `UPDATE ... FROM`
//! per flush; rows a snapshot table no longer contains are copied into a second temporary table
//! and removed with one `DELETE ... USING`. Foreign keys are deferred to COMMIT by the schema.
//!
//! A first import into empty tables is a bulk load: PostgreSQL checks a deferred foreign key
//! with one trigger event per row at COMMIT (about 5 µs a row, more than the COPY itself), so the
//! foreign keys of the data tables are dropped inside the import transaction and added back,
//! with their exact definitions, just before COMMIT. Adding a constraint checks every row with
//! one join, so the references are checked just as completely, and no other session ever sees
//! the tables without their constraints (the DDL is part of the transaction). The price is that
//! readers of those tables wait for the first import to commit. If the constraints cannot be
//! dropped (e.g. the role does not own the tables), the import goes on with per-row checks.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::time::Duration;

use postgres::{Client, IsolationLevel, NoTls, Transaction};

use overblik_domain::{ColumnKind, Row, TABLES, TableSpec, Value};

use crate::StoreError;
use crate::error::postgres_message;
use crate::keys::CprKeys;
use crate::layout::{
    Stored, decode_cpr, decode_text, is_text_kind, key_text_from_stored, stored_columns,
};
use crate::migrate::{self, check_not_newer};
use crate::pg_copy::CopyBuffer;
use crate::session::Writer;
use crate::summary::{ImportRecord, ImportSource, ImportSummary, summary_from_stored};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Serialises imports and migrations across processes (the bytes of "overblik").
const LOCK_KEY: i64 = 0x6f76_6572_626c_696b;
/// Rows per COPY (and per fetch when reading), bounding memory whatever the table size.
const BATCH_ROWS: usize = 50_000;

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

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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
        .query("SELECT version FROM schema_migrations ORDER BY version", &[])
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

/// A value of `store_meta`.
pub(crate) fn get_meta(client: &mut Client, key: &str) -> Result<Option<String>> {
    client
        .query_opt("SELECT value FROM store_meta WHERE key = $1", &[&key])
        .and_then(|row| row.map(|row| row.try_get(0)).transpose())
        .map_err(StoreError::postgres("reading store_meta"))
}

/// Sets a value of `store_meta` unless it is already set.
pub(crate) fn insert_meta(client: &mut Client, key: &str, value: &str) -> Result<()> {
    client
        .execute(
            "INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&key, &value],
        )
        .map(|_| ())
        .map_err(StoreError::postgres("writing store_meta"))
}

/// The row count of every table, in `TABLES` order.
pub(crate) fn row_counts(client: &mut Client) -> Result<Vec<(&'static str, u64)>> {
    TABLES
        .iter()
        .map(|spec| {
            let count: i64 = client
                .query_one(&format!("SELECT count(*) FROM {}", quote(spec.name)), &[])
                .and_then(|row| row.try_get(0))
                .map_err(StoreError::postgres(format!("counting `{}`", spec.name)))?;
            Ok((spec.name, count.max(0) as u64))
        })
        .collect()
}

/// The select expression that gives a column's value as the text `parse_cell` reads back.
fn select_text(name: &str, kind: ColumnKind) -> String {
    match kind {
        ColumnKind::Timestamp => format!(
            "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
            quote(name)
        ),
        _ => format!("{}::text", quote(name)),
    }
}

/// The ORDER BY of a table's key. Text is compared byte-wise (`COLLATE "C"`), as SQLite does, so
/// both backends return rows in the same order whatever the server's locale. The columns are
/// qualified with the table alias `src`: a bare name would mean the select list's `::text`
/// output column of the same name, and sort numbers as text.
fn order_by_key(spec: &TableSpec) -> String {
    spec.key
        .iter()
        .map(|name| {
            let kind = spec
                .columns
                .iter()
                .find(|column| column.name == *name)
                .map(|column| column.kind);
            match kind {
                Some(kind) if is_text_kind(kind) => format!("src.{} COLLATE \"C\"", quote(name)),
                _ => format!("src.{}", quote(name)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Calls `f` with every row of `spec` in key order, fetched in batches from one consistent
/// read-only snapshot.
pub(crate) fn for_each_row(
    client: &mut Client,
    spec: &'static TableSpec,
    cpr_keys: Option<&CprKeys>,
    f: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    let context = || format!("reading `{}`", spec.name);
    let mut transaction = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(StoreError::postgres(context()))?;
    let select: Vec<String> = spec
        .columns
        .iter()
        .map(|column| match (column.kind, cpr_keys) {
            (ColumnKind::Cpr, Some(_)) => quote(&format!("{}_encrypted", column.name)),
            (ColumnKind::Cpr, None) => "NULL::bytea".to_owned(),
            (kind, _) => select_text(column.name, kind),
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM {} AS src ORDER BY {}",
        select.join(", "),
        quote(spec.name),
        order_by_key(spec)
    );
    let portal = transaction
        .bind(sql.as_str(), &[])
        .map_err(StoreError::postgres(context()))?;
    loop {
        let rows = transaction
            .query_portal(&portal, BATCH_ROWS as i32)
            .map_err(StoreError::postgres(context()))?;
        if rows.is_empty() {
            break;
        }
        for stored in rows {
            let mut values = Vec::with_capacity(spec.columns.len());
            for (position, column) in spec.columns.iter().enumerate() {
                let value = if column.kind == ColumnKind::Cpr {
                    let bytes: Option<Vec<u8>> = stored
                        .try_get(position)
                        .map_err(StoreError::postgres(context()))?;
                    match cpr_keys {
                        Some(cpr_keys) => decode_cpr(spec, cpr_keys, bytes.as_deref())?,
                        None => Value::Null,
                    }
                } else {
                    let text: Option<String> = stored
                        .try_get(position)
                        .map_err(StoreError::postgres(context()))?;
                    decode_text(spec, column, text.as_deref())?
                };
                values.push(value);
            }
            f(Row(values))?;
        }
    }
    transaction
        .commit()
        .map_err(StoreError::postgres(context()))
}

/// Every recorded import, oldest first.
pub(crate) fn imports(client: &mut Client) -> Result<Vec<ImportRecord>> {
    let context = "reading import_batches";
    let mut tables: HashMap<i64, Vec<(String, [u64; 4])>> = HashMap::new();
    let rows = client
        .query(
            "SELECT batch_id, table_name, inserted, updated, unchanged, removed FROM import_batch_tables",
            &[],
        )
        .map_err(StoreError::postgres(context))?;
    for row in rows {
        let count = |index| row.try_get::<_, i64>(index).map(|count| count.max(0) as u64);
        let counts = [count(2), count(3), count(4), count(5)];
        let [inserted, updated, unchanged, removed] = counts;
        let counts = [inserted, updated, unchanged, removed]
            .into_iter()
            .collect::<Result<Vec<u64>, _>>()
            .map_err(StoreError::postgres(context))?;
        let batch_id: i64 = row.try_get(0).map_err(StoreError::postgres(context))?;
        let table: String = row.try_get(1).map_err(StoreError::postgres(context))?;
        tables
            .entry(batch_id)
            .or_default()
            .push((table, [counts[0], counts[1], counts[2], counts[3]]));
    }
    let rows = client
        .query(
            "SELECT id, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    source_name, source_format, source_sha256, warnings
             FROM import_batches ORDER BY id",
            &[],
        )
        .map_err(StoreError::postgres(context))?;
    rows.iter()
        .map(|row| {
            let read = || -> std::result::Result<_, postgres::Error> {
                Ok((
                    row.try_get::<_, i64>(0)?,
                    row.try_get::<_, String>(1)?,
                    ImportSource {
                        name: row.try_get(2)?,
                        format: row.try_get(3)?,
                        sha256: row.try_get(4)?,
                        warnings: row.try_get::<_, i64>(5)?.max(0) as u64,
                    },
                ))
            };
            let (id, imported_at, source) = read().map_err(StoreError::postgres(context))?;
            Ok(ImportRecord {
                id,
                imported_at,
                source,
                summary: summary_from_stored(tables.remove(&id).unwrap_or_default())?,
            })
        })
        .collect()
}

/// The statements of one table, built once per session.
struct TableSql {
    copy_insert: String,
    create_stage: String,
    copy_stage: String,
    apply_stage: String,
    truncate_stage: String,
    create_gone: String,
    copy_gone: String,
    apply_gone: String,
    truncate_gone: String,
}

impl TableSql {
    fn new(spec: &TableSpec) -> Self {
        let table = quote(spec.name);
        let stage = quote(&format!("overblik_stage_{}", spec.name));
        let gone = quote(&format!("overblik_gone_{}", spec.name));
        let columns = stored_columns(spec);
        let names: Vec<String> = columns.iter().map(|column| quote(&column.name)).collect();
        let names = names.join(", ");
        let keys: Vec<String> = spec.key.iter().map(|name| quote(name)).collect();
        let key_match = |other: &str| {
            keys.iter()
                .map(|key| format!("t.{key} = {other}.{key}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let assignments: Vec<String> = columns
            .iter()
            .filter(|column| !column.is_key)
            .map(|column| format!("{0} = s.{0}", quote(&column.name)))
            .collect();
        Self {
            copy_insert: format!("COPY {table} ({names}) FROM STDIN"),
            create_stage: format!(
                "CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DROP"
            ),
            copy_stage: format!("COPY {stage} ({names}) FROM STDIN"),
            apply_stage: format!(
                "UPDATE {table} AS t SET {} FROM {stage} AS s WHERE {}",
                assignments.join(", "),
                key_match("s")
            ),
            truncate_stage: format!("TRUNCATE {stage}"),
            create_gone: format!(
                "CREATE TEMP TABLE IF NOT EXISTS {gone} ON COMMIT DROP AS SELECT {} FROM {table} WITH NO DATA",
                keys.join(", ")
            ),
            copy_gone: format!("COPY {gone} ({}) FROM STDIN", keys.join(", ")),
            apply_gone: format!(
                "DELETE FROM {table} AS t USING {gone} AS g WHERE {}",
                key_match("g")
            ),
            truncate_gone: format!("TRUNCATE {gone}"),
        }
    }
}

/// The writes of one import on PostgreSQL. Dropping the transaction rolls back.
pub(crate) struct PgWriter<'a> {
    transaction: Transaction<'a>,
    statements: HashMap<&'static str, TableSql>,
    /// Temporary tables created in this transaction.
    created: HashSet<String>,
    inserts: CopyBuffer,
    updates: CopyBuffer,
    /// Whether the staging table holds rows not yet applied.
    staged: bool,
    /// Foreign keys dropped for a bulk load, to add back before COMMIT: (table, name, definition).
    dropped_foreign_keys: Vec<(String, String, String)>,
}

/// Starts an import under the store's lock, so the key index cannot go stale while it is used.
pub(crate) fn begin(client: &mut Client) -> Result<PgWriter<'_>> {
    let mut transaction = client
        .transaction()
        .map_err(StoreError::postgres("starting the import transaction"))?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .map_err(StoreError::postgres("waiting for the import lock"))?;
    Ok(PgWriter {
        transaction,
        statements: HashMap::new(),
        created: HashSet::new(),
        inserts: CopyBuffer::default(),
        updates: CopyBuffer::default(),
        staged: false,
        dropped_foreign_keys: Vec::new(),
    })
}

/// Sends `buffer` with one COPY and empties it.
fn copy(
    transaction: &mut Transaction<'_>,
    sql: &str,
    buffer: &mut CopyBuffer,
    context: &str,
) -> Result<()> {
    let io_failure = |error: std::io::Error| StoreError::Postgres {
        context: context.to_owned(),
        message: error.to_string(),
    };
    let mut writer = transaction
        .copy_in(sql)
        .map_err(StoreError::postgres(context))?;
    writer.write_all(&buffer.data).map_err(io_failure)?;
    writer.finish().map_err(StoreError::postgres(context))?;
    buffer.clear();
    Ok(())
}

impl PgWriter<'_> {
    /// Runs a statement that creates a temporary table, once per transaction.
    fn create_once(&mut self, sql: &str, context: &str) -> Result<()> {
        if self.created.insert(sql.to_owned()) {
            self.transaction
                .batch_execute(sql)
                .map_err(StoreError::postgres(context))?;
        }
        Ok(())
    }

    fn sql(&mut self, spec: &'static TableSpec) -> &TableSql {
        self.statements
            .entry(spec.name)
            .or_insert_with(|| TableSql::new(spec))
    }

    fn flush_updates_to_stage(&mut self, spec: &'static TableSpec) -> Result<()> {
        if self.updates.is_empty() {
            return Ok(());
        }
        let context = format!("staging changed rows of `{}`", spec.name);
        let (create, copy_sql) = {
            let sql = self.sql(spec);
            (sql.create_stage.clone(), sql.copy_stage.clone())
        };
        self.create_once(&create, &context)?;
        copy(&mut self.transaction, &copy_sql, &mut self.updates, &context)?;
        self.staged = true;
        Ok(())
    }

    fn flush_inserts(&mut self, spec: &'static TableSpec) -> Result<()> {
        if self.inserts.is_empty() {
            return Ok(());
        }
        let context = format!("copying new rows into `{}`", spec.name);
        let copy_sql = self.sql(spec).copy_insert.clone();
        copy(&mut self.transaction, &copy_sql, &mut self.inserts, &context)
    }
}

impl Writer for PgWriter<'_> {
    fn load_index(
        &mut self,
        spec: &'static TableSpec,
        sink: &mut dyn FnMut(String, [u8; 32]),
    ) -> Result<()> {
        let context = || format!("loading the keys of `{}`", spec.name);
        let keys: Vec<String> = spec
            .key
            .iter()
            .map(|name| format!("{}::text", quote(name)))
            .collect();
        let sql = format!(
            "SELECT {}, row_hash FROM {}",
            keys.join(", "),
            quote(spec.name)
        );
        let portal = self
            .transaction
            .bind(sql.as_str(), &[])
            .map_err(StoreError::postgres(context()))?;
        let n_keys = spec.key.len();
        let mut texts = Vec::with_capacity(n_keys);
        loop {
            let rows = self
                .transaction
                .query_portal(&portal, BATCH_ROWS as i32)
                .map_err(StoreError::postgres(context()))?;
            if rows.is_empty() {
                return Ok(());
            }
            for row in rows {
                texts.clear();
                for position in 0..n_keys {
                    texts.push(
                        row.try_get(position)
                            .map_err(StoreError::postgres(context()))?,
                    );
                }
                let hash: Vec<u8> = row
                    .try_get(n_keys)
                    .map_err(StoreError::postgres(context()))?;
                let hash = hash.try_into().map_err(|_| StoreError::Corrupt {
                    table: spec.name,
                    column: "row_hash".to_owned(),
                    reason: "not 32 bytes".to_owned(),
                })?;
                sink(key_text_from_stored(spec, &texts)?, hash);
            }
        }
    }

    fn insert(&mut self, spec: &'static TableSpec, row: &[Stored<'_>]) -> Result<()> {
        self.inserts.push_row(row);
        if self.inserts.rows >= BATCH_ROWS {
            self.flush_inserts(spec)?;
        }
        Ok(())
    }

    fn update(&mut self, spec: &'static TableSpec, row: &[Stored<'_>]) -> Result<()> {
        self.updates.push_row(row);
        if self.updates.rows >= BATCH_ROWS {
            self.flush_updates_to_stage(spec)?;
        }
        Ok(())
    }

    fn flush(&mut self, spec: &'static TableSpec) -> Result<()> {
        // Inserts first: a changed row may be one inserted earlier in this session.
        self.flush_inserts(spec)?;
        self.flush_updates_to_stage(spec)?;
        if self.staged {
            let context = format!("updating changed rows of `{}`", spec.name);
            let (apply, truncate) = {
                let sql = self.sql(spec);
                (sql.apply_stage.clone(), sql.truncate_stage.clone())
            };
            self.transaction
                .batch_execute(&format!("{apply}; {truncate}"))
                .map_err(StoreError::postgres(context))?;
            self.staged = false;
        }
        Ok(())
    }

    fn delete(&mut self, spec: &'static TableSpec, keys: &[Vec<Stored<'static>>]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let context = format!("removing rows of `{}` that the import no longer has", spec.name);
        let (create, copy_sql, apply, truncate) = {
            let sql = self.sql(spec);
            (
                sql.create_gone.clone(),
                sql.copy_gone.clone(),
                sql.apply_gone.clone(),
                sql.truncate_gone.clone(),
            )
        };
        self.create_once(&create, &context)?;
        let mut buffer = CopyBuffer::default();
        for key in keys {
            buffer.push_row(key);
        }
        copy(&mut self.transaction, &copy_sql, &mut buffer, &context)?;
        self.transaction
            .batch_execute(&format!("{apply}; {truncate}"))
            .map_err(StoreError::postgres(context))
    }

    fn begin_bulk_load(&mut self) -> Result<()> {
        let tables: Vec<&str> = TABLES.iter().map(|spec| spec.name).collect();
        // A savepoint, so that a refusal (e.g. not the tables' owner) leaves the transaction
        // usable and the import falls back to per-row checks.
        let mut savepoint = self
            .transaction
            .savepoint("overblik_bulk_load")
            .map_err(StoreError::postgres("starting a bulk load"))?;
        let dropped = (|| -> std::result::Result<Vec<(String, String, String)>, postgres::Error> {
            let rows = savepoint.query(
                "SELECT c.conrelid::regclass::text, c.conname::text, pg_get_constraintdef(c.oid)
                 FROM pg_constraint c
                 WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1)
                 ORDER BY 1, 2",
                &[&tables],
            )?;
            let mut dropped = Vec::with_capacity(rows.len());
            for row in rows {
                let (table, name, definition): (String, String, String) =
                    (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                savepoint.batch_execute(&format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    quote(&table),
                    quote(&name)
                ))?;
                dropped.push((table, name, definition));
            }
            Ok(dropped)
        })();
        match dropped {
            Ok(dropped) => {
                savepoint
                    .commit()
                    .map_err(StoreError::postgres("starting a bulk load"))?;
                self.dropped_foreign_keys = dropped;
            }
            Err(_) => {
                savepoint
                    .rollback()
                    .map_err(StoreError::postgres("starting a bulk load"))?;
            }
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
        let warnings = i64::try_from(source.warnings).unwrap_or(i64::MAX);
        let batch_id: i64 = self
            .transaction
            .query_one(
                "INSERT INTO import_batches (imported_at, source_name, source_format, source_sha256, warnings)
                 VALUES ($1::text::timestamptz, $2, $3, $4, $5) RETURNING id",
                &[&imported_at, &source.name, &source.format, &source.sha256, &warnings],
            )
            .and_then(|row| row.try_get(0))
            .map_err(StoreError::postgres(context))?;
        for table in &summary.tables {
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            self.transaction
                .execute(
                    "INSERT INTO import_batch_tables (batch_id, table_name, inserted, updated, unchanged, removed)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &batch_id,
                        &table.table,
                        &count(table.inserted),
                        &count(table.updated),
                        &count(table.unchanged),
                        &count(table.removed),
                    ],
                )
                .map_err(StoreError::postgres(context))?;
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        // After a bulk load, adding the foreign keys back checks every reference; otherwise the
        // deferred foreign keys are checked by COMMIT. Either way a violation names the constraint.
        for (table, name, definition) in std::mem::take(&mut self.dropped_foreign_keys) {
            self.transaction
                .batch_execute(&format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {definition}",
                    quote(&table),
                    quote(&name)
                ))
                .map_err(StoreError::postgres(format!(
                    "committing the import (checking the references of `{table}`)"
                )))?;
        }
        self.transaction
            .commit()
            .map_err(StoreError::postgres("committing the import"))
    }

    fn rollback(self: Box<Self>) -> Result<()> {
        self.transaction
            .rollback()
            .map_err(StoreError::postgres("rolling back the import"))
    }
}
