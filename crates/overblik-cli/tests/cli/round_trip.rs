//! import → export → import into an empty store → export gives identical files.

use proptest::prelude::*;

use crate::support::{TestStore, backends, bulk_dataset, read_dir_files};

fn csv_round_trip(new_store: fn() -> TestStore, seed: u64, persons: usize) {
    let first = new_store();
    let data = bulk_dataset(first.dir.path(), seed, persons);
    first.run_ok(&["import", data.to_str().unwrap()]);
    let exported = first.export_csv();
    let export_dir = first.dir.path().join("first-export");
    std::fs::create_dir(&export_dir).unwrap();
    for (name, bytes) in &exported {
        std::fs::write(export_dir.join(name), bytes).unwrap();
    }

    let second = new_store();
    second.run_ok(&["import", export_dir.to_str().unwrap()]);
    let again = second.export_csv();
    assert_eq!(
        exported.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &exported {
        assert!(
            bytes == &again[name],
            "{name} differs after the round trip (seed {seed}, {persons} persons)"
        );
    }
    // The export is the data: every generated file has the same number of rows after export.
    for (name, bytes) in read_dir_files(&data) {
        let lines = |b: &[u8]| b.iter().filter(|c| **c == b'\n').count();
        assert_eq!(lines(&bytes), lines(&exported[&name]), "{name}: row count");
    }
}

fn xlsx_round_trip(new_store: fn() -> TestStore, seed: u64, persons: usize) {
    let first = new_store();
    let data = bulk_dataset(first.dir.path(), seed, persons);
    first.run_ok(&["import", data.to_str().unwrap()]);
    let workbook = first.dir.path().join("first.xlsx");
    first.run_ok(&[
        "export",
        "--format",
        "xlsx",
        "--include-cpr",
        workbook.to_str().unwrap(),
    ]);

    let second = new_store();
    second.run_ok(&["import", workbook.to_str().unwrap()]);
    let again = second.dir.path().join("again.xlsx");
    second.run_ok(&[
        "export",
        "--format",
        "xlsx",
        "--include-cpr",
        again.to_str().unwrap(),
    ]);
    assert!(
        std::fs::read(&workbook).unwrap() == std::fs::read(&again).unwrap(),
        "workbooks differ (seed {seed})"
    );
    assert_eq!(first.export_csv(), second.export_csv());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn csv_export_survives_import_into_an_empty_store_unchanged(seed in 0u64..1_000_000, persons in 1usize..80) {
        for (_, new_store) in backends() {
            csv_round_trip(new_store, seed, persons);
        }
    }

    #[test]
    fn xlsx_export_survives_import_into_an_empty_store_unchanged(seed in 0u64..1_000_000, persons in 1usize..40) {
        for (_, new_store) in backends() {
            xlsx_round_trip(new_store, seed, persons);
        }
    }
}

#[test]
fn importing_the_same_data_twice_changes_nothing() {
    for (backend, new_store) in backends() {
        let store = new_store();
        let data = bulk_dataset(store.dir.path(), 3, 60);
        store.run_ok(&["import", data.to_str().unwrap()]);
        let before = store.export_csv();
        let second = store.run_ok(&["import", data.to_str().unwrap()]);
        let summary = String::from_utf8(second.stdout).unwrap();
        for line in summary
            .lines()
            .skip(1)
            .take_while(|line| !line.starts_with("Import"))
        {
            let numbers: Vec<&str> = line.split_whitespace().skip(1).collect();
            assert_eq!(&numbers[..1], &["0"], "{backend}: nothing new in `{line}`");
            assert_eq!(numbers[1], "0", "{backend}: nothing changed in `{line}`");
            assert_eq!(numbers[3], "0", "{backend}: nothing removed in `{line}`");
        }
        assert_eq!(before, store.export_csv(), "{backend}");
    }
}

#[test]
fn a_newer_export_updates_rows_by_id_and_replaces_snapshot_tables() {
    for (backend, new_store) in backends() {
        let store = new_store();
        let data = bulk_dataset(store.dir.path(), 5, 40);
        store.run_ok(&["import", data.to_str().unwrap()]);
        // The newer export: one case closed, one assignment row gone, one person added.
        let cases = std::fs::read_to_string(data.join("cases.csv")).unwrap();
        let mut lines: Vec<String> = cases.lines().map(str::to_owned).collect();
        let fields: Vec<&str> = lines[1].split(',').collect();
        lines[1] = format!(
            "{},{},{},{},2026-01-15,flyttet,{}",
            fields[0], fields[1], fields[2], fields[3], fields[6]
        );
        std::fs::write(data.join("cases.csv"), lines.join("\n") + "\n").unwrap();
        let assignments = std::fs::read_to_string(data.join("assignments.csv")).unwrap();
        let kept: Vec<&str> = assignments
            .lines()
            .filter(|line| !line.starts_with("C7,"))
            .collect();
        std::fs::write(data.join("assignments.csv"), kept.join("\n") + "\n").unwrap();
        let mut persons = std::fs::read_to_string(data.join("persons.csv")).unwrap();
        persons.push_str("NEW1,,2015-05-05,F,\n");
        std::fs::write(data.join("persons.csv"), persons).unwrap();

        let output = store.run_ok(&["import", data.to_str().unwrap()]);
        let summary = String::from_utf8(output.stdout).unwrap();
        let row = |table: &str| -> Vec<u64> {
            let line = summary
                .lines()
                .find(|line| line.split_whitespace().next() == Some(table))
                .unwrap();
            line.split_whitespace()
                .skip(1)
                .map(|n| n.parse().unwrap())
                .collect()
        };
        assert_eq!(row("cases")[..2], [0, 1], "{backend}: {summary}");
        assert_eq!(row("persons")[0], 1, "{backend}");
        assert_eq!(
            row("assignments")[3],
            1,
            "{backend}: one assignment removed"
        );
        let exported = store.export_csv();
        let cases = String::from_utf8(exported["cases.csv"].clone()).unwrap();
        assert!(cases.contains(",2026-01-15,flyttet,"), "{backend}");
        let assignments = String::from_utf8(exported["assignments.csv"].clone()).unwrap();
        assert!(
            !assignments.lines().any(|line| line.starts_with("C7,")),
            "{backend}"
        );
    }
}

#[test]
fn an_export_with_cpr_numbers_is_audited_and_one_without_is_not() {
    let store = TestStore::sqlite();
    store.run_ok(&["import", crate::support::fixture("valid").to_str().unwrap()]);
    let out = store.dir.path().join("out");
    store.run_ok(&["export", "--format", "csv", out.to_str().unwrap()]);
    store.run_ok(&[
        "export",
        "--format",
        "csv",
        "--include-cpr",
        out.to_str().unwrap(),
    ]);
    let log = store.open_store().audit_log().unwrap();
    let actions: Vec<_> = log.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["export.cpr"]);
}
