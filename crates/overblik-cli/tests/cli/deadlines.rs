//! `overblik deadlines`: the compliance lists from stored data, as table and JSON, audited,
//! with clear errors for bad arguments and broken rule files.

use serde_json::Value;

use crate::support::{TestStore, assert_clean_failure, backends, fixture, text};

fn json(store: &TestStore, args: &[&str]) -> Value {
    let output = store.run_ok(&[&["deadlines", "--json"], args].concat());
    serde_json::from_slice(&output.stdout).expect("deadlines --json prints one JSON document")
}

fn imported_fixture(new_store: &dyn Fn() -> TestStore) -> TestStore {
    let store = new_store();
    store.run_ok(&["import", fixture("valid").to_str().unwrap()]);
    store
}

#[test]
fn the_compliance_list_is_computed_from_stored_data_and_audited() {
    for (backend, new_store) in backends() {
        let store = imported_fixture(&new_store);
        let all = json(&store, &["--as-of", "2025-06-01", "--status", "all"]);
        let obligations = all["obligations"].as_array().unwrap();
        let by_rule = all["summary"]["by_rule"].as_object().unwrap();
        let total: u64 = by_rule
            .values()
            .map(|counts| counts["total"].as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, obligations.len(), "{backend}");
        // An investigation of the fixture: aware 2025-02-10, due 4 months later, still open.
        let investigation = obligations
            .iter()
            .find(|o| o["trigger"]["id"] == "U406")
            .unwrap_or_else(|| panic!("{backend}: U406 missing"));
        assert_eq!(investigation["rule"], "investigation_completion");
        assert_eq!(investigation["legal_basis"], "BL § 20, stk. 3");
        assert_eq!(investigation["due"], "2025-06-10");
        assert_eq!(investigation["status"], "open");
        assert_eq!(investigation["caseworker_id"], "S03");
        for field in [
            "case_id",
            "person_id",
            "team_id",
            "trigger",
            "met_by",
            "findings",
            "progress",
            "title",
        ] {
            assert!(investigation.get(field).is_some(), "{backend}: {field}");
        }

        // The default list is what needs action; a caseworker sees only their own cases.
        let mine = json(&store, &["--as-of", "2025-06-01", "--caseworker", "S03"]);
        let statuses: Vec<&str> = mine["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["status"].as_str().unwrap())
            .collect();
        assert!(!statuses.is_empty());
        assert!(
            statuses
                .iter()
                .all(|s| ["overdue", "open", "late_with_preliminary"].contains(s)),
            "{statuses:?}"
        );
        assert!(
            mine["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["caseworker_id"] == "S03")
        );

        let upcoming = json(&store, &["--as-of", "2025-06-01", "--due-within", "30"]);
        for o in upcoming["obligations"].as_array().unwrap() {
            let due = o["due"].as_str().unwrap();
            assert!(("2025-06-01".."2025-07-02").contains(&&due[..10]), "{due}");
        }

        // Red numbers since a date: older deadlines leave the list and the summaries.
        let recent = json(
            &store,
            &[
                "--as-of",
                "2025-06-01",
                "--due-from",
                "2025-01-01",
                "--status",
                "all",
            ],
        );
        let recent_obligations = recent["obligations"].as_array().unwrap();
        assert!(!recent_obligations.is_empty() && recent_obligations.len() < obligations.len());
        assert!(
            recent_obligations
                .iter()
                .all(|o| o["due"].as_str().unwrap()[..10] >= *"2025-01-01")
        );
        let recent_total: u64 = recent["summary"]["by_rule"]
            .as_object()
            .unwrap()
            .values()
            .map(|c| c["total"].as_u64().unwrap())
            .sum();
        assert_eq!(recent_total as usize, recent_obligations.len());

        let table = text(&store.run_ok(&["deadlines", "--as-of", "2025-06-01"]).stdout);
        assert!(
            table.contains("Røde tal (overskredne frister) pr. sagsbehandler"),
            "{table}"
        );
        assert!(table.contains("investigation_completion"), "{table}");

        let audit = store.open_store().audit_log().unwrap();
        let listed: Vec<_> = audit
            .iter()
            .filter(|entry| entry.action == "deadlines.list")
            .collect();
        assert_eq!(listed.len(), 5, "{backend}: one audit entry per list");
        assert!(
            listed[1]
                .detail
                .as_deref()
                .unwrap()
                .contains("caseworker=S03")
        );
    }
}

#[test]
fn bad_arguments_and_rule_files_get_a_clear_message() {
    let store = imported_fixture(&TestStore::sqlite);
    for (args, expected) in [
        (
            vec!["--as-of", "2025-13-01"],
            "--as-of: `2025-13-01` er hverken en dato",
        ),
        (vec!["--status", "late"], "--status: ukendt status `late`"),
        (
            vec!["--caseworker", "S999"],
            "--caseworker: der er ingen medarbejder med id `S999`",
        ),
        (
            vec!["--team", "NOPE"],
            "--team: der er ingen enhed med id `NOPE`",
        ),
        (
            vec!["--rule", "speed_limit"],
            "--rule: ukendt regel `speed_limit`",
        ),
    ] {
        let output = store.run(&[&["deadlines"], args.as_slice()].concat());
        let stderr = text(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    }

    let rules = store.dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let children = include_str!("../../../../rules/children.toml").replacen(
        "basis = \"BL § 136\"",
        "basis = \"\"",
        1,
    );
    std::fs::write(rules.join("children.toml"), children).unwrap();
    let output = store.run(&["--rules", rules.to_str().unwrap(), "deadlines"]);
    assert_clean_failure(
        &output,
        "regelfilen `children.toml`, `notification_assessment (version 2)`, felt `basis`: må ikke være tom",
    );
}
