//! Small statements on both backends (users, audit log): one call with each backend's SQL
//! (placeholders and time functions differ), one parameter list and one row mapping.

use crate::{Connection, StoreError};

/// A parameter of a small statement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
}

/// A column value of a result row, read the same way on both backends.
pub(crate) trait StoredRow {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError>;
    fn int(&self, index: usize) -> Result<Option<i64>, StoreError>;
}

struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>, &'r str);

impl StoredRow for SqliteRow<'_, '_> {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError> {
        self.0.get(index).map_err(StoreError::sqlite(self.1))
    }
    fn int(&self, index: usize) -> Result<Option<i64>, StoreError> {
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
}

impl Connection {
    /// Runs a statement: `sqlite` or `postgres`, whichever backend this is.
    pub(crate) fn execute(
        &mut self,
        context: &str,
        [sqlite, postgres]: [&str; 2],
        params: &[Param<'_>],
    ) -> Result<(), StoreError> {
        match self {
            Connection::Sqlite(connection) => {
                let values: Vec<&dyn rusqlite::ToSql> = params.iter().map(sqlite_param).collect();
                connection
                    .execute(sqlite, values.as_slice())
                    .map(drop)
                    .map_err(StoreError::sqlite(context))
            }
            Connection::Postgres(client) => {
                let values: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(pg_param).collect();
                client
                    .execute(postgres, &values)
                    .map(drop)
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
    }
}

fn pg_param<'p>(param: &'p Param<'_>) -> &'p (dyn postgres::types::ToSql + Sync) {
    match param {
        Param::Text(text) => text,
        Param::Int(int) => int,
    }
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
