//! Writing an import on PostgreSQL: COPY in buffers of rows, never one round trip per row.
//!
//! New rows are copied straight into their table (the key index already says they are new).
//! Changed rows are copied into a temporary staging table and applied with one `UPDATE ... FROM`
//! per flush; rows a snapshot table no longer contains are copied into a second temporary table
//! and removed with one `DELETE ... USING`. Foreign keys are deferred to COMMIT by the schema.
//!
//! A first import into empty tables is a bulk load (see `bulk`).

use std::collections::{HashMap, HashSet};

use postgres::{Client, Transaction};

use overblik_domain::TableSpec;

use crate::StoreError;
use crate::layout::{Stored, index_entry, index_sql, quote, stored_columns};
use crate::pg::copy::{CopyBuffer, copy};
use crate::pg::{BATCH_ROWS, LOCK_KEY, bulk};
use crate::session::Writer;
use crate::summary::{ImportSource, ImportSummary};

type Result<T, E = StoreError> = std::result::Result<T, E>;

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
    /// Foreign keys dropped for a bulk load, to add back before COMMIT.
    dropped_foreign_keys: Vec<bulk::DroppedForeignKey>,
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
        copy(
            &mut self.transaction,
            &copy_sql,
            &mut self.updates,
            &context,
        )?;
        self.staged = true;
        Ok(())
    }

    fn flush_inserts(&mut self, spec: &'static TableSpec) -> Result<()> {
        if self.inserts.is_empty() {
            return Ok(());
        }
        let context = format!("copying new rows into `{}`", spec.name);
        let copy_sql = self.sql(spec).copy_insert.clone();
        copy(
            &mut self.transaction,
            &copy_sql,
            &mut self.inserts,
            &context,
        )
    }
}

impl Writer for PgWriter<'_> {
    fn load_index(
        &mut self,
        spec: &'static TableSpec,
        sink: &mut dyn FnMut(String, [u8; 32]),
    ) -> Result<()> {
        let context = || format!("loading the keys of `{}`", spec.name);
        let sql = index_sql(spec);
        let portal = self
            .transaction
            .bind(sql.as_str(), &[])
            .map_err(StoreError::postgres(context()))?;
        let mut texts = Vec::with_capacity(spec.key.len());
        loop {
            let rows = self
                .transaction
                .query_portal(&portal, BATCH_ROWS as i32)
                .map_err(StoreError::postgres(context()))?;
            if rows.is_empty() {
                return Ok(());
            }
            for row in rows {
                let (key, hash) = index_entry(
                    spec,
                    &mut texts,
                    |i| row.try_get(i).map_err(StoreError::postgres(context())),
                    |i| row.try_get(i).map_err(StoreError::postgres(context())),
                )?;
                sink(key, hash);
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
        let context = format!(
            "removing rows of `{}` that the import no longer has",
            spec.name
        );
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
        self.dropped_foreign_keys = bulk::drop_foreign_keys(&mut self.transaction)?;
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
        let insert = self
            .transaction
            .prepare(
                "INSERT INTO import_batch_tables (batch_id, table_name, inserted, updated, unchanged, removed)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .map_err(StoreError::postgres(context))?;
        for table in &summary.tables {
            let [inserted, updated, unchanged, removed] = table.stored_counts();
            self.transaction
                .execute(
                    &insert,
                    &[
                        &batch_id,
                        &table.table,
                        &inserted,
                        &updated,
                        &unchanged,
                        &removed,
                    ],
                )
                .map_err(StoreError::postgres(context))?;
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        // After a bulk load, adding the foreign keys back checks every reference; otherwise the
        // deferred foreign keys are checked by COMMIT. Either way a violation names the constraint.
        let dropped = std::mem::take(&mut self.dropped_foreign_keys);
        bulk::restore_foreign_keys(&mut self.transaction, dropped)?;
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
