//! The audit log: who read or changed personal data, when, from where, whether it was allowed,
//! and which persons it touched. Written by the callers that show personal data (CLI lists, web
//! pages, exports with CPR) and by user administration; read by the auditor.
//!
//! Entries never hold a CPR number, a name or a password: they name the action, the object's id
//! and the persons' pseudonymous `person_id` (`audit_subjects`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::query::{Param, StoredRow, required, timestamp_text};
use crate::{Connection, Store, StoreError};

/// Whether an audited action was carried out or refused (e.g. a login with a wrong password,
/// a page the role may not see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditOutcome {
    #[default]
    Allowed,
    Refused,
}

impl AuditOutcome {
    /// The stored code: `allowed` or `refused`.
    pub fn code(self) -> &'static str {
        match self {
            AuditOutcome::Allowed => "allowed",
            AuditOutcome::Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditOutcome> {
        match code {
            "allowed" => Some(AuditOutcome::Allowed),
            "refused" => Some(AuditOutcome::Refused),
            _ => None,
        }
    }
}

/// One audit entry to record. Start from [`AuditEntry::new`] and set what applies:
/// `AuditEntry { persons: &ids, ..AuditEntry::new("case.read") }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditEntry<'a> {
    /// The user, when the action was taken in the web application; `None` for the CLI, where
    /// the operating system's account is the actor.
    pub user_id: Option<i64>,
    /// What was done, e.g. `deadlines.list`, `export.cpr`, `user.add`.
    pub action: &'a str,
    pub object_type: Option<&'a str>,
    pub object_id: Option<&'a str>,
    /// Parameters of the action (filters, counts, a search criterion), never personal data and
    /// never a password or its hash.
    pub detail: Option<&'a str>,
    /// Where the request came from: the client's IP address, nothing more (`None` for the CLI).
    pub client: Option<&'a str>,
    pub outcome: AuditOutcome,
    /// The persons the action touched, by `person_id` (duplicates are recorded once).
    pub persons: &'a [&'a str],
}

impl<'a> AuditEntry<'a> {
    /// An allowed action by no particular user, touching no person.
    pub fn new(action: &'a str) -> AuditEntry<'a> {
        AuditEntry {
            user_id: None,
            action,
            object_type: None,
            object_id: None,
            detail: None,
            client: None,
            outcome: AuditOutcome::Allowed,
            persons: &[],
        }
    }
}

/// A recorded audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    /// UTC, RFC 3339 with microseconds (`2025-03-01T13:05:00.123456Z`).
    pub at: String,
    pub user_id: Option<i64>,
    /// The user's current username (joined from `users`).
    pub username: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub detail: Option<String>,
    pub client: Option<String>,
    /// `allowed` or `refused` ([`AuditOutcome::code`]).
    pub outcome: String,
    /// The persons the action touched, sorted.
    pub persons: Vec<String>,
}

/// What [`Store::search_audit`] looks for; every condition set must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditFilter<'a> {
    pub user_id: Option<i64>,
    /// Actions starting with this text (`user.` finds `user.add`, `user.reset`, ...).
    pub action_prefix: Option<&'a str>,
    /// Entries that touched this person.
    pub person_id: Option<&'a str>,
    pub object_id: Option<&'a str>,
    /// From this moment, inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Before this moment (exclusive).
    pub to: Option<DateTime<Utc>>,
    pub refused_only: bool,
    /// At most this many entries (the newest); capped at [`AuditFilter::MAX_LIMIT`].
    pub limit: u32,
}

impl AuditFilter<'_> {
    /// The most entries one search returns.
    pub const MAX_LIMIT: u32 = 10_000;
}

impl Default for AuditFilter<'_> {
    /// No condition, the newest 100 entries.
    fn default() -> Self {
        AuditFilter {
            user_id: None,
            action_prefix: None,
            person_id: None,
            object_id: None,
            from: None,
            to: None,
            refused_only: false,
            limit: 100,
        }
    }
}

/// The columns of an [`AuditRecord`] (without its persons), per backend, from `audit_log a`
/// joined with `users u`.
const RECORD_FROM: [&str; 2] = [
    "SELECT a.id, a.at, a.user_id, u.username, a.action, a.object_type, a.object_id, a.detail,
            a.client, a.outcome
     FROM audit_log a LEFT JOIN users u ON u.user_id = a.user_id",
    "SELECT a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
            a.user_id, u.username, a.action, a.object_type, a.object_id, a.detail,
            a.client, a.outcome
     FROM audit_log a LEFT JOIN users u ON u.user_id = a.user_id",
];

/// How many entry ids go into one `IN (...)` when their persons are read.
const PERSONS_CHUNK: usize = 500;

fn record_from_row(row: &dyn StoredRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        id: required(row.int(0)?, "audit_log", "id")?,
        at: required(row.text(1)?, "audit_log", "at")?,
        user_id: row.int(2)?,
        username: row.text(3)?,
        action: required(row.text(4)?, "audit_log", "action")?,
        object_type: row.text(5)?,
        object_id: row.text(6)?,
        detail: row.text(7)?,
        client: row.text(8)?,
        outcome: required(row.text(9)?, "audit_log", "outcome")?,
        persons: Vec::new(),
    })
}

/// A `WHERE` clause built from fixed fragments, each backend's placeholders numbered in order.
/// Only the fragments below are ever part of the SQL; every value is a bind parameter.
struct Conditions<'a> {
    sql: [String; 2],
    params: Vec<Param<'a>>,
}

impl<'a> Conditions<'a> {
    fn new() -> Self {
        Conditions {
            sql: [String::new(), String::new()],
            params: Vec::new(),
        }
    }

    /// Adds `[sqlite, postgres]`, each `#` standing for the placeholder of `param`.
    fn add(&mut self, [sqlite, postgres]: [&'static str; 2], param: Option<Param<'a>>) {
        if let Some(param) = param {
            self.params.push(param);
        }
        let number = self.params.len();
        for (sql, (fragment, marker)) in self.sql.iter_mut().zip([
            (sqlite, format!("?{number}")),
            (postgres, format!("${number}")),
        ]) {
            sql.push_str(if sql.is_empty() { " WHERE " } else { " AND " });
            sql.push_str(&fragment.replace('#', &marker));
        }
    }

    /// A placeholder for `param` alone (for `LIMIT` and `IN` lists): `[sqlite, postgres]`.
    fn placeholder(&mut self, param: Param<'a>) -> [String; 2] {
        self.params.push(param);
        let number = self.params.len();
        [format!("?{number}"), format!("${number}")]
    }
}

impl Store {
    /// Records `entry` now, with the persons it touched, in one transaction (or in the
    /// caller's, inside [`Store::transaction`]); returns the entry's id.
    pub fn audit(&mut self, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
        self.transaction(|store| store.insert_audit(entry))
    }

    fn insert_audit(&mut self, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
        let context = "writing the audit log";
        let at = timestamp_text(Utc::now());
        let ids = self.connection.query(
            context,
            [
                "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail,
                                        client, outcome)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail,
                                        client, outcome)
                 VALUES ($1::text::timestamptz, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            ],
            &[
                Param::Text(Some(&at)),
                Param::Int(entry.user_id),
                Param::Text(Some(entry.action)),
                Param::Text(entry.object_type),
                Param::Text(entry.object_id),
                Param::Text(entry.detail),
                Param::Text(entry.client),
                Param::Text(Some(entry.outcome.code())),
            ],
            |row| required(row.int(0)?, "audit_log", "id"),
        )?;
        let id = ids.into_iter().next().ok_or_else(|| StoreError::Corrupt {
            table: "audit_log",
            column: "id".to_owned(),
            reason: "the insert returned no id".to_owned(),
        })?;
        if entry.persons.is_empty() {
            return Ok(id);
        }
        let context = "writing the persons of an audit entry";
        match &mut self.connection {
            // One cached statement, executed per person inside the transaction: no parsing and
            // no disk sync per row, so thousands of persons take milliseconds.
            Connection::Sqlite(connection) => {
                let mut statement = connection
                    .prepare_cached(
                        "INSERT INTO audit_subjects (audit_id, person_id) VALUES (?1, ?2)
                         ON CONFLICT DO NOTHING",
                    )
                    .map_err(StoreError::sqlite(context))?;
                for person_id in entry.persons {
                    statement
                        .execute(rusqlite::params![id, person_id])
                        .map_err(StoreError::sqlite(context))?;
                }
            }
            // One statement for all persons: the ids travel as one array parameter.
            Connection::Postgres(client) => {
                client
                    .execute(
                        "INSERT INTO audit_subjects (audit_id, person_id)
                         SELECT $1::bigint, person_id FROM unnest($2::text[]) AS p(person_id)
                         ON CONFLICT DO NOTHING",
                        &[&id, &entry.persons],
                    )
                    .map_err(StoreError::postgres(context))?;
            }
        }
        Ok(id)
    }

    /// The whole audit log, oldest first.
    pub fn audit_log(&mut self) -> Result<Vec<AuditRecord>, StoreError> {
        let [sqlite, postgres] = RECORD_FROM.map(|from| format!("{from} ORDER BY a.id"));
        let mut records = self.connection.query(
            "reading the audit log",
            [&sqlite, &postgres],
            &[],
            record_from_row,
        )?;
        const SUBJECTS: &str =
            "SELECT audit_id, person_id FROM audit_subjects ORDER BY audit_id, person_id";
        let subjects = self.connection.query(
            "reading the persons of the audit log",
            [SUBJECTS, SUBJECTS],
            &[],
            subject_from_row,
        )?;
        attach_persons(&mut records, subjects);
        Ok(records)
    }

    /// The entries matching `filter`, newest first, at most `filter.limit` (capped at
    /// [`AuditFilter::MAX_LIMIT`]).
    pub fn search_audit(
        &mut self,
        filter: &AuditFilter<'_>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let from = filter.from.map(timestamp_text);
        let to = filter.to.map(timestamp_text);
        let mut conditions = Conditions::new();
        if let Some(user_id) = filter.user_id {
            conditions.add(
                ["a.user_id = #", "a.user_id = #"],
                Some(Param::Int(Some(user_id))),
            );
        }
        if let Some(prefix) = filter.action_prefix {
            conditions.add(
                [
                    "substr(a.action, 1, length(#)) = #",
                    "left(a.action, char_length(#::text)) = #::text",
                ],
                Some(Param::Text(Some(prefix))),
            );
        }
        if let Some(person_id) = filter.person_id {
            conditions.add(
                [
                    "a.id IN (SELECT audit_id FROM audit_subjects WHERE person_id = #)",
                    "a.id IN (SELECT audit_id FROM audit_subjects WHERE person_id = #)",
                ],
                Some(Param::Text(Some(person_id))),
            );
        }
        if let Some(object_id) = filter.object_id {
            conditions.add(
                ["a.object_id = #", "a.object_id = #"],
                Some(Param::Text(Some(object_id))),
            );
        }
        if let Some(from) = &from {
            conditions.add(
                ["a.at >= #", "a.at >= #::text::timestamptz"],
                Some(Param::Text(Some(from))),
            );
        }
        if let Some(to) = &to {
            conditions.add(
                ["a.at < #", "a.at < #::text::timestamptz"],
                Some(Param::Text(Some(to))),
            );
        }
        if filter.refused_only {
            conditions.add(["a.outcome = 'refused'", "a.outcome = 'refused'"], None);
        }
        let limit = i64::from(filter.limit.min(AuditFilter::MAX_LIMIT));
        let [sqlite_limit, postgres_limit] = conditions.placeholder(Param::Int(Some(limit)));
        let [sqlite_where, postgres_where] = &conditions.sql;
        let sqlite = format!(
            "{}{sqlite_where} ORDER BY a.at DESC, a.id DESC LIMIT {sqlite_limit}",
            RECORD_FROM[0]
        );
        let postgres = format!(
            "{}{postgres_where} ORDER BY a.at DESC, a.id DESC LIMIT {postgres_limit}",
            RECORD_FROM[1]
        );
        let mut records = self.connection.query(
            "searching the audit log",
            [&sqlite, &postgres],
            &conditions.params,
            record_from_row,
        )?;
        let ids: Vec<i64> = records.iter().map(|record| record.id).collect();
        let mut subjects = Vec::new();
        for chunk in ids.chunks(PERSONS_CHUNK) {
            let mut list = Conditions::new();
            let placeholders: Vec<[String; 2]> = chunk
                .iter()
                .map(|id| list.placeholder(Param::Int(Some(*id))))
                .collect();
            let [sqlite, postgres] = [0, 1].map(|backend| {
                let marks: Vec<&str> = placeholders
                    .iter()
                    .map(|pair| pair[backend].as_str())
                    .collect();
                format!(
                    "SELECT audit_id, person_id FROM audit_subjects WHERE audit_id IN ({})
                     ORDER BY audit_id, person_id",
                    marks.join(", ")
                )
            });
            subjects.extend(self.connection.query(
                "reading the persons of audit entries",
                [&sqlite, &postgres],
                &list.params,
                subject_from_row,
            )?);
        }
        attach_persons(&mut records, subjects);
        Ok(records)
    }
}

fn subject_from_row(row: &dyn StoredRow) -> Result<(i64, String), StoreError> {
    Ok((
        required(row.int(0)?, "audit_subjects", "audit_id")?,
        required(row.text(1)?, "audit_subjects", "person_id")?,
    ))
}

/// Puts each `(audit_id, person_id)` (sorted by person) on its record.
fn attach_persons(records: &mut [AuditRecord], subjects: Vec<(i64, String)>) {
    let mut by_entry: HashMap<i64, Vec<String>> = HashMap::new();
    for (audit_id, person_id) in subjects {
        by_entry.entry(audit_id).or_default().push(person_id);
    }
    for record in records {
        if let Some(persons) = by_entry.remove(&record.id) {
            record.persons = persons;
        }
    }
}
