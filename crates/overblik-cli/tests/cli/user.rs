//! `overblik user`: accounts of the web application, every change audited, every bad input
//! refused with a Danish message that names the field, leaving the users as they were.

use std::io::Write;
use std::process::{Output, Stdio};

use chrono::Duration;
use overblik_store::UserRecord;
use overblik_web::password::verify_password;

use crate::support::{TestStore, assert_clean_failure, backends, fixture, text};

fn imported_fixture(new_store: &dyn Fn() -> TestStore) -> TestStore {
    let store = new_store();
    store.run_ok(&["import", fixture("valid").to_str().unwrap()]);
    store
}

/// Runs `overblik` with `stdin` as its standard input.
fn run_with_stdin(store: &TestStore, args: &[&str], stdin: &str) -> Output {
    let mut child = store
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start overblik");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("run overblik")
}

/// The generated password printed by `user add` / `user reset`.
fn printed_password(output: &Output) -> String {
    let stdout = text(&output.stdout);
    let password = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Adgangskode: "))
        .unwrap_or_else(|| panic!("no password in: {stdout}"))
        .to_owned();
    assert_eq!(password.chars().count(), 20, "{stdout}");
    assert!(stdout.contains("vises kun denne ene gang"), "{stdout}");
    password
}

fn user(store: &TestStore, username: &str) -> UserRecord {
    store
        .open_store()
        .user_by_name(username)
        .unwrap()
        .unwrap_or_else(|| panic!("user `{username}` missing"))
}

fn password_matches(store: &TestStore, username: &str, password: &str) -> bool {
    let id = user(store, username).user_id;
    let hash = store.open_store().password_hash(id).unwrap().unwrap();
    verify_password(password, &hash)
}

fn list(store: &TestStore) -> String {
    text(&store.run_ok(&["user", "list"]).stdout)
}

/// The line of `username` in `overblik user list`.
fn list_line(listing: &str, username: &str) -> String {
    listing
        .lines()
        .find(|line| line.split_whitespace().next() == Some(username))
        .unwrap_or_else(|| panic!("`{username}` not in: {listing}"))
        .to_owned()
}

#[test]
fn users_are_added_listed_reset_disabled_and_enabled_and_every_change_is_audited() {
    for (backend, new_store) in backends() {
        let store = imported_fixture(&new_store);

        // A caseworker with a generated password, shown once.
        let output = store.run_ok(&[
            "user",
            "add",
            "anna",
            "--name",
            "Anna Andersen",
            "--role",
            "caseworker",
            "--staff",
            "S02",
        ]);
        let first = printed_password(&output);
        assert!(text(&output.stdout).contains("er oprettet"), "{backend}");
        assert!(password_matches(&store, "anna", &first), "{backend}");
        let anna = user(&store, "anna");
        assert_eq!(
            (anna.role.as_str(), anna.staff_id.as_deref(), anna.unit_id),
            ("caseworker", Some("S02"), None)
        );

        // A team leader with a password from stdin, never echoed.
        let secret = "korrekt-hest-batteri-hæfteklamme";
        let output = run_with_stdin(
            &store,
            &[
                "user",
                "add",
                "bo.b",
                "--name",
                "Bo Bentsen",
                "--role",
                "team_leader",
                "--unit",
                "TM",
                "--password-stdin",
            ],
            &format!("{secret}\n"),
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(!text(&output.stdout).contains(secret));
        assert!(!text(&output.stdout).contains("Adgangskode:"));
        assert!(password_matches(&store, "bo.b", secret), "{backend}");
        assert_eq!(user(&store, "bo.b").unit_id.as_deref(), Some("TM"));

        store.run_ok(&[
            "user",
            "add",
            "direktoer",
            "--name",
            "Dorte Direktør",
            "--role",
            "director",
        ]);

        let listing = list(&store);
        let line = list_line(&listing, "anna");
        for part in [
            "Anna Andersen",
            "Sagsbehandler",
            "medarbejder S02",
            "aktiv",
            "aldrig",
        ] {
            assert!(line.contains(part), "{backend}: `{part}` not in: {line}");
        }
        let line = list_line(&listing, "bo.b");
        assert!(
            line.contains("Teamleder") && line.contains("enhed TM"),
            "{line}"
        );
        let line = list_line(&listing, "direktoer");
        assert!(line.contains("Direktør") && line.contains(" - "), "{line}");

        // A locked account shows its lock; a reset gives a new password and lifts the lock.
        store
            .open_store()
            .record_failed_login(anna.user_id, 1, Duration::minutes(15))
            .unwrap();
        assert!(list_line(&list(&store), "anna").contains("spærret til"));
        let output = store.run_ok(&["user", "reset", "anna"]);
        let second = printed_password(&output);
        assert_ne!(first, second);
        assert!(password_matches(&store, "anna", &second), "{backend}");
        assert!(!password_matches(&store, "anna", &first), "{backend}");
        let anna = user(&store, "anna");
        assert_eq!((anna.failed_logins, anna.locked_until), (0, None));
        assert!(list_line(&list(&store), "anna").contains("aktiv"));

        let other = "en-helt-anden-adgangskode";
        let output = run_with_stdin(
            &store,
            &["user", "reset", "bo.b", "--password-stdin"],
            &format!("{other}\r\n"),
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(!text(&output.stdout).contains(other));
        assert!(password_matches(&store, "bo.b", other), "{backend}");

        store.run_ok(&["user", "disable", "bo.b"]);
        assert!(user(&store, "bo.b").disabled);
        assert!(list_line(&list(&store), "bo.b").contains("deaktiveret"));
        store.run_ok(&["user", "enable", "bo.b"]);
        assert!(!user(&store, "bo.b").disabled);
        assert!(list_line(&list(&store), "bo.b").contains("aktiv"));

        let log = store.open_store().audit_log().unwrap();
        let changes: Vec<(&str, Option<&str>)> = log
            .iter()
            .filter(|entry| entry.action != "user.list")
            .map(|entry| {
                assert_eq!(entry.object_type.as_deref(), Some("user"));
                (entry.action.as_str(), entry.object_id.as_deref())
            })
            .collect();
        assert_eq!(
            changes,
            [
                ("user.add", Some("anna")),
                ("user.add", Some("bo.b")),
                ("user.add", Some("direktoer")),
                ("user.reset", Some("anna")),
                ("user.reset", Some("bo.b")),
                ("user.disable", Some("bo.b")),
                ("user.enable", Some("bo.b")),
            ],
            "{backend}"
        );
        assert_eq!(log[0].detail.as_deref(), Some("role=caseworker staff=S02"));
        for entry in &log {
            let detail = entry.detail.as_deref().unwrap_or("");
            for secret in [first.as_str(), second.as_str(), secret, other, "$argon2"] {
                assert!(!detail.contains(secret), "{backend}: {detail}");
            }
        }
    }
}

#[test]
fn bad_input_is_refused_with_a_danish_message_naming_the_field_and_changes_no_user() {
    for (backend, new_store) in backends() {
        let store = imported_fixture(&new_store);
        store.run_ok(&[
            "user",
            "add",
            "anna",
            "--name",
            "Anna Andersen",
            "--role",
            "caseworker",
            "--staff",
            "S02",
        ]);
        let users_before = store.open_store().users().unwrap();
        let changes = |store: &TestStore| {
            store
                .open_store()
                .audit_log()
                .unwrap()
                .iter()
                .filter(|entry| entry.action != "user.list")
                .count()
        };
        let changes_before = changes(&store);

        let add = |username: &'static str, rest: &[&'static str]| -> Vec<&'static str> {
            [&["user", "add", username, "--name", "Ny Bruger"][..], rest].concat()
        };
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (
                add("ny", &["--role", "root"]),
                "--role: ukendt rolle `root`; gyldige roller er caseworker (Sagsbehandler), team_leader",
            ),
            (
                add("ny", &["--role", "caseworker"]),
                "--staff: rollen caseworker (Sagsbehandler) kræver --staff",
            ),
            (
                add("ny", &["--role", "caseworker", "--staff", "S99"]),
                "--staff: der er ingen medarbejder med staff_id `S99` i data",
            ),
            (
                add(
                    "ny",
                    &["--role", "caseworker", "--staff", "S02", "--unit", "TM"],
                ),
                "--unit: rollen caseworker",
            ),
            (
                add("ny", &["--role", "team_leader"]),
                "--unit: rollen team_leader (Teamleder) kræver --unit",
            ),
            (
                add("ny", &["--role", "head", "--unit", "XX"]),
                "--unit: der er ingen enhed med unit_id `XX` i data",
            ),
            (
                add("ny", &["--role", "director", "--staff", "S02"]),
                "--staff: rollen director (Direktør) ser hele kommunen",
            ),
            (
                add("A", &["--role", "director"]),
                "brugernavn: `A` er ugyldigt; brug 2-64 tegn",
            ),
            (
                add("anna hansen", &["--role", "director"]),
                "brugernavn: `anna hansen` er ugyldigt",
            ),
            (
                add("anna", &["--role", "director"]),
                "brugeren `anna` findes allerede",
            ),
            (
                vec!["user", "add", "ny", "--name", " ", "--role", "director"],
                "--name: navnet skal have 1-200 tegn",
            ),
            (
                vec!["user", "reset", "ukendt"],
                "brugeren `ukendt` findes ikke",
            ),
            (
                vec!["user", "disable", "ukendt"],
                "brugeren `ukendt` findes ikke",
            ),
            (
                vec!["user", "enable", "ukendt"],
                "brugeren `ukendt` findes ikke",
            ),
        ];
        for (args, expected) in cases {
            let output = store.run(&args);
            assert_clean_failure(&output, expected);
            assert!(text(&output.stderr).starts_with("fejl: "), "{args:?}");
            assert_eq!(
                store.open_store().users().unwrap(),
                users_before,
                "{backend}: {args:?}"
            );
        }

        // A short password on stdin is refused and never echoed, for a new and an old user.
        for args in [
            add("ny", &["--role", "director", "--password-stdin"]),
            vec!["user", "reset", "anna", "--password-stdin"],
        ] {
            let output = run_with_stdin(&store, &args, "hemmelig1\n");
            assert_clean_failure(
                &output,
                "--password-stdin: adgangskoden skal have mindst 12 tegn",
            );
            assert!(!text(&output.stdout).contains("hemmelig1"));
            assert!(!text(&output.stderr).contains("hemmelig1"));
            assert_eq!(
                store.open_store().users().unwrap(),
                users_before,
                "{backend}"
            );
        }
        assert_eq!(changes(&store), changes_before, "{backend}");
    }
}
