//! The one error type of the store.
//!
//! Messages are lowercase and say what was being attempted. They name tables, columns, paths and
//! redacted URLs, never cell contents: a CPR number, a name or a password must not reach a log
//! line through an error. PostgreSQL errors are therefore reduced to their message and SQLSTATE
//! (the server's DETAIL may quote a whole failing row).

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no backend this build supports.
    #[error(
        "database-adressen `{url}` understøttes ikke; brug sqlite://sti/til/fil.db (eller sqlite:sti, eller en sti der ender på .db) eller postgres://bruger@vært/database (også postgresql://)"
    )]
    UnsupportedUrl { url: String },

    /// The SQLite file could not be opened or created.
    #[error("kan ikke åbne SQLite-databasen `{url}`")]
    CannotOpen {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The PostgreSQL server could not be reached or refused the login.
    #[error("kan ikke forbinde til PostgreSQL-databasen `{url}`: {message}")]
    CannotConnect { url: String, message: String },

    /// The database has a key check but the key file is gone.
    #[error(
        "databasen blev oprettet med en krypteringsnøgle, men nøglefilen `{}` findes ikke; angiv den hidtidige nøgle med OVERBLIK_KEY_FILE eller --key-file",
        path.display()
    )]
    KeyMissing { path: PathBuf },

    /// The key (from a file, or from OVERBLIK_KEY) is not the key this database was created with.
    #[error("nøglen i `{key_source}` hører ikke til denne database")]
    KeyMismatch { key_source: String },

    /// The key file or OVERBLIK_KEY is not 64 hex characters.
    #[error("nøglen i `{key_source}` er ugyldig: {reason}")]
    MalformedKey {
        key_source: String,
        reason: &'static str,
    },

    /// Reading or creating the key file failed.
    #[error("cannot {action} the key file `{}`", path.display())]
    KeyFile {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The store was opened without a key (`open_unmigrated`) and then asked for CPR work.
    #[error(
        "ingen krypteringsnøgle er indlæst; åbn databasen med dens nøgle før import eller læsning af CPR-numre"
    )]
    NoKey,

    /// The database was migrated by a newer overblik; it is left untouched.
    #[error(
        "databasen har skemaversion {found}, men denne udgave af overblik kender kun versioner til og med {supported}; opgrader overblik for at bruge databasen (databasen er ikke ændret)"
    )]
    NewerSchema { found: i64, supported: i64 },

    /// A row handed to the store does not fit its table (a bug in the caller, not bad input).
    #[error("invalid row for `{table}`: {reason}")]
    InvalidRow { table: &'static str, reason: String },

    /// The import session was used out of order (e.g. a row for a table that was not begun).
    #[error("import session misuse: {0}")]
    Misuse(String),

    /// A user with this username exists already (`Store::add_user`).
    #[error("brugeren `{username}` findes allerede")]
    UserExists { username: String },

    /// No user has this id (`Store::record_failed_login`).
    #[error("der er ingen bruger med id {user_id}")]
    UnknownUserId { user_id: i64 },

    /// A stored value could not be read back into its column type.
    #[error("stored value in `{table}.{column}` cannot be read: {reason}")]
    Corrupt {
        table: &'static str,
        column: String,
        reason: String,
    },

    /// A CPR ciphertext did not decrypt under the loaded key.
    #[error("a stored cpr number in `{table}` cannot be decrypted with the loaded key")]
    Decrypt { table: &'static str },

    /// An SQLite statement failed.
    #[error("sqlite error while {context}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },

    /// A PostgreSQL statement failed (message and SQLSTATE only, see the module docs).
    #[error("postgresql error while {context}: {message}")]
    Postgres { context: String, message: String },
}

impl StoreError {
    /// Wraps an SQLite error with what was being done.
    pub(crate) fn sqlite(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Sqlite { context, source }
    }

    /// Wraps a PostgreSQL error with what was being done, dropping DETAIL/WHERE/HINT.
    pub(crate) fn postgres(
        context: impl Into<String>,
    ) -> impl FnOnce(postgres::Error) -> StoreError {
        let context = context.into();
        move |error| StoreError::Postgres {
            context,
            message: postgres_message(&error),
        }
    }
}

/// The parts of a PostgreSQL error that cannot contain row content.
pub(crate) fn postgres_message(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db_error) => format!(
            "{} (sqlstate {})",
            db_error.message(),
            db_error.code().code()
        ),
        // Client-side errors (I/O, protocol, closed connection) never carry row content.
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_and_name_the_path() {
        let error = StoreError::KeyMissing {
            path: PathBuf::from("data/overblik.key"),
        };
        let message = error.to_string();
        assert!(message.starts_with("databasen blev oprettet med en krypteringsnøgle"));
        assert!(message.contains("`data/overblik.key`"));
        let error = StoreError::NewerSchema {
            found: 7,
            supported: 1,
        };
        assert!(error.to_string().contains("opgrader overblik"));
    }
}
