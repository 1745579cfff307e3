//! Bad input gets a clear message, a non-zero exit, never a panic, and changes nothing stored.

use crate::support::{
    TestStore, assert_clean_failure, backends, bulk_dataset, fixture, overblik, text,
};

/// Exit code of a rejected import (see `commands/import.rs`).
const REJECTED: i32 = 3;

#[test]
fn a_rejected_import_prints_every_problem_and_changes_nothing() {
    for (backend, new_store) in backends() {
        let store = new_store();
        let good = bulk_dataset(store.dir.path(), 21, 30);
        store.run_ok(&["import", good.to_str().unwrap()]);
        let before = store.export_csv();
        for (broken, expected) in [
            ("broken/bad-date", "bad_date"),
            ("broken/bad-header", "missing_column"),
            ("broken/unresolved-reference", "unresolved_reference"),
            ("broken/overlapping-assignments", "overlapping_assignment"),
            ("broken/duplicate-ids", "duplicate_key"),
            ("broken/wrong-encoding", "invalid_encoding"),
            ("broken/missing-required-file", "missing_file"),
            ("broken/missing-sheet.xlsx", "missing_sheet"),
        ] {
            let output = store.run(&["import", fixture(broken).to_str().unwrap()]);
            assert_eq!(
                output.status.code(),
                Some(REJECTED),
                "{backend} {broken}: {}",
                text(&output.stderr)
            );
            assert_clean_failure(&output, expected);
            assert!(
                text(&output.stderr).contains("Intet er gemt"),
                "{backend} {broken}"
            );
            assert_eq!(
                store.export_csv(),
                before,
                "{backend} {broken}: the store changed"
            );
        }
    }
}

#[test]
fn the_valid_fixtures_import_without_warnings_in_both_formats() {
    for (backend, new_store) in backends() {
        for fixture_name in ["valid", "valid.xlsx", "valid-minimal"] {
            let store = new_store();
            let output = store.run_ok(&[
                "import",
                "--today",
                "2026-11-22",
                fixture(fixture_name).to_str().unwrap(),
            ]);
            assert_eq!(
                text(&output.stderr),
                "",
                "{backend} {fixture_name}: unexpected warnings"
            );
        }
    }
}

#[test]
fn an_unsupported_database_url_is_refused_with_a_message() {
    let output = overblik(&["--database", "ftp://example.org/x", "migrate"]);
    assert_clean_failure(&output, "ftp");
}

#[test]
fn an_unreachable_postgres_server_is_reported_without_the_password() {
    let output = overblik(&[
        "--database",
        "postgres://overblik:hemmeligt@127.0.0.1:1/overblik",
        "migrate",
    ]);
    assert_clean_failure(&output, "127.0.0.1:1");
    assert!(
        !text(&output.stderr).contains("hemmeligt"),
        "password leaked: {}",
        text(&output.stderr)
    );
}

#[test]
fn a_missing_or_wrong_key_file_is_refused_and_never_replaced() {
    let store = TestStore::sqlite();
    let data = bulk_dataset(store.dir.path(), 31, 10);
    store.run_ok(&["import", data.to_str().unwrap()]);
    let key = std::fs::read(&store.key_file).unwrap();

    std::fs::remove_file(&store.key_file).unwrap();
    assert_clean_failure(
        &store.run(&["export", "--format", "csv", "out"]),
        &store.key_file.display().to_string(),
    );
    assert!(
        !store.key_file.exists(),
        "a new key was created for a store that has one"
    );

    std::fs::write(&store.key_file, "11".repeat(32)).unwrap();
    let output = store.run(&["export", "--format", "csv", "out"]);
    assert!(!output.status.success());
    assert!(!text(&output.stderr).contains("panicked"));

    std::fs::write(&store.key_file, key).unwrap();
    store.run_ok(&["migrate"]);
}

#[test]
fn a_store_from_a_newer_version_is_left_alone() {
    let store = TestStore::sqlite();
    store.run_ok(&["migrate"]);
    let db_path = store.url.trim_start_matches("sqlite://");
    let connection = rusqlite::Connection::open(db_path).unwrap();
    connection
        .execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', '2030-01-01T00:00:00Z')", [])
        .unwrap();
    drop(connection);
    let output = store.run(&["migrate"]);
    assert_clean_failure(&output, "9999");
}

#[test]
fn a_path_that_is_neither_a_folder_nor_a_workbook_is_refused() {
    let store = TestStore::sqlite();
    let file = store.dir.path().join("data.txt");
    std::fs::write(&file, "x").unwrap();
    assert_clean_failure(&store.run(&["import", file.to_str().unwrap()]), "data.txt");
    assert_clean_failure(
        &store.run(&["import", "/does/not/exist"]),
        "/does/not/exist",
    );
}

#[test]
fn bad_command_line_arguments_are_explained() {
    let output = overblik(&["export", "--format", "pdf", "out"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("pdf"));
    let output = overblik(&["import", "--today", "2025-02-30", "x"]);
    assert_eq!(output.status.code(), Some(2));
}
