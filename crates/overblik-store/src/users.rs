//! Users of the web interface (the `users` table). Passwords arrive hashed; this module never
//! sees a password in clear.

use crate::query::{Param, required};
use crate::{Store, StoreError};

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
        self.connection.execute(
            "writing a user",
            [
                "INSERT INTO users (username, display_name, role, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                     role = excluded.role, password_hash = excluded.password_hash",
                "INSERT INTO users (username, display_name, role, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, now())
                 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                     role = excluded.role, password_hash = excluded.password_hash",
            ],
            &[username, display_name, role, password_hash].map(|text| Param::Text(Some(text))),
        )
    }

    /// Every user, by username.
    pub fn users(&mut self) -> Result<Vec<UserRecord>, StoreError> {
        const QUERY: &str = "SELECT username, display_name, role FROM users ORDER BY username";
        self.connection
            .query("reading users", [QUERY, QUERY], &[], |row| {
                Ok(UserRecord {
                    username: required(row.text(0)?, "users", "username")?,
                    display_name: required(row.text(1)?, "users", "display_name")?,
                    role: required(row.text(2)?, "users", "role")?,
                })
            })
    }

    /// The password hash of `username`, if the user exists.
    pub fn password_hash(&mut self, username: &str) -> Result<Option<String>, StoreError> {
        let hashes = self.connection.query(
            "reading a user",
            [
                "SELECT password_hash FROM users WHERE username = ?1",
                "SELECT password_hash FROM users WHERE username = $1",
            ],
            &[Param::Text(Some(username))],
            |row| required(row.text(0)?, "users", "password_hash"),
        )?;
        Ok(hashes.into_iter().next())
    }
}
