//! Test databases on every backend, and rows built from interchange-format text.
//!
//! SQLite always runs (a file in a temporary directory). PostgreSQL runs when
//! `OVERBLIK_TEST_POSTGRES_URL` points at a server where the user may create databases; every
//! test gets a fresh database that is dropped afterwards. With `OVERBLIK_REQUIRE_POSTGRES=1` a
//! missing URL fails the tests instead of skipping PostgreSQL.

use std::path::PathBuf;

use overblik_domain::{Row, TableSpec, format_cell};
use overblik_store::{Backend, ImportSource, ImportSummary, KeyConfig, Store, StoreError};
use rand::RngCore;

/// One database to run a test against.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    /// Holds the SQLite file and every key file; deleted on drop.
    pub dir: tempfile::TempDir,
    /// The PostgreSQL server URL and the name of the database created for this test.
    postgres: Option<(String, String)>,
}

/// Every backend this run covers.
pub fn test_dbs() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite()];
    match std::env::var("OVERBLIK_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => dbs.push(TestDb::postgres(url.trim())),
        _ if std::env::var("OVERBLIK_REQUIRE_POSTGRES").as_deref() == Ok("1") => panic!(
            "OVERBLIK_REQUIRE_POSTGRES=1 but OVERBLIK_TEST_POSTGRES_URL is not set: \
             the PostgreSQL tests cannot run (set it to e.g. postgres://postgres@127.0.0.1:5432/postgres)"
        ),
        _ => {}
    }
    dbs
}

impl TestDb {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("overblik.db").display());
        Self {
            backend: Backend::Sqlite,
            url,
            dir,
            postgres: None,
        }
    }

    fn postgres(server_url: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut suffix = [0u8; 8];
        rand::rng().fill_bytes(&mut suffix);
        let name = format!("t_{}", hex::encode(suffix));
        let mut admin = postgres::Client::connect(server_url, postgres::NoTls)
            .expect("connect to OVERBLIK_TEST_POSTGRES_URL");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        Self {
            backend: Backend::Postgres,
            url: with_database(server_url, &name),
            dir,
            postgres: Some((server_url.to_owned(), name)),
        }
    }

    /// The key file of this test (PostgreSQL has no database file to put it next to).
    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("overblik.key")
    }

    /// The key configuration most tests use: the key file in the test directory.
    pub fn keys(&self) -> KeyConfig {
        KeyConfig {
            key_file: Some(self.key_file()),
            key_hex: None,
        }
    }

    pub fn open(&self) -> Store {
        Store::open(&self.url, &self.keys())
            .unwrap_or_else(|error| panic!("open {:?}: {error}", self.backend))
    }

    pub fn try_open(&self, keys: &KeyConfig) -> Result<Store, StoreError> {
        Store::open(&self.url, keys)
    }

    /// A direct PostgreSQL connection to this test's database.
    pub fn postgres_client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test database")
    }

    /// A direct SQLite connection to this test's file.
    pub fn sqlite_connection(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("overblik.db")).expect("open the test file")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Best effort: a database left behind by a failed drop does not affect other tests.
        if let Some((server_url, name)) = &self.postgres
            && let Ok(mut admin) = postgres::Client::connect(server_url, postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// `server_url` with its database name replaced by `name`.
fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server_url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |position| position + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |position| authority_start + position);
    format!("{}/{name}{query}", &base[..path_start])
}

/// A row of `spec` parsed from interchange-format cells, as the importer would build it.
pub fn row(spec: &TableSpec, cells: &[&str]) -> Row {
    spec.parse_row(cells)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Imports whole tables in one session and commits.
pub fn import(store: &mut Store, tables: &[(&'static TableSpec, Vec<Vec<&str>>)]) -> ImportSummary {
    let mut session = store.begin_import().expect("begin import");
    for (spec, rows) in tables {
        session.begin_table(spec).expect("begin table");
        for cells in rows {
            session
                .write_row(spec, &row(spec, cells))
                .expect("write row");
        }
        session.end_table(spec).expect("end table");
    }
    session.commit(&source("test.zip")).expect("commit")
}

pub fn source(name: &str) -> ImportSource {
    ImportSource {
        name: name.to_owned(),
        format: "csv".to_owned(),
        sha256: "00".repeat(32),
        warnings: 2,
    }
}

/// Every row of `spec` as interchange-format text, in the store's order.
pub fn export(store: &mut Store, spec: &'static TableSpec, include_cpr: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    store
        .for_each_row(spec, include_cpr, &mut |row| {
            rows.push(row.0.iter().map(format_cell).collect());
            Ok(())
        })
        .expect("export");
    rows
}

/// Owned text rows, for comparing with [`export`].
pub fn text_rows(rows: &[Vec<&str>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|cells| cells.iter().map(|cell| (*cell).to_owned()).collect())
        .collect()
}

/// The counts of `table` in `summary` as (inserted, updated, unchanged, removed).
pub fn counts(summary: &ImportSummary, table: &str) -> (u64, u64, u64, u64) {
    let table = summary
        .table(table)
        .unwrap_or_else(|| panic!("`{table}` in summary"));
    (
        table.inserted,
        table.updated,
        table.unchanged,
        table.removed,
    )
}

#[test]
fn with_database_replaces_only_the_database_name() {
    assert_eq!(
        with_database("postgres://u@h:5432/postgres", "t_1"),
        "postgres://u@h:5432/t_1"
    );
    assert_eq!(with_database("postgres://u@h", "t_1"), "postgres://u@h/t_1");
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "t_1"),
        "postgres://u@h/t_1?sslmode=disable"
    );
}
