#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod audit;
mod entered;
mod error;
mod hashing;
mod keys;
mod layout;
mod migrate;
mod persons;
mod pg;
mod query;
mod session;
mod sqlite;
mod summary;
mod url;
mod users;

use std::path::PathBuf;

use overblik_domain::{Row, Snapshot, TABLES, TableSpec};

pub use crate::audit::{AuditEntry, AuditFilter, AuditOutcome, AuditRecord};
pub use crate::error::StoreError;
pub use crate::keys::KeyConfig;
pub use crate::session::ImportSession;
pub use crate::summary::{ImportRecord, ImportSource, ImportSummary, TableSummary};
pub use crate::url::redact_url;
pub use crate::users::{NewUser, UserRecord};

use crate::keys::{CprKeys, KEY_CHECK_META};
use crate::url::Location;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file (the default).
    Sqlite,
    /// A PostgreSQL database (production).
    Postgres,
}

/// An open connection to the store, with its schema migrated and its key loaded.
pub struct Store {
    connection: Connection,
    location: Location,
    /// `None` after [`Store::open_unmigrated`]: that store may only migrate.
    cpr_keys: Option<CprKeys>,
    /// Inside [`Store::transaction`]: statements join it instead of starting their own.
    in_transaction: bool,
}

enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("key_loaded", &self.cpr_keys.is_some())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating the SQLite file if missing), applies pending migrations, and loads the
    /// key (creating a key file only for a store that has never had one).
    ///
    /// `url`: `sqlite://path/to/file.db`, `sqlite:path`, a bare path ending in `.db`, or
    /// `postgres://...` / `postgresql://...`.
    pub fn open(url: &str, keys: &KeyConfig) -> Result<Store, StoreError> {
        let mut store = Self::open_unmigrated(url)?;
        store.migrate()?;
        store.load_key(keys)?;
        Ok(store)
    }

    /// Opens without migrating and without a key (for `overblik migrate`); call
    /// [`Store::migrate`] next. A database of a newer overblik is refused here already.
    pub fn open_unmigrated(url: &str) -> Result<Store, StoreError> {
        let location = url::parse_url(url)?;
        let redacted = redact_url(url);
        let connection = match &location {
            Location::Sqlite(path) => {
                let connection = sqlite::connect(path, &redacted)?;
                migrate::check_not_newer(&sqlite::applied_versions(&connection)?)?;
                sqlite::prepare(&connection)?;
                Connection::Sqlite(connection)
            }
            Location::Postgres(url) => {
                let mut client = pg::connect(url, &redacted)?;
                migrate::check_not_newer(&pg::applied_versions(&mut client)?)?;
                Connection::Postgres(client)
            }
        };
        Ok(Store {
            connection,
            location,
            cpr_keys: None,
            in_transaction: false,
        })
    }

    /// Applies the pending migrations; returns the names of those applied (empty when the
    /// schema is current).
    pub fn migrate(&mut self) -> Result<Vec<String>, StoreError> {
        match &mut self.connection {
            Connection::Sqlite(connection) => sqlite::migrate(connection),
            Connection::Postgres(client) => pg::migrate(client),
        }
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        match self.connection {
            Connection::Sqlite(_) => Backend::Sqlite,
            Connection::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts an import: one transaction, with the key index of every table loaded.
    pub fn begin_import(&mut self) -> Result<ImportSession<'_>, StoreError> {
        let cpr_keys = self.cpr_keys.as_ref().ok_or(StoreError::NoKey)?;
        let writer: Box<dyn session::Writer + '_> = match &mut self.connection {
            Connection::Sqlite(connection) => Box::new(sqlite::begin(connection)?),
            Connection::Postgres(client) => Box::new(pg::begin(client)?),
        };
        ImportSession::start(writer, cpr_keys)
    }

    /// Calls `f` with every row of `spec` ordered by key (ascending, by the key columns in
    /// order; text compared byte-wise). The CPR column is `Value::Cpr` (decrypted) when
    /// `include_cpr`, else `Value::Null`.
    pub fn for_each_row(
        &mut self,
        spec: &'static TableSpec,
        include_cpr: bool,
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let cpr_keys = match (include_cpr && spec.has_cpr(), &self.cpr_keys) {
            (false, _) => None,
            (true, Some(cpr_keys)) => Some(cpr_keys),
            (true, None) => return Err(StoreError::NoKey),
        };
        match &mut self.connection {
            Connection::Sqlite(connection) => sqlite::for_each_row(connection, spec, cpr_keys, f),
            Connection::Postgres(client) => pg::for_each_row(client, spec, cpr_keys, f),
        }
    }

    /// Every stored row as typed records, each table in key order: the input of the domain's
    /// rules and figures. CPR numbers are left out (`None`); nothing computed needs them.
    pub fn load_snapshot(&mut self) -> Result<Snapshot, StoreError> {
        self.load_tables(|_| true)
    }

    /// [`Store::load_snapshot`] of the tables `which` selects; the others stay empty.
    pub fn load_tables(
        &mut self,
        which: impl Fn(&TableSpec) -> bool,
    ) -> Result<Snapshot, StoreError> {
        let mut snapshot = Snapshot::default();
        for spec in TABLES.iter().copied().filter(|spec| which(spec)) {
            self.for_each_row(spec, false, &mut |row| {
                snapshot
                    .push_row(spec, &row)
                    .map_err(|error| StoreError::Corrupt {
                        table: spec.name,
                        column: error.column.to_owned(),
                        reason: "the value does not fit the record type".to_owned(),
                    })
            })?;
        }
        Ok(snapshot)
    }

    /// The number of rows of every table of `TABLES`, in `TABLES` order.
    pub fn row_counts(&mut self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        TABLES
            .iter()
            .map(|spec| {
                let sql = format!("SELECT count(*) FROM {}", layout::quote(spec.name));
                let count = self.connection.query(
                    &format!("counting `{}`", spec.name),
                    [&sql, &sql],
                    &[],
                    |row| query::required(row.int(0)?, spec.name, "count"),
                )?;
                Ok((spec.name, count.first().map_or(0, |n| (*n).max(0) as u64)))
            })
            .collect()
    }

    /// The committed imports, oldest first.
    pub fn imports(&mut self) -> Result<Vec<ImportRecord>, StoreError> {
        summary::read_imports(&mut self.connection)
    }

    /// Which files have been supplied, and when each was last imported: what the figures
    /// and the data quality read to tell "none" from "not supplied".
    pub fn sources(&mut self) -> Result<overblik_domain::sources::Sources, StoreError> {
        let imports = self.imports()?;
        Ok(overblik_domain::sources::Sources::from_imports(
            imports.iter().flat_map(|record| {
                let at = chrono::DateTime::parse_from_rfc3339(&record.imported_at)
                    .map(|at| at.with_timezone(&chrono::Utc))
                    .unwrap_or_default();
                record.summary.tables.iter().map(move |t| (t.table, at))
            }),
        ))
    }

    /// The key file used when none is configured: next to an SQLite database
    /// (`data/overblik.db` -> `data/overblik.key`), `overblik.key` in the current directory for
    /// PostgreSQL.
    fn default_key_file(&self) -> PathBuf {
        match &self.location {
            Location::Sqlite(path) => path.with_extension("key"),
            Location::Postgres(_) => PathBuf::from("overblik.key"),
        }
    }

    /// A value of `store_meta`.
    fn get_meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        let values = self.connection.query(
            "reading store_meta",
            [
                "SELECT value FROM store_meta WHERE key = ?1",
                "SELECT value FROM store_meta WHERE key = $1",
            ],
            &[query::Param::Text(Some(key))],
            |row| query::required(row.text(0)?, "store_meta", "value"),
        )?;
        Ok(values.into_iter().next())
    }

    /// Sets a value of `store_meta` unless it is already set.
    fn insert_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "writing store_meta",
            [
                "INSERT INTO store_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                "INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            ],
            &[
                query::Param::Text(Some(key)),
                query::Param::Text(Some(value)),
            ],
        )
    }

    /// Finds the key, checks it against the database, and creates one only for a store that
    /// never had one: a new key for an existing store would make its CPR data unreadable.
    fn load_key(&mut self, config: &KeyConfig) -> Result<(), StoreError> {
        let default_file = self.default_key_file();
        let stored_check = self.get_meta(KEY_CHECK_META)?;
        let (key, key_source) = keys::read_key(config, &default_file)?;
        let key = match (key, stored_check) {
            (Some(key), _) => key,
            (None, Some(_)) => {
                return Err(StoreError::KeyMissing {
                    path: keys::key_path(config, &default_file),
                });
            }
            (None, None) => keys::create_key_file(&keys::key_path(config, &default_file))?,
        };
        let check = key.check_value();
        // Recording the check is idempotent; reading it back settles a race with another
        // process that recorded a different key first.
        self.insert_meta(KEY_CHECK_META, &check)?;
        if self.get_meta(KEY_CHECK_META)?.as_deref() != Some(check.as_str()) {
            return Err(StoreError::KeyMismatch { key_source });
        }
        self.cpr_keys = Some(key.cpr_keys());
        Ok(())
    }
}
