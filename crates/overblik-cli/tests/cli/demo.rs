//! `overblik demo`: the quick start's data, users and deadline overview, without the server.

use overblik_domain::codes::{OrgUnitKind, StaffRole};

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

    assert!(!first.contains("Indtil webudgaven"), "{first}");

    let mut opened = store.open_store();
    let rows: u64 = opened.row_counts().unwrap().iter().map(|(_, n)| n).sum();
    assert!(rows > 1000, "{rows} rows");
    assert_eq!(opened.users().unwrap().len(), 8);

    // The caseworker, team leader and head are linked to the data; the others are not.
    let snapshot = opened.load_snapshot().unwrap();
    let user = |opened: &mut overblik_store::Store, name: &str| {
        opened.user_by_name(name).unwrap().unwrap()
    };
    let caseworker = user(&mut opened, "sagsbehandler");
    let staff_id = caseworker.staff_id.expect("the demo caseworker is linked");
    let staff = snapshot
        .staff
        .iter()
        .find(|staff| staff.staff_id.as_str() == staff_id)
        .expect("a staff member of the data");
    assert_eq!(staff.role, StaffRole::Caseworker);
    assert!(
        first.contains(&format!("medarbejder {staff_id}")),
        "{first}"
    );
    let team = user(&mut opened, "teamleder")
        .unit_id
        .expect("the demo team leader is linked");
    assert_eq!(team, staff.unit_id.as_str());
    let head_unit = user(&mut opened, "fagchef")
        .unit_id
        .expect("the demo head is linked");
    let unit = |id: &str| {
        snapshot
            .org_units
            .iter()
            .find(|unit| unit.unit_id.as_str() == id)
            .unwrap()
    };
    let team_parent = unit(&team)
        .parent_id
        .as_ref()
        .map(|p| p.as_str().to_owned());
    assert!(
        unit(&head_unit).kind == OrgUnitKind::Department
            || Some(head_unit.as_str()) == team_parent.as_deref(),
        "{head_unit}"
    );
    for name in [
        "controller",
        "direktoer",
        "udvalgsmedlem",
        "administrator",
        "revisor",
    ] {
        let other = user(&mut opened, name);
        assert_eq!((other.staff_id, other.unit_id), (None, None), "{name}");
    }
    drop(opened);

    // A second start keeps the data (and does not generate again).
    let second = text(&store.run_ok(&["demo", "--no-serve"]).stdout);
    assert!(second.contains("har allerede data"), "{second}");
    assert!(!second.contains("Danner Demokommune"), "{second}");
}
