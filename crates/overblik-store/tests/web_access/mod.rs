//! Logins and the audit log (schema version 2): accounts and their links, lockout, the audit
//! entries with the persons they touched and the search over them, and the CPR lookups.

use chrono::{Duration, Utc};
use overblik_domain::Cpr;
use overblik_store::{AuditEntry, AuditFilter, AuditOutcome, Backend, NewUser, Store, StoreError};

use super::support::test_dbs;
use super::{CPR_1, CPR_2, full_import};

fn new_user<'a>(username: &'a str, role: &'a str, password_hash: &'a str) -> NewUser<'a> {
    NewUser {
        username,
        display_name: "Demo",
        role,
        staff_id: None,
        unit_id: None,
        password_hash,
    }
}

#[test]
fn users_are_added_once_and_upserted_by_username() {
    for db in test_dbs() {
        let mut store = db.open();
        let team_leader = NewUser {
            display_name: "Demo teamleder",
            unit_id: Some("U3"),
            ..new_user("teamleder", "team_leader", "$argon2id$a")
        };
        let id = store.add_user(&team_leader).unwrap();
        let error = store
            .add_user(&NewUser {
                password_hash: "$argon2id$other",
                ..team_leader
            })
            .unwrap_err();
        assert!(matches!(error, StoreError::UserExists { .. }), "{error}");
        assert_eq!(error.to_string(), "brugeren `teamleder` findes allerede");
        assert_eq!(
            store.password_hash(id).unwrap().as_deref(),
            Some("$argon2id$a")
        );
        let director = store
            .upsert_user(&new_user("direktoer", "director", "$argon2id$b"))
            .unwrap();
        assert_ne!(director, id);

        // An upsert keeps the id and `disabled`, replaces the rest and clears a lockout.
        assert!(store.set_disabled("teamleder", true).unwrap());
        store
            .record_failed_login(id, 1, Duration::minutes(15))
            .unwrap();
        let caseworker = NewUser {
            display_name: "Teamleder Nord",
            staff_id: Some("S1"),
            ..new_user("teamleder", "caseworker", "$argon2id$c")
        };
        assert_eq!(store.upsert_user(&caseworker).unwrap(), id);
        let users = store.users().unwrap();
        let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["direktoer", "teamleder"], "{:?}", db.backend);
        let user = &users[1];
        assert_eq!(user.user_id, id);
        assert_eq!(user.display_name, "Teamleder Nord");
        assert_eq!(user.role, "caseworker");
        assert_eq!(user.staff_id.as_deref(), Some("S1"));
        assert_eq!(user.unit_id, None);
        assert!(user.disabled);
        assert_eq!((user.failed_logins, user.locked_until), (0, None));
        assert_eq!(user.last_login_at, None);
        assert_eq!(
            store.password_hash(id).unwrap().as_deref(),
            Some("$argon2id$c")
        );
        assert_eq!(store.user_by_id(id).unwrap().as_ref(), Some(user));
        assert_eq!(store.user_by_name("ukendt").unwrap(), None);
        assert_eq!(store.user_by_id(director + 100).unwrap(), None);
        assert_eq!(store.password_hash(director + 100).unwrap(), None);
    }
}

#[test]
fn failed_logins_lock_the_account_and_a_login_or_a_new_password_unlocks_it() {
    for db in test_dbs() {
        let mut store = db.open();
        let id = store
            .add_user(&new_user("sagsbehandler", "caseworker", "$argon2id$a"))
            .unwrap();
        let lock_for = Duration::minutes(15);
        for expected in 1..=2 {
            let user = store.record_failed_login(id, 3, lock_for).unwrap();
            assert_eq!(user.failed_logins, expected);
            assert_eq!(user.locked_until, None);
            assert!(!user.is_locked_at(Utc::now()));
        }
        let before = Utc::now();
        let user = store.record_failed_login(id, 3, lock_for).unwrap();
        let after = Utc::now();
        assert_eq!(user.failed_logins, 3);
        let until = user.locked_until.expect("locked after the third failure");
        assert!(
            until >= before + lock_for - Duration::seconds(1) && until <= after + lock_for,
            "{until}"
        );
        assert!(user.is_locked_at(Utc::now()));
        assert_eq!(store.user_by_id(id).unwrap().unwrap(), user);

        // A successful login clears the count and the lock and records the time.
        store.record_login(id).unwrap();
        let user = store.user_by_id(id).unwrap().unwrap();
        assert_eq!((user.failed_logins, user.locked_until), (0, None));
        let last = user.last_login_at.expect("last login recorded");
        assert!(last >= before - Duration::seconds(1) && last <= Utc::now());

        // So does a new password.
        for _ in 0..3 {
            store.record_failed_login(id, 3, lock_for).unwrap();
        }
        assert!(
            store
                .user_by_id(id)
                .unwrap()
                .unwrap()
                .is_locked_at(Utc::now())
        );
        assert!(
            store
                .set_password("sagsbehandler", "$argon2id$new")
                .unwrap()
        );
        let user = store.user_by_id(id).unwrap().unwrap();
        assert_eq!((user.failed_logins, user.locked_until), (0, None));
        assert_eq!(user.last_login_at, Some(last));
        assert_eq!(
            store.password_hash(id).unwrap().as_deref(),
            Some("$argon2id$new")
        );
        assert!(!store.set_password("ukendt", "$argon2id$x").unwrap());

        // An absurd lock duration is stored as the latest representable moment.
        let user = store
            .record_failed_login(id, 1, Duration::days(1_000_000_000))
            .unwrap();
        assert!(user.locked_until.is_some());

        let error = store
            .record_failed_login(id + 100, 3, lock_for)
            .unwrap_err();
        assert!(matches!(error, StoreError::UnknownUserId { .. }), "{error}");
    }
}

#[test]
fn concurrent_failed_logins_are_all_counted() {
    for db in test_dbs() {
        let id = db
            .open()
            .add_user(&new_user("fagchef", "head", "$argon2id$a"))
            .unwrap();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    let mut store = db.open();
                    for _ in 0..5 {
                        store
                            .record_failed_login(id, 1000, Duration::minutes(1))
                            .unwrap();
                    }
                });
            }
        });
        let user = db.open().user_by_id(id).unwrap().unwrap();
        assert_eq!(user.failed_logins, 20, "{:?}", db.backend);
    }
}

#[test]
fn users_are_disabled_and_enabled_by_username() {
    for db in test_dbs() {
        let mut store = db.open();
        let id = store
            .add_user(&new_user("revisor", "auditor", "$argon2id$a"))
            .unwrap();
        assert!(!store.user_by_id(id).unwrap().unwrap().disabled);
        assert!(store.set_disabled("revisor", true).unwrap());
        assert!(store.user_by_id(id).unwrap().unwrap().disabled);
        assert!(store.set_disabled("revisor", false).unwrap());
        assert!(!store.user_by_id(id).unwrap().unwrap().disabled);
        assert!(!store.set_disabled("ukendt", true).unwrap());
    }
}

#[test]
fn links_to_the_data_are_checked_against_staff_and_units() {
    for db in test_dbs() {
        let mut store = db.open();
        assert!(!store.staff_exists("S1").unwrap());
        full_import(&mut store);
        assert!(store.staff_exists("S1").unwrap());
        assert!(!store.staff_exists("S9").unwrap());
        assert!(store.unit_exists("U3").unwrap());
        assert!(!store.unit_exists("S1").unwrap());
    }
}

#[test]
fn audit_entries_are_kept_in_order_with_their_persons() {
    for db in test_dbs() {
        let mut store = db.open();
        for (action, object) in [("deadlines.list", None), ("export.cpr", Some("persons"))] {
            store
                .audit(&AuditEntry {
                    object_type: object,
                    detail: Some("as_of=2025-11-22"),
                    ..AuditEntry::new(action)
                })
                .unwrap();
        }
        let user = store
            .add_user(&new_user("sagsbehandler", "caseworker", "$argon2id$a"))
            .unwrap();
        let id = store
            .audit(&AuditEntry {
                user_id: Some(user),
                object_type: Some("case"),
                object_id: Some("C1"),
                client: Some("192.0.2.7"),
                outcome: AuditOutcome::Refused,
                persons: &["P3", "P1", "P3"],
                ..AuditEntry::new("case.read")
            })
            .unwrap();
        let log = store.audit_log().unwrap();
        let actions: Vec<_> = log
            .iter()
            .map(|r| (r.action.as_str(), r.object_type.as_deref()))
            .collect();
        assert_eq!(
            actions,
            [
                ("deadlines.list", None),
                ("export.cpr", Some("persons")),
                ("case.read", Some("case"))
            ]
        );
        assert!(log[0].id < log[1].id && log[0].at <= log[1].at && log[0].at.ends_with('Z'));
        assert_eq!(
            (log[0].outcome.as_str(), log[0].client.as_deref()),
            ("allowed", None)
        );
        assert!(log[0].persons.is_empty() && log[0].username.is_none());
        let read = &log[2];
        assert_eq!(read.id, id);
        assert_eq!(read.user_id, Some(user));
        assert_eq!(read.username.as_deref(), Some("sagsbehandler"));
        assert_eq!(read.object_id.as_deref(), Some("C1"));
        assert_eq!(read.client.as_deref(), Some("192.0.2.7"));
        assert_eq!(read.outcome, AuditOutcome::Refused.code());
        assert_eq!(read.persons, ["P1", "P3"]);
    }
}

/// Makes inserting the person `BOOM` into audit_subjects fail, to see what a failure leaves.
fn fail_on_person_boom(db: &super::support::TestDb) {
    match db.backend {
        Backend::Sqlite => db
            .sqlite_connection()
            .execute_batch(
                "CREATE TRIGGER boom BEFORE INSERT ON audit_subjects
                 WHEN NEW.person_id = 'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            )
            .unwrap(),
        Backend::Postgres => db
            .postgres_client()
            .batch_execute(
                "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     IF NEW.person_id = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF;
                     RETURN NEW;
                 END $$;
                 CREATE TRIGGER boom BEFORE INSERT ON audit_subjects
                 FOR EACH ROW EXECUTE FUNCTION boom();",
            )
            .unwrap(),
    }
}

#[test]
fn an_entry_and_its_persons_are_written_in_one_transaction_also_with_a_change() {
    for db in test_dbs() {
        drop(db.open());
        fail_on_person_boom(&db);
        let mut store = db.open();
        store
            .audit(&AuditEntry {
                persons: &["P1", "BOOM"],
                ..AuditEntry::new("case.list")
            })
            .unwrap_err();
        assert!(store.audit_log().unwrap().is_empty(), "{:?}", db.backend);

        // A change and its audit entry: both or neither.
        let result: Result<(), StoreError> = store.transaction(|store| {
            store.add_user(&new_user("controller", "controller", "$argon2id$a"))?;
            store.audit(&AuditEntry {
                persons: &["BOOM"],
                ..AuditEntry::new("user.add")
            })?;
            Ok(())
        });
        assert!(result.is_err());
        assert!(store.users().unwrap().is_empty());
        assert!(store.audit_log().unwrap().is_empty());
        store
            .transaction(|store| {
                store.add_user(&new_user("controller", "controller", "$argon2id$a"))?;
                store.audit(&AuditEntry {
                    object_type: Some("user"),
                    object_id: Some("controller"),
                    ..AuditEntry::new("user.add")
                })?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(store.users().unwrap().len(), 1);
        assert_eq!(store.audit_log().unwrap().len(), 1);
        // The store is usable after both.
        store.audit(&AuditEntry::new("after")).unwrap();
        assert_eq!(store.audit_log().unwrap().len(), 2);
    }
}

#[test]
fn a_list_touching_thousands_of_persons_is_one_entry() {
    for db in test_dbs() {
        let mut store = db.open();
        let ids: Vec<String> = (0..5_000).map(|n| format!("P{n:05}")).collect();
        let persons: Vec<&str> = ids.iter().map(String::as_str).collect();
        let started = std::time::Instant::now();
        store
            .audit(&AuditEntry {
                persons: &persons,
                ..AuditEntry::new("deadlines.list")
            })
            .unwrap();
        let took = started.elapsed();
        assert!(took.as_secs() < 10, "{:?}: {took:?}", db.backend);
        let log = store.audit_log().unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].persons, ids);
        let found = store
            .search_audit(&AuditFilter {
                person_id: Some("P04999"),
                ..AuditFilter::default()
            })
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].persons.len(), 5_000);
    }
}

#[test]
fn the_audit_log_is_searched_by_person_user_action_object_time_and_outcome() {
    for db in test_dbs() {
        let mut store = db.open();
        let anna = store
            .add_user(&new_user("anna", "caseworker", "$argon2id$a"))
            .unwrap();
        let bo = store
            .add_user(&new_user("bo", "team_leader", "$argon2id$b"))
            .unwrap();
        let entry = |user: i64,
                     action: &'static str,
                     persons: &'static [&'static str],
                     outcome: AuditOutcome| AuditEntry {
            user_id: Some(user),
            outcome,
            persons,
            ..AuditEntry::new(action)
        };
        let allowed = AuditOutcome::Allowed;
        let first = store
            .audit(&entry(anna, "case.read", &["P1"], allowed))
            .unwrap();
        let second = store
            .audit(&AuditEntry {
                object_id: Some("C2"),
                ..entry(anna, "case.list", &["P1", "P2"], allowed)
            })
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let middle = Utc::now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let third = store
            .audit(&entry(bo, "case.read", &["P2"], AuditOutcome::Refused))
            .unwrap();
        let fourth = store
            .audit(&entry(bo, "login", &[], AuditOutcome::Refused))
            .unwrap();
        let fifth = store.audit(&AuditEntry::new("caseworker.list")).unwrap();

        let mut search = |filter: AuditFilter<'_>| -> Vec<i64> {
            store
                .search_audit(&filter)
                .unwrap()
                .iter()
                .map(|record| record.id)
                .collect()
        };
        let all = AuditFilter::default();
        assert_eq!(search(all), [fifth, fourth, third, second, first]);
        let by_person = |person| AuditFilter {
            person_id: Some(person),
            ..all
        };
        assert_eq!(search(by_person("P1")), [second, first]);
        assert_eq!(search(by_person("P2")), [third, second]);
        assert!(search(by_person("P9")).is_empty());
        let by_user = |user| AuditFilter {
            user_id: Some(user),
            ..all
        };
        assert_eq!(search(by_user(anna)), [second, first]);
        assert_eq!(search(by_user(bo)), [fourth, third]);
        let by_action = |prefix| AuditFilter {
            action_prefix: Some(prefix),
            ..all
        };
        // A prefix, not a pattern: `case.` does not find `caseworker.list`, `%` matches nothing.
        assert_eq!(search(by_action("case.")), [third, second, first]);
        assert_eq!(search(by_action("case.read")), [third, first]);
        assert_eq!(search(by_action("case")), [fifth, third, second, first]);
        assert!(search(by_action("%")).is_empty());
        assert!(search(by_action("case_")).is_empty());
        assert_eq!(
            search(AuditFilter {
                object_id: Some("C2"),
                ..all
            }),
            [second]
        );
        assert_eq!(
            search(AuditFilter {
                from: Some(middle),
                ..all
            }),
            [fifth, fourth, third]
        );
        assert_eq!(
            search(AuditFilter {
                to: Some(middle),
                ..all
            }),
            [second, first]
        );
        assert_eq!(
            search(AuditFilter {
                refused_only: true,
                ..all
            }),
            [fourth, third]
        );
        assert_eq!(
            search(AuditFilter {
                refused_only: true,
                person_id: Some("P2"),
                user_id: Some(bo),
                action_prefix: Some("case."),
                from: Some(middle),
                to: Some(Utc::now() + Duration::hours(1)),
                ..all
            }),
            [third]
        );
        assert_eq!(search(AuditFilter { limit: 2, ..all }), [fifth, fourth]);
        assert!(search(AuditFilter { limit: 0, ..all }).is_empty());

        let records = store.search_audit(&by_person("P2")).unwrap();
        assert_eq!(records[0].persons, ["P2"]);
        assert_eq!(records[0].username.as_deref(), Some("bo"));
        assert_eq!(records[0].outcome, "refused");
        assert_eq!(records[1].persons, ["P1", "P2"]);
    }
}

#[test]
fn a_person_is_found_by_cpr_number_and_its_cpr_number_read_back() {
    for db in test_dbs() {
        let mut store = db.open();
        let cpr_1 = Cpr::parse(CPR_1).unwrap();
        let cpr_2 = Cpr::parse(CPR_2).unwrap();
        assert_eq!(store.person_id_by_cpr(&cpr_1).unwrap(), None);
        full_import(&mut store);
        assert_eq!(
            store.person_id_by_cpr(&cpr_1).unwrap().as_deref(),
            Some("P1")
        );
        assert_eq!(
            store.person_id_by_cpr(&cpr_2).unwrap().as_deref(),
            Some("P3")
        );
        let unknown = Cpr::parse("0202024321").unwrap();
        assert_eq!(store.person_id_by_cpr(&unknown).unwrap(), None);
        let read = |store: &mut Store, person| {
            store
                .person_cpr(person)
                .unwrap()
                .map(|cpr| cpr.digits().to_owned())
        };
        assert_eq!(read(&mut store, "P1").as_deref(), Some(CPR_1));
        assert_eq!(read(&mut store, "P3").as_deref(), Some(CPR_2));
        assert_eq!(read(&mut store, "P2"), None, "no cpr number in the data");
        assert_eq!(read(&mut store, "P9"), None, "no such person");
        drop(store);

        // Without the key neither lookup works.
        let mut unkeyed = Store::open_unmigrated(&db.url).unwrap();
        assert!(matches!(
            unkeyed.person_id_by_cpr(&cpr_1),
            Err(StoreError::NoKey)
        ));
        assert!(matches!(unkeyed.person_cpr("P1"), Err(StoreError::NoKey)));
    }
}

#[test]
fn a_version_1_database_keeps_its_users_and_audit_entries_when_migrated() {
    for db in test_dbs() {
        match db.backend {
            Backend::Sqlite => {
                let connection = db.sqlite_connection();
                connection
                    .execute_batch(include_str!("../../migrations/sqlite/0001_initial.sql"))
                    .unwrap();
                connection
                    .execute_batch(
                        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
                             name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;
                         INSERT INTO schema_migrations VALUES (1, '0001_initial', '2025-01-01T00:00:00Z');
                         INSERT INTO users (username, display_name, role, password_hash, created_at)
                             VALUES ('gammel', 'Gammel bruger', 'director', '$argon2id$old', '2025-01-01T00:00:00Z');
                         INSERT INTO audit_log (at, user_id, action)
                             VALUES ('2025-01-02T00:00:00.000000Z', 1, 'export.cpr');",
                    )
                    .unwrap();
            }
            Backend::Postgres => {
                let mut client = db.postgres_client();
                client
                    .batch_execute(include_str!("../../migrations/postgres/0001_initial.sql"))
                    .unwrap();
                client
                    .batch_execute(
                        "CREATE TABLE schema_migrations (version bigint PRIMARY KEY,
                             name text NOT NULL, applied_at timestamptz NOT NULL);
                         INSERT INTO schema_migrations VALUES (1, '0001_initial', now());
                         INSERT INTO users (username, display_name, role, password_hash, created_at)
                             VALUES ('gammel', 'Gammel bruger', 'director', '$argon2id$old', now());
                         INSERT INTO audit_log (at, user_id, action)
                             VALUES ('2025-01-02T00:00:00Z', 1, 'export.cpr');",
                    )
                    .unwrap();
            }
        }
        let mut store = db.open();
        let user = store.user_by_name("gammel").unwrap().unwrap();
        assert_eq!(
            (user.failed_logins, user.locked_until, user.disabled),
            (0, None, false)
        );
        assert_eq!((user.staff_id, user.unit_id), (None, None));
        assert_eq!(
            store.password_hash(user.user_id).unwrap().as_deref(),
            Some("$argon2id$old")
        );
        let log = store.audit_log().unwrap();
        assert_eq!(log.len(), 1, "{:?}", db.backend);
        assert_eq!(log[0].outcome, "allowed");
        assert_eq!(log[0].username.as_deref(), Some("gammel"));
        assert_eq!(log[0].at, "2025-01-02T00:00:00.000000Z");
    }
}
