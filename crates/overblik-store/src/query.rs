//! Small statements on both backends (users, audit log): one call with each backend's SQL
//! (placeholders and time functions differ), one parameter list and one row mapping; and
//! [`Store::transaction`], which makes several of them one unit.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Connection, Store, StoreError};

/// A parameter of a small statement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    /// INTEGER 0/1 on SQLite, boolean on PostgreSQL.
    Bool(bool),
    Bytes(Option<&'a [u8]>),
}

/// A column value of a result row, read the same way on both backends.
pub(crate) trait StoredRow {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError>;
    fn int(&self, index: usize) -> Result<Option<i64>, StoreError>;
    fn bool(&self, index: usize) -> Result<Option<bool>, StoreError>;
    fn bytes(&self, index: usize) -> Result<Option<Vec<u8>>, StoreError>;
}

struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>, &'r str);

impl StoredRow for SqliteRow<'_, '_> {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError> {
        self.0.get(index).map_err(StoreError::sqlite(self.1))
    }
    fn int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        self.0.get(index).map_err(StoreError::sqlite(self.1))
    }
    fn bool(&self, index: usize) -> Result<Option<bool>, StoreError> {
        self.0.get(index).map_err(StoreError::sqlite(self.1))
    }
    fn bytes(&self, index: usize) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.get(index).map_err(StoreError::sqlite(self.1))
    }
}

struct PgRow<'r>(&'r postgres::Row, &'r str);

impl StoredRow for PgRow<'_> {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError> {
        self.0.try_get(index).map_err(StoreError::postgres(self.1))
    }
    fn int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        self.0.try_get(index).map_err(StoreError::postgres(self.1))
    }
    fn bool(&self, index: usize) -> Result<Option<bool>, StoreError> {
        self.0.try_get(index).map_err(StoreError::postgres(self.1))
    }
    fn bytes(&self, index: usize) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.try_get(index).map_err(StoreError::postgres(self.1))
    }
}

impl Connection {
    /// Runs a statement: `sqlite` or `postgres`, whichever backend this is.
    pub(crate) fn execute(
        &mut self,
        context: &str,
        statements: [&str; 2],
        params: &[Param<'_>],
    ) -> Result<(), StoreError> {
        self.execute_counted(context, statements, params).map(drop)
    }

    /// Runs a statement and returns the number of rows it changed.
    pub(crate) fn execute_counted(
        &mut self,
        context: &str,
        [sqlite, postgres]: [&str; 2],
        params: &[Param<'_>],
    ) -> Result<u64, StoreError> {
        match self {
            Connection::Sqlite(connection) => {
                let values: Vec<&dyn rusqlite::ToSql> = params.iter().map(sqlite_param).collect();
                connection
                    .execute(sqlite, values.as_slice())
                    .map(|n| n as u64)
                    .map_err(StoreError::sqlite(context))
            }
            Connection::Postgres(client) => {
                let values: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(pg_param).collect();
                client
                    .execute(postgres, &values)
                    .map_err(StoreError::postgres(context))
            }
        }
    }

    /// Runs a query (`sqlite` or `postgres`) and maps every row.
    pub(crate) fn query<T>(
        &mut self,
        context: &str,
        [sqlite, postgres]: [&str; 2],
        params: &[Param<'_>],
        map: impl Fn(&dyn StoredRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Connection::Sqlite(connection) => {
                let values: Vec<&dyn rusqlite::ToSql> = params.iter().map(sqlite_param).collect();
                let mut statement = connection
                    .prepare(sqlite)
                    .map_err(StoreError::sqlite(context))?;
                let mut rows = statement
                    .query(values.as_slice())
                    .map_err(StoreError::sqlite(context))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(StoreError::sqlite(context))? {
                    out.push(map(&SqliteRow(row, context))?);
                }
                Ok(out)
            }
            Connection::Postgres(client) => {
                let values: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(pg_param).collect();
                client
                    .query(postgres, &values)
                    .map_err(StoreError::postgres(context))?
                    .iter()
                    .map(|row| map(&PgRow(row, context)))
                    .collect()
            }
        }
    }
}

fn sqlite_param<'p>(param: &'p Param<'_>) -> &'p dyn rusqlite::ToSql {
    match param {
        Param::Text(text) => text,
        Param::Int(int) => int,
        Param::Bool(flag) => flag,
        Param::Bytes(bytes) => bytes,
    }
}

fn pg_param<'p>(param: &'p Param<'_>) -> &'p (dyn postgres::types::ToSql + Sync) {
    match param {
        Param::Text(text) => text,
        Param::Int(int) => int,
        Param::Bool(flag) => flag,
        Param::Bytes(bytes) => bytes,
    }
}

impl Connection {
    /// Starts a transaction with plain SQL, so that the small statements above run inside it
    /// unchanged. SQLite takes the write lock at once (no lock upgrade that could fail later).
    fn begin(&mut self) -> Result<(), StoreError> {
        self.batch("starting a transaction", ["BEGIN IMMEDIATE", "BEGIN"])
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.batch("committing a transaction", ["COMMIT", "COMMIT"])
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.batch("rolling back a transaction", ["ROLLBACK", "ROLLBACK"])
    }

    fn batch(&mut self, context: &str, [sqlite, postgres]: [&str; 2]) -> Result<(), StoreError> {
        match self {
            Connection::Sqlite(connection) => connection
                .execute_batch(sqlite)
                .map_err(StoreError::sqlite(context)),
            Connection::Postgres(client) => client
                .batch_execute(postgres)
                .map_err(StoreError::postgres(context)),
        }
    }
}

impl Store {
    /// Runs `f` in one transaction: everything it writes through this store is committed
    /// together when it returns `Ok`, and rolled back when it returns an error. Used to make a
    /// change and its audit entry one unit. Nested calls join the outer transaction. An import
    /// ([`Store::begin_import`]) cannot be started inside.
    pub fn transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.in_transaction {
            return f(self);
        }
        self.connection.begin()?;
        self.in_transaction = true;
        let result = f(self);
        self.in_transaction = false;
        match result {
            Ok(value) => {
                if let Err(error) = self.connection.commit() {
                    // A failed COMMIT on SQLite can leave the transaction open.
                    let _ = self.connection.rollback();
                    return Err(error.into());
                }
                Ok(value)
            }
            Err(error) => {
                // The error of `f` is what matters; a failed rollback ends with the connection.
                let _ = self.connection.rollback();
                Err(error)
            }
        }
    }
}

/// A timestamp as stored in a TEXT column on SQLite and passed to PostgreSQL as
/// `$n::text::timestamptz`: UTC with microseconds (`2025-03-01T13:05:00.000000Z`), so that text
/// order is time order.
pub(crate) fn timestamp_text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads a timestamp written by [`timestamp_text`] (SQLite) or selected as
/// `to_char(column AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` (PostgreSQL).
pub(crate) fn parse_timestamp(
    text: Option<String>,
    table: &'static str,
    column: &str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    text.map(|text| {
        DateTime::parse_from_rfc3339(&text)
            .map(|instant| instant.with_timezone(&Utc))
            .map_err(|_| StoreError::Corrupt {
                table,
                column: column.to_owned(),
                reason: "not an RFC 3339 timestamp".to_owned(),
            })
    })
    .transpose()
}

/// A required column: a NULL where the schema forbids one means the store is damaged.
pub(crate) fn required<T>(
    value: Option<T>,
    table: &'static str,
    column: &str,
) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Corrupt {
        table,
        column: column.to_owned(),
        reason: "NULL in a NOT NULL column".to_owned(),
    })
}
