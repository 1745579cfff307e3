//! The audit log: who read or changed personal data, when, and what. Written by the callers
//! that show personal data (CLI lists, web pages, exports with CPR); read by the auditor.
//!
//! Entries never hold a CPR number or a name: they name the action and the object's id.

use chrono::{SecondsFormat, Utc};

use crate::{Connection, Store, StoreError};

/// One audit entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry<'a> {
    /// The user, when the action was taken in the web application; `None` for the CLI, where
    /// the operating system's account is the actor.
    pub user_id: Option<i64>,
    /// What was done, e.g. `deadlines.list` or `export.cpr`.
    pub action: &'a str,
    pub object_type: Option<&'a str>,
    pub object_id: Option<&'a str>,
    /// Parameters of the action (filters, counts), never personal data.
    pub detail: Option<&'a str>,
}

/// A recorded audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    /// UTC, RFC 3339.
    pub at: String,
    pub user_id: Option<i64>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub detail: Option<String>,
}

impl Store {
    /// Records `entry` now, in its own transaction.
    pub fn audit(&mut self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
        let context = "writing the audit log";
        match &mut self.connection {
            Connection::Sqlite(connection) => connection
                .execute(
                    "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    rusqlite::params![
                        at,
                        entry.user_id,
                        entry.action,
                        entry.object_type,
                        entry.object_id,
                        entry.detail
                    ],
                )
                .map(drop)
                .map_err(StoreError::sqlite(context)),
            Connection::Postgres(client) => client
                .execute(
                    "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)
                     VALUES ($1::text::timestamptz, $2, $3, $4, $5, $6)",
                    &[
                        &at,
                        &entry.user_id,
                        &entry.action,
                        &entry.object_type,
                        &entry.object_id,
                        &entry.detail,
                    ],
                )
                .map(drop)
                .map_err(StoreError::postgres(context)),
        }
    }

    /// The audit log, oldest first.
    pub fn audit_log(&mut self) -> Result<Vec<AuditRecord>, StoreError> {
        let context = "reading the audit log";
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let mut statement = connection
                    .prepare(
                        "SELECT id, at, user_id, action, object_type, object_id, detail
                         FROM audit_log ORDER BY id",
                    )
                    .map_err(StoreError::sqlite(context))?;
                statement
                    .query_map([], |row| {
                        Ok(AuditRecord {
                            id: row.get(0)?,
                            at: row.get(1)?,
                            user_id: row.get(2)?,
                            action: row.get(3)?,
                            object_type: row.get(4)?,
                            object_id: row.get(5)?,
                            detail: row.get(6)?,
                        })
                    })
                    .and_then(Iterator::collect)
                    .map_err(StoreError::sqlite(context))
            }
            Connection::Postgres(client) => client
                .query(
                    "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
                            user_id, action, object_type, object_id, detail
                     FROM audit_log ORDER BY id",
                    &[],
                )
                .map_err(StoreError::postgres(context))?
                .iter()
                .map(|row| {
                    Ok(AuditRecord {
                        id: row.try_get(0)?,
                        at: row.try_get(1)?,
                        user_id: row.try_get(2)?,
                        action: row.try_get(3)?,
                        object_type: row.try_get(4)?,
                        object_id: row.try_get(5)?,
                        detail: row.try_get(6)?,
                    })
                })
                .collect::<Result<_, postgres::Error>>()
                .map_err(StoreError::postgres(context)),
        }
    }
}
