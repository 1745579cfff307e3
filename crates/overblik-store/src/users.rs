//! Users of the web interface (the `users` table): accounts, their link to the data, and the
//! login state (failed logins, lockout, last login). Passwords arrive hashed; this module never
//! sees a password in clear, and [`UserRecord`] never carries the hash.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use crate::query::{Param, StoredRow, parse_timestamp, required, timestamp_text};
use crate::{Store, StoreError};

/// A stored user, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// The role code (`overblik_domain::access::Role::code`).
    pub role: String,
    /// The caseworker's own staff id in the data (role `caseworker`).
    pub staff_id: Option<String>,
    /// The unit a team leader or head leads (roles `team_leader`, `head`).
    pub unit_id: Option<String>,
    pub disabled: bool,
    /// Consecutive failed logins since the last successful login or password change.
    pub failed_logins: i64,
    /// Logins are refused until then (a lock in the past has expired).
    pub locked_until: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl UserRecord {
    /// Whether the account is locked at `now`.
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// A user to create (or, for [`Store::upsert_user`], to update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub staff_id: Option<&'a str>,
    pub unit_id: Option<&'a str>,
    /// The PHC string (`overblik_web::password::hash_password`), never the password.
    pub password_hash: &'a str,
}

impl NewUser<'_> {
    /// The parameters `?1`..`?7` of the insert statements: the user's columns and now.
    fn params<'p>(&'p self, now: &'p str) -> [Param<'p>; 7] {
        [
            Param::Text(Some(self.username)),
            Param::Text(Some(self.display_name)),
            Param::Text(Some(self.role)),
            Param::Text(self.staff_id),
            Param::Text(self.unit_id),
            Param::Text(Some(self.password_hash)),
            Param::Text(Some(now)),
        ]
    }
}

/// The columns of a [`UserRecord`], per backend (PostgreSQL timestamps as RFC 3339 text).
macro_rules! user_columns {
    (sqlite) => {
        "user_id, username, display_name, role, staff_id, unit_id, disabled, failed_logins,
         locked_until, last_login_at"
    };
    (postgres) => {
        "user_id, username, display_name, role, staff_id, unit_id, disabled, failed_logins,
         to_char(locked_until AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
         to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    };
}

/// `SELECT <user columns> FROM users <rest>` in both dialects (the rest with `?1` for SQLite,
/// `$1` for PostgreSQL).
macro_rules! select_users {
    ($rest_sqlite:literal, $rest_postgres:literal) => {
        [
            concat!(
                "SELECT ",
                user_columns!(sqlite),
                " FROM users ",
                $rest_sqlite
            ),
            concat!(
                "SELECT ",
                user_columns!(postgres),
                " FROM users ",
                $rest_postgres
            ),
        ]
    };
}

/// The insert of a new user, ending before its `ON CONFLICT` clause.
macro_rules! insert_user {
    (sqlite) => {
        "INSERT INTO users (username, display_name, role, staff_id, unit_id, password_hash,
                            created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"
    };
    (postgres) => {
        "INSERT INTO users (username, display_name, role, staff_id, unit_id, password_hash,
                            created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::timestamptz, $7::text::timestamptz)"
    };
}

fn user_from_row(row: &dyn StoredRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        user_id: required(row.int(0)?, "users", "user_id")?,
        username: required(row.text(1)?, "users", "username")?,
        display_name: required(row.text(2)?, "users", "display_name")?,
        role: required(row.text(3)?, "users", "role")?,
        staff_id: row.text(4)?,
        unit_id: row.text(5)?,
        disabled: required(row.bool(6)?, "users", "disabled")?,
        failed_logins: required(row.int(7)?, "users", "failed_logins")?,
        locked_until: parse_timestamp(row.text(8)?, "users", "locked_until")?,
        last_login_at: parse_timestamp(row.text(9)?, "users", "last_login_at")?,
    })
}

fn now_text() -> String {
    timestamp_text(Utc::now())
}

/// The latest lock end that both backends store and read back (year 9999).
fn latest_lock_end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .expect("a valid date")
}

impl Store {
    /// Creates the user, or updates the name, role, links and password hash of an existing one
    /// (by username); returns the user id. An update clears failed logins and a lockout and
    /// leaves `disabled` as it is. For the demo's users; `overblik user` uses [`Store::add_user`].
    pub fn upsert_user(&mut self, user: &NewUser<'_>) -> Result<i64, StoreError> {
        let now = now_text();
        let ids = self.connection.query(
            "writing a user",
            [
                concat!(
                    insert_user!(sqlite),
                    " ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                         role = excluded.role, staff_id = excluded.staff_id,
                         unit_id = excluded.unit_id, password_hash = excluded.password_hash,
                         password_changed_at = excluded.password_changed_at,
                         failed_logins = 0, locked_until = NULL
                     RETURNING user_id"
                ),
                concat!(
                    insert_user!(postgres),
                    " ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                         role = excluded.role, staff_id = excluded.staff_id,
                         unit_id = excluded.unit_id, password_hash = excluded.password_hash,
                         password_changed_at = excluded.password_changed_at,
                         failed_logins = 0, locked_until = NULL
                     RETURNING user_id"
                ),
            ],
            &user.params(&now),
            |row| required(row.int(0)?, "users", "user_id"),
        )?;
        ids.into_iter().next().ok_or_else(|| StoreError::Corrupt {
            table: "users",
            column: "user_id".to_owned(),
            reason: "the upsert returned no id".to_owned(),
        })
    }

    /// Creates the user; returns the user id. An existing username is refused
    /// ([`StoreError::UserExists`]) and left unchanged.
    pub fn add_user(&mut self, user: &NewUser<'_>) -> Result<i64, StoreError> {
        let now = now_text();
        let ids = self.connection.query(
            "creating a user",
            [
                concat!(
                    insert_user!(sqlite),
                    " ON CONFLICT (username) DO NOTHING RETURNING user_id"
                ),
                concat!(
                    insert_user!(postgres),
                    " ON CONFLICT (username) DO NOTHING RETURNING user_id"
                ),
            ],
            &user.params(&now),
            |row| required(row.int(0)?, "users", "user_id"),
        )?;
        ids.into_iter()
            .next()
            .ok_or_else(|| StoreError::UserExists {
                username: user.username.to_owned(),
            })
    }

    /// Every user, by username.
    pub fn users(&mut self) -> Result<Vec<UserRecord>, StoreError> {
        self.connection.query(
            "reading users",
            select_users!("ORDER BY username", "ORDER BY username"),
            &[],
            user_from_row,
        )
    }

    /// The user called `username`, if there is one.
    pub fn user_by_name(&mut self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        self.one_user(
            select_users!("WHERE username = ?1", "WHERE username = $1"),
            Param::Text(Some(username)),
        )
    }

    /// The user with id `user_id`, if there is one.
    pub fn user_by_id(&mut self, user_id: i64) -> Result<Option<UserRecord>, StoreError> {
        self.one_user(
            select_users!("WHERE user_id = ?1", "WHERE user_id = $1"),
            Param::Int(Some(user_id)),
        )
    }

    fn one_user(
        &mut self,
        sql: [&str; 2],
        key: Param<'_>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let users = self
            .connection
            .query("reading a user", sql, &[key], user_from_row)?;
        Ok(users.into_iter().next())
    }

    /// The password hash (PHC string) of the user with id `user_id`, if the user exists.
    pub fn password_hash(&mut self, user_id: i64) -> Result<Option<String>, StoreError> {
        let hashes = self.connection.query(
            "reading a user",
            [
                "SELECT password_hash FROM users WHERE user_id = ?1",
                "SELECT password_hash FROM users WHERE user_id = $1",
            ],
            &[Param::Int(Some(user_id))],
            |row| required(row.text(0)?, "users", "password_hash"),
        )?;
        Ok(hashes.into_iter().next())
    }

    /// Counts a failed login, atomically (one `UPDATE`, so concurrent attempts are all
    /// counted). When the count of consecutive failures reaches `lock_after`, the account is
    /// locked until now + `lock_for`; every further failure before a successful login or a
    /// password change locks it again from that moment (so an expired lock gives one more try,
    /// not `lock_after`). Returns the updated record.
    pub fn record_failed_login(
        &mut self,
        user_id: i64,
        lock_after: i64,
        lock_for: Duration,
    ) -> Result<UserRecord, StoreError> {
        let until = Utc::now()
            .checked_add_signed(lock_for)
            .filter(|until| until.year() <= 9999)
            .unwrap_or_else(latest_lock_end);
        let until = timestamp_text(until);
        let users = self.connection.query(
            "recording a failed login",
            [
                concat!(
                    "UPDATE users SET failed_logins = failed_logins + 1,
                         locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3
                                             ELSE locked_until END
                     WHERE user_id = ?1 RETURNING ",
                    user_columns!(sqlite)
                ),
                concat!(
                    "UPDATE users SET failed_logins = failed_logins + 1,
                         locked_until = CASE WHEN failed_logins + 1 >= $2
                                             THEN $3::text::timestamptz
                                             ELSE locked_until END
                     WHERE user_id = $1 RETURNING ",
                    user_columns!(postgres)
                ),
            ],
            &[
                Param::Int(Some(user_id)),
                Param::Int(Some(lock_after)),
                Param::Text(Some(&until)),
            ],
            user_from_row,
        )?;
        users
            .into_iter()
            .next()
            .ok_or(StoreError::UnknownUserId { user_id })
    }

    /// Records a successful login: no failed logins, no lock, `last_login_at` now.
    pub fn record_login(&mut self, user_id: i64) -> Result<(), StoreError> {
        let now = now_text();
        self.connection.execute(
            "recording a login",
            [
                "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?2
                 WHERE user_id = ?1",
                "UPDATE users SET failed_logins = 0, locked_until = NULL,
                     last_login_at = $2::text::timestamptz
                 WHERE user_id = $1",
            ],
            &[Param::Int(Some(user_id)), Param::Text(Some(&now))],
        )
    }

    /// Replaces the password hash of `username` and clears failed logins and a lockout;
    /// `false` when there is no such user.
    pub fn set_password(
        &mut self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let now = now_text();
        let ids = self.connection.query(
            "changing a password",
            [
                "UPDATE users SET password_hash = ?2, password_changed_at = ?3,
                     failed_logins = 0, locked_until = NULL
                 WHERE username = ?1 RETURNING user_id",
                "UPDATE users SET password_hash = $2, password_changed_at = $3::text::timestamptz,
                     failed_logins = 0, locked_until = NULL
                 WHERE username = $1 RETURNING user_id",
            ],
            &[
                Param::Text(Some(username)),
                Param::Text(Some(password_hash)),
                Param::Text(Some(&now)),
            ],
            |row| required(row.int(0)?, "users", "user_id"),
        )?;
        Ok(!ids.is_empty())
    }

    /// Disables or enables `username`; `false` when there is no such user.
    pub fn set_disabled(&mut self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        let ids = self.connection.query(
            "disabling or enabling a user",
            [
                "UPDATE users SET disabled = ?2 WHERE username = ?1 RETURNING user_id",
                "UPDATE users SET disabled = $2 WHERE username = $1 RETURNING user_id",
            ],
            &[Param::Text(Some(username)), Param::Bool(disabled)],
            |row| required(row.int(0)?, "users", "user_id"),
        )?;
        Ok(!ids.is_empty())
    }

    /// Whether the data has a staff member with this id (a caseworker account's link).
    pub fn staff_exists(&mut self, staff_id: &str) -> Result<bool, StoreError> {
        self.exists(
            "looking up a staff member",
            [
                "SELECT 1 FROM staff WHERE staff_id = ?1",
                "SELECT 1 FROM staff WHERE staff_id = $1",
            ],
            staff_id,
        )
    }

    /// Whether the data has an organisational unit with this id (a leader account's link).
    pub fn unit_exists(&mut self, unit_id: &str) -> Result<bool, StoreError> {
        self.exists(
            "looking up a unit",
            [
                "SELECT 1 FROM org_units WHERE unit_id = ?1",
                "SELECT 1 FROM org_units WHERE unit_id = $1",
            ],
            unit_id,
        )
    }

    /// Whether `queries` (SQLite, PostgreSQL) find a row for `id`.
    fn exists(
        &mut self,
        what: &'static str,
        queries: [&str; 2],
        id: &str,
    ) -> Result<bool, StoreError> {
        let found = self
            .connection
            .query(what, queries, &[Param::Text(Some(id))], |_| Ok(()))?;
        Ok(!found.is_empty())
    }
}
