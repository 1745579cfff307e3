//! Small hand-built data: one clean row of every table, then one fault at a time.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::contradictions::{ALL, Kind};
use super::*;
use crate::checks::check_row;
use crate::figures::Exclusion;
use crate::ids::{CaseId, MeasureId};
use crate::report::{Cell, Section};
use crate::tables::*;
use crate::{ColumnKind, TABLES, YearMonth};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn month(text: &str) -> YearMonth {
    YearMonth::parse(text).unwrap()
}

fn case_id(text: &str) -> CaseId {
    CaseId::parse(text).unwrap()
}

/// T of the clean world.
fn t() -> AsOf {
    AsOf::end_of(date("2025-06-30"))
}

/// One clean row (or two, where a check needs an untouched partner) of every table, with every
/// optional column the figures need filled.
fn world() -> Snapshot {
    let mut s = Snapshot::default();
    s.add(
        "org_units",
        &[
            ("unit_id", "U1"),
            ("name", "Team 1"),
            ("kind", "team"),
            ("valid_from", "2023-01-01"),
        ],
    )
    .unwrap();
    for (id, role) in [("S1", "caseworker"), ("S2", "team_leader")] {
        s.add(
            "staff",
            &[
                ("staff_id", id),
                ("name", "A"),
                ("unit_id", "U1"),
                ("role", role),
                ("fte", "1"),
                ("capacity_points", "30"),
                ("start_date", "2023-01-01"),
            ],
        )
        .unwrap();
    }
    s.add(
        "absences",
        &[
            ("staff_id", "S1"),
            ("from_date", "2024-03-01"),
            ("to_date", "2024-03-05"),
        ],
    )
    .unwrap();
    s.add(
        "persons",
        &[("person_id", "P1"), ("birth_date", "2015-01-01")],
    )
    .unwrap();
    for (id, area, weight) in [
        ("C1", "children", "2"),
        ("C2", "children", "1"),
        ("C3", "adults", "1"),
    ] {
        s.add(
            "cases",
            &[
                ("case_id", id),
                ("person_id", "P1"),
                ("area", area),
                ("opened_at", "2024-01-01"),
                ("weight", weight),
            ],
        )
        .unwrap();
    }
    for case in ["C1", "C2"] {
        s.add(
            "assignments",
            &[
                ("case_id", case),
                ("staff_id", "S1"),
                ("from_date", "2024-01-01"),
            ],
        )
        .unwrap();
    }
    s.add(
        "notifications",
        &[
            ("notification_id", "N1"),
            ("person_id", "P1"),
            ("case_id", "C1"),
            ("received_at", "2024-01-02T10:00:00+01:00"),
            ("notifier_type", "school"),
            ("professional", "true"),
            ("severity", "concern"),
            ("assessed_at", "2024-01-02T12:00:00+01:00"),
            ("receipt_sent_at", "2024-01-03T09:00:00+01:00"),
            ("outcome", "investigation"),
            ("outcome_at", "2024-01-03T10:00:00+01:00"),
            ("feedback_sent_at", "2024-01-04T10:00:00+01:00"),
        ],
    )
    .unwrap();
    s.add(
        "investigations",
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2024-01-02"),
            ("decided_at", "2024-01-03"),
            ("completed_at", "2024-04-01"),
        ],
    )
    .unwrap();
    // Late (due 2024-10-01), with a preliminary assessment.
    s.add(
        "investigations",
        &[
            ("investigation_id", "I2"),
            ("case_id", "C2"),
            ("aware_at", "2024-06-01"),
            ("decided_at", "2024-06-02"),
            ("preliminary_assessment_at", "2024-09-25"),
            ("completed_at", "2024-10-15"),
        ],
    )
    .unwrap();
    s.add(
        "providers",
        &[
            ("provider_id", "PR1"),
            ("name", "Leverandør"),
            ("internal", "false"),
        ],
    )
    .unwrap();
    s.add(
        "measures",
        &[
            ("measure_id", "M1"),
            ("case_id", "C1"),
            ("measure_type", "home_support"),
            ("provider_id", "PR1"),
            ("start_date", "2024-05-01"),
            ("planned_end_date", "2025-05-01"),
            ("end_date", "2025-04-30"),
            ("daily_rate", "1000"),
        ],
    )
    .unwrap();
    // Active at T.
    s.add(
        "measures",
        &[
            ("measure_id", "M2"),
            ("case_id", "C2"),
            ("measure_type", "family_treatment"),
            ("provider_id", "PR1"),
            ("start_date", "2024-05-01"),
            ("planned_end_date", "2026-01-01"),
            ("daily_rate", "500"),
        ],
    )
    .unwrap();
    s.add(
        "decisions",
        &[
            ("decision_id", "D1"),
            ("case_id", "C1"),
            ("decided_at", "2024-04-20"),
            ("kind", "grant"),
            ("legal_basis", "BL § 32"),
            ("measure_id", "M1"),
        ],
    )
    .unwrap();
    s.add(
        "plans",
        &[
            ("plan_id", "PL1"),
            ("case_id", "C1"),
            ("created_at", "2024-05-01"),
            ("measure_id", "M1"),
        ],
    )
    .unwrap();
    s.add(
        "visits",
        &[
            ("visit_id", "V1"),
            ("case_id", "C1"),
            ("measure_id", "M1"),
            ("visited_at", "2024-06-01"),
            ("child_conversation", "true"),
        ],
    )
    .unwrap();
    s.add(
        "applications",
        &[
            ("application_id", "A1"),
            ("case_id", "C3"),
            ("received_at", "2024-02-01"),
            ("legal_basis", "SEL § 85"),
            ("notice_sent_at", "2024-02-10"),
            ("decided_at", "2024-03-01"),
        ],
    )
    .unwrap();
    s.add(
        "goals",
        &[
            ("goal_id", "G1"),
            ("plan_id", "PL1"),
            ("category", "school"),
            ("set_at", "2024-05-01"),
            ("closed_at", "2025-04-30"),
        ],
    )
    .unwrap();
    for (id, case, measure, held, next) in [
        ("F1", "C1", "M1", "2024-08-01", "2025-02-01"),
        ("F2", "C2", "M2", "2024-09-01", "2025-03-01"),
    ] {
        s.add(
            "followups",
            &[
                ("followup_id", id),
                ("case_id", case),
                ("measure_id", measure),
                ("held_at", held),
                ("next_due", next),
            ],
        )
        .unwrap();
    }
    s.add(
        "goal_scores",
        &[("goal_id", "G1"), ("followup_id", "F1"), ("score", "5")],
    )
    .unwrap();
    s.add(
        "risk_assessments",
        &[
            ("assessment_id", "R1"),
            ("case_id", "C1"),
            ("assessed_at", "2024-01-05"),
            ("staff_id", "S1"),
            ("event", "renotification_12m"),
            ("probability", "0.3"),
            ("outcome", "false"),
        ],
    )
    .unwrap();
    for (id, month) in [("PAY1", "2024-05"), ("PAY2", "2025-04")] {
        s.add(
            "payments",
            &[
                ("payment_id", id),
                ("case_id", "C1"),
                ("measure_id", "M1"),
                ("account", "5.28.21"),
                ("month", month),
                ("amount", "1000"),
            ],
        )
        .unwrap();
    }
    s.add(
        "budgets",
        &[
            ("year", "2025"),
            ("unit_id", "U1"),
            ("account", "5.28.21"),
            ("measure_type", "home_support"),
            ("amount", "100000"),
            ("planned_full_year_persons", "2"),
        ],
    )
    .unwrap();
    s.add(
        "waiting_list",
        &[
            ("entry_id", "E1"),
            ("person_id", "P1"),
            ("offer_type", "aflastning"),
            ("listed_at", "2024-01-10"),
            ("left_at", "2024-02-01"),
            ("left_reason", "started"),
        ],
    )
    .unwrap();
    s.add(
        "complaints",
        &[
            ("complaint_id", "K1"),
            ("decision_id", "D1"),
            ("received_at", "2024-05-10"),
            ("personal_contact_at", "2024-05-12"),
            ("resolved_at", "2024-06-01"),
            ("outcome", "upheld"),
        ],
    )
    .unwrap();
    s.add(
        "population",
        &[("year", "2025"), ("age", "5"), ("count", "100")],
    )
    .unwrap();
    s
}

fn codes(s: &Snapshot, as_of: AsOf) -> Vec<&'static str> {
    assess(s, &Sources::all_present(), as_of)
        .contradictions
        .iter()
        .map(|c| c.code)
        .collect()
}

type Fault = (&'static str, fn(&mut Snapshot));

/// One fault per kind of contradiction: the code it must raise, alone.
const FAULTS: &[Fault] = &[
    ("unit_ends_before_start", |s| {
        s.org_units[0].valid_to = Some(date("2022-12-31"))
    }),
    ("staff_ends_before_start", |s| {
        s.staff[1].end_date = Some(date("2022-12-31"))
    }),
    ("absence_ends_before_start", |s| {
        s.absences[0].to_date = Some(date("2024-02-29"))
    }),
    ("case_closed_before_opened", |s| {
        s.cases[2].closed_at = Some(date("2023-12-31"))
    }),
    ("assignment_ends_before_start", |s| {
        s.assignments[1].to_date = Some(date("2023-12-31"))
    }),
    ("assessed_before_received", |s| {
        s.notifications[0].assessed_at = Some(instant("2024-01-02T09:59:59+01:00"))
    }),
    ("receipt_before_received", |s| {
        s.notifications[0].receipt_sent_at = Some(instant("2024-01-02T09:00:00+01:00"))
    }),
    ("outcome_before_received", |s| {
        s.notifications[0].outcome_at = Some(instant("2024-01-02T09:00:00+01:00"))
    }),
    ("feedback_before_received", |s| {
        s.notifications[0].outcome_at = None;
        s.notifications[0].feedback_sent_at = Some(instant("2024-01-02T09:00:00+01:00"));
    }),
    ("feedback_before_outcome", |s| {
        s.notifications[0].feedback_sent_at = Some(instant("2024-01-03T09:59:00+01:00"))
    }),
    ("investigation_decided_before_aware", |s| {
        s.investigations[0].decided_at = Some(date("2024-01-01"))
    }),
    ("preliminary_before_aware", |s| {
        s.investigations[0].preliminary_assessment_at = Some(date("2024-01-01"))
    }),
    ("completed_before_aware", |s| {
        s.investigations[0].completed_at = Some(date("2024-01-01"))
    }),
    ("measure_ends_before_start", |s| {
        s.measures[1].end_date = Some(date("2024-04-30"))
    }),
    ("planned_end_before_start", |s| {
        s.measures[1].planned_end_date = Some(date("2024-04-30"))
    }),
    ("notice_before_received", |s| {
        s.applications[0].notice_sent_at = Some(date("2024-01-31"))
    }),
    ("decided_before_received", |s| {
        s.applications[0].decided_at = Some(date("2024-01-31"))
    }),
    ("goal_closed_before_set", |s| {
        s.goals[0].closed_at = Some(date("2024-04-30"))
    }),
    ("left_before_listed", |s| {
        s.waiting_list[0].left_at = Some(date("2024-01-09"))
    }),
    ("contact_before_received", |s| {
        s.complaints[0].personal_contact_at = Some(date("2024-05-09"))
    }),
    ("resolved_before_received", |s| {
        s.complaints[0].resolved_at = Some(date("2024-05-09"))
    }),
    ("next_due_before_held", |s| {
        s.followups[0].next_due = Some(date("2024-07-31"))
    }),
    ("measure_before_case_opened", |s| {
        s.measures[1].start_date = date("2023-12-31")
    }),
    // Closed on the day the measure starts: the case is not open that day.
    ("measure_after_case_closed", |s| {
        s.cases[1].closed_at = Some(date("2024-05-01"))
    }),
    ("payment_before_measure_start", |s| {
        s.payments[0].month = month("2024-04")
    }),
    ("payment_after_measure_end", |s| {
        s.payments[1].month = month("2025-05")
    }),
    ("payment_measure_of_other_case", |s| {
        s.payments[0].case_id = Some(case_id("C2"))
    }),
    ("measure_of_other_case", |s| {
        s.decisions[0].case_id = case_id("C2")
    }),
    ("plan_measure_of_other_case", |s| {
        s.plans[0].case_id = case_id("C2")
    }),
    ("visit_measure_of_other_case", |s| {
        s.visits[0].case_id = case_id("C2")
    }),
    ("followup_measure_of_other_case", |s| {
        s.followups[0].case_id = case_id("C2")
    }),
    ("followup_before_measure_start", |s| {
        s.followups[1].held_at = date("2024-04-30")
    }),
    ("score_before_goal_set", |s| {
        s.goals[0].set_at = date("2024-08-02")
    }),
    // The caseworker left while still assigned.
    ("assignment_outside_employment", |s| {
        s.staff[0].end_date = Some(date("2025-03-31"))
    }),
];

#[test]
fn the_clean_world_has_no_contradictions() {
    assert_eq!(codes(&world(), t()), Vec::<&str>::new());
}

#[test]
fn each_contradiction_is_found_alone_on_a_minimal_example() {
    for (code, fault) in FAULTS {
        let mut s = world();
        fault(&mut s);
        assert_eq!(codes(&s, t()), vec![*code], "{code}");
    }
}

#[test]
fn every_kind_of_contradiction_has_a_fault_and_a_unique_code() {
    let listed: BTreeSet<&str> = contradiction_kinds().map(|k| k.code).collect();
    assert_eq!(listed.len(), ALL.len(), "codes are unique");
    let tested: BTreeSet<&str> = FAULTS.iter().map(|(code, _)| *code).collect();
    assert_eq!(listed, tested);
    // The brief's names stay stable.
    for code in [
        "assessed_before_received",
        "receipt_before_received",
        "completed_before_aware",
        "measure_ends_before_start",
        "followup_before_measure_start",
    ] {
        assert!(listed.contains(code), "{code}");
    }
    assert_eq!(ALL[0], Kind::UnitEndsBeforeStart);
}

#[test]
fn contradiction_rows_labels_and_examples() {
    let mut s = world();
    for i in 0..7 {
        let mut extra = s.notifications[0].clone();
        extra.notification_id = crate::ids::NotificationId::parse(&format!("X{i}")).unwrap();
        extra.assessed_at = Some(instant("2024-01-01T00:00:00+01:00"));
        s.notifications.push(extra);
    }
    let quality = assess(&s, &Sources::all_present(), t());
    assert_eq!(quality.contradictions.len(), 1);
    let found = &quality.contradictions[0];
    assert_eq!(found.table, "notifications");
    assert_eq!(found.rows, 7);
    assert_eq!(found.examples, ["X0", "X1", "X2", "X3", "X4"]);
    assert_eq!(
        found.label_da,
        "vurderingen er dateret før modtagelsen af underretningen"
    );
}

#[test]
fn boundaries_of_the_cross_row_checks() {
    // A measure may start on the day its case opens, and the day before it closes.
    let mut s = world();
    s.measures[1].start_date = date("2024-01-01");
    s.cases[1].closed_at = Some(date("2024-01-02"));
    s.followups[1].held_at = date("2024-01-01");
    assert_eq!(codes(&s, t()), Vec::<&str>::new());
    // Payments in the start and the end month are fine.
    let mut s = world();
    s.payments[0].month = month("2024-05");
    s.payments[1].month = month("2025-04");
    assert_eq!(codes(&s, t()), Vec::<&str>::new());
    // A refund booked the month after the measure ended settles an earlier month.
    let mut s = world();
    s.payments[1].month = month("2025-05");
    s.payments[1].amount = rust_decimal::Decimal::new(-250, 0);
    assert_eq!(codes(&s, t()), Vec::<&str>::new());
    // Assigned before the caseworker started.
    let mut s = world();
    s.staff[0].start_date = Some(date("2024-06-01"));
    assert_eq!(codes(&s, t()), vec!["assignment_outside_employment"]);
    // An assignment that ended the day the caseworker left is fine.
    let mut s = world();
    s.staff[0].end_date = Some(date("2025-03-31"));
    for a in &mut s.assignments {
        a.to_date = Some(date("2025-03-31"));
    }
    assert_eq!(codes(&s, t()), Vec::<&str>::new());
}

#[test]
fn facts_after_t_do_not_count_as_contradictions() {
    let cases = [
        // Opened after T: the case does not exist yet.
        (
            "case_closed_before_opened",
            (|s: &mut Snapshot| {
                s.cases[2].opened_at = date("2025-07-02");
                s.cases[2].closed_at = Some(date("2025-07-01"));
            }) as fn(&mut Snapshot),
            "2025-07-02",
        ),
        // A payment for a month after T.
        (
            "payment_after_measure_end",
            |s| {
                s.measures[1].end_date = Some(date("2025-05-31"));
                s.payments[0].measure_id = Some(MeasureId::parse("M2").unwrap());
                s.payments[0].case_id = Some(case_id("C2"));
                s.payments[0].month = month("2025-07");
            },
            "2025-07-01",
        ),
        // The caseworker leaves on T: assigned after that only from the next day.
        (
            "assignment_outside_employment",
            |s| s.staff[0].end_date = Some(date("2025-06-30")),
            "2025-07-01",
        ),
        // Received after T, assessed before it.
        (
            "assessed_before_received",
            |s| {
                s.notifications[0].received_at = instant("2025-07-01T00:00:00+02:00");
                s.notifications[0].assessed_at = Some(instant("2025-06-30T23:00:00+02:00"));
                s.notifications[0].receipt_sent_at = None;
                s.notifications[0].outcome_at = None;
                s.notifications[0].feedback_sent_at = None;
            },
            "2025-07-01",
        ),
    ];
    for (code, fault, later) in cases {
        let mut s = world();
        fault(&mut s);
        assert_eq!(codes(&s, t()), Vec::<&str>::new(), "{code} at T");
        assert_eq!(
            codes(&s, AsOf::end_of(date(later))),
            vec![code],
            "{code} at {later}"
        );
    }
}

/// The importer's order rules (`checks.rs`), found by asking `check_row` about every pair of
/// date columns of every table.
fn import_order_rules() -> BTreeSet<(&'static str, &'static str, &'static str)> {
    let mut rules = BTreeSet::new();
    for spec in TABLES {
        let base: Vec<&str> = spec
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Id => "X1",
                ColumnKind::Text | ColumnKind::Name => "x",
                ColumnKind::Code(codes) => codes[0],
                ColumnKind::Date if c.required => "2000-01-01",
                ColumnKind::Timestamp if c.required => "2000-01-01T00:00:00+01:00",
                ColumnKind::Date | ColumnKind::Timestamp | ColumnKind::Cpr => "",
                ColumnKind::Month => "2024-01",
                ColumnKind::Amount | ColumnKind::NonNegative => "1",
                ColumnKind::Fraction => "0.5",
                ColumnKind::Integer { min, .. } => {
                    if min == 1900 {
                        "2024"
                    } else {
                        "0"
                    }
                }
                ColumnKind::Bool => "true",
            })
            .collect();
        let dated = |kind| matches!(kind, ColumnKind::Date | ColumnKind::Timestamp);
        for earlier in spec.columns.iter().filter(|c| dated(c.kind)) {
            for later in spec.columns.iter().filter(|c| c.kind == earlier.kind) {
                if earlier.name == later.name {
                    continue;
                }
                let (late, early) = match earlier.kind {
                    ColumnKind::Date => ("2024-01-02", "2024-01-01"),
                    _ => ("2024-01-02T00:00:00+01:00", "2024-01-01T00:00:00+01:00"),
                };
                let mut cells = base.clone();
                cells[spec.column_index(earlier.name).unwrap()] = late;
                cells[spec.column_index(later.name).unwrap()] = early;
                let row = spec.parse_row(&cells).unwrap();
                if check_row(spec, &row, date("2100-01-01"))
                    .iter()
                    .any(|f| f.code == "before_start" && f.column == later.name)
                {
                    rules.insert((spec.name, earlier.name, later.name));
                }
            }
        }
    }
    rules
}

#[test]
fn the_within_row_checks_are_the_importers_order_rules() {
    let ours: BTreeSet<_> = contradiction_kinds()
        .filter_map(|k| k.order.map(|(earlier, later)| (k.table, earlier, later)))
        .collect();
    let import = import_order_rules();
    assert!(import.len() >= 20, "{import:?}");
    assert_eq!(ours, import);
}

#[test]
fn an_absent_table_is_not_assessed() {
    let mut s = world();
    s.notifications[0].assessed_at = None;
    s.notifications[0].receipt_sent_at = Some(instant("2024-01-01T00:00:00+01:00"));
    let sources = Sources::all_present().without("notifications");
    let quality = assess(&s, &sources, t());
    assert!(quality.contradictions.is_empty());
    assert!(
        quality
            .completeness
            .iter()
            .all(|c| c.table != "notifications")
    );
    let freshness = quality
        .freshness
        .iter()
        .find(|f| f.table == "notifications")
        .unwrap();
    assert!(!freshness.present);
}

fn completeness(quality: &Quality, table: &str, column: &str) -> (u64, u64) {
    let c = quality
        .completeness
        .iter()
        .find(|c| c.table == table && c.column == column)
        .unwrap_or_else(|| panic!("{table}.{column}"));
    (c.filled, c.rows)
}

type Blank = (&'static str, &'static str, fn(&mut Snapshot));

/// Empties one filled column of the clean world.
const BLANKS: &[Blank] = &[
    ("notifications", "assessed_at", |s| {
        s.notifications[0].assessed_at = None
    }),
    ("notifications", "receipt_sent_at", |s| {
        s.notifications[0].receipt_sent_at = None
    }),
    ("investigations", "completed_at", |s| {
        s.investigations[0].completed_at = None
    }),
    ("investigations", "preliminary_assessment_at", |s| {
        s.investigations[1].preliminary_assessment_at = None
    }),
    ("measures", "daily_rate", |s| {
        s.measures[1].daily_rate = None
    }),
    ("measures", "planned_end_date", |s| {
        s.measures[1].planned_end_date = None
    }),
    ("measures", "provider_id", |s| {
        s.measures[0].provider_id = None
    }),
    ("payments", "measure_id", |s| {
        s.payments[0].measure_id = None
    }),
    ("budgets", "planned_full_year_persons", |s| {
        s.budgets[0].planned_full_year_persons = None
    }),
    ("staff", "capacity_points", |s| {
        s.staff[0].capacity_points = None
    }),
    ("staff", "fte", |s| s.staff[0].fte = None),
    ("cases", "weight", |s| s.cases[0].weight = None),
    ("complaints", "personal_contact_at", |s| {
        s.complaints[0].personal_contact_at = None
    }),
    ("complaints", "outcome", |s| s.complaints[0].outcome = None),
    ("risk_assessments", "outcome", |s| {
        s.risk_assessments[0].outcome = None
    }),
    ("followups", "next_due", |s| s.followups[0].next_due = None),
];

#[test]
fn completeness_counts_each_column_on_its_own_rows() {
    let clean = assess(&world(), &Sources::all_present(), t());
    assert_eq!(clean.completeness.len(), COLUMNS.len());
    // Every column has rows in the clean world, all filled.
    for c in &clean.completeness {
        assert!(c.rows > 0, "{}.{}", c.table, c.column);
        assert_eq!(c.filled, c.rows, "{}.{}", c.table, c.column);
    }
    let expected_rows = [
        ("notifications", "assessed_at", 1),
        ("investigations", "completed_at", 2),
        ("investigations", "preliminary_assessment_at", 1),
        ("measures", "daily_rate", 1),
        ("measures", "provider_id", 2),
        ("payments", "measure_id", 2),
        ("staff", "fte", 1),
        ("cases", "weight", 3),
        ("followups", "next_due", 2),
    ];
    for (table, column, rows) in expected_rows {
        assert_eq!(
            completeness(&clean, table, column).1,
            rows,
            "{table}.{column}"
        );
    }
    let blanked: BTreeSet<_> = BLANKS.iter().map(|(t, c, _)| (*t, *c)).collect();
    let listed: BTreeSet<_> = COLUMNS.iter().map(|r| (r.table, r.column)).collect();
    assert_eq!(blanked, listed);
    for (table, column, blank) in BLANKS {
        let mut s = world();
        blank(&mut s);
        let quality = assess(&s, &Sources::all_present(), t());
        for (before, after) in clean.completeness.iter().zip(&quality.completeness) {
            let this = before.table == *table && before.column == *column;
            assert_eq!(
                after.filled + u64::from(this),
                before.filled,
                "blanking {table}.{column}: {}.{}",
                before.table,
                before.column
            );
            if this {
                assert_eq!(after.rows, before.rows, "{table}.{column}");
            }
        }
    }
}

fn notification(s: &mut Snapshot, id: &str, received: &str, professional: bool, assessed: &str) {
    s.add(
        "notifications",
        &[
            ("notification_id", id),
            ("person_id", "P1"),
            ("received_at", received),
            ("notifier_type", "school"),
            ("professional", if professional { "true" } else { "false" }),
            ("severity", "concern"),
            ("assessed_at", assessed),
        ],
    )
    .unwrap();
}

#[test]
fn a_field_not_yet_due_at_t_is_not_missing() {
    let mut s = world();
    s.notifications.clear();
    // T = 2025-06-30 (Monday) ends 2025-06-30T23:59:59.999+02:00.
    notification(&mut s, "due", "2025-06-29T23:59:59+02:00", false, "");
    notification(&mut s, "pending", "2025-06-30T00:00:01+02:00", false, "");
    notification(
        &mut s,
        "ontime",
        "2025-06-01T10:00:00+02:00",
        false,
        "2025-06-01T11:00:00+02:00",
    );
    notification(
        &mut s,
        "late",
        "2025-06-01T10:00:00+02:00",
        false,
        "2025-07-01T11:00:00+02:00",
    );
    notification(&mut s, "afterT", "2025-07-01T10:00:00+02:00", false, "");
    // The receipt is due 6 working days after the day received: 2025-06-20 (Friday) + 6 =
    // 2025-06-30; 2025-06-23 + 6 = 2025-07-01.
    notification(&mut s, "r1", "2025-06-20T23:00:00+02:00", true, "");
    notification(&mut s, "r2", "2025-06-23T08:00:00+02:00", true, "");
    for n in &mut s.notifications {
        if n.notification_id.as_str().starts_with('r') {
            n.assessed_at = Some(n.received_at);
        }
    }
    let quality = assess(&s, &Sources::all_present(), t());
    // due, ontime, late (assessed after T), r1, r2.
    assert_eq!(
        completeness(&quality, "notifications", "assessed_at"),
        (3, 5)
    );
    assert_eq!(
        completeness(&quality, "notifications", "receipt_sent_at"),
        (0, 1)
    );

    // The 4 months of an investigation, with end-of-month clamp: aware 2024-10-31 is due
    // 2025-02-28, aware 2024-11-01 on 2025-03-01.
    let mut s = world();
    s.investigations.clear();
    for (id, aware) in [("I1", "2024-10-31"), ("I2", "2024-11-01")] {
        s.add(
            "investigations",
            &[
                ("investigation_id", id),
                ("case_id", "C1"),
                ("aware_at", aware),
            ],
        )
        .unwrap();
    }
    let at = AsOf::end_of(date("2025-02-28"));
    let quality = assess(&s, &Sources::all_present(), at);
    assert_eq!(
        completeness(&quality, "investigations", "completed_at"),
        (0, 1)
    );
    assert_eq!(
        completeness(&quality, "investigations", "preliminary_assessment_at"),
        (0, 1)
    );
    // Completed on the due day: no preliminary assessment was owed.
    s.investigations[0].completed_at = Some(date("2025-02-28"));
    let quality = assess(&s, &Sources::all_present(), at);
    assert_eq!(
        completeness(&quality, "investigations", "completed_at"),
        (1, 1)
    );
    assert_eq!(
        completeness(&quality, "investigations", "preliminary_assessment_at"),
        (0, 0)
    );
}

#[test]
fn only_the_rows_a_rule_names_are_counted() {
    let mut s = world();
    // Ended before T, starting after T: neither is active at T.
    s.measures[0].daily_rate = None;
    let mut later = s.measures[1].clone();
    later.measure_id = MeasureId::parse("M3").unwrap();
    later.start_date = date("2025-07-01");
    later.daily_rate = None;
    s.measures.push(later);
    // A team leader without capacity is not a caseworker; a closed case has no weight counted.
    s.staff[1].capacity_points = None;
    s.cases[2].closed_at = Some(date("2025-06-30"));
    s.cases[2].weight = None;
    // A budget line without a measure type assumes no activity.
    let mut admin = s.budgets[0].clone();
    admin.measure_type = None;
    admin.planned_full_year_persons = None;
    s.budgets.push(admin);
    // A follow-up under serviceloven, and one of an adult case.
    s.followups[0].held_at = date("2023-12-31");
    s.followups[0].next_due = None;
    s.followups[1].case_id = case_id("C3");
    let quality = assess(&s, &Sources::all_present(), t());
    assert_eq!(completeness(&quality, "measures", "daily_rate"), (1, 1));
    assert_eq!(completeness(&quality, "measures", "provider_id"), (2, 2));
    assert_eq!(completeness(&quality, "staff", "capacity_points"), (1, 1));
    assert_eq!(completeness(&quality, "cases", "weight"), (2, 2));
    assert_eq!(
        completeness(&quality, "budgets", "planned_full_year_persons"),
        (1, 1)
    );
    assert_eq!(completeness(&quality, "followups", "next_due"), (0, 0));
    // A risk assessment less than 12 months old has no outcome yet.
    let mut s = world();
    s.risk_assessments[0].assessed_at = date("2024-07-01");
    s.risk_assessments[0].outcome = None;
    let quality = assess(&s, &Sources::all_present(), t());
    assert_eq!(
        completeness(&quality, "risk_assessments", "outcome"),
        (0, 0)
    );
}

#[test]
fn freshness_comes_from_the_imports() {
    let first = instant("2025-06-01T08:00:00+02:00");
    let second = instant("2025-06-15T08:00:00+02:00");
    let sources = Sources::from_imports([
        ("cases", first),
        ("persons", first),
        ("cases", second),
        ("notifications", first),
    ]);
    let quality = assess(&world(), &sources, t());
    assert_eq!(
        quality.freshness.len(),
        TABLES.iter().filter(|spec| !spec.entered).count()
    );
    let get = |table: &str| quality.freshness.iter().find(|f| f.table == table).unwrap();
    assert_eq!(
        *get("cases"),
        Freshness {
            table: "cases",
            present: true,
            last_imported_at: Some(second),
            rows: 3,
        }
    );
    assert_eq!(get("persons").last_imported_at, Some(first));
    assert!(!get("measures").present);
    assert_eq!(get("measures").last_imported_at, None);
    // Only the supplied tables are assessed.
    let tables: BTreeSet<&str> = quality.completeness.iter().map(|c| c.table).collect();
    assert_eq!(tables, BTreeSet::from(["cases", "notifications"]));
    assert_eq!(quality.as_of, date("2025-06-30"));
}

fn table<'a>(section: &'a Section, title: &str) -> &'a crate::report::Table {
    section
        .tables
        .iter()
        .find(|t| t.title == title)
        .unwrap_or_else(|| panic!("{title}"))
}

#[test]
fn the_section_is_in_danish_with_shares_and_exclusions() {
    let mut s = world();
    s.cases[0].weight = None;
    s.notifications[0].assessed_at = Some(instant("2024-01-02T09:00:00+01:00"));
    let sources = Sources::from_imports([
        ("cases", instant("2025-06-15T08:00:00+02:00")),
        ("notifications", instant("2025-06-15T08:00:00+02:00")),
    ]);
    let quality = assess(&s, &sources, t());
    let exclusions = [(
        "KF03",
        vec![Exclusion {
            table: "notifications",
            reason: "assessed_before_received",
            label_da: "vurderet før modtagelse",
            rows: 1,
        }],
    )];
    let section = section(&quality, &exclusions);
    assert_eq!(section.title, "Datakvalitet");
    let titles: Vec<&str> = section.tables.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Aktualitet",
            "Udfyldelse",
            "Modstridende data",
            "Rækker udeladt af nøgletal"
        ]
    );

    let fresh = table(&section, "Aktualitet");
    let cases = fresh
        .rows
        .iter()
        .find(|r| r[0] == Cell::Text("cases".into()))
        .unwrap();
    assert_eq!(
        cases[1..],
        [Cell::Text("15-06-2025 kl. 08.00".into()), Cell::Integer(3)]
    );
    let measures = fresh
        .rows
        .iter()
        .find(|r| r[0] == Cell::Text("measures".into()))
        .unwrap();
    assert_eq!(measures[1], Cell::Text("ikke leveret".into()));

    let filled = table(&section, "Udfyldelse");
    assert_eq!(filled.columns[5].title, "Andel");
    assert_eq!(filled.columns[5].kind, crate::report::ColumnKind::Percent);
    let weight = filled
        .rows
        .iter()
        .find(|r| r[1] == Cell::Text("weight".into()))
        .unwrap();
    assert_eq!(
        weight[2..],
        [
            Cell::Text("KF09".into()),
            Cell::Integer(2),
            Cell::Integer(3),
            Cell::Share {
                numerator: 2,
                denominator: 3
            }
        ]
    );
    assert!(
        filled
            .footnotes
            .iter()
            .any(|f| f.starts_with("notifications.assessed_at: underretninger modtaget"))
    );

    let contradictions = table(&section, "Modstridende data");
    assert_eq!(
        contradictions.rows,
        [vec![
            Cell::Text("Vurderingen er dateret før modtagelsen af underretningen".into()),
            Cell::Text("notifications".into()),
            Cell::Integer(1),
            Cell::Text("N1".into()),
        ]]
    );

    let excluded = table(&section, "Rækker udeladt af nøgletal");
    assert_eq!(
        excluded.rows,
        [vec![
            Cell::Text("KF03".into()),
            Cell::Text("notifications".into()),
            Cell::Text("Vurderet før modtagelse".into()),
            Cell::Integer(1),
        ]]
    );
}

#[test]
fn the_quality_serialises_with_codes() {
    let mut s = world();
    s.cases[2].closed_at = Some(date("2023-12-31"));
    let json = serde_json::to_value(assess(&s, &Sources::all_present(), t())).unwrap();
    assert_eq!(json["as_of"], "2025-06-30");
    assert_eq!(
        json["contradictions"][0]["code"],
        "case_closed_before_opened"
    );
    assert_eq!(json["contradictions"][0]["examples"][0], "C3");
    assert_eq!(json["completeness"][0]["needed_by"][1], "KF04");
}
