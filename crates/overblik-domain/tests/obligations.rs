//! Table-driven tests of every rule of legal-rules.md at its boundaries: exactly on the due
//! date or instant, one second or one day after, DST nights, month ends, leap days and the
//! switch from serviceloven to barnets lov on 2024-01-01.

// The test tables are slices of tuples on purpose: one row per boundary, readable at a glance.
#![allow(clippy::type_complexity)]

use chrono::{DateTime, NaiveDate, Utc};
use overblik_domain::obligations::{
    AlertKind, AsOf, Evaluation, Finding, Lapse, Moment, Status, evaluate,
};
use overblik_domain::rules::{RuleId, RuleSet, RuleSource};
use overblik_domain::tables::*;
use overblik_domain::{Snapshot, TableSpec};

fn add(snapshot: &mut Snapshot, spec: &'static TableSpec, cells: &[(&str, &str)]) {
    snapshot.add(spec.name, cells).unwrap();
}

/// One team, one caseworker, a child born `birth` with a children's case C1 assigned to S1.
fn world(birth: &str) -> Snapshot {
    let mut s = Snapshot::default();
    add(
        &mut s,
        &ORG_UNITS,
        &[("unit_id", "T1"), ("name", "Team 1"), ("kind", "team")],
    );
    add(
        &mut s,
        &STAFF,
        &[
            ("staff_id", "S1"),
            ("name", "A"),
            ("unit_id", "T1"),
            ("role", "caseworker"),
        ],
    );
    add(
        &mut s,
        &PERSONS,
        &[("person_id", "P1"), ("birth_date", birth)],
    );
    add(
        &mut s,
        &CASES,
        &[
            ("case_id", "C1"),
            ("person_id", "P1"),
            ("area", "children"),
            ("opened_at", "2020-01-01"),
        ],
    );
    add(
        &mut s,
        &ASSIGNMENTS,
        &[
            ("case_id", "C1"),
            ("staff_id", "S1"),
            ("from_date", "2020-01-01"),
        ],
    );
    s
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn end_of(text: &str) -> AsOf {
    AsOf::end_of(date(text))
}

fn run(snapshot: &Snapshot, as_of: AsOf) -> Evaluation {
    evaluate(snapshot, &RuleSet::embedded(), as_of)
}

/// The status, due and legal basis of the only obligation of `rule`.
fn only(evaluation: &Evaluation, rule: RuleId) -> (Status, Moment, String) {
    let found: Vec<_> = evaluation
        .obligations
        .iter()
        .filter(|o| o.rule == rule)
        .collect();
    assert_eq!(found.len(), 1, "{rule}: {found:#?}");
    let basis = RuleSet::embedded().rule(rule).versions[found[0].version as usize]
        .basis
        .clone();
    (found[0].status, found[0].due, basis)
}

fn count(evaluation: &Evaluation, rule: RuleId) -> usize {
    evaluation
        .obligations
        .iter()
        .filter(|o| o.rule == rule)
        .count()
}

fn notification(s: &mut Snapshot, id: &str, received: &str, extra: &[(&str, &str)]) {
    let mut cells = vec![
        ("notification_id", id),
        ("person_id", "P1"),
        ("case_id", "C1"),
        ("received_at", received),
        ("notifier_type", "school"),
        ("professional", "true"),
        ("severity", "serious"),
    ];
    cells.extend_from_slice(extra);
    add(s, &NOTIFICATIONS, &cells);
}

#[test]
fn notification_assessment_is_due_24_real_hours_after_receipt() {
    use Status::*;
    // (received, assessed, as of, status, due)
    let cases: &[(&str, Option<&str>, AsOf, Status, &str)] = &[
        (
            "2025-03-01T14:05:00+01:00",
            Some("2025-03-02T14:05:00+01:00"),
            end_of("2025-03-05"),
            MetOnTime,
            "2025-03-02T14:05:00+01:00",
        ),
        (
            "2025-03-01T14:05:00+01:00",
            Some("2025-03-02T14:05:01+01:00"),
            end_of("2025-03-05"),
            MetLate,
            "2025-03-02T14:05:00+01:00",
        ),
        (
            "2025-03-01T14:05:00+01:00",
            None,
            AsOf::at(instant("2025-03-02T14:05:00+01:00")),
            Open,
            "2025-03-02T14:05:00+01:00",
        ),
        (
            "2025-03-01T14:05:00+01:00",
            None,
            AsOf::at(instant("2025-03-02T14:05:01+01:00")),
            Overdue,
            "2025-03-02T14:05:00+01:00",
        ),
        (
            "2025-03-01T14:05:00+01:00",
            None,
            end_of("2025-03-01"),
            Open,
            "2025-03-02T14:05:00+01:00",
        ),
        (
            "2025-03-01T14:05:00+01:00",
            None,
            end_of("2025-03-02"),
            Overdue,
            "2025-03-02T14:05:00+01:00",
        ),
        // Assessed after T: not yet a fact.
        (
            "2025-03-01T14:05:00+01:00",
            Some("2025-03-02T10:00:00+01:00"),
            AsOf::at(instant("2025-03-02T09:00:00+01:00")),
            Open,
            "2025-03-02T14:05:00+01:00",
        ),
        // Spring forward (30 March 2025): 24 real hours end at 13:00 summer time.
        (
            "2025-03-29T12:00:00+01:00",
            Some("2025-03-30T13:00:00+02:00"),
            end_of("2025-04-01"),
            MetOnTime,
            "2025-03-30T13:00:00+02:00",
        ),
        (
            "2025-03-29T12:00:00+01:00",
            Some("2025-03-30T13:00:01+02:00"),
            end_of("2025-04-01"),
            MetLate,
            "2025-03-30T13:00:00+02:00",
        ),
        // Fall back (26 October 2025): 24 real hours end at 11:00 winter time.
        (
            "2025-10-25T12:00:00+02:00",
            Some("2025-10-26T11:30:00+01:00"),
            end_of("2025-10-30"),
            MetLate,
            "2025-10-26T11:00:00+01:00",
        ),
        (
            "2025-10-25T12:00:00+02:00",
            Some("2025-10-26T11:00:00+01:00"),
            end_of("2025-10-30"),
            MetOnTime,
            "2025-10-26T11:00:00+01:00",
        ),
    ];
    for (received, assessed, as_of, status, due) in cases {
        let mut s = world("2012-01-01");
        let assessed = assessed.unwrap_or("");
        notification(&mut s, "N1", received, &[("assessed_at", assessed)]);
        let (got, got_due, _) = only(&run(&s, *as_of), RuleId::NotificationAssessment);
        assert_eq!(
            (got, got_due),
            (*status, Moment::Instant(instant(due))),
            "{received} {assessed} {as_of:?}"
        );
    }
}

#[test]
fn notification_rules_switch_from_serviceloven_to_barnets_lov_on_2024_01_01() {
    for (received, assessment, receipt) in [
        (
            "2023-12-31T23:59:59+01:00",
            "SEL § 155, stk. 2",
            "SEL § 155 b, stk. 1",
        ),
        (
            "2024-01-01T00:00:00+01:00",
            "BL § 136",
            "BL § 138 (ubekræftet)",
        ),
    ] {
        let mut s = world("2012-01-01");
        notification(&mut s, "N1", received, &[]);
        let evaluation = run(&s, end_of("2024-06-01"));
        assert_eq!(
            only(&evaluation, RuleId::NotificationAssessment).2,
            assessment
        );
        assert_eq!(only(&evaluation, RuleId::NotificationReceipt).2, receipt);
    }
}

#[test]
fn a_notification_assessed_before_it_was_received_is_a_finding() {
    let mut s = world("2012-01-01");
    notification(
        &mut s,
        "N1",
        "2025-03-01T14:05:00+01:00",
        &[("assessed_at", "2025-03-01T13:00:00+01:00")],
    );
    let evaluation = run(&s, end_of("2025-03-05"));
    let obligation = evaluation
        .obligations
        .iter()
        .find(|o| o.rule == RuleId::NotificationAssessment)
        .unwrap();
    assert_eq!(obligation.findings, vec![Finding::AssessedBeforeReceived]);
}

#[test]
fn receipts_are_due_6_working_days_after_the_date_of_receipt() {
    use Status::*;
    // (received, receipt sent, as of, status, due)
    let cases: &[(&str, &str, &str, Status, &str)] = &[
        // Easter 2025: Maundy Thursday, Good Friday and Easter Monday are skipped.
        (
            "2025-04-16T10:00:00+02:00",
            "2025-04-29T23:00:00+02:00",
            "2025-05-10",
            MetOnTime,
            "2025-04-29",
        ),
        (
            "2025-04-16T10:00:00+02:00",
            "2025-04-30T08:00:00+02:00",
            "2025-05-10",
            MetLate,
            "2025-04-29",
        ),
        (
            "2025-04-16T10:00:00+02:00",
            "",
            "2025-04-29",
            Open,
            "2025-04-29",
        ),
        (
            "2025-04-16T10:00:00+02:00",
            "",
            "2025-04-30",
            Overdue,
            "2025-04-29",
        ),
        // Store bededag was a holiday in 2023 and is not from 2024.
        (
            "2023-05-01T10:00:00+02:00",
            "",
            "2023-06-01",
            Overdue,
            "2023-05-10",
        ),
        (
            "2024-04-22T10:00:00+02:00",
            "",
            "2024-06-01",
            Overdue,
            "2024-04-30",
        ),
        // Received late in the evening: the date of receipt is the Copenhagen date.
        (
            "2025-04-15T23:30:00+02:00",
            "",
            "2025-06-01",
            Overdue,
            "2025-04-28",
        ),
        // Christmas: 24 and 31 December are working days in strict mode.
        (
            "2025-12-22T09:00:00+01:00",
            "",
            "2026-02-01",
            Overdue,
            "2026-01-02",
        ),
    ];
    for (received, sent, as_of, status, due) in cases {
        let mut s = world("2012-01-01");
        notification(&mut s, "N1", received, &[("receipt_sent_at", sent)]);
        let (got, got_due, _) = only(&run(&s, end_of(as_of)), RuleId::NotificationReceipt);
        assert_eq!(
            (got, got_due),
            (*status, Moment::Date(date(due))),
            "{received} {sent} {as_of}"
        );
    }
}

#[test]
fn receipt_scope_and_calendar_mode_are_municipal_settings() {
    let mut s = world("2012-01-01");
    notification(
        &mut s,
        "N1",
        "2025-12-22T09:00:00+01:00",
        &[("professional", "false"), ("notifier_type", "citizen")],
    );
    notification(
        &mut s,
        "N2",
        "2025-12-22T09:00:00+01:00",
        &[("professional", "false"), ("notifier_type", "anonymous")],
    );
    notification(&mut s, "N3", "2025-12-22T09:00:00+01:00", &[]);
    assert_eq!(
        count(&run(&s, end_of("2026-02-01")), RuleId::NotificationReceipt),
        1
    );

    let settings = "calendar = \"lenient\"\n[notification_receipt]\nscope = \"named\"\n";
    let rules = RuleSet::load(&[RuleSource {
        name: "municipality.toml",
        text: settings,
    }])
    .unwrap();
    let evaluation = evaluate(&s, &rules, end_of("2026-02-01"));
    let dues: Vec<_> = evaluation
        .obligations
        .iter()
        .filter(|o| o.rule == RuleId::NotificationReceipt)
        .map(|o| o.due)
        .collect();
    // Citizen and professional, not anonymous; lenient: 24 and 31 December are not working days.
    assert_eq!(dues, vec![Moment::Date(date("2026-01-06")); 2]);
}

#[test]
fn feedback_to_professionals_is_off_until_the_municipality_sets_a_deadline() {
    let mut s = world("2012-01-01");
    notification(
        &mut s,
        "N1",
        "2025-03-03T10:00:00+01:00",
        &[
            ("outcome", "investigation"),
            ("outcome_at", "2025-03-05T10:00:00+01:00"),
            ("feedback_sent_at", "2025-03-14T10:00:00+01:00"),
        ],
    );
    assert_eq!(
        count(&run(&s, end_of("2025-04-01")), RuleId::NotificationFeedback),
        0
    );
    let settings = "[notification_feedback]\ndeadline = \"6 working days\"\n";
    let rules = RuleSet::load(&[RuleSource {
        name: "municipality.toml",
        text: settings,
    }])
    .unwrap();
    let evaluation = evaluate(&s, &rules, end_of("2025-04-01"));
    let feedback = evaluation
        .obligations
        .iter()
        .find(|o| o.rule == RuleId::NotificationFeedback)
        .unwrap();
    assert_eq!(
        (feedback.status, feedback.due),
        (Status::MetLate, Moment::Date(date("2025-03-13")))
    );
}

#[test]
fn investigations_are_due_4_calendar_months_after_awareness() {
    use Status::*;
    // (aware, preliminary, completed, as of, status, due, basis)
    let cases: &[(&str, &str, &str, &str, Status, &str, &str)] = &[
        (
            "2025-10-31",
            "",
            "2026-02-28",
            "2026-03-10",
            MetOnTime,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "",
            "2026-03-01",
            "2026-03-10",
            MetLate,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "",
            "",
            "2026-02-28",
            Open,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "",
            "",
            "2026-03-01",
            Overdue,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "2026-02-28",
            "",
            "2026-03-01",
            LateWithPreliminary,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "2026-02-28",
            "",
            "2026-02-28",
            Open,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "2026-03-01",
            "",
            "2026-03-02",
            Overdue,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        (
            "2025-10-31",
            "2026-02-20",
            "2026-03-10",
            "2026-03-20",
            LateWithPreliminary,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        // Completed after T: not completed as of T.
        (
            "2025-10-31",
            "",
            "2026-03-10",
            "2026-03-05",
            Overdue,
            "2026-02-28",
            "BL § 20, stk. 3",
        ),
        // Leap day, under serviceloven (aware before 2024).
        (
            "2023-10-29",
            "",
            "2024-02-29",
            "2024-03-10",
            MetOnTime,
            "2024-02-29",
            "SEL § 50, stk. 7",
        ),
        (
            "2023-12-31",
            "",
            "",
            "2024-05-01",
            Overdue,
            "2024-04-30",
            "SEL § 50, stk. 7",
        ),
        (
            "2024-01-01",
            "",
            "",
            "2024-05-01",
            Open,
            "2024-05-01",
            "BL § 20, stk. 3",
        ),
    ];
    for (aware, preliminary, completed, as_of, status, due, basis) in cases {
        let mut s = world("2012-01-01");
        add(
            &mut s,
            &INVESTIGATIONS,
            &[
                ("investigation_id", "I1"),
                ("case_id", "C1"),
                ("aware_at", aware),
                ("preliminary_assessment_at", preliminary),
                ("completed_at", completed),
            ],
        );
        let (got, got_due, got_basis) =
            only(&run(&s, end_of(as_of)), RuleId::InvestigationCompletion);
        assert_eq!(
            (got, got_due, got_basis.as_str()),
            (*status, Moment::Date(date(due)), *basis),
            "{aware} {preliminary} {completed} {as_of}"
        );
    }
}

#[test]
fn an_investigation_completed_before_awareness_is_a_finding_not_a_crash() {
    let mut s = world("2012-01-01");
    add(
        &mut s,
        &INVESTIGATIONS,
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2025-05-01"),
            ("completed_at", "2025-04-01"),
        ],
    );
    let evaluation = run(&s, end_of("2025-10-01"));
    let obligation = &evaluation.obligations[0];
    assert_eq!(obligation.findings, vec![Finding::CompletedBeforeAware]);
}

fn decision(s: &mut Snapshot, decided: &str, kind: &str, subject: &str, extra: &[(&str, &str)]) {
    let mut cells = vec![
        ("decision_id", "D1"),
        ("case_id", "C1"),
        ("decided_at", decided),
        ("kind", kind),
        ("subject", subject),
        ("legal_basis", "BL § 32"),
    ];
    cells.extend_from_slice(extra);
    add(s, &DECISIONS, &cells);
}

#[test]
fn the_child_is_heard_before_a_decision() {
    use Status::*;
    // (decided, kind, conversation, as of, status or none, basis)
    let cases: &[(&str, &str, &str, &str, Option<Status>, &str)] = &[
        (
            "2025-05-10",
            "grant",
            "2025-05-10",
            "2025-06-01",
            Some(MetOnTime),
            "BL § 5",
        ),
        (
            "2025-05-10",
            "grant",
            "2025-05-11",
            "2025-06-01",
            Some(MetLate),
            "BL § 5",
        ),
        // Without a conversation the duty can no longer be met once the decision is made:
        // not open on its day, lapsed after it (a_missing_child_conversation_lapses_…).
        ("2025-05-10", "change", "", "2025-05-10", None, ""),
        (
            "2025-05-10",
            "termination",
            "",
            "2025-05-11",
            Some(Lapsed),
            "BL § 5",
        ),
        ("2025-05-10", "refusal", "", "2025-06-01", None, ""),
        (
            "2023-12-31",
            "grant",
            "2023-12-01",
            "2024-06-01",
            Some(MetOnTime),
            "SEL § 48",
        ),
    ];
    for (decided, kind, conversation, as_of, status, basis) in cases {
        let mut s = world("2012-01-01");
        decision(
            &mut s,
            decided,
            kind,
            "other",
            &[("child_conversation_at", conversation)],
        );
        let evaluation = run(&s, end_of(as_of));
        match status {
            None => assert_eq!(
                count(&evaluation, RuleId::ChildConversationBeforeDecision),
                0
            ),
            Some(status) => {
                let (got, due, got_basis) =
                    only(&evaluation, RuleId::ChildConversationBeforeDecision);
                assert_eq!(
                    (got, due, got_basis.as_str()),
                    (*status, Moment::Date(date(decided)), *basis),
                    "{decided} {kind}"
                );
            }
        }
    }
}

#[test]
fn plans_for_placements_depend_on_consent_and_law() {
    use Status::*;
    // (decided, consent, plan created, as of, status, due, finding)
    let cases: &[(&str, &str, &str, &str, Status, &str, Option<Finding>)] = &[
        (
            "2025-01-31",
            "true",
            "2025-04-30",
            "2025-06-01",
            MetOnTime,
            "2025-04-30",
            None,
        ),
        (
            "2025-01-31",
            "true",
            "2025-05-01",
            "2025-06-01",
            MetLate,
            "2025-04-30",
            None,
        ),
        (
            "2025-01-31",
            "true",
            "",
            "2025-04-30",
            Open,
            "2025-04-30",
            None,
        ),
        (
            "2025-01-31",
            "true",
            "",
            "2025-05-01",
            Overdue,
            "2025-04-30",
            None,
        ),
        (
            "2025-01-31",
            "false",
            "2025-01-31",
            "2025-06-01",
            MetOnTime,
            "2025-01-31",
            None,
        ),
        (
            "2025-01-31",
            "false",
            "2025-02-01",
            "2025-06-01",
            MetLate,
            "2025-01-31",
            None,
        ),
        (
            "2025-01-31",
            "",
            "2025-04-30",
            "2025-06-01",
            MetOnTime,
            "2025-04-30",
            Some(Finding::ConsentMissing),
        ),
        // Serviceloven: the plan before the decision in every case.
        (
            "2023-06-01",
            "true",
            "2023-06-02",
            "2023-07-01",
            MetLate,
            "2023-06-01",
            None,
        ),
    ];
    for (decided, consent, plan, as_of, status, due, finding) in cases {
        let mut s = world("2012-01-01");
        decision(
            &mut s,
            decided,
            "grant",
            "placement",
            &[("consent", consent)],
        );
        if !plan.is_empty() {
            add(
                &mut s,
                &PLANS,
                &[("plan_id", "PL1"), ("case_id", "C1"), ("created_at", plan)],
            );
        }
        let evaluation = run(&s, end_of(as_of));
        let (got, got_due, _) = only(&evaluation, RuleId::PlanForPlacement);
        assert_eq!(
            (got, got_due),
            (*status, Moment::Date(date(due))),
            "{decided} {consent} {plan}"
        );
        assert_eq!(
            evaluation
                .obligations
                .iter()
                .find(|o| o.rule == RuleId::PlanForPlacement)
                .unwrap()
                .findings,
            finding.iter().copied().collect::<Vec<_>>()
        );
        assert_eq!(count(&evaluation, RuleId::PlanForSupport), 0);
    }
}

#[test]
fn a_grant_of_a_placement_measure_needs_a_placement_plan_and_other_measures_a_support_plan() {
    for (measure_type, rule, due) in [
        (
            "placement_foster_family",
            RuleId::PlanForPlacement,
            "2025-02-28",
        ),
        ("family_treatment", RuleId::PlanForSupport, "2025-02-28"),
    ] {
        let mut s = world("2012-01-01");
        add(
            &mut s,
            &MEASURES,
            &[
                ("measure_id", "M1"),
                ("case_id", "C1"),
                ("measure_type", measure_type),
                ("start_date", "2024-12-01"),
            ],
        );
        decision(
            &mut s,
            "2024-11-30",
            "grant",
            "measure",
            &[("measure_id", "M1"), ("consent", "true")],
        );
        let (status, got_due, basis) = only(&run(&s, end_of("2025-03-01")), rule);
        assert_eq!(
            (status, got_due),
            (Status::Overdue, Moment::Date(date(due))),
            "{measure_type}"
        );
        assert!(basis.starts_with("BL § 91"), "{basis}");
    }
    // Under serviceloven the support plan is due on the decision's day.
    let mut s = world("2012-01-01");
    decision(&mut s, "2023-11-30", "grant", "measure", &[]);
    let (_, due, basis) = only(&run(&s, end_of("2024-03-01")), RuleId::PlanForSupport);
    assert_eq!(
        (due, basis.as_str()),
        (Moment::Date(date("2023-11-30")), "SEL § 140")
    );
}

fn measure(s: &mut Snapshot, id: &str, measure_type: &str, start: &str, end: &str) {
    add(
        s,
        &MEASURES,
        &[
            ("measure_id", id),
            ("case_id", "C1"),
            ("measure_type", measure_type),
            ("start_date", start),
            ("end_date", end),
        ],
    );
}

fn followup(s: &mut Snapshot, id: &str, held: &str, measure: &str, next_due: &str) {
    add(
        s,
        &FOLLOWUPS,
        &[
            ("followup_id", id),
            ("case_id", "C1"),
            ("measure_id", measure),
            ("held_at", held),
            ("next_due", next_due),
        ],
    );
}

#[test]
fn the_first_followup_is_due_3_months_after_the_start_or_at_a_parallel_investigation() {
    use Status::*;
    // (start, follow-up held, investigation (aware, completed), as of, status, due)
    let cases: &[(&str, &str, Option<(&str, &str)>, &str, Status, &str)] = &[
        (
            "2025-01-31",
            "2025-04-30",
            None,
            "2025-06-01",
            MetOnTime,
            "2025-04-30",
        ),
        (
            "2025-01-31",
            "2025-05-01",
            None,
            "2025-06-01",
            MetLate,
            "2025-04-30",
        ),
        ("2025-01-31", "", None, "2025-04-30", Open, "2025-04-30"),
        ("2025-01-31", "", None, "2025-05-01", Overdue, "2025-04-30"),
        (
            "2025-01-31",
            "2025-03-20",
            Some(("2025-01-10", "2025-03-15")),
            "2025-06-01",
            MetLate,
            "2025-03-15",
        ),
        (
            "2025-01-31",
            "2025-03-15",
            Some(("2025-01-10", "2025-03-15")),
            "2025-06-01",
            MetOnTime,
            "2025-03-15",
        ),
        // Investigation completed after T: the 3 months apply as of T.
        (
            "2025-01-31",
            "",
            Some(("2025-01-10", "2025-03-15")),
            "2025-03-10",
            Open,
            "2025-04-30",
        ),
        // Leap year under serviceloven.
        (
            "2023-11-30",
            "2024-02-29",
            None,
            "2024-06-01",
            MetOnTime,
            "2024-02-29",
        ),
    ];
    for (start, held, investigation, as_of, status, due) in cases {
        let mut s = world("2012-01-01");
        measure(&mut s, "M1", "family_treatment", start, "");
        if !held.is_empty() {
            followup(&mut s, "F1", held, "M1", "");
        }
        if let Some((aware, completed)) = investigation {
            add(
                &mut s,
                &INVESTIGATIONS,
                &[
                    ("investigation_id", "I1"),
                    ("case_id", "C1"),
                    ("aware_at", aware),
                    ("completed_at", completed),
                ],
            );
        }
        let (got, got_due, _) = only(&run(&s, end_of(as_of)), RuleId::FollowupFirst);
        assert_eq!(
            (got, got_due),
            (*status, Moment::Date(date(due))),
            "{start} {held} {investigation:?} {as_of}"
        );
    }
}

#[test]
fn a_followup_before_the_measure_started_does_not_count_and_is_reported() {
    let mut s = world("2012-01-01");
    measure(&mut s, "M1", "family_treatment", "2025-02-01", "");
    followup(&mut s, "F0", "2025-01-15", "M1", "");
    let evaluation = run(&s, end_of("2025-06-01"));
    let first = evaluation
        .obligations
        .iter()
        .find(|o| o.rule == RuleId::FollowupFirst)
        .unwrap();
    assert_eq!(first.status, Status::Overdue);
    assert_eq!(first.findings, vec![Finding::FollowupBeforeMeasureStart]);
    // The early follow-up does not start a follow-up_next clock either (no measure active).
    assert_eq!(count(&evaluation, RuleId::FollowupNext), 0);
}

#[test]
fn the_next_followup_follows_next_due_under_barnets_lov_and_6_months_under_serviceloven() {
    use Status::*;
    // (measure end, held, next_due, later follow-up, as of, status or none, due)
    let cases: &[(&str, &str, &str, &str, &str, Option<Status>, &str)] = &[
        (
            "",
            "2025-02-01",
            "2025-05-01",
            "2025-05-01",
            "2025-06-01",
            Some(MetOnTime),
            "2025-05-01",
        ),
        (
            "",
            "2025-02-01",
            "2025-05-01",
            "2025-05-02",
            "2025-06-01",
            Some(MetLate),
            "2025-05-01",
        ),
        (
            "",
            "2025-02-01",
            "2025-05-01",
            "",
            "2025-05-02",
            Some(Overdue),
            "2025-05-01",
        ),
        // No next_due: the municipality's default interval (6 months).
        (
            "",
            "2025-02-28",
            "",
            "",
            "2025-08-28",
            Some(Open),
            "2025-08-28",
        ),
        // Next due before the follow-up itself: default interval, with a finding.
        (
            "",
            "2025-02-28",
            "2025-01-01",
            "",
            "2025-09-01",
            Some(Overdue),
            "2025-08-28",
        ),
        // The measure ends before the next follow-up is due: no obligation.
        (
            "2025-04-01",
            "2025-02-01",
            "2025-05-01",
            "",
            "2025-06-01",
            None,
            "",
        ),
        // Serviceloven: 6 months, whatever next_due says; month end clamp.
        (
            "",
            "2023-03-31",
            "2023-12-31",
            "",
            "2023-10-01",
            Some(Overdue),
            "2023-09-30",
        ),
    ];
    for (end, held, next_due, later, as_of, status, due) in cases {
        let mut s = world("2012-01-01");
        measure(&mut s, "M1", "family_treatment", "2022-01-01", end);
        followup(&mut s, "F1", held, "M1", next_due);
        if !later.is_empty() {
            followup(&mut s, "F2", later, "M1", "2030-01-01");
        }
        let evaluation = run(&s, end_of(as_of));
        let first_of_f1: Vec<_> = evaluation
            .obligations
            .iter()
            .filter(|o| o.rule == RuleId::FollowupNext && o.trigger.row == 0)
            .collect();
        match status {
            None => assert!(first_of_f1.is_empty(), "{held}: {first_of_f1:?}"),
            Some(status) => {
                assert_eq!(first_of_f1.len(), 1, "{held}");
                assert_eq!(
                    (first_of_f1[0].status, first_of_f1[0].due),
                    (*status, Moment::Date(date(due))),
                    "{held} {next_due} {later}"
                );
                let expect_finding = next_due.starts_with("2025-01");
                assert_eq!(
                    first_of_f1[0]
                        .findings
                        .contains(&Finding::NextDueBeforeHeld),
                    expect_finding
                );
            }
        }
    }
}

#[test]
fn placed_children_get_two_visits_with_a_conversation_a_year_pro_rata() {
    use Status::*;
    // (start, end, visits (date, conversation), year checked, as of, status or none, required)
    let cases: &[(&str, &str, &[(&str, &str)], &str, Option<Status>, u8)] = &[
        (
            "2024-01-01",
            "",
            &[("2024-03-01", "true"), ("2024-09-01", "true")],
            "2025-01-01",
            Some(MetOnTime),
            2,
        ),
        (
            "2024-01-01",
            "",
            &[("2024-03-01", "true"), ("2024-09-01", "false")],
            "2025-01-01",
            // The year is over: a breach no visit can mend any more.
            Some(Lapsed),
            2,
        ),
        (
            "2024-01-01",
            "",
            &[("2024-03-01", "true")],
            "2024-12-31",
            Some(Open),
            2,
        ),
        // Half a year (184 of 366 days): one visit.
        (
            "2024-07-01",
            "",
            &[("2024-11-01", "true")],
            "2025-01-01",
            Some(MetOnTime),
            1,
        ),
        // A quarter of a year: floor(0.5) = 0, no obligation.
        ("2024-10-01", "", &[], "2025-01-01", None, 0),
        // Ended mid-year: pro rata to the end (1 Jan - 30 Jun 2024 = 182 days → 0.99 → 0).
        ("2024-01-01", "2024-06-30", &[], "2025-01-01", None, 0),
    ];
    for (start, end, visits, as_of, status, required) in cases {
        let mut s = world("2012-01-01");
        measure(&mut s, "M1", "placement_foster_family", start, end);
        for (i, (visited, conversation)) in visits.iter().enumerate() {
            add(
                &mut s,
                &VISITS,
                &[
                    ("visit_id", &format!("V{i}")),
                    ("case_id", "C1"),
                    ("measure_id", "M1"),
                    ("visited_at", visited),
                    ("child_conversation", conversation),
                ],
            );
        }
        let evaluation = run(&s, end_of(as_of));
        let of_2024: Vec<_> = evaluation
            .obligations
            .iter()
            .filter(|o| {
                o.rule == RuleId::PlacementVisits && o.due == Moment::Date(date("2024-12-31"))
            })
            .collect();
        match status {
            None => assert!(of_2024.is_empty(), "{start} {end}: {of_2024:?}"),
            Some(status) => {
                assert_eq!(of_2024.len(), 1);
                assert_eq!(
                    (of_2024[0].status, of_2024[0].progress.unwrap().0),
                    (*status, *required),
                    "{start} {visits:?}"
                );
            }
        }
    }
    // Years before barnets lov have no visit obligation in the rule set.
    let mut s = world("2012-01-01");
    measure(
        &mut s,
        "M1",
        "placement_foster_family",
        "2023-01-01",
        "2023-12-31",
    );
    assert_eq!(
        count(&run(&s, end_of("2024-06-01")), RuleId::PlacementVisits),
        0
    );
}

#[test]
fn a_placed_young_person_gets_a_youth_plan_within_3_months_of_turning_16() {
    use Status::*;
    // (birth, placement start, plan, as of, status or none, due)
    let cases: &[(&str, &str, &str, &str, Option<Status>, &str)] = &[
        (
            "2008-03-15",
            "2020-01-01",
            "2024-06-15",
            "2024-07-01",
            Some(MetOnTime),
            "2024-06-15",
        ),
        (
            "2008-03-15",
            "2020-01-01",
            "2024-06-16",
            "2024-07-01",
            Some(MetLate),
            "2024-06-15",
        ),
        // A plan before the birthday does not count.
        (
            "2008-03-15",
            "2020-01-01",
            "2024-03-01",
            "2024-06-16",
            Some(Overdue),
            "2024-06-15",
        ),
        // Born on a leap day: the birthday is 29 February 2024.
        (
            "2008-02-29",
            "2020-01-01",
            "",
            "2024-05-29",
            Some(Open),
            "2024-05-29",
        ),
        // Placed only after the birthday: no obligation.
        ("2008-03-15", "2024-04-01", "", "2024-07-01", None, ""),
        // 16th birthday before 2024: barnets lov does not yet apply.
        ("2007-12-31", "2020-01-01", "", "2024-07-01", None, ""),
    ];
    for (birth, start, plan, as_of, status, due) in cases {
        let mut s = world(birth);
        measure(&mut s, "M1", "placement_residential_institution", start, "");
        if !plan.is_empty() {
            add(
                &mut s,
                &PLANS,
                &[("plan_id", "PL1"), ("case_id", "C1"), ("created_at", plan)],
            );
        }
        let evaluation = run(&s, end_of(as_of));
        match status {
            None => assert_eq!(
                count(&evaluation, RuleId::YouthPlan16),
                0,
                "{birth} {start}"
            ),
            Some(status) => {
                let (got, got_due, _) = only(&evaluation, RuleId::YouthPlan16);
                assert_eq!(
                    (got, got_due),
                    (*status, Moment::Date(date(due))),
                    "{birth} {plan}"
                );
            }
        }
    }
}

#[test]
fn aftercare_is_decided_6_months_before_the_18th_birthday() {
    use Status::*;
    // (birth, placement end, aftercare decided, as of, status or none, due, basis)
    let cases: &[(&str, &str, &str, &str, Option<Status>, &str, &str)] = &[
        (
            "2007-08-31",
            "",
            "2025-02-28",
            "2025-06-01",
            Some(MetOnTime),
            "2025-02-28",
            "BL § 111",
        ),
        (
            "2007-08-31",
            "",
            "2025-03-01",
            "2025-06-01",
            Some(MetLate),
            "2025-02-28",
            "BL § 111",
        ),
        (
            "2007-08-31",
            "",
            "",
            "2025-02-28",
            Some(Open),
            "2025-02-28",
            "BL § 111",
        ),
        (
            "2007-08-31",
            "",
            "",
            "2025-03-01",
            Some(Overdue),
            "2025-02-28",
            "BL § 111",
        ),
        // Placement ended before the day: no obligation.
        ("2007-08-31", "2025-01-31", "", "2025-06-01", None, "", ""),
        // Serviceloven before 2024.
        (
            "2006-03-31",
            "",
            "",
            "2024-01-01",
            Some(Overdue),
            "2023-09-30",
            "SEL § 68, stk. 11",
        ),
    ];
    for (birth, end, decided, as_of, status, due, basis) in cases {
        let mut s = world(birth);
        measure(&mut s, "M1", "placement_foster_family", "2015-01-01", end);
        if !decided.is_empty() {
            decision(&mut s, decided, "grant", "aftercare", &[]);
        }
        let evaluation = run(&s, end_of(as_of));
        match status {
            None => assert_eq!(count(&evaluation, RuleId::AftercareDecision), 0),
            Some(status) => {
                let (got, got_due, got_basis) = only(&evaluation, RuleId::AftercareDecision);
                assert_eq!(
                    (got, got_due, got_basis.as_str()),
                    (*status, Moment::Date(date(due)), *basis),
                    "{birth} {decided}"
                );
            }
        }
    }
}

fn adult_world() -> Snapshot {
    let mut s = world("1980-01-01");
    add(
        &mut s,
        &CASES,
        &[
            ("case_id", "A1"),
            ("person_id", "P1"),
            ("area", "adults"),
            ("opened_at", "2020-01-01"),
        ],
    );
    s
}

fn application(s: &mut Snapshot, basis: &str, received: &str, notice: &str, decided: &str) {
    add(
        s,
        &APPLICATIONS,
        &[
            ("application_id", "AP1"),
            ("case_id", "A1"),
            ("received_at", received),
            ("legal_basis", basis),
            ("notice_sent_at", notice),
            ("decided_at", decided),
        ],
    );
}

#[test]
fn adult_applications_are_decided_within_the_published_deadline_or_notified() {
    use Status::*;
    // (basis, received, notice, decided, as of, published status, breach notice status or none)
    let cases: &[(&str, &str, &str, &str, &str, Status, Option<Status>)] = &[
        // § 84: 20 working days from Monday 6 January 2025 → Monday 3 February.
        (
            "SEL § 84",
            "2025-01-06",
            "",
            "2025-02-03",
            "2025-03-01",
            MetOnTime,
            None,
        ),
        (
            "SEL § 84",
            "2025-01-06",
            "2025-02-03",
            "2025-02-04",
            "2025-03-01",
            MetLate,
            Some(MetOnTime),
        ),
        (
            "SEL § 84",
            "2025-01-06",
            "2025-02-04",
            "2025-02-10",
            "2025-03-01",
            MetLate,
            Some(MetLate),
        ),
        (
            "SEL §84, stk. 1",
            "2025-01-06",
            "",
            "",
            "2025-02-03",
            Open,
            Some(Open),
        ),
        (
            "SEL § 84",
            "2025-01-06",
            "",
            "",
            "2025-02-04",
            Overdue,
            Some(Overdue),
        ),
    ];
    for (basis, received, notice, decided, as_of, published, breach) in cases {
        let mut s = adult_world();
        application(&mut s, basis, received, notice, decided);
        let evaluation = run(&s, end_of(as_of));
        let (got, due, got_basis) = only(&evaluation, RuleId::AdultPublishedDeadline);
        assert_eq!(
            (got, due),
            (*published, Moment::Date(date("2025-02-03"))),
            "{basis} {decided}"
        );
        assert_eq!(got_basis, "Retssikkerhedsloven § 3, stk. 2");
        match breach {
            None => assert_eq!(count(&evaluation, RuleId::AdultBreachNotice), 0),
            Some(status) => assert_eq!(
                only(&evaluation, RuleId::AdultBreachNotice).0,
                *status,
                "{notice}"
            ),
        }
    }
}

#[test]
fn an_application_without_a_published_deadline_is_reported_not_dropped() {
    let mut s = adult_world();
    application(&mut s, "SEL § 999", "2025-01-06", "", "");
    let evaluation = run(&s, end_of("2025-03-01"));
    assert_eq!(count(&evaluation, RuleId::AdultPublishedDeadline), 0);
    assert_eq!(evaluation.unevaluable.len(), 1);
    assert_eq!(
        evaluation.unevaluable[0].finding,
        Finding::NoPublishedDeadline
    );
}

#[test]
fn drug_treatment_is_decided_within_14_days() {
    for (decided, status) in [
        ("2025-03-15", Status::MetOnTime),
        ("2025-03-16", Status::MetLate),
    ] {
        let mut s = adult_world();
        application(&mut s, "SEL § 101, stk. 2", "2025-03-01", "", decided);
        let (got, due, basis) = only(&run(&s, end_of("2025-04-01")), RuleId::AdultDrugTreatment);
        assert_eq!(
            (got, due, basis.as_str()),
            (
                status,
                Moment::Date(date("2025-03-15")),
                "SEL § 101, stk. 2"
            )
        );
    }
}

#[test]
fn changing_a_deadline_is_a_change_of_the_rule_file() {
    let text = include_str!("../../../rules/children.toml").replace(
        "basis = \"BL § 20, stk. 3\"\n  deadline = \"4 months\"",
        "basis = \"BL § 20, stk. 3\"\n  deadline = \"3 months\"",
    );
    let rules = RuleSet::load(&[RuleSource {
        name: "children.toml",
        text: &text,
    }])
    .unwrap();
    let mut s = world("2012-01-01");
    add(
        &mut s,
        &INVESTIGATIONS,
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2025-01-31"),
        ],
    );
    let evaluation = evaluate(&s, &rules, end_of("2025-02-01"));
    assert_eq!(
        evaluation.obligations[0].due,
        Moment::Date(date("2025-04-30"))
    );
}

#[test]
fn disabled_rules_create_no_obligations() {
    let mut s = world("2012-01-01");
    notification(&mut s, "N1", "2025-03-01T14:05:00+01:00", &[]);
    let settings = "disabled_rules = [\"notification_receipt\"]\n";
    let rules = RuleSet::load(&[RuleSource {
        name: "municipality.toml",
        text: settings,
    }])
    .unwrap();
    let evaluation = evaluate(&s, &rules, end_of("2025-04-01"));
    assert_eq!(count(&evaluation, RuleId::NotificationReceipt), 0);
    assert_eq!(count(&evaluation, RuleId::NotificationAssessment), 1);
}

#[test]
fn the_responsible_caseworker_is_the_one_assigned_at_t() {
    let mut s = world("2012-01-01");
    // C1 is S1's from 2020; hand it to S2 from 2025-03-10 after S1's assignment ends.
    s.assignments[0].to_date = Some(date("2025-03-09"));
    add(
        &mut s,
        &STAFF,
        &[
            ("staff_id", "S2"),
            ("name", "B"),
            ("unit_id", "T1"),
            ("role", "caseworker"),
        ],
    );
    add(
        &mut s,
        &ASSIGNMENTS,
        &[
            ("case_id", "C1"),
            ("staff_id", "S2"),
            ("from_date", "2025-03-10"),
        ],
    );
    notification(&mut s, "N1", "2025-03-01T14:05:00+01:00", &[]);
    let responsible = |as_of| run(&s, end_of(as_of)).obligations[0].responsible;
    assert_eq!(responsible("2025-03-09"), Some(0));
    assert_eq!(responsible("2025-03-10"), Some(1));
}

#[test]
fn three_notifications_within_a_year_raise_an_alert_and_so_does_one_during_a_measure() {
    let mut s = world("2012-01-01");
    notification(&mut s, "N1", "2024-03-01T10:00:00+01:00", &[]);
    notification(&mut s, "N2", "2024-09-01T10:00:00+02:00", &[]);
    notification(&mut s, "N3", "2025-02-28T10:00:00+01:00", &[]);
    // 365 days after N1 (2024 is a leap year): the window has moved on.
    notification(&mut s, "N4", "2025-03-01T10:00:00+01:00", &[]);
    let alerts = run(&s, end_of("2025-06-01")).alerts;
    let repeated: Vec<_> = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::RepeatedNotifications)
        .map(|a| (a.notification, a.count))
        .collect();
    assert_eq!(repeated, vec![(2, 3), (3, 3)]);
    assert!(
        alerts
            .iter()
            .all(|a| a.kind != AlertKind::ReassessmentNeeded)
    );

    measure(&mut s, "M1", "home_support", "2025-01-01", "");
    let alerts = run(&s, end_of("2025-06-01")).alerts;
    let reassess: Vec<_> = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::ReassessmentNeeded)
        .map(|a| a.notification)
        .collect();
    assert_eq!(reassess, vec![2, 3]);
}

#[test]
fn facts_after_t_are_ignored_so_the_past_can_be_reproduced() {
    let mut s = world("2012-01-01");
    notification(&mut s, "N1", "2025-03-01T14:05:00+01:00", &[]);
    add(
        &mut s,
        &INVESTIGATIONS,
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2025-03-02"),
        ],
    );
    assert!(run(&s, end_of("2025-02-28")).obligations.is_empty());
    assert_eq!(run(&s, end_of("2025-03-01")).obligations.len(), 2);
    assert_eq!(run(&s, end_of("2025-03-02")).obligations.len(), 3);
}

/// The obligations of `rule` with their status and lapse reason.
fn statuses(evaluation: &Evaluation, rule: RuleId) -> Vec<(Status, Option<Lapse>)> {
    evaluation
        .obligations
        .iter()
        .filter(|o| o.rule == rule)
        .map(|o| (o.status, o.lapse))
        .collect()
}

/// An investigation of C1 aware 2025-01-10 (due 2025-05-10), never completed.
fn with_open_investigation(s: &mut Snapshot) {
    add(
        s,
        &INVESTIGATIONS,
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2025-01-10"),
        ],
    );
}

#[test]
fn an_unmet_obligation_of_a_case_closed_by_t_lapses_and_is_not_red() {
    use Status::*;
    // (case closed, as of, expected)
    let cases: &[(&str, &str, Vec<(Status, Option<Lapse>)>)] = &[
        ("", "2025-06-01", vec![(Overdue, None)]),
        // Closed on T itself: closed at T, so the duty can no longer be met.
        (
            "2025-06-01",
            "2025-06-01",
            vec![(Lapsed, Some(Lapse::CaseClosed))],
        ),
        // Closed after T: not a fact at T.
        ("2025-06-02", "2025-06-01", vec![(Overdue, None)]),
        // Closed before the due date: not open either, and lapsed once due has passed.
        ("2025-03-01", "2025-04-01", vec![]),
        (
            "2025-03-01",
            "2025-05-11",
            vec![(Lapsed, Some(Lapse::CaseClosed))],
        ),
    ];
    for (closed, as_of, expected) in cases {
        let mut s = world("2012-01-01");
        with_open_investigation(&mut s);
        if !closed.is_empty() {
            s.cases[0].closed_at = Some(date(closed));
        }
        let evaluation = run(&s, end_of(as_of));
        assert_eq!(
            &statuses(&evaluation, RuleId::InvestigationCompletion),
            expected,
            "closed {closed}, as of {as_of}"
        );
        for o in &evaluation.obligations {
            assert_eq!(o.is_red(), o.status == Overdue, "{o:?}");
        }
    }
}

#[test]
fn a_notification_received_after_its_case_was_closed_is_still_owed() {
    let mut s = world("2012-01-01");
    s.cases[0].closed_at = Some(date("2025-02-01"));
    notification(&mut s, "N1", "2025-03-01T10:00:00+01:00", &[]);
    let evaluation = run(&s, end_of("2025-03-05"));
    assert_eq!(
        statuses(&evaluation, RuleId::NotificationAssessment),
        vec![(Status::Overdue, None)]
    );
}

#[test]
fn a_notification_without_a_case_stays_red_until_its_outcome_is_recorded() {
    use Status::*;
    // (outcome, as of, expected)
    let cases: &[(&str, &str, (Status, Option<Lapse>))] = &[
        ("", "2025-03-05", (Overdue, None)),
        (
            "2025-03-04T09:00:00+01:00",
            "2025-03-05",
            (Lapsed, Some(Lapse::NotificationHandled)),
        ),
        // An outcome after T is not yet a fact.
        ("2025-03-06T09:00:00+01:00", "2025-03-05", (Overdue, None)),
    ];
    for (outcome, as_of, expected) in cases {
        let mut s = world("2012-01-01");
        notification(
            &mut s,
            "N1",
            "2025-03-01T10:00:00+01:00",
            &[("case_id", ""), ("outcome_at", outcome)],
        );
        let evaluation = run(&s, end_of(as_of));
        let assessment: Vec<_> = evaluation
            .obligations
            .iter()
            .filter(|o| o.rule == RuleId::NotificationAssessment)
            .collect();
        assert_eq!(assessment.len(), 1, "{outcome}");
        let o = assessment[0];
        assert_eq!((o.status, o.lapse), *expected, "{outcome}");
        assert_eq!((o.case, o.responsible), (None, None));
        assert_eq!(o.is_red(), expected.0 == Overdue);
    }
}

#[test]
fn a_missing_child_conversation_lapses_with_the_decision() {
    let mut s = world("2012-01-01");
    decision(&mut s, "2025-05-10", "grant", "other", &[]);
    // On the day of the decision it is not open: a conversation after it cannot precede it.
    assert_eq!(
        count(
            &run(&s, end_of("2025-05-10")),
            RuleId::ChildConversationBeforeDecision
        ),
        0
    );
    assert_eq!(
        statuses(
            &run(&s, end_of("2025-05-11")),
            RuleId::ChildConversationBeforeDecision
        ),
        vec![(Status::Lapsed, Some(Lapse::DecisionMade))]
    );
}

#[test]
fn a_followup_duty_lapses_the_day_after_its_measure_ends() {
    use Status::*;
    // First follow-up of a measure started 2025-01-01: due 2025-04-01, never held.
    // (measure end, as of, expected)
    let cases: &[(&str, &str, Vec<(Status, Option<Lapse>)>)] = &[
        ("", "2025-05-01", vec![(Overdue, None)]),
        // Ending on T: still active on T, so still owed.
        ("2025-05-01", "2025-05-01", vec![(Overdue, None)]),
        (
            "2025-04-30",
            "2025-05-01",
            vec![(Lapsed, Some(Lapse::MeasureEnded))],
        ),
        // Ended before the due date: not open while not due.
        ("2025-02-01", "2025-03-01", vec![]),
    ];
    for (end, as_of, expected) in cases {
        let mut s = world("2012-01-01");
        measure(&mut s, "M1", "family_treatment", "2025-01-01", end);
        let evaluation = run(&s, end_of(as_of));
        assert_eq!(
            &statuses(&evaluation, RuleId::FollowupFirst),
            expected,
            "end {end}, as of {as_of}"
        );
    }
}

#[test]
fn a_next_followup_without_a_measure_lapses_when_every_measure_it_covers_has_ended() {
    let mut s = world("2012-01-01");
    measure(&mut s, "M1", "family_treatment", "2024-01-01", "2025-08-31");
    measure(&mut s, "M2", "contact_person", "2024-01-01", "2025-09-30");
    // A case-wide follow-up; the next is due 2025-03-01 and never held.
    followup(&mut s, "F1", "2024-09-01", "", "2025-03-01");
    let next = |as_of: &str| statuses(&run(&s, end_of(as_of)), RuleId::FollowupNext);
    assert_eq!(next("2025-09-15"), vec![(Status::Overdue, None)]);
    assert_eq!(next("2025-09-30"), vec![(Status::Overdue, None)]);
    assert_eq!(
        next("2025-10-01"),
        vec![(Status::Lapsed, Some(Lapse::MeasureEnded))]
    );
}

#[test]
fn a_plan_duty_of_a_grant_lapses_with_its_measure_and_without_one_only_with_the_case() {
    let mut s = world("2012-01-01");
    measure(&mut s, "M1", "family_treatment", "2025-01-01", "2025-05-31");
    decision(
        &mut s,
        "2025-01-01",
        "grant",
        "measure",
        &[
            ("measure_id", "M1"),
            ("child_conversation_at", "2025-01-01"),
        ],
    );
    let plan = |s: &Snapshot, as_of: &str| statuses(&run(s, end_of(as_of)), RuleId::PlanForSupport);
    assert_eq!(plan(&s, "2025-05-31"), vec![(Status::Overdue, None)]);
    assert_eq!(
        plan(&s, "2025-06-01"),
        vec![(Status::Lapsed, Some(Lapse::MeasureEnded))]
    );
    // The same grant without a measure: owed until the case closes.
    s.decisions[0].measure_id = None;
    assert_eq!(plan(&s, "2025-06-01"), vec![(Status::Overdue, None)]);
}

#[test]
fn a_plan_created_after_t_does_not_hide_the_plan_that_met_the_duty() {
    let mut s = world("2012-01-01");
    decision(
        &mut s,
        "2025-01-01",
        "grant",
        "measure",
        &[("child_conversation_at", "2025-01-01")],
    );
    for (id, created) in [("PL1", "2025-02-01"), ("PL2", "2025-03-15")] {
        add(
            &mut s,
            &PLANS,
            &[("plan_id", id), ("case_id", "C1"), ("created_at", created)],
        );
    }
    // Due 2025-04-01; as of 2025-03-01 PL1 has met it, PL2 does not exist yet.
    let evaluation = run(&s, end_of("2025-03-01"));
    let (status, _, _) = only(&evaluation, RuleId::PlanForSupport);
    assert_eq!(status, Status::MetOnTime);
    let met = evaluation
        .obligations
        .iter()
        .find(|o| o.rule == RuleId::PlanForSupport)
        .and_then(|o| o.met_by)
        .map(|event| event.at);
    assert_eq!(met, Some(Moment::Date(date("2025-02-01"))));
}

#[test]
fn an_aftercare_duty_lapses_on_the_18th_birthday_itself() {
    use Status::*;
    // Born 2007-08-31: due 2025-02-28, 18 on 2025-08-31. (as of, expected)
    let cases: &[(&str, (Status, Option<Lapse>))] = &[
        ("2025-08-30", (Overdue, None)),
        ("2025-08-31", (Lapsed, Some(Lapse::TurnedEighteen))),
    ];
    for (as_of, expected) in cases {
        let mut s = world("2007-08-31");
        measure(&mut s, "M1", "placement_foster_family", "2015-01-01", "");
        let evaluation = run(&s, end_of(as_of));
        assert_eq!(
            statuses(&evaluation, RuleId::AftercareDecision),
            vec![*expected],
            "{as_of}"
        );
    }
    // Born on 29 February: the 18th birthday is 28 February in a common year.
    let mut s = world("2008-02-29");
    measure(&mut s, "M1", "placement_foster_family", "2015-01-01", "");
    assert_eq!(
        statuses(&run(&s, end_of("2026-02-27")), RuleId::AftercareDecision),
        vec![(Overdue, None)]
    );
    assert_eq!(
        statuses(&run(&s, end_of("2026-02-28")), RuleId::AftercareDecision),
        vec![(Lapsed, Some(Lapse::TurnedEighteen))]
    );
}

#[test]
fn missing_visits_lapse_when_the_year_is_over() {
    let mut s = world("2012-01-01");
    measure(&mut s, "M1", "placement_foster_family", "2024-01-01", "");
    let visits_2024 = |as_of: &str| {
        run(&s, end_of(as_of))
            .obligations
            .iter()
            .filter(|o| {
                o.rule == RuleId::PlacementVisits && o.due == Moment::Date(date("2024-12-31"))
            })
            .map(|o| (o.status, o.lapse))
            .collect::<Vec<_>>()
    };
    assert_eq!(visits_2024("2024-12-31"), vec![(Status::Open, None)]);
    assert_eq!(
        visits_2024("2025-01-01"),
        vec![(Status::Lapsed, Some(Lapse::YearEnded))]
    );
}

#[test]
fn a_breach_notice_not_sent_lapses_once_the_application_is_decided() {
    let mut s = adult_world();
    // § 84: 20 working days; received 2025-03-03, due 2025-03-31, decided late on 2025-04-15.
    application(&mut s, "SEL § 84", "2025-03-03", "", "2025-04-15");
    let notice = |as_of: &str| statuses(&run(&s, end_of(as_of)), RuleId::AdultBreachNotice);
    assert_eq!(notice("2025-04-14"), vec![(Status::Overdue, None)]);
    assert_eq!(
        notice("2025-04-15"),
        vec![(Status::Lapsed, Some(Lapse::ApplicationDecided))]
    );
}
