//! The small municipality the figure and policy tests share.

use chrono::NaiveDate;
use overblik_domain::Snapshot;

pub fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A municipality M with teams T1 and T2, caseworkers S1 (T1) and S2 (T2), and children P1
/// (case C1, S1's) and P2 (case C2, S2's), both opened 2024-01-01.
pub fn world() -> Snapshot {
    let mut s = Snapshot::default();
    let rows: &[(&str, &[(&str, &str)])] = &[
        (
            "org_units",
            &[
                ("unit_id", "M"),
                ("name", "Kommune"),
                ("kind", "municipality"),
            ],
        ),
        (
            "org_units",
            &[
                ("unit_id", "T1"),
                ("parent_id", "M"),
                ("name", "Team 1"),
                ("kind", "team"),
            ],
        ),
        (
            "org_units",
            &[
                ("unit_id", "T2"),
                ("parent_id", "M"),
                ("name", "Team 2"),
                ("kind", "team"),
            ],
        ),
        (
            "staff",
            &[
                ("staff_id", "S1"),
                ("name", "A"),
                ("unit_id", "T1"),
                ("role", "caseworker"),
            ],
        ),
        (
            "staff",
            &[
                ("staff_id", "S2"),
                ("name", "B"),
                ("unit_id", "T2"),
                ("role", "caseworker"),
                ("fte", "0.5"),
                ("capacity_points", "20"),
            ],
        ),
        (
            "persons",
            &[("person_id", "P1"), ("birth_date", "2015-05-05")],
        ),
        (
            "persons",
            &[("person_id", "P2"), ("birth_date", "2016-06-06")],
        ),
        (
            "cases",
            &[
                ("case_id", "C1"),
                ("person_id", "P1"),
                ("area", "children"),
                ("opened_at", "2024-01-01"),
            ],
        ),
        (
            "cases",
            &[
                ("case_id", "C2"),
                ("person_id", "P2"),
                ("area", "children"),
                ("opened_at", "2024-01-01"),
                ("weight", "2.5"),
            ],
        ),
        (
            "assignments",
            &[
                ("case_id", "C1"),
                ("staff_id", "S1"),
                ("from_date", "2024-01-01"),
            ],
        ),
        (
            "assignments",
            &[
                ("case_id", "C2"),
                ("staff_id", "S2"),
                ("from_date", "2024-01-01"),
            ],
        ),
    ];
    for (table, cells) in rows {
        s.add(table, cells).unwrap();
    }
    s
}

pub fn notification(s: &mut Snapshot, id: &str, case: &str, received: &str, assessed: &str) {
    let person = if case == "C1" { "P1" } else { "P2" };
    s.add(
        "notifications",
        &[
            ("notification_id", id),
            ("person_id", person),
            ("case_id", case),
            ("received_at", received),
            ("notifier_type", "school"),
            ("professional", "true"),
            ("severity", "serious"),
            ("assessed_at", assessed),
        ],
    )
    .unwrap();
}
