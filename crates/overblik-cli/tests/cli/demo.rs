//! `overblik demo`: the quick start's data, users and deadline overview, without the server.

use crate::support::{TestStore, text};

#[test]
fn the_demo_loads_a_synthetic_municipality_creates_users_and_reuses_its_database() {
    let store = TestStore::sqlite();
    let first = text(
        &store
            .run_ok(&[
                "demo",
                "--no-serve",
                "--inhabitants",
                "3000",
                "--years",
                "2",
            ])
            .stdout,
    );
    assert!(
        first.contains("Danner Demokommune: 3000 indbyggere"),
        "{first}"
    );
    assert!(first.contains("Lovkrav pr. "), "{first}");
    for role in [
        "caseworker",
        "team_leader",
        "head",
        "controller",
        "director",
        "committee",
        "administrator",
        "auditor",
    ] {
        assert!(first.contains(role), "{role} missing in: {first}");
    }

    let mut opened = store.open_store();
    let rows: u64 = opened.row_counts().unwrap().iter().map(|(_, n)| n).sum();
    assert!(rows > 1000, "{rows} rows");
    assert_eq!(opened.users().unwrap().len(), 8);
    drop(opened);

    // A second start keeps the data (and does not generate again).
    let second = text(&store.run_ok(&["demo", "--no-serve"]).stdout);
    assert!(second.contains("har allerede data"), "{second}");
    assert!(!second.contains("Danner Demokommune"), "{second}");
}
