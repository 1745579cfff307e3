//! Behaviour of the store, on SQLite and (when configured) PostgreSQL; see `support` for how the
//! databases are made.

mod support;
mod web_access;

use std::collections::BTreeSet;

use overblik_domain::tables::{
    ABSENCES, ASSIGNMENTS, BUDGETS, CASE_FLAGS, CASES, NOTIFICATIONS, ORG_UNITS, PAYMENTS, PERSONS,
    POPULATION, REVIEW_LINES, REVIEWS, STAFF, WEIGHT_POINTS,
};
use overblik_domain::{ColumnKind, TABLES, TableSpec, Value};
use overblik_store::{Backend, KeyConfig, Store, StoreError};

use support::{counts, export, import, row, source, test_dbs, text_rows};

const CPR_1: &str = "0101901234";
const CPR_2: &str = "2412854321";

fn org_units() -> Vec<Vec<&'static str>> {
    vec![
        vec!["U1", "", "Kommune", "municipality", "", "2020-01-01", ""],
        vec!["U2", "U1", "Børn og Unge", "department", "", "", ""],
        vec![
            "U3",
            "U2",
            "Team Nord",
            "team",
            "children",
            "",
            "2030-12-31",
        ],
    ]
}

fn staff() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "S1",
            "Hanne Hansen",
            "U3",
            "caseworker",
            "0.8",
            "40.5",
            "2021-03-01",
            "",
        ],
        vec!["S2", "Jens Jensen", "U3", "team_leader", "1", "", "", ""],
    ]
}

fn absences() -> Vec<Vec<&'static str>> {
    vec![
        vec!["S1", "2025-01-06", "2025-01-10", "sick"],
        vec!["S1", "2025-02-03", "", "leave"],
        vec!["S2", "2025-01-06", "2025-01-07", ""],
    ]
}

fn persons() -> Vec<Vec<&'static str>> {
    vec![
        vec!["P1", CPR_1, "1990-01-01", "F", "Nord"],
        vec!["P2", "", "2012-05-17", "M", ""],
        vec!["P3", CPR_2, "1985-12-24", "", ""],
    ]
}

fn cases() -> Vec<Vec<&'static str>> {
    vec![
        vec!["C1", "P1", "children", "2024-02-01", "", "", "2.5"],
        vec![
            "C2",
            "P3",
            "adults",
            "2023-11-15",
            "2024-06-30",
            "goal met",
            "",
        ],
    ]
}

fn notifications() -> Vec<Vec<&'static str>> {
    vec![vec![
        "N1",
        "P1",
        "C1",
        "2025-03-01T14:05:00+01:00",
        "school",
        "true",
        "serious",
        "2025-03-02T09:30:00.250+01:00",
        "",
        "investigation",
        "2025-07-01T12:00:00+02:00",
        "",
    ]]
}

fn budgets() -> Vec<Vec<&'static str>> {
    vec![
        vec!["2025", "U2", "5.28.21", "", "1200000", "12.5"],
        vec![
            "2025",
            "U2",
            "5.28.21",
            "placement_foster_family",
            "-300.75",
            "",
        ],
    ]
}

fn population() -> Vec<Vec<&'static str>> {
    vec![
        vec!["2025", "10", "612"],
        vec!["2025", "2", "580"],
        vec!["2024", "10", "600"],
    ]
}

/// Everything in one import, parents first.
fn full_import(store: &mut Store) -> overblik_store::ImportSummary {
    import(
        store,
        &[
            (&ORG_UNITS, org_units()),
            (&STAFF, staff()),
            (&ABSENCES, absences()),
            (&PERSONS, persons()),
            (&CASES, cases()),
            (&NOTIFICATIONS, notifications()),
            (&BUDGETS, budgets()),
            (&POPULATION, population()),
        ],
    )
}

fn count_of(store: &mut Store, table: &str) -> u64 {
    store
        .row_counts()
        .unwrap()
        .into_iter()
        .find(|(name, _)| *name == table)
        .unwrap()
        .1
}

/// The whole content of the store as text, for before/after comparisons.
fn snapshot(store: &mut Store) -> Vec<Vec<Vec<String>>> {
    TABLES
        .iter()
        .map(|spec| export(store, spec, true))
        .collect()
}

#[test]
fn a_first_import_inserts_every_row_and_a_reimport_changes_nothing() {
    for db in test_dbs() {
        let mut store = db.open();
        let first = full_import(&mut store);
        assert_eq!(counts(&first, "org_units"), (3, 0, 0, 0));
        assert_eq!(counts(&first, "persons"), (3, 0, 0, 0));
        assert_eq!(counts(&first, "population"), (3, 0, 0, 0));
        let written: Vec<&str> = first.tables.iter().map(|table| table.table).collect();
        assert_eq!(
            written,
            [
                "org_units",
                "staff",
                "absences",
                "persons",
                "cases",
                "notifications",
                "budgets",
                "population"
            ],
            "only written tables, in TABLES order"
        );
        let before = snapshot(&mut store);

        let second = full_import(&mut store);
        for table in &second.tables {
            assert_eq!(
                (table.inserted, table.updated, table.removed),
                (0, 0, 0),
                "{:?} {}",
                db.backend,
                table.table
            );
        }
        assert_eq!(counts(&second, "persons"), (0, 0, 3, 0));
        assert_eq!(snapshot(&mut store), before);

        let counts_now = store.row_counts().unwrap();
        assert_eq!(counts_now.len(), TABLES.len());
        assert_eq!(
            counts_now.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            TABLES.iter().map(|spec| spec.name).collect::<Vec<_>>()
        );
        assert_eq!(count_of(&mut store, "payments"), 0);

        let imports = store.imports().unwrap();
        assert_eq!(imports.len(), 2);
        assert!(imports[0].id < imports[1].id);
        assert_eq!(imports[0].source, source("test.zip"));
        assert_eq!(imports[0].summary, first);
        assert_eq!(imports[1].summary, second);
        let at = &imports[1].imported_at;
        assert!(
            at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
            "{at}"
        );
    }
}

#[test]
fn changed_rows_are_updated_and_snapshot_rows_no_longer_imported_are_removed() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let mut new_staff = staff();
        new_staff[1][1] = "Jens Jensen-Holm";
        let mut new_persons = persons();
        new_persons[0][1] = CPR_2; // the CPR number changed: the row must count as updated
        let mut new_absences = absences();
        new_absences.remove(1);
        new_absences.push(vec!["S2", "2025-03-03", "", "parental"]);
        let summary = import(
            &mut store,
            &[
                (&STAFF, new_staff.clone()),
                (&ABSENCES, new_absences.clone()),
                (&PERSONS, new_persons.clone()),
                // Cases without C2: cases are not a snapshot, so C2 stays.
                (&CASES, vec![cases()[0].clone()]),
            ],
        );
        assert_eq!(counts(&summary, "staff"), (0, 1, 1, 0), "{:?}", db.backend);
        assert_eq!(
            counts(&summary, "absences"),
            (1, 0, 2, 1),
            "{:?}",
            db.backend
        );
        assert_eq!(
            counts(&summary, "persons"),
            (0, 1, 2, 0),
            "{:?}",
            db.backend
        );
        assert_eq!(counts(&summary, "cases"), (0, 0, 1, 0), "{:?}", db.backend);
        assert!(summary.table("population").is_none());

        assert_eq!(export(&mut store, &STAFF, true), text_rows(&new_staff));
        let mut expected_absences = text_rows(&new_absences);
        expected_absences.sort();
        assert_eq!(export(&mut store, &ABSENCES, true), expected_absences);
        assert_eq!(export(&mut store, &PERSONS, true), text_rows(&new_persons));
        assert_eq!(count_of(&mut store, "cases"), 2);
        // Tables not begun in the import are left alone.
        assert_eq!(count_of(&mut store, "population"), 3);
        assert_eq!(count_of(&mut store, "budgets"), 2);
    }
}

#[test]
fn a_snapshot_table_imported_empty_loses_all_its_rows() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let summary = import(&mut store, &[(&POPULATION, vec![]), (&BUDGETS, vec![])]);
        assert_eq!(counts(&summary, "population"), (0, 0, 0, 3));
        assert_eq!(counts(&summary, "budgets"), (0, 0, 0, 2));
        assert_eq!(count_of(&mut store, "population"), 0);
        assert_eq!(count_of(&mut store, "budgets"), 0);
    }
}

/// Rows entered in overblik are stored as an import stores them: importing the same rows
/// afterwards finds them unchanged (same encoding, same row hash), on both backends.
#[test]
fn entered_rows_are_stored_as_an_import_would_store_them() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let flags = vec![
            vec!["C1", "violence", "2025-03-04T09:15:00Z", "teamleder"],
            vec![
                "C1",
                "interpreter",
                "2025-03-04T09:15:00.250000Z",
                "teamleder",
            ],
            vec!["C2", "violence", "2025-03-05T10:00:00Z", "fagchef"],
        ];
        let rows: Vec<_> = flags.iter().map(|cells| row(&CASE_FLAGS, cells)).collect();
        store
            .transaction(|store| store.replace_entered_rows(&CASE_FLAGS, None, &rows))
            .unwrap();
        let points = vec![
            vec!["flag", "trauma", "1.5", "Traume"],
            vec!["placement", "yes", "2", ""],
        ];
        let point_rows: Vec<_> = points
            .iter()
            .map(|cells| row(&WEIGHT_POINTS, cells))
            .collect();
        store
            .transaction(|store| store.replace_entered_rows(&WEIGHT_POINTS, None, &point_rows))
            .unwrap();
        let summary = import(
            &mut store,
            &[(&CASE_FLAGS, flags.clone()), (&WEIGHT_POINTS, points)],
        );
        assert_eq!(
            counts(&summary, "case_flags"),
            (0, 0, 3, 0),
            "{:?}",
            db.backend
        );
        assert_eq!(
            counts(&summary, "weight_points"),
            (0, 0, 2, 0),
            "{:?}",
            db.backend
        );

        // Replacing one case's flags leaves the other cases' alone.
        let c1 = [row(
            &CASE_FLAGS,
            &["C1", "high_conflict", "2025-04-01T08:00:00Z", "teamleder"],
        )];
        store
            .transaction(|store| {
                store.replace_entered_rows(&CASE_FLAGS, Some(("case_id", "C1")), &c1)
            })
            .unwrap();
        assert_eq!(
            export(&mut store, &CASE_FLAGS, false),
            // Timestamps come back in Danish local time with their offset.
            text_rows(&[
                vec![
                    "C1",
                    "high_conflict",
                    "2025-04-01T10:00:00+02:00",
                    "teamleder"
                ],
                vec!["C2", "violence", "2025-03-05T11:00:00+01:00", "fagchef"],
            ])
        );
        // A flag on a case that does not exist fails the commit and changes nothing.
        let dangling = [row(
            &CASE_FLAGS,
            &["C404", "violence", "2025-04-01T08:00:00Z", "x"],
        )];
        let failed = store.transaction(|store| {
            store.replace_entered_rows(&CASE_FLAGS, Some(("case_id", "C404")), &dangling)
        });
        assert!(failed.is_err(), "{:?}", db.backend);
        assert_eq!(count_of(&mut store, "case_flags"), 2);

        // An assignment made in overblik is an ordinary row of `assignments` (exported in
        // assignments.csv), and a re-import of it finds it unchanged.
        let assignment = vec!["C1", "S1", "2025-07-01", ""];
        assert!(
            store
                .transaction(|store| store.record_assignment(&row(&ASSIGNMENTS, &assignment), None))
                .unwrap()
        );
        assert_eq!(
            export(&mut store, &ASSIGNMENTS, false),
            text_rows(std::slice::from_ref(&assignment))
        );
        let summary = import(&mut store, &[(&ASSIGNMENTS, vec![assignment.clone()])]);
        assert_eq!(
            counts(&summary, "assignments"),
            (0, 0, 1, 0),
            "{:?}",
            db.backend
        );
        // A reassignment ends the current assignment the day before, in the same transaction;
        // one whose current assignment is gone (an import in between) changes nothing.
        let current = row(&ASSIGNMENTS, &assignment);
        let ended = vec!["C1", "S1", "2025-07-01", "2025-08-31"];
        let next = vec!["C1", "S1", "2025-09-01", ""];
        assert!(
            store
                .transaction(|store| store.record_assignment(
                    &row(&ASSIGNMENTS, &next),
                    Some((&current, &row(&ASSIGNMENTS, &ended)))
                ))
                .unwrap()
        );
        assert_eq!(
            export(&mut store, &ASSIGNMENTS, false),
            text_rows(&[ended.clone(), next.clone()])
        );
        let later = vec!["C1", "S1", "2025-10-01", ""];
        assert!(
            !store
                .transaction(|store| store.record_assignment(
                    &row(&ASSIGNMENTS, &later),
                    Some((&current, &row(&ASSIGNMENTS, &ended)))
                ))
                .unwrap()
        );
        assert_eq!(
            export(&mut store, &ASSIGNMENTS, false),
            text_rows(&[ended, next])
        );
    }
}

/// Two leaders saving the same caseload review: the second save, made from the version both
/// opened, is refused and changes nothing; on both backends.
#[test]
fn a_review_saved_from_a_stale_version_is_refused() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let review = |version: &str, note: &str| {
            row(
                &REVIEWS,
                &["R1", "S1", "2025-06-02", "teamleder", "open", version, note],
            )
        };
        let line = |adjustment: &str| row(&REVIEW_LINES, &["R1", "C1", adjustment, "aftalt"]);
        let save =
            |store: &mut Store, expected: Option<i64>, version: &str, note: &str, adj: &str| {
                store
                    .transaction(|store| {
                        store.save_versioned(
                            &REVIEWS,
                            expected,
                            &review(version, note),
                            &[(&REVIEW_LINES, vec![line(adj)])],
                        )
                    })
                    .unwrap()
            };
        assert!(
            save(&mut store, None, "0", "første", "keep"),
            "{:?}",
            db.backend
        );
        assert!(
            !save(&mut store, None, "0", "igen ny", "keep"),
            "a second new R1"
        );
        // Both leaders opened version 0; the first saves, the second is refused.
        assert!(save(&mut store, Some(0), "1", "leder A", "up"));
        assert!(!save(&mut store, Some(0), "1", "leder B", "down"));
        assert_eq!(
            export(&mut store, &REVIEWS, false),
            text_rows(&[vec![
                "R1",
                "S1",
                "2025-06-02",
                "teamleder",
                "open",
                "1",
                "leder A"
            ]])
        );
        assert_eq!(
            export(&mut store, &REVIEW_LINES, false),
            text_rows(&[vec!["R1", "C1", "up", "aftalt"]])
        );
    }
}

#[test]
fn a_rolled_back_or_dropped_import_leaves_counts_and_content_unchanged() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let counts_before = store.row_counts().unwrap();
        let content_before = snapshot(&mut store);

        let mut session = store.begin_import().unwrap();
        session.begin_table(&POPULATION).unwrap();
        session
            .write_row(&POPULATION, &row(&POPULATION, &["2030", "5", "1"]))
            .unwrap();
        session.end_table(&POPULATION).unwrap();
        session.begin_table(&STAFF).unwrap();
        let mut changed = staff()[0].clone();
        changed[1] = "Someone Else";
        session.write_row(&STAFF, &row(&STAFF, &changed)).unwrap();
        session.rollback().unwrap();
        assert_eq!(store.row_counts().unwrap(), counts_before);
        assert_eq!(snapshot(&mut store), content_before);

        {
            let mut session = store.begin_import().unwrap();
            session.begin_table(&ABSENCES).unwrap();
            session.end_table(&ABSENCES).unwrap(); // would remove every absence
            session.begin_table(&PERSONS).unwrap();
            session
                .write_row(
                    &PERSONS,
                    &row(&PERSONS, &["P9", CPR_1, "1990-01-01", "", ""]),
                )
                .unwrap();
            // Dropped without commit.
        }
        assert_eq!(store.row_counts().unwrap(), counts_before);
        assert_eq!(snapshot(&mut store), content_before);
        assert_eq!(store.imports().unwrap().len(), 1);
    }
}

#[test]
fn cpr_numbers_are_never_stored_in_clear_but_an_export_with_cpr_returns_them() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let key_hex = std::fs::read_to_string(db.key_file()).unwrap();
        let forbidden: Vec<String> = [CPR_1, CPR_2]
            .iter()
            .flat_map(|cpr| {
                [
                    cpr.to_string(),
                    hex::encode(cpr),
                    format!("{}-{}", &cpr[..6], &cpr[6..]),
                ]
            })
            .chain([key_hex.trim().to_owned()])
            .collect();
        match db.backend {
            Backend::Sqlite => {
                let mut scanned = 0;
                for entry in std::fs::read_dir(db.dir.path()).unwrap() {
                    let path = entry.unwrap().path();
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    if !name.starts_with("overblik.db") {
                        continue;
                    }
                    let bytes = std::fs::read(&path).unwrap();
                    let text = String::from_utf8_lossy(&bytes).to_lowercase();
                    for needle in &forbidden {
                        assert!(!text.contains(needle.as_str()), "{name} contains a secret");
                    }
                    scanned += bytes.len();
                }
                assert!(scanned > 0);
            }
            Backend::Postgres => {
                let mut client = db.postgres_client();
                let tables = client
                    .query(
                        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
                        &[],
                    )
                    .unwrap();
                assert!(tables.len() >= TABLES.len());
                for table in tables {
                    let name: String = table.get(0);
                    let rows = client
                        .query(&format!("SELECT t::text FROM \"{name}\" t"), &[])
                        .unwrap();
                    for row in rows {
                        let text: String = row.get::<_, String>(0).to_lowercase();
                        for needle in &forbidden {
                            assert!(!text.contains(needle.as_str()), "{name} contains a secret");
                        }
                    }
                }
            }
        }

        let with_cpr = export(&mut store, &PERSONS, true);
        assert_eq!(with_cpr, text_rows(&persons()));
        let without_cpr = export(&mut store, &PERSONS, false);
        assert!(without_cpr.iter().all(|row| row[1].is_empty()));
        let mut raw = Vec::new();
        store
            .for_each_row(&PERSONS, true, &mut |row| {
                raw.push(row.0[1].clone());
                Ok(())
            })
            .unwrap();
        assert!(matches!(&raw[0], Value::Cpr(cpr) if cpr.digits() == CPR_1));
        assert_eq!(raw[1], Value::Null);
    }
}

#[test]
fn the_key_file_is_created_once_and_a_missing_one_is_never_replaced() {
    for db in test_dbs() {
        drop(db.open());
        let key_file = db.key_file();
        let key = std::fs::read_to_string(&key_file).unwrap();
        assert_eq!(key.trim().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key file readable by others");
        }
        drop(db.open());
        assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key);

        std::fs::remove_file(&key_file).unwrap();
        let error = db.try_open(&db.keys()).unwrap_err();
        assert!(matches!(error, StoreError::KeyMissing { .. }), "{error}");
        assert!(error.to_string().contains(&key_file.display().to_string()));
        assert!(!key_file.exists(), "a new key must not be created");

        // OVERBLIK_KEY wins over the (missing) file.
        let from_env = KeyConfig {
            key_file: Some(key_file.clone()),
            key_hex: Some(key.trim().to_owned()),
        };
        assert!(db.try_open(&from_env).is_ok());
    }
}

#[test]
fn the_default_key_file_sits_next_to_the_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("data/overblik.db").display());
    let mut store = Store::open(&url, &KeyConfig::default()).unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    full_import(&mut store);
    assert!(dir.path().join("data/overblik.key").exists());
}

#[test]
fn a_key_that_does_not_belong_to_the_database_is_refused() {
    for db in test_dbs() {
        drop(db.open());
        let other_key = "ab".repeat(32);
        let from_env = KeyConfig {
            key_file: None,
            key_hex: Some(other_key.clone()),
        };
        let error = db.try_open(&from_env).unwrap_err();
        assert!(matches!(error, StoreError::KeyMismatch { .. }), "{error}");
        assert!(!error.to_string().contains(&other_key));

        let other_file = db.dir.path().join("other.key");
        std::fs::write(&other_file, format!("{other_key}\n")).unwrap();
        let from_file = KeyConfig {
            key_file: Some(other_file.clone()),
            key_hex: None,
        };
        let error = db.try_open(&from_file).unwrap_err();
        assert!(matches!(error, StoreError::KeyMismatch { .. }), "{error}");
        assert!(error.to_string().contains("other.key"));

        std::fs::write(&other_file, "not a key\n").unwrap();
        let error = db.try_open(&from_file).unwrap_err();
        assert!(matches!(error, StoreError::MalformedKey { .. }), "{error}");
    }
}

#[test]
fn a_database_from_a_newer_overblik_is_refused_and_left_untouched() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        drop(store);
        match db.backend {
            Backend::Sqlite => {
                db.sqlite_connection()
                    .execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future', 'x')",
                        [],
                    )
                    .unwrap();
            }
            Backend::Postgres => {
                db.postgres_client()
                    .execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future', now())",
                        &[],
                    )
                    .unwrap();
            }
        }
        let error = db.try_open(&db.keys()).unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::NewerSchema {
                    found: 999,
                    supported: 5
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("opgrader overblik"));
        let error = Store::open_unmigrated(&db.url).unwrap_err();
        assert!(matches!(error, StoreError::NewerSchema { .. }));
        let versions: Vec<i64> = match db.backend {
            Backend::Sqlite => {
                let connection = db.sqlite_connection();
                let mut statement = connection
                    .prepare("SELECT version FROM schema_migrations ORDER BY version")
                    .unwrap();
                statement
                    .query_map([], |row| row.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Backend::Postgres => db
                .postgres_client()
                .query(
                    "SELECT version FROM schema_migrations ORDER BY version",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect(),
        };
        assert_eq!(versions, [1, 2, 3, 4, 5, 999]);
    }
}

#[test]
fn migrate_reports_what_it_applied_once() {
    for db in test_dbs() {
        let mut store = Store::open_unmigrated(&db.url).unwrap();
        assert_eq!(
            store.migrate().unwrap(),
            [
                "0001_initial",
                "0002_web_access",
                "0003_workload",
                "0004_handover_supervision",
                "0005_results_political_goals"
            ]
        );
        assert!(store.migrate().unwrap().is_empty());
        // Without a key, the store can migrate but not import.
        assert!(matches!(store.begin_import(), Err(StoreError::NoKey)));
        drop(store);
        let mut store = db.open();
        assert!(store.migrate().unwrap().is_empty());
    }
}

#[test]
fn unsupported_urls_and_unreachable_servers_are_errors_without_passwords() {
    for url in [
        "mysql://root:hunter2@localhost/db",
        "overblik.sqlite",
        "",
        "http://x",
    ] {
        let error = Store::open(url, &KeyConfig::default()).unwrap_err();
        assert!(
            matches!(error, StoreError::UnsupportedUrl { .. }),
            "{url}: {error}"
        );
        assert!(!error.to_string().contains("hunter2"));
    }
    let url = "postgres://overblik:hunter2@127.0.0.1:1/overblik?connect_timeout=5";
    let error = Store::open(url, &KeyConfig::default()).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, StoreError::CannotConnect { .. }),
        "{message}"
    );
    assert!(
        !message.contains("hunter2") && message.contains("overblik:***@127.0.0.1:1"),
        "{message}"
    );
    let error = Store::open("postgres://[broken", &KeyConfig::default()).unwrap_err();
    assert!(matches!(error, StoreError::CannotConnect { .. }), "{error}");
}

/// The stored columns a spec implies: its columns (the CPR column as hash + ciphertext) and
/// `row_hash`.
fn expected_columns(spec: &TableSpec) -> BTreeSet<String> {
    spec.columns
        .iter()
        .flat_map(|column| match column.kind {
            ColumnKind::Cpr => vec![
                format!("{}_hash", column.name),
                format!("{}_encrypted", column.name),
            ],
            _ => vec![column.name.to_owned()],
        })
        .chain(["row_hash".to_owned()])
        .collect()
}

#[test]
fn both_migration_sets_create_exactly_the_columns_of_the_table_specs() {
    for db in test_dbs() {
        drop(db.open());
        let others = [
            "store_meta",
            "import_batches",
            "import_batch_tables",
            "users",
            "audit_log",
            "audit_subjects",
        ];
        for table in TABLES.iter().map(|spec| spec.name).chain(others) {
            let columns: BTreeSet<String> = match db.backend {
                Backend::Sqlite => {
                    let connection = db.sqlite_connection();
                    let mut statement = connection
                        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .unwrap();
                    statement
                        .query_map([], |row| row.get(0))
                        .unwrap()
                        .map(Result::unwrap)
                        .collect()
                }
                Backend::Postgres => db
                    .postgres_client()
                    .query(
                        "SELECT column_name::text FROM information_schema.columns
                         WHERE table_schema = 'public' AND table_name = $1",
                        &[&table],
                    )
                    .unwrap()
                    .iter()
                    .map(|row| row.get(0))
                    .collect(),
            };
            assert!(
                !columns.is_empty(),
                "{:?}: table `{table}` is missing",
                db.backend
            );
            if let Some(spec) = overblik_domain::table(table) {
                assert_eq!(
                    columns,
                    expected_columns(spec),
                    "{:?}: `{table}`",
                    db.backend
                );
            }
            // The store's own tables have the same columns on both backends.
            let own: &[&str] = match table {
                "users" => &[
                    "user_id",
                    "username",
                    "display_name",
                    "role",
                    "password_hash",
                    "disabled",
                    "created_at",
                    "staff_id",
                    "unit_id",
                    "failed_logins",
                    "locked_until",
                    "last_login_at",
                    "password_changed_at",
                ],
                "audit_log" => &[
                    "id",
                    "at",
                    "user_id",
                    "action",
                    "object_type",
                    "object_id",
                    "detail",
                    "client",
                    "outcome",
                ],
                "audit_subjects" => &["audit_id", "person_id"],
                _ => &[],
            };
            if !own.is_empty() {
                let own: BTreeSet<String> = own.iter().map(|c| (*c).to_owned()).collect();
                assert_eq!(columns, own, "{:?}: `{table}`", db.backend);
            }
        }
        assert!(expected_columns(&PERSONS).contains("cpr_encrypted"));
        assert!(!expected_columns(&PERSONS).contains("cpr"));
    }
}

#[test]
fn the_schemas_declare_the_keys_and_references_of_the_specs_also_after_a_first_import() {
    for db in test_dbs() {
        // A first import into empty tables may drop and re-create the foreign keys (PostgreSQL
        // bulk load); they must all be back, deferred, afterwards.
        full_import(&mut db.open());
        for spec in TABLES {
            let (primary_key, references): (Vec<String>, BTreeSet<(String, String)>) = match db
                .backend
            {
                Backend::Sqlite => {
                    let connection = db.sqlite_connection();
                    let mut statement = connection
                        .prepare(&format!(
                            "SELECT name FROM pragma_table_info('{}') WHERE pk > 0 ORDER BY pk",
                            spec.name
                        ))
                        .unwrap();
                    let primary_key = statement
                        .query_map([], |row| row.get(0))
                        .unwrap()
                        .map(Result::unwrap)
                        .collect();
                    let mut statement = connection
                        .prepare(&format!(
                            "SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{}')",
                            spec.name
                        ))
                        .unwrap();
                    let references = statement
                        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                        .unwrap()
                        .map(Result::unwrap)
                        .collect();
                    (primary_key, references)
                }
                Backend::Postgres => {
                    let mut client = db.postgres_client();
                    let primary_key = client
                        .query(
                            "SELECT a.attname::text FROM pg_index i
                             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                             WHERE i.indrelid = $1::text::regclass AND i.indisprimary
                             ORDER BY array_position(i.indkey::int2[], a.attnum)",
                            &[&spec.name],
                        )
                        .unwrap()
                        .iter()
                        .map(|row| row.get(0))
                        .collect();
                    let references = client
                        .query(
                            "SELECT a.attname::text, c.confrelid::regclass::text FROM pg_constraint c
                             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                             WHERE c.conrelid = $1::text::regclass AND c.contype = 'f'
                               AND c.condeferrable AND c.condeferred",
                            &[&spec.name],
                        )
                        .unwrap()
                        .iter()
                        .map(|row| (row.get(0), row.get(1)))
                        .collect();
                    (primary_key, references)
                }
            };
            assert_eq!(primary_key, spec.key, "{:?}: {}", db.backend, spec.name);
            let expected: BTreeSet<(String, String)> = spec
                .columns
                .iter()
                .filter_map(|column| {
                    column
                        .references
                        .map(|target| (column.name.to_owned(), target.to_owned()))
                })
                .collect();
            assert_eq!(references, expected, "{:?}: {}", db.backend, spec.name);
        }
    }
}

#[test]
fn a_dangling_reference_fails_the_commit_of_a_first_import_and_leaves_the_store_empty() {
    for db in test_dbs() {
        let mut store = db.open();
        let mut session = store.begin_import().unwrap();
        session.begin_table(&CASES).unwrap();
        // Children first: the persons come later in the same import.
        session
            .write_row(&CASES, &row(&CASES, &cases()[0]))
            .unwrap();
        session
            .write_row(
                &CASES,
                &row(&CASES, &["C9", "P404", "adults", "2024-01-01", "", "", ""]),
            )
            .unwrap();
        session.end_table(&CASES).unwrap();
        session.begin_table(&PERSONS).unwrap();
        for cells in persons() {
            session.write_row(&PERSONS, &row(&PERSONS, &cells)).unwrap();
        }
        session.end_table(&PERSONS).unwrap();
        let error = session.commit(&source("bad.zip")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("committing the import"), "{message}");
        assert!(message.contains("cases"), "{message}");
        assert!(
            store
                .row_counts()
                .unwrap()
                .iter()
                .all(|(_, count)| *count == 0)
        );
        assert!(store.imports().unwrap().is_empty());

        // The same rows without the dangling case load, children first.
        let summary = import(&mut store, &[(&CASES, cases()), (&PERSONS, persons())]);
        assert_eq!(counts(&summary, "cases"), (2, 0, 0, 0));
    }
}

#[test]
fn self_referencing_org_units_load_in_any_order_and_a_dangling_reference_fails_the_commit() {
    for db in test_dbs() {
        let mut store = db.open();
        let mut reversed = org_units();
        reversed.reverse();
        // Children before parents, and staff before their units (a first import).
        let summary = import(&mut store, &[(&STAFF, staff()), (&ORG_UNITS, reversed)]);
        assert_eq!(counts(&summary, "org_units"), (3, 0, 0, 0));
        assert_eq!(
            export(&mut store, &ORG_UNITS, true),
            text_rows(&org_units())
        );
        // The same into a store that has data (references checked per row at COMMIT).
        let newer_units = vec![
            vec!["U5", "U4", "Team Syd", "team", "youth", "", ""],
            vec!["U4", "U1", "Voksne", "department", "", "", ""],
        ];
        let summary = import(
            &mut store,
            &[(&ORG_UNITS, [newer_units, org_units()].concat())],
        );
        assert_eq!(counts(&summary, "org_units"), (2, 0, 3, 0));

        let before = snapshot(&mut store);
        let mut session = store.begin_import().unwrap();
        session.begin_table(&CASES).unwrap();
        session
            .write_row(
                &CASES,
                &row(&CASES, &["C9", "P404", "adults", "2024-01-01", "", "", ""]),
            )
            .unwrap();
        session.end_table(&CASES).unwrap();
        let error = session.commit(&source("bad.zip")).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(
                error,
                StoreError::Sqlite { .. } | StoreError::Postgres { .. }
            ),
            "{message}"
        );
        assert!(message.contains("committing the import"), "{message}");
        assert_eq!(snapshot(&mut store), before);
        assert_eq!(store.imports().unwrap().len(), 2);
    }
}

#[test]
fn rows_are_exported_in_key_order_with_the_text_they_were_imported_with() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let extra_units = vec![
            vec!["u10", "U1", "b", "team", "other", "", ""],
            vec!["U10", "U1", "a", "team", "", "", ""],
            vec!["U2a", "U1", "Æblegården", "center", "", "", ""],
        ];
        import(
            &mut store,
            &[(&ORG_UNITS, [org_units(), extra_units].concat())],
        );
        let ids: Vec<String> = export(&mut store, &ORG_UNITS, false)
            .into_iter()
            .map(|row| row[0].clone())
            .collect();
        assert_eq!(
            ids,
            ["U1", "U10", "U2", "U2a", "U3", "u10"],
            "{:?}",
            db.backend
        );

        let population: Vec<Vec<String>> = export(&mut store, &POPULATION, false);
        assert_eq!(
            population,
            text_rows(&[
                vec!["2024", "10", "600"],
                vec!["2025", "2", "580"],
                vec!["2025", "10", "612"]
            ]),
            "integers sort as numbers"
        );
        assert_eq!(
            export(&mut store, &BUDGETS, false),
            text_rows(&budgets()),
            "an absent optional key part sorts first and comes back empty"
        );
        assert_eq!(
            export(&mut store, &NOTIFICATIONS, false),
            text_rows(&notifications())
        );
        assert_eq!(export(&mut store, &STAFF, false), text_rows(&staff()));
        assert_eq!(export(&mut store, &CASES, false), text_rows(&cases()));
    }
}

#[test]
fn the_same_key_twice_in_one_import_keeps_the_last_row() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let mut session = store.begin_import().unwrap();
        session.begin_table(&STAFF).unwrap();
        for name in ["First", "Second", "Third"] {
            let mut cells = staff()[0].clone();
            cells[1] = name;
            session.write_row(&STAFF, &row(&STAFF, &cells)).unwrap();
        }
        for name in ["New A", "New B"] {
            let cells = vec!["S9", name, "U3", "other", "", "", "", ""];
            session.write_row(&STAFF, &row(&STAFF, &cells)).unwrap();
        }
        session.end_table(&STAFF).unwrap();
        let summary = session.commit(&source("dup.zip")).unwrap();
        assert_eq!(counts(&summary, "staff"), (1, 4, 0, 0));
        let names: Vec<String> = export(&mut store, &STAFF, false)
            .into_iter()
            .map(|row| row[1].clone())
            .collect();
        assert_eq!(names, ["Third", "Jens Jensen", "New B"], "{:?}", db.backend);
    }
}

#[test]
fn contains_key_answers_for_stored_rows_and_rows_of_this_import() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let mut session = store.begin_import().unwrap();
        assert!(session.contains_key("persons", "P1"));
        assert!(!session.contains_key("persons", "P9"));
        assert!(session.contains_key(
            "population",
            &POPULATION.key_of(&row(&POPULATION, &population()[0]))
        ));
        assert!(session.contains_key("budgets", &BUDGETS.key_of(&row(&BUDGETS, &budgets()[0]))));
        assert!(!session.contains_key("no_such_table", "P1"));
        session.begin_table(&PERSONS).unwrap();
        session
            .write_row(&PERSONS, &row(&PERSONS, &["P9", "", "2001-01-01", "", ""]))
            .unwrap();
        assert!(session.contains_key("persons", "P9"));
    }
}

#[test]
fn misusing_a_session_is_an_error_and_not_a_panic() {
    for db in test_dbs() {
        let mut store = db.open();
        let mut session = store.begin_import().unwrap();
        let person = row(&PERSONS, &persons()[0]);
        let error = session.write_row(&PERSONS, &person).unwrap_err();
        assert!(matches!(error, StoreError::Misuse(_)), "{error}");
        session.begin_table(&PERSONS).unwrap();
        assert!(matches!(
            session.begin_table(&CASES),
            Err(StoreError::Misuse(_))
        ));
        assert!(matches!(
            session.end_table(&CASES),
            Err(StoreError::Misuse(_))
        ));
        let error = session
            .write_row(&PERSONS, &row(&POPULATION, &population()[0]))
            .unwrap_err();
        assert!(matches!(error, StoreError::InvalidRow { .. }), "{error}");
        let mut nameless = row(&STAFF, &staff()[0]);
        nameless.0[1] = Value::Null;
        session.end_table(&PERSONS).unwrap();
        session.begin_table(&STAFF).unwrap();
        let error = session.write_row(&STAFF, &nameless).unwrap_err();
        assert!(error.to_string().contains("`name` is required"), "{error}");
        let mut with_nul = row(&STAFF, &staff()[0]);
        with_nul.0[1] = Value::Text("Hanne\0Hansen".to_owned());
        let error = session.write_row(&STAFF, &with_nul).unwrap_err();
        assert!(!error.to_string().contains("Hanne"), "{error}");
    }
}

#[test]
fn payments_in_many_copy_batches_are_inserted_updated_and_read_back() {
    const N: usize = 120_000;
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let write_payments = |store: &mut Store, amount: &str| {
            let mut session = store.begin_import().unwrap();
            session.begin_table(&PAYMENTS).unwrap();
            for n in 0..N {
                let id = format!("PAY{n:06}");
                let case_id = if n % 2 == 0 { "C1" } else { "" };
                let month = format!("2025-{:02}", n % 12 + 1);
                let cells = [id.as_str(), case_id, "", "5.28.21", month.as_str(), amount];
                session
                    .write_row(&PAYMENTS, &row(&PAYMENTS, &cells))
                    .unwrap();
            }
            session.end_table(&PAYMENTS).unwrap();
            session.commit(&source("payments.csv")).unwrap()
        };
        assert_eq!(
            counts(&write_payments(&mut store, "100.5"), "payments"),
            (N as u64, 0, 0, 0)
        );
        assert_eq!(
            counts(&write_payments(&mut store, "100.5"), "payments"),
            (0, 0, N as u64, 0)
        );
        assert_eq!(
            counts(&write_payments(&mut store, "-7"), "payments"),
            (0, N as u64, 0, 0)
        );
        let mut seen = 0;
        let mut last_id = String::new();
        store
            .for_each_row(&PAYMENTS, false, &mut |row| {
                let id = row.0[0].as_text().unwrap().to_owned();
                assert!(id > last_id);
                assert_eq!(overblik_domain::format_cell(&row.0[5]), "-7");
                last_id = id;
                seen += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, N);
    }
}

#[test]
fn the_snapshot_holds_every_stored_row_as_records() {
    for db in test_dbs() {
        let mut store = db.open();
        full_import(&mut store);
        let loaded = store.load_snapshot().unwrap();
        let counts: Vec<(&str, u64)> = loaded
            .row_counts()
            .into_iter()
            .map(|(table, rows)| (table, rows as u64))
            .collect();
        assert_eq!(counts, store.row_counts().unwrap());
        assert!(loaded.total_rows() > 0);
        // CPR numbers stay in the store: nothing computed needs them.
        assert!(loaded.persons.iter().all(|person| person.cpr.is_none()));
    }
}
