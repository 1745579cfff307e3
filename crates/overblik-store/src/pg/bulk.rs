//! Bulk loading on PostgreSQL: foreign keys checked by one join per constraint instead of one
//! trigger event per row.
//!
//! A first import into empty tables is a bulk load: PostgreSQL checks a deferred foreign key
//! with one trigger event per row at COMMIT (about 5 µs a row, more than the COPY itself), so the
//! foreign keys of the data tables are dropped inside the import transaction and added back,
//! with their exact definitions, just before COMMIT. Adding a constraint checks every row with
//! one join, so the references are checked just as completely, and no other session ever sees
//! the tables without their constraints (the DDL is part of the transaction). The price is that
//! readers of those tables wait for the first import to commit. If the constraints cannot be
//! dropped (e.g. the role does not own the tables), the import goes on with per-row checks.
//!
//! Only a first import (every data table empty) is a bulk load: nothing has been written in the
//! transaction yet, so no trigger events are pending (PostgreSQL refuses to drop a constraint
//! while its tables have some), and nobody is reading data that is not there yet.

use postgres::Transaction;

use overblik_domain::TABLES;

use crate::StoreError;
use crate::layout::quote;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A dropped foreign key: table, constraint name, definition (`pg_get_constraintdef`).
pub(crate) type DroppedForeignKey = (String, String, String);

/// Drops the foreign keys of every data table inside the transaction; returns what to restore.
/// Returns nothing dropped, and leaves the transaction usable, if PostgreSQL refuses.
pub(crate) fn drop_foreign_keys(
    transaction: &mut Transaction<'_>,
) -> Result<Vec<DroppedForeignKey>> {
    let tables: Vec<&str> = TABLES.iter().map(|spec| spec.name).collect();
    // A savepoint, so that a refusal (e.g. not the tables' owner) leaves the transaction usable
    // and the import falls back to per-row checks.
    let mut savepoint = transaction
        .savepoint("overblik_bulk_load")
        .map_err(StoreError::postgres("starting a bulk load"))?;
    let dropped = (|| -> std::result::Result<Vec<DroppedForeignKey>, postgres::Error> {
        let rows = savepoint.query(
            "SELECT c.conrelid::regclass::text, c.conname::text, pg_get_constraintdef(c.oid)
             FROM pg_constraint c
             WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1)
             ORDER BY 1, 2",
            &[&tables],
        )?;
        let mut dropped = Vec::with_capacity(rows.len());
        for row in rows {
            let (table, name, definition): DroppedForeignKey =
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
            Ok(dropped)
        }
        Err(_) => {
            savepoint
                .rollback()
                .map_err(StoreError::postgres("starting a bulk load"))?;
            Ok(Vec::new())
        }
    }
}

/// Adds the dropped foreign keys back with their exact definitions; adding one checks every
/// row of its table, so a reference that does not resolve fails here, naming the constraint.
pub(crate) fn restore_foreign_keys(
    transaction: &mut Transaction<'_>,
    dropped: Vec<DroppedForeignKey>,
) -> Result<()> {
    for (table, name, definition) in dropped {
        transaction
            .batch_execute(&format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {definition}",
                quote(&table),
                quote(&name)
            ))
            .map_err(StoreError::postgres(format!(
                "committing the import (checking the references of `{table}`)"
            )))?;
    }
    Ok(())
}
