//! `overblik figures`, `report` and `quality`: the key figures computed from stored data, the
//! four reports in every format (audited), the data quality overview, and clear Danish
//! messages for bad options without a half-written or replaced `--out` file.

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::NaiveDate;
use overblik_domain::calendar::local_date;
use overblik_domain::codes::NotifierType;
use serde_json::Value;

use crate::support::{TestStore, assert_clean_failure, backends, fixture, text};

/// An as-of date after every row of the fixture (and before the fixtures' import date).
const AS_OF: &str = "2025-12-31";

fn imported(new_store: &dyn Fn() -> TestStore, folder: &Path) -> TestStore {
    let store = new_store();
    store.run_ok(&["import", folder.to_str().unwrap()]);
    store
}

fn figures_json(store: &TestStore, args: &[&str]) -> Value {
    let output = store.run_ok(&[&["figures", "--json"], args].concat());
    serde_json::from_slice(&output.stdout).expect("figures --json prints one JSON document")
}

/// The names of everything in `dir`, files and folders.
fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Every share object (`numerator`, `denominator`, `value`) anywhere in `value`.
fn shares<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("numerator") && map.contains_key("denominator") {
                out.push((path.clone(), value));
            }
            for (key, child) in map {
                shares(child, format!("{path}.{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                shares(child, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn figures_are_computed_from_the_stored_data_for_the_period_and_unit() {
    let (from, to) = ("2025-01-01", "2025-06-15");
    for (backend, new_store) in backends() {
        let store = imported(&new_store, &fixture("valid"));
        let doc = figures_json(&store, &["--as-of", AS_OF, "--from", from, "--to", to]);
        assert_eq!(doc["as_of"], AS_OF, "{backend}");
        assert_eq!(doc["from"], from, "{backend}");
        assert_eq!(doc["to"], to, "{backend}");
        assert_eq!(doc["unit"], Value::Null, "{backend}");

        let figures = doc["figures"].as_object().unwrap();
        let expected_ids: Vec<String> = (1..=23).map(|i| format!("KF{i:02}")).collect();
        let ids: Vec<&String> = figures.keys().collect();
        assert_eq!(ids.len(), 23, "{backend}: {ids:?}");
        for id in &expected_ids {
            assert!(figures.contains_key(id), "{backend}: {id} missing");
        }
        // Every input file of the fixture was imported: nothing is unavailable.
        for id in ["KF01", "KF14", "KF17"] {
            assert!(!figures[id].is_null(), "{backend}: {id} is null");
        }

        // KF01 counts the notifications received (Copenhagen date) within the period.
        let snapshot = store.open_store().load_snapshot().unwrap();
        let (first, last) = (date(from), date(to));
        let expected = snapshot
            .notifications
            .iter()
            .filter(|n| (first..=last).contains(&local_date(n.received_at)))
            .count() as u64;
        // By hand: N301, N304, N305, N306, N311, N313, N314; not N307 (2025-06-15T22:40Z is
        // 16 June in Denmark) nor N312 (2024).
        assert_eq!(expected, 7, "{backend}");
        let kf01 = &figures["KF01"];
        assert_eq!(kf01["total"].as_u64(), Some(expected), "{backend}: {kf01}");
        let by_type = kf01["by_notifier_type"].as_object().unwrap();
        for code in NotifierType::ALL.iter().map(|t| t.code()) {
            assert!(
                by_type.get(code).is_some_and(Value::is_u64),
                "{backend}: notifier type {code} missing in {kf01}"
            );
        }
        let sum: u64 = by_type.values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(sum, expected, "{backend}");

        // Shares: numerator ≤ denominator, value = numerator / denominator (null for 0/0).
        let mut found = Vec::new();
        shares(&doc["figures"], "figures".to_owned(), &mut found);
        assert!(!found.is_empty(), "{backend}: no share in the figures");
        for (path, share) in found {
            let n = share["numerator"].as_u64().unwrap();
            let d = share["denominator"].as_u64().unwrap();
            assert!(n <= d, "{backend}: {path}: {share}");
            if d == 0 {
                assert!(share["value"].is_null(), "{backend}: {path}: {share}");
            } else {
                let value = share["value"].as_f64().unwrap();
                assert!(
                    (value - n as f64 / d as f64).abs() < 1e-9,
                    "{backend}: {path}"
                );
            }
        }

        // A team sees only its own cases.
        let all_open = doc["figures"]["KF08"]["total"].as_u64().unwrap();
        let team = figures_json(
            &store,
            &["--as-of", AS_OF, "--from", from, "--to", to, "--unit", "TU"],
        );
        assert_eq!(team["unit"], "TU", "{backend}");
        let team_open = team["figures"]["KF08"]["total"].as_u64().unwrap();
        assert!(team_open <= all_open, "{backend}");
        assert!(
            team_open < all_open,
            "{backend}: the unit filter did not narrow KF08 ({team_open} of {all_open})"
        );
        assert!(
            team["figures"]["KF01"]["total"].as_u64().unwrap() <= expected,
            "{backend}"
        );

        let audit = store.open_store().audit_log().unwrap();
        let computed: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "figures.compute")
            .collect();
        assert_eq!(computed.len(), 2, "{backend}");
        assert_eq!(computed[1].object_id.as_deref(), Some("TU"), "{backend}");
    }
}

/// The `valid` fixture without some files, in a new folder under `dir`.
fn fixture_without(dir: &Path, left_out: &[&str]) -> PathBuf {
    let out = dir.join("partial");
    std::fs::create_dir_all(&out).unwrap();
    for entry in std::fs::read_dir(fixture("valid")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !left_out.contains(&name.as_str()) {
            std::fs::copy(entry.path(), out.join(&name)).unwrap();
        }
    }
    out
}

#[test]
fn a_figure_whose_file_was_not_supplied_is_null_not_zero() {
    for (backend, new_store) in backends() {
        let source = tempfile::tempdir().unwrap();
        let folder = fixture_without(source.path(), &["waiting_list.csv", "payments.csv"]);
        let store = imported(&new_store, &folder);
        let doc = figures_json(&store, &["--as-of", AS_OF]);
        let figures = doc["figures"].as_object().unwrap();
        assert!(
            figures.get("KF14").is_some_and(Value::is_null),
            "{backend}: KF14 {:?}",
            figures.get("KF14")
        );
        assert!(
            figures.get("KF17").is_some_and(Value::is_null),
            "{backend}: KF17 {:?}",
            figures.get("KF17")
        );
        // The figures of the files that were supplied are still there.
        assert!(figures["KF01"]["total"].is_u64(), "{backend}");
        assert!(figures["KF08"]["total"].is_u64(), "{backend}");
    }
}

const KINDS: [&str; 4] = ["weekly", "committee", "budget", "caseload"];
const FORMATS: [&str; 4] = ["html", "xlsx", "csv", "json"];

#[test]
fn every_report_is_written_in_every_format_and_audited() {
    for (backend, new_store) in backends() {
        let store = imported(&new_store, &fixture("valid"));
        let out_dir = tempfile::tempdir().unwrap();
        for kind in KINDS {
            for format in FORMATS {
                let out = out_dir.path().join(format!("{kind}.{format}"));
                store.run_ok(&[
                    "report",
                    kind,
                    "--as-of",
                    AS_OF,
                    "--format",
                    format,
                    "--out",
                    out.to_str().unwrap(),
                ]);
                let bytes = std::fs::read(&out)
                    .unwrap_or_else(|e| panic!("{backend}: {kind}.{format}: {e}"));
                assert!(!bytes.is_empty(), "{backend}: {kind}.{format} is empty");
                match format {
                    "html" => {
                        let html = text(&bytes);
                        assert!(html.contains("lang=\"da\""), "{backend}: {kind}");
                        assert!(html.contains("Datakvalitet"), "{backend}: {kind}");
                        if kind == "committee" {
                            assert!(html.contains("diskretioneret"), "{backend}");
                        }
                    }
                    "xlsx" => assert!(bytes.starts_with(b"PK"), "{backend}: {kind}"),
                    "csv" => assert!(
                        String::from_utf8(bytes).is_ok_and(|csv| csv.lines().count() > 1),
                        "{backend}: {kind}.csv"
                    ),
                    _ => {
                        let json: Value = serde_json::from_slice(&bytes)
                            .unwrap_or_else(|e| panic!("{backend}: {kind}.json: {e}"));
                        assert_eq!(json["kind"], kind, "{backend}");
                        assert!(json["sections"].is_array(), "{backend}: {kind}");
                    }
                }
            }
        }
        // Only the reports, no temporary files.
        assert_eq!(
            entries(out_dir.path()).len(),
            KINDS.len() * FORMATS.len(),
            "{backend}"
        );

        let audit = store.open_store().audit_log().unwrap();
        let exports: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "report.export")
            .collect();
        assert_eq!(exports.len(), KINDS.len() * FORMATS.len(), "{backend}");
        for (i, entry) in exports.iter().enumerate() {
            let (kind, format) = (KINDS[i / FORMATS.len()], FORMATS[i % FORMATS.len()]);
            assert_eq!(entry.object_type.as_deref(), Some(kind), "{backend}");
            let detail = entry.detail.as_deref().unwrap();
            assert!(detail.contains(&format!("format={format}")), "{detail}");
        }
    }
}

#[test]
fn quality_prints_the_danish_sections_and_json() {
    for (backend, new_store) in backends() {
        let store = imported(&new_store, &fixture("valid"));
        let table = text(&store.run_ok(&["quality", "--as-of", AS_OF]).stdout);
        for title in ["Datakvalitet", "Aktualitet", "Udfyldelse"] {
            assert!(
                table.contains(title),
                "{backend}: {title} missing in {table}"
            );
        }
        let output = store.run_ok(&["quality", "--as-of", AS_OF, "--json"]);
        let json: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{backend}: quality --json: {e}"));
        assert_eq!(json["kind"], "quality", "{backend}");
        assert_eq!(json["as_of"], AS_OF, "{backend}");
        assert!(
            json["sections"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["title"] == "Datakvalitet"),
            "{backend}"
        );
        let audit = store.open_store().audit_log().unwrap();
        let shown = audit.iter().filter(|e| e.action == "quality.show").count();
        assert_eq!(shown, 2, "{backend}");
    }
}

/// A clean failure whose message contains every one of `expected`.
fn assert_fails(output: &Output, expected: &[&str], what: &str) {
    assert_clean_failure(output, expected[0]);
    let stderr = text(&output.stderr);
    for part in &expected[1..] {
        assert!(
            stderr.contains(part),
            "{what}: expected `{part}` in: {stderr}"
        );
    }
}

/// Bad options shared by the three commands, with what the message must contain.
fn bad_options() -> Vec<(Vec<&'static str>, Vec<&'static str>)> {
    vec![
        (
            vec!["--as-of", "2999-01-01"],
            vec!["--as-of", "ligger efter i dag"],
        ),
        (
            vec!["--as-of", "1950-01-01"],
            vec!["--as-of", "ligger før de tidligste data"],
        ),
        (
            vec!["--as-of", "2025-13-45"],
            vec!["--as-of", "er ikke en dato på formen ÅÅÅÅ-MM-DD"],
        ),
        (
            vec!["--as-of", AS_OF, "--unit", "NOPE"],
            vec!["--unit", "`NOPE` findes ikke"],
        ),
    ]
}

#[test]
fn bad_options_get_a_danish_message_and_leave_no_file() {
    let store = imported(&TestStore::sqlite, &fixture("valid"));
    for (args, expected) in bad_options() {
        for command in ["figures", "quality"] {
            let output = store.run(&[&[command], args.as_slice()].concat());
            assert_fails(&output, &expected, &format!("{command} {args:?}"));
            assert!(output.stdout.is_empty(), "{command} {args:?}");
        }
    }
    let output = store.run(&[
        "figures",
        "--as-of",
        AS_OF,
        "--from",
        "2025-06-01",
        "--to",
        "2025-01-01",
    ]);
    assert_fails(&output, &["--from", "--to", "ligger efter"], "from > to");

    // A report that fails leaves nothing at --out, nor a temporary file next to it.
    for kind in KINDS {
        for (args, expected) in bad_options() {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("rapport.html");
            let what = format!("report {kind} {args:?}");
            let output = store.run(
                &[
                    &["report", kind, "--out", out.to_str().unwrap()],
                    args.as_slice(),
                ]
                .concat(),
            );
            assert_fails(&output, &expected, &what);
            assert!(!out.exists(), "{what}: {} was written", out.display());
            assert!(entries(dir.path()).is_empty(), "{what}");
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("findes-ikke").join("rapport.html");
    let output = store.run(&[
        "report",
        "weekly",
        "--as-of",
        AS_OF,
        "--out",
        missing.to_str().unwrap(),
    ]);
    assert_fails(&output, &["--out", "findes-ikke"], "missing folder");
    assert!(!missing.exists());
    assert!(entries(dir.path()).is_empty(), "missing folder");

    let folder = dir.path().join("mappe");
    std::fs::create_dir(&folder).unwrap();
    let output = store.run(&[
        "report",
        "weekly",
        "--as-of",
        AS_OF,
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert_fails(&output, &["--out", "er en mappe"], "directory");
    assert!(folder.is_dir() && entries(&folder).is_empty());
    assert_eq!(entries(dir.path()), ["mappe"], "only the folder itself");
}

#[test]
fn a_failed_report_does_not_replace_the_existing_file() {
    let store = imported(&TestStore::sqlite, &fixture("valid"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rapport.html");
    let old = b"den gamle rapport".to_vec();
    std::fs::write(&out, &old).unwrap();
    for bad in [
        vec!["--as-of", AS_OF, "--unit", "NOPE"],
        vec!["--as-of", "2999-01-01"],
        vec!["--as-of", "2025-13-45"],
    ] {
        let output = store.run(
            &[
                &["report", "weekly", "--out", out.to_str().unwrap()],
                bad.as_slice(),
            ]
            .concat(),
        );
        assert!(!output.status.success(), "{bad:?}");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            old,
            "{bad:?} replaced the file"
        );
        assert_eq!(entries(dir.path()).len(), 1, "{bad:?}: a file was left");
    }
    // A successful run replaces it.
    store.run_ok(&[
        "report",
        "weekly",
        "--as-of",
        AS_OF,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(text(&std::fs::read(&out).unwrap()).contains("lang=\"da\""));
}
