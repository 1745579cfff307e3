//! The audit log: who read or changed personal data, when, and what. Written by the callers
//! that show personal data (CLI lists, web pages, exports with CPR); read by the auditor.
//!
//! Entries never hold a CPR number or a name: they name the action and the object's id.

use chrono::{SecondsFormat, Utc};

use crate::query::{Param, required};
use crate::{Store, StoreError};

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
        self.connection.execute(
            "writing the audit log",
            [
                "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)
                 VALUES ($1::text::timestamptz, $2, $3, $4, $5, $6)",
            ],
            &[
                Param::Text(Some(&at)),
                Param::Int(entry.user_id),
                Param::Text(Some(entry.action)),
                Param::Text(entry.object_type),
                Param::Text(entry.object_id),
                Param::Text(entry.detail),
            ],
        )
    }

    /// The audit log, oldest first.
    pub fn audit_log(&mut self) -> Result<Vec<AuditRecord>, StoreError> {
        self.connection.query(
            "reading the audit log",
            [
                "SELECT id, at, user_id, action, object_type, object_id, detail
                 FROM audit_log ORDER BY id",
                "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
                        user_id, action, object_type, object_id, detail
                 FROM audit_log ORDER BY id",
            ],
            &[],
            |row| {
                Ok(AuditRecord {
                    id: required(row.int(0)?, "audit_log", "id")?,
                    at: required(row.text(1)?, "audit_log", "at")?,
                    user_id: row.int(2)?,
                    action: required(row.text(3)?, "audit_log", "action")?,
                    object_type: row.text(4)?,
                    object_id: row.text(5)?,
                    detail: row.text(6)?,
                })
            },
        )
    }
}
