//! Users of the web interface (the `users` table). Passwords arrive hashed; this module never
//! sees a password in clear.

use crate::{Connection, Store, StoreError};

/// A stored user, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub display_name: String,
    pub role: String,
}

impl Store {
    /// Creates the user, or updates the name, role and password hash of an existing one.
    pub fn upsert_user(
        &mut self,
        username: &str,
        display_name: &str,
        role: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        match &mut self.connection {
            Connection::Sqlite(connection) => connection
                .execute(
                    "INSERT INTO users (username, display_name, role, password_hash, created_at)
                     VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                     ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                         role = excluded.role, password_hash = excluded.password_hash",
                    [username, display_name, role, password_hash],
                )
                .map(|_| ())
                .map_err(StoreError::sqlite("writing a user")),
            Connection::Postgres(client) => client
                .execute(
                    "INSERT INTO users (username, display_name, role, password_hash, created_at)
                     VALUES ($1, $2, $3, $4, now())
                     ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                         role = excluded.role, password_hash = excluded.password_hash",
                    &[&username, &display_name, &role, &password_hash],
                )
                .map(|_| ())
                .map_err(StoreError::postgres("writing a user")),
        }
    }

    /// Every user, by username.
    pub fn users(&mut self) -> Result<Vec<UserRecord>, StoreError> {
        const QUERY: &str = "SELECT username, display_name, role FROM users ORDER BY username";
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let mut statement = connection
                    .prepare(QUERY)
                    .map_err(StoreError::sqlite("reading users"))?;
                let rows = statement
                    .query_map([], |row| {
                        Ok(UserRecord {
                            username: row.get(0)?,
                            display_name: row.get(1)?,
                            role: row.get(2)?,
                        })
                    })
                    .map_err(StoreError::sqlite("reading users"))?;
                rows.collect::<Result<_, _>>()
                    .map_err(StoreError::sqlite("reading users"))
            }
            Connection::Postgres(client) => Ok(client
                .query(QUERY, &[])
                .map_err(StoreError::postgres("reading users"))?
                .iter()
                .map(|row| UserRecord {
                    username: row.get(0),
                    display_name: row.get(1),
                    role: row.get(2),
                })
                .collect()),
        }
    }

    /// The password hash of `username`, if the user exists.
    pub fn password_hash(&mut self, username: &str) -> Result<Option<String>, StoreError> {
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                use rusqlite::OptionalExtension;
                connection
                    .query_row(
                        "SELECT password_hash FROM users WHERE username = ?1",
                        [username],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(StoreError::sqlite("reading a user"))
            }
            Connection::Postgres(client) => Ok(client
                .query_opt(
                    "SELECT password_hash FROM users WHERE username = $1",
                    &[&username],
                )
                .map_err(StoreError::postgres("reading a user"))?
                .map(|row| row.get(0))),
        }
    }
}
