//! Running the binary against a fresh store on each backend.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use overblik_testkit::{BulkParams, write_dataset};

/// A fresh, empty store: a SQLite file in a temp dir, or a new PostgreSQL database.
pub struct TestStore {
    pub url: String,
    pub key_file: PathBuf,
    pub dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

impl TestStore {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let key_file = dir.path().join("test.key");
        Self {
            url,
            key_file,
            dir,
            pg_drop: None,
        }
    }

    pub fn postgres(server_url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("t_{:016x}", rand::random::<u64>());
        let mut admin = postgres::Client::connect(server_url, postgres::NoTls)
            .expect("connect to the test PostgreSQL server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, _) = server_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        let key_file = dir.path().join("test.key");
        Self {
            url,
            key_file,
            dir,
            pg_drop: Some((server_url.to_owned(), name)),
        }
    }

    /// `overblik` with this store's database and key, and `args`, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = overblik_command();
        command
            .args(["--database", &self.url, "--key-file"])
            .arg(&self.key_file)
            .args(args);
        command
    }

    /// Runs `overblik` with this store's database and key.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run overblik")
    }

    /// Opens the store directly, as the binary does, to check what it wrote.
    pub fn open_store(&self) -> overblik_store::Store {
        let keys = overblik_store::KeyConfig {
            key_file: Some(self.key_file.clone()),
            key_hex: None,
        };
        overblik_store::Store::open(&self.url, &keys).expect("open the test store")
    }

    /// Like [`run`](Self::run), asserting success.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "overblik {args:?} failed:\n{}",
            text(&output.stderr)
        );
        output
    }

    /// Exports everything (with CPR) as CSV and returns the files by name.
    pub fn export_csv(&self) -> BTreeMap<String, Vec<u8>> {
        let out = self
            .dir
            .path()
            .join(format!("export-{:x}", rand::random::<u32>()));
        self.run_ok(&[
            "export",
            "--format",
            "csv",
            "--include-cpr",
            out.to_str().unwrap(),
        ]);
        read_dir_files(&out)
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.pg_drop
            && let Ok(mut admin) = postgres::Client::connect(server, postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A backend's name and how to make a fresh store on it.
pub type Backend = (&'static str, fn() -> TestStore);

/// Every backend the run can test: SQLite always, PostgreSQL when the test script started one.
pub fn backends() -> Vec<Backend> {
    let mut all: Vec<Backend> = vec![("sqlite", TestStore::sqlite)];
    match std::env::var("OVERBLIK_TEST_POSTGRES_URL") {
        Ok(_) => all.push(("postgres", || {
            TestStore::postgres(&std::env::var("OVERBLIK_TEST_POSTGRES_URL").unwrap())
        })),
        Err(_) if std::env::var("OVERBLIK_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!(
                "OVERBLIK_REQUIRE_POSTGRES=1 but OVERBLIK_TEST_POSTGRES_URL is not set: the PostgreSQL tests cannot run"
            )
        }
        Err(_) => {}
    }
    all
}

pub fn overblik(args: &[&str]) -> Output {
    overblik_command()
        .args(args)
        .output()
        .expect("run overblik")
}

/// Asserts that `output` is a failure with `expected` in its message and no panic.
pub fn assert_clean_failure(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "expected a failure, got success; stderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "panic instead of a message: {stderr}"
    );
    assert!(
        stderr.contains(expected),
        "expected `{expected}` in: {stderr}"
    );
}

/// `overblik` with none of the caller's settings, on the test clock (the same fixed day as the
/// test server), so no test depends on the wall-clock date.
pub fn overblik_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_overblik"));
    command
        .env_remove("OVERBLIK_DATABASE_URL")
        .env_remove("OVERBLIK_KEY")
        .env_remove("OVERBLIK_KEY_FILE")
        .env("OVERBLIK_TODAY", crate::demo_server::test_today());
    command
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A bulk data set in a new folder under `dir`.
pub fn bulk_dataset(dir: &Path, seed: u64, persons: usize) -> PathBuf {
    let out = dir.join(format!("bulk-{seed}-{persons}"));
    std::fs::create_dir_all(&out).unwrap();
    write_dataset(&out, BulkParams { seed, persons }).unwrap();
    out
}

pub fn read_dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// The fixtures of the ingest crate.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../overblik-ingest/test_data")
        .join(name)
}
