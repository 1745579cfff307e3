//! Key figures at the edges of their definitions (key-figures.md): period boundaries,
//! inclusive end dates, DST, pending vs. due, zero denominators, absent files, unit scope.

use overblik_domain::Snapshot;
use overblik_domain::codes::Area;
use overblik_domain::figures::caseload::{self, Phase, Phases};
use overblik_domain::figures::{
    Context, FigureSettings, Period, deadlines, investigations, notifications, results, waiting,
};
use overblik_domain::obligations::{AsOf, Evaluation, evaluate};
use overblik_domain::rules::RuleSet;
use overblik_domain::sources::Sources;
use overblik_domain::workload::WeightModel;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

mod common;
use common::{d, notification, world};

fn period(from: &str, to: &str) -> Period {
    Period::new(d(from), d(to)).unwrap()
}

/// Runs `f` on a context over `s` as of the end of `t`, with every file supplied.
fn with<R>(s: &Snapshot, t: &str, unit: Option<&str>, f: impl FnOnce(&Context<'_>) -> R) -> R {
    with_sources(s, &Sources::all_present(), t, unit, f)
}

fn with_sources<R>(
    s: &Snapshot,
    sources: &Sources,
    t: &str,
    unit: Option<&str>,
    f: impl FnOnce(&Context<'_>) -> R,
) -> R {
    let as_of = AsOf::end_of(d(t));
    let evaluation = evaluate(s, &RuleSet::embedded(), as_of);
    let ctx = Context::new(s, sources, &evaluation, as_of, unit).unwrap();
    f(&ctx)
}

#[test]
fn kf01_counts_local_days_of_the_period_both_ends_inclusive_and_nothing_after_t() {
    let mut s = world();
    // 23:59:59 local on the day before the period (22:59:59 UTC): outside.
    notification(&mut s, "N0", "C1", "2025-02-28T23:59:59+01:00", "");
    // 00:00 local on the first day (23:00 UTC the day before): inside.
    notification(&mut s, "N1", "C1", "2025-03-01T00:00:00+01:00", "");
    // The last day, late evening: inside.
    notification(&mut s, "N2", "C2", "2025-03-31T23:30:00+02:00", "");
    // A second notification of P1: one more notification, not one more child.
    notification(&mut s, "N3", "C1", "2025-03-15T10:00:00+01:00", "");
    let march = period("2025-03-01", "2025-03-31");
    let kf01 = with(&s, "2025-04-30", None, |c| notifications::kf01(c, march)).unwrap();
    assert_eq!(kf01.total, 3);
    assert_eq!(kf01.by_notifier_type["school"], 3);
    assert_eq!(kf01.by_notifier_type["police"], 0, "every code present");
    assert_eq!(kf01.by_notifier_type_and_severity["school"]["serious"], 3);
    assert_eq!(
        with(&s, "2025-04-30", None, |c| notifications::kf02(c, march)),
        Some(2)
    );
    // As of the 30th, the notification of the 31st has not happened yet.
    let early = with(&s, "2025-03-30", None, |c| notifications::kf01(c, march)).unwrap();
    assert_eq!(early.total, 2);
    // Unit scope: T1 sees only C1's notifications.
    let t1 = with(&s, "2025-04-30", Some("T1"), |c| {
        notifications::kf01(c, march)
    })
    .unwrap();
    assert_eq!(t1.total, 2);
}

#[test]
fn kf03_separates_pending_from_due_and_counts_24_real_hours_across_dst() {
    let mut s = world();
    // Received before the spring-forward night: 24 h later is 13:00 summer time.
    notification(
        &mut s,
        "ON_TIME_DST",
        "C1",
        "2025-03-29T12:00:00+01:00",
        "2025-03-30T13:00:00+02:00",
    );
    notification(
        &mut s,
        "LATE_DST",
        "C1",
        "2025-03-29T12:00:00+01:00",
        "2025-03-30T13:00:01+02:00",
    );
    notification(
        &mut s,
        "NOT_ASSESSED",
        "C1",
        "2025-03-28T09:00:00+01:00",
        "",
    );
    // Assessed after T: not yet assessed at T, so not met.
    notification(
        &mut s,
        "ASSESSED_AFTER_T",
        "C1",
        "2025-03-28T09:00:00+01:00",
        "2025-04-01T09:00:00+02:00",
    );
    // Received 23 hours before T: pending, left out.
    notification(&mut s, "PENDING", "C1", "2025-03-31T01:00:00+02:00", "");
    notification(
        &mut s,
        "CONTRADICTION",
        "C1",
        "2025-03-20T12:00:00+01:00",
        "2025-03-20T11:00:00+01:00",
    );
    let march = period("2025-03-01", "2025-03-31");
    let kf03 = with(&s, "2025-03-31", None, |c| notifications::kf03(c, march)).unwrap();
    assert_eq!((kf03.on_time.numerator, kf03.on_time.denominator), (1, 4));
    assert_eq!(kf03.pending, 1);
    assert_eq!(kf03.excluded.rows("assessed_before_received"), 1);
    let kf04 = with(&s, "2025-03-31", None, |c| notifications::kf04(c, march)).unwrap();
    // ON_TIME_DST 24 h and LATE_DST 24 h + 1 s; the contradiction is excluded, not negative.
    assert_eq!(kf04.hours.n, 2);
    assert!((kf04.hours.median.unwrap() - 24.0).abs() < 0.001);
    assert_eq!(kf04.excluded.rows("assessed_before_received"), 1);
}

#[test]
fn shares_with_zero_denominator_are_not_available_and_absent_files_are_not_zero() {
    let s = world();
    let march = period("2025-03-01", "2025-03-31");
    let kf03 = with(&s, "2025-03-31", None, |c| notifications::kf03(c, march)).unwrap();
    assert_eq!(kf03.on_time.denominator, 0);
    assert_eq!(kf03.on_time.value(), None);
    let absent = Sources::all_present().without("notifications");
    assert!(
        with_sources(&s, &absent, "2025-03-31", None, |c| notifications::kf01(
            c, march
        ))
        .is_none()
    );
    assert!(
        with_sources(&s, &absent, "2025-03-31", None, |c| notifications::kf03(
            c, march
        ))
        .is_none()
    );
    let absent = Sources::all_present().without("waiting_list");
    assert!(with_sources(&s, &absent, "2025-03-31", None, waiting::kf14).is_none());
}

fn investigation(s: &mut Snapshot, id: &str, aware: &str, completed: &str, preliminary: &str) {
    s.add(
        "investigations",
        &[
            ("investigation_id", id),
            ("case_id", "C1"),
            ("aware_at", aware),
            ("completed_at", completed),
            ("preliminary_assessment_at", preliminary),
        ],
    )
    .unwrap();
}

#[test]
fn kf06_due_is_four_months_with_month_end_clamp_and_only_due_by_t_counts() {
    let mut s = world();
    // 2024-10-31 + 4 months = 2025-02-28.
    investigation(&mut s, "ON_DUE_DAY", "2024-10-31", "2025-02-28", "");
    investigation(
        &mut s,
        "DAY_LATE_WITH_PRELIM",
        "2024-10-31",
        "2025-03-01",
        "2025-02-27",
    );
    investigation(&mut s, "LATE_NO_PRELIM", "2024-10-31", "", "");
    // Due 2025-03-31: after T (2025-03-15), so not counted yet.
    investigation(&mut s, "NOT_DUE", "2024-11-30", "", "");
    // Due in January: outside the period.
    investigation(&mut s, "OTHER_PERIOD", "2024-09-30", "", "");
    let period = period("2025-02-01", "2025-03-31");
    let kf06 = with(&s, "2025-03-15", None, |c| investigations::kf06(c, period)).unwrap();
    assert_eq!((kf06.on_time.numerator, kf06.on_time.denominator), (1, 3));
    assert_eq!(kf06.late_with_preliminary, 1);
    assert_eq!(kf06.late_without_preliminary, 1);
    let kf07 = with(&s, "2025-03-15", None, |c| investigations::kf07(c, period)).unwrap();
    // 2024-10-31 → 2025-02-28 = 120 days, → 2025-03-01 = 121 days.
    assert_eq!(kf07.days.n, 2);
    assert_eq!(kf07.days.median, Some(120.5));
    assert_eq!(kf07.days.mean, Some(120.5));
}

#[test]
fn open_cases_assignments_and_absences_use_inclusive_and_exclusive_ends_as_defined() {
    let mut s = world();
    // Closed on T: not open at T (closed_at is exclusive).
    s.add(
        "cases",
        &[
            ("case_id", "C3"),
            ("person_id", "P1"),
            ("area", "adults"),
            ("opened_at", "2024-01-01"),
            ("closed_at", "2025-03-31"),
        ],
    )
    .unwrap();
    // Open, assignment ended the day before T: without caseworker at T, but still T1's case.
    s.add(
        "cases",
        &[
            ("case_id", "C4"),
            ("person_id", "P1"),
            ("area", "children"),
            ("opened_at", "2024-01-01"),
        ],
    )
    .unwrap();
    s.add(
        "assignments",
        &[
            ("case_id", "C4"),
            ("staff_id", "S1"),
            ("from_date", "2024-01-01"),
            ("to_date", "2025-03-30"),
        ],
    )
    .unwrap();
    // S2 is absent on T (the absence's end date is inclusive).
    s.add(
        "absences",
        &[
            ("staff_id", "S2"),
            ("from_date", "2025-03-01"),
            ("to_date", "2025-03-31"),
        ],
    )
    .unwrap();
    let (kf08, kf09, kf10) = with(&s, "2025-03-31", None, |c| {
        (caseload::kf08(c), caseload::kf09(c), caseload::kf10(c))
    });
    assert_eq!(kf08.total, 3);
    assert_eq!(kf08.by_caseworker["S1"], 1);
    assert_eq!(kf08.by_caseworker["none"], 1);
    assert_eq!(kf08.by_team["T2"], 1);
    assert_eq!(kf08.by_area["adults"], 0);
    assert_eq!(kf10.without_caseworker, 1);
    assert_eq!(kf10.caseworker_absent, Some(1));
    // S2: weight 2.5 over capacity 20 × 0.5.
    let s2 = &kf09.by_caseworker["S2"];
    assert_eq!(
        (s2.points, s2.capacity, s2.utilisation),
        (2.5, 10.0, Some(0.25))
    );
    assert_eq!(s2.absent, Some(true));
    // S1: one case of a 9-year-old without measures, weighing the model's points of a case,
    // over the default capacity (no capacity_points, fte 1).
    let s1 = &kf09.by_caseworker["S1"];
    let case = WeightModel::default().area(Area::Children);
    let capacity = FigureSettings::default().default_capacity_points;
    assert_eq!(
        (s1.points, s1.capacity, s1.utilisation),
        (
            case.to_f64().unwrap(),
            capacity.to_f64().unwrap(),
            Some(case.to_f64().unwrap() / capacity.to_f64().unwrap())
        )
    );
    assert_eq!(capacity, Decimal::from(25), "KF09's default capacity");
    // Team 1's scope holds its case without a caseworker too.
    let t1 = with(&s, "2025-03-31", Some("T1"), caseload::kf10);
    assert_eq!(t1.without_caseworker, 1);
    assert_eq!(t1.caseworker_absent, Some(0));
    // The absence ended: on the next day, nobody is absent.
    let later = with(&s, "2025-04-01", None, caseload::kf10);
    assert_eq!(later.caseworker_absent, Some(0));
    // The cases behind the counts, for the leader's list: C4 has nobody, S2's case is with an
    // absent caseworker, named with the absence.
    let cases = with(&s, "2025-03-31", None, |c| {
        let cases = caseload::kf10_cases(c);
        let id = |row: u32| c.snapshot.cases[row as usize].case_id.as_str().to_owned();
        (
            cases
                .without_caseworker
                .iter()
                .map(|&r| id(r))
                .collect::<Vec<_>>(),
            cases
                .caseworker_absent
                .iter()
                .map(|&(r, a)| (id(r), c.snapshot.absences[a].staff_id.as_str().to_owned()))
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(cases.0, ["C4"]);
    assert_eq!(cases.1.len(), 1);
    assert_eq!(cases.1[0].1, "S2");
}

#[test]
fn kf11_counts_changes_of_caseworker_not_first_assignments() {
    // C1 moves from S1 to S2 on 2025-03-10 (its first assignment ends the day before); C2 gets
    // its first caseworker then, which is not a change.
    let mut s2 = world();
    s2.assignments.clear();
    s2.add(
        "assignments",
        &[
            ("case_id", "C1"),
            ("staff_id", "S1"),
            ("from_date", "2024-01-01"),
            ("to_date", "2025-03-09"),
        ],
    )
    .unwrap();
    s2.add(
        "assignments",
        &[
            ("case_id", "C1"),
            ("staff_id", "S2"),
            ("from_date", "2025-03-10"),
        ],
    )
    .unwrap();
    s2.add(
        "assignments",
        &[
            ("case_id", "C2"),
            ("staff_id", "S2"),
            ("from_date", "2025-03-10"),
        ],
    )
    .unwrap();
    let kf11 = with(&s2, "2025-03-31", None, |c| {
        caseload::kf11(c, period("2025-03-01", "2025-03-31"))
    });
    // C2's first assignment is not a change.
    assert_eq!(kf11.changes, 1);
    assert_eq!(kf11.cases_open_in_period, 2);
    assert_eq!(kf11.per_100_cases, Some(50.0));
}

#[test]
fn kf14_waiting_list_at_t_excludes_those_who_left_on_t() {
    let mut s = world();
    s.add(
        "waiting_list",
        &[
            ("entry_id", "E1"),
            ("person_id", "P1"),
            ("offer_type", "familiebehandling"),
            ("listed_at", "2025-03-01"),
            ("left_at", "2025-03-31"),
        ],
    )
    .unwrap();
    s.add(
        "waiting_list",
        &[
            ("entry_id", "E2"),
            ("person_id", "P2"),
            ("offer_type", "familiebehandling"),
            ("listed_at", "2025-03-11"),
            ("left_at", "2025-04-01"),
        ],
    )
    .unwrap();
    s.add(
        "waiting_list",
        &[
            ("entry_id", "E3"),
            ("person_id", "P2"),
            ("offer_type", "aflastning"),
            ("listed_at", "2025-04-01"),
        ],
    )
    .unwrap();
    let kf14 = with(&s, "2025-03-31", None, waiting::kf14).unwrap();
    assert_eq!(kf14.waiting, 1);
    assert_eq!(kf14.by_offer_type["familiebehandling"], 1);
    assert_eq!(kf14.waiting_days.median, Some(20.0));
    assert_eq!(kf14.waiting_days.max, Some(20.0));
}

/// KF16 as of `t`, with the lapsed obligations due in the 90 days up to `t`.
fn kf16_at(s: &Snapshot, t: &str, unit: Option<&str>) -> deadlines::Kf16 {
    let t_date = d(t);
    let period = Period::new(t_date - chrono::Days::new(90), t_date).unwrap();
    with(s, t, unit, |c| deadlines::kf16(c, period))
}

#[test]
fn kf16_attributes_red_numbers_to_the_caseworker_at_t_else_none() {
    let mut s = world();
    // Not assessed: the 24-hour assessment is overdue at T, S1's.
    notification(&mut s, "N1", "C1", "2025-03-01T10:00:00+01:00", "");
    let kf16 = kf16_at(&s, "2025-03-31", None);
    assert!(kf16.by_caseworker["S1"] >= 1);
    assert_eq!(kf16.by_rule["notification_assessment"], 1);
    assert_eq!(kf16.by_caseworker.get("none"), None);
    // Team 2 sees none of it.
    assert_eq!(kf16_at(&s, "2025-03-31", Some("T2")).total, 0);
    // Before it was due (T = the day of receipt, due the next morning) it is not red.
    let before = kf16_at(&s, "2025-03-01", None);
    assert_eq!(before.by_rule["notification_assessment"], 0);
}

#[test]
fn kf16_totals_add_up_over_caseworkers_without_caseworker_and_without_case() {
    let mut s = world();
    // S1's case: red, S1's.
    notification(&mut s, "N1", "C1", "2025-03-01T10:00:00+01:00", "");
    // A notification of P2 without a case and without an outcome: red, «uden sag».
    s.add(
        "notifications",
        &[
            ("notification_id", "N2"),
            ("person_id", "P2"),
            ("received_at", "2025-03-02T10:00:00+01:00"),
            ("notifier_type", "school"),
            ("professional", "false"),
            ("severity", "serious"),
        ],
    )
    .unwrap();
    let kf16 = kf16_at(&s, "2025-03-31", None);
    assert_eq!(kf16.by_caseworker.get(deadlines::WITHOUT_CASE), Some(&1));
    assert_eq!(kf16.total, kf16.by_caseworker.values().sum::<u64>());
    assert_eq!(kf16.total, kf16.by_rule.values().sum::<u64>());
    // Once its outcome is recorded, the notification has been handled: lapsed, not red.
    let mut handled = s.clone();
    handled.notifications[1].outcome_at = Some(
        chrono::DateTime::parse_from_rfc3339("2025-03-20T10:00:00+01:00")
            .unwrap()
            .into(),
    );
    let kf16 = kf16_at(&handled, "2025-03-31", None);
    assert_eq!(kf16.by_caseworker.get(deadlines::WITHOUT_CASE), None);
    assert_eq!(kf16.lapsed_by_rule["notification_assessment"], 1);
    assert_eq!(kf16.lapsed, kf16.lapsed_by_rule.values().sum::<u64>());
    assert_eq!(kf16.total, kf16.by_caseworker.values().sum::<u64>());
}

#[test]
fn kf16_counts_an_investigation_late_with_a_preliminary_assessment_only_until_completed() {
    let mut s = world();
    s.add(
        "investigations",
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2024-09-01"),
            ("preliminary_assessment_at", "2024-12-01"),
            ("completed_at", "2025-02-10"),
        ],
    )
    .unwrap();
    let red = |t: &str| kf16_at(&s, t, None).by_rule["investigation_completion"];
    // Due 2025-01-01; not completed on 2025-02-01: a red number.
    assert_eq!(red("2025-02-01"), 1);
    // Completed (late) on 2025-02-10: met late, no longer red.
    assert_eq!(red("2025-02-10"), 0);
    assert_eq!(red("2025-03-31"), 0);
}

#[test]
fn kf16_reports_lapsed_obligations_of_the_period_per_rule_but_not_as_red() {
    let mut s = world();
    // An investigation never completed, in a case closed on 2025-03-15.
    s.add(
        "investigations",
        &[
            ("investigation_id", "I1"),
            ("case_id", "C1"),
            ("aware_at", "2024-10-01"),
        ],
    )
    .unwrap();
    s.cases[0].closed_at = Some(d("2025-03-15"));
    let before = kf16_at(&s, "2025-03-14", None);
    assert_eq!(before.by_rule["investigation_completion"], 1);
    let after = kf16_at(&s, "2025-03-15", None);
    assert_eq!(after.by_rule["investigation_completion"], 0);
    assert_eq!(after.lapsed_by_rule["investigation_completion"], 1);
    // Due 2025-02-01, outside a period that starts after it.
    let later = with(&s, "2025-03-31", None, |c| {
        deadlines::kf16(c, period("2025-03-01", "2025-03-31"))
    });
    assert_eq!(later.lapsed_by_rule["investigation_completion"], 0);
}

#[test]
fn phases_take_the_first_that_applies() {
    let mut s = world();
    // C1: a notification within 30 days and no investigation → notification.
    notification(
        &mut s,
        "N1",
        "C1",
        "2025-03-05T10:00:00+01:00",
        "2025-03-05T12:00:00+01:00",
    );
    // C2: an investigation completed, then a measure with a plan → followup.
    s.add(
        "investigations",
        &[
            ("investigation_id", "I2"),
            ("case_id", "C2"),
            ("aware_at", "2024-02-01"),
            ("completed_at", "2024-05-01"),
        ],
    )
    .unwrap();
    s.add(
        "measures",
        &[
            ("measure_id", "M2"),
            ("case_id", "C2"),
            ("measure_type", "family_treatment"),
            ("start_date", "2024-06-01"),
        ],
    )
    .unwrap();
    let at = |t: &str, s: &Snapshot| {
        with(s, t, None, |c| {
            let phases = Phases::at(c);
            (phases.of(0), phases.of(1))
        })
    };
    assert_eq!(at("2025-03-31", &s), (Phase::Notification, Phase::Measure));
    // 31 days after the notification it no longer counts.
    assert_eq!(at("2025-04-05", &s).0, Phase::Other);
    s.add(
        "plans",
        &[
            ("plan_id", "PL2"),
            ("case_id", "C2"),
            ("created_at", "2024-06-15"),
        ],
    )
    .unwrap();
    assert_eq!(at("2025-03-31", &s).1, Phase::Followup);
    // Before the measure started: investigation completed, no measure → decision.
    assert_eq!(at("2024-05-15", &s).1, Phase::Decision);
    // While the investigation ran.
    assert_eq!(at("2024-03-01", &s).1, Phase::Investigation);
}

#[test]
fn goals_complaints_and_risk_calibration() {
    let mut s = world();
    for (table, cells) in [
        (
            "plans",
            &[
                ("plan_id", "PL1"),
                ("case_id", "C1"),
                ("created_at", "2024-02-01"),
            ][..],
        ),
        (
            "goals",
            &[
                ("goal_id", "G1"),
                ("plan_id", "PL1"),
                ("category", "school"),
                ("set_at", "2024-02-01"),
            ],
        ),
        (
            "goals",
            &[
                ("goal_id", "G2"),
                ("plan_id", "PL1"),
                ("category", "family"),
                ("set_at", "2024-02-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F1"),
                ("case_id", "C1"),
                ("held_at", "2024-05-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F2"),
                ("case_id", "C1"),
                ("held_at", "2024-11-01"),
            ],
        ),
        (
            "goal_scores",
            &[("goal_id", "G1"), ("followup_id", "F1"), ("score", "3")],
        ),
        (
            "goal_scores",
            &[("goal_id", "G1"), ("followup_id", "F2"), ("score", "6")],
        ),
        (
            "goal_scores",
            &[("goal_id", "G2"), ("followup_id", "F2"), ("score", "4")],
        ),
        (
            "goal_scores",
            &[("goal_id", "G2"), ("followup_id", "F1"), ("score", "5")],
        ),
        (
            "decisions",
            &[
                ("decision_id", "D1"),
                ("case_id", "C1"),
                ("decided_at", "2025-01-01"),
                ("kind", "grant"),
                ("legal_basis", "BL § 32"),
            ],
        ),
        (
            "complaints",
            &[
                ("complaint_id", "K1"),
                ("decision_id", "D1"),
                ("received_at", "2025-03-01"),
                ("personal_contact_at", "2025-03-06"),
                ("appeal_outcome", "changed"),
            ],
        ),
        (
            "complaints",
            &[
                ("complaint_id", "K2"),
                ("decision_id", "D1"),
                ("received_at", "2025-03-01"),
                ("personal_contact_at", "2025-03-07"),
                ("appeal_outcome", "confirmed"),
                ("outcome", "informally_resolved"),
                ("resolved_at", "2025-03-10"),
            ],
        ),
        (
            "complaints",
            &[
                ("complaint_id", "K3"),
                ("decision_id", "D1"),
                ("received_at", "2025-03-29"),
                ("appeal_outcome", "dismissed"),
            ],
        ),
        (
            "risk_assessments",
            &[
                ("assessment_id", "R1"),
                ("case_id", "C1"),
                ("assessed_at", "2025-01-10"),
                ("staff_id", "S1"),
                ("event", "renotification_12m"),
                ("probability", "0.8"),
                ("outcome", "true"),
            ],
        ),
        (
            "risk_assessments",
            &[
                ("assessment_id", "R2"),
                ("case_id", "C1"),
                ("assessed_at", "2025-01-10"),
                ("staff_id", "S1"),
                ("event", "renotification_12m"),
                ("probability", "0.2"),
                ("outcome", "true"),
            ],
        ),
        (
            "risk_assessments",
            &[
                ("assessment_id", "R3"),
                ("case_id", "C1"),
                ("assessed_at", "2025-01-10"),
                ("staff_id", "S1"),
                ("event", "renotification_12m"),
                ("probability", "0.5"),
            ],
        ),
    ] {
        s.add(table, cells).unwrap();
    }
    let q1 = period("2025-01-01", "2025-03-31");
    let (kf21, kf22, kf23) = with(&s, "2025-03-31", None, |c| {
        (
            results::kf21(c).unwrap(),
            results::kf22(c, q1).unwrap(),
            results::kf23(c, q1).unwrap(),
        )
    });
    // G1 3 → 6, G2 5 → 4 (scores ordered by follow-up date, not by row).
    assert_eq!(kf21.mean_progress, Some(1.0));
    assert_eq!(
        (kf21.no_progress.numerator, kf21.no_progress.denominator),
        (1, 2)
    );
    assert_eq!(kf22.received, 3);
    // K1 within 5 days (03-06), K2 not (03-07), K3 pending (due 04-03, no contact yet).
    assert_eq!(
        (
            kf22.personal_contact_within_5_days.numerator,
            kf22.personal_contact_within_5_days.denominator
        ),
        (1, 2)
    );
    assert_eq!(
        (
            kf22.informally_resolved.numerator,
            kf22.informally_resolved.denominator
        ),
        (1, 1)
    );
    // changed / (confirmed + changed); dismissed is not in the rate.
    assert_eq!(
        (kf22.reversal_rate.numerator, kf22.reversal_rate.denominator),
        (1, 2)
    );
    // An appeal outcome of a complaint resolved after T is not yet a fact at T.
    let mut later = s.clone();
    later.complaints[0].resolved_at = Some(d("2025-04-15"));
    let kf22_later = with(&later, "2025-03-31", None, |c| {
        results::kf22(c, q1).unwrap()
    });
    assert_eq!(
        (
            kf22_later.reversal_rate.numerator,
            kf22_later.reversal_rate.denominator
        ),
        (0, 1)
    );
    assert_eq!(kf22_later.by_appeal_outcome["changed"], 0);
    // (0.8 − 1)² and (0.2 − 1)²: (0.04 + 0.64) / 2; R3 without an outcome is excluded.
    assert!((kf23.brier.score.unwrap() - 0.34).abs() < 1e-9);
    assert_eq!(kf23.excluded.rows("outcome_unknown"), 1);
    assert_eq!(kf23.reliability[8].n, 1);
    assert_eq!(kf23.by_team["T1"].n, 2);
}

#[test]
fn an_unknown_unit_is_refused_by_name() {
    let s = world();
    let evaluation = Evaluation::default();
    let sources = Sources::all_present();
    let error = Context::new(
        &s,
        &sources,
        &evaluation,
        AsOf::end_of(d("2025-01-01")),
        Some("NOPE"),
    )
    .err()
    .unwrap();
    assert_eq!(error.to_string(), "enheden `NOPE` findes ikke i data");
}

/// F11: KF21 by measure type, provider and team, each with its number of goals. C1 (team T1)
/// has a plan for a family-treatment measure by provider A whose goal went 2 → 5; C2 (team T2)
/// one for the same measure type by provider B whose goal went 6 → 4; and C1 a plan tied to no
/// measure whose goal was scored once.
#[test]
fn goal_progress_splits_by_measure_type_provider_and_team() {
    let mut s = world();
    let rows: &[(&str, &[(&str, &str)])] = &[
        (
            "providers",
            &[("provider_id", "A"), ("name", "A"), ("internal", "ja")],
        ),
        (
            "providers",
            &[("provider_id", "B"), ("name", "B"), ("internal", "nej")],
        ),
        (
            "measures",
            &[
                ("measure_id", "MA"),
                ("case_id", "C1"),
                ("measure_type", "family_treatment"),
                ("provider_id", "A"),
                ("start_date", "2024-02-01"),
            ],
        ),
        (
            "measures",
            &[
                ("measure_id", "MB"),
                ("case_id", "C2"),
                ("measure_type", "family_treatment"),
                ("provider_id", "B"),
                ("start_date", "2024-02-01"),
            ],
        ),
        (
            "plans",
            &[
                ("plan_id", "PA"),
                ("case_id", "C1"),
                ("created_at", "2024-02-01"),
                ("measure_id", "MA"),
            ],
        ),
        (
            "plans",
            &[
                ("plan_id", "PB"),
                ("case_id", "C2"),
                ("created_at", "2024-02-01"),
                ("measure_id", "MB"),
            ],
        ),
        (
            "plans",
            &[
                ("plan_id", "P0"),
                ("case_id", "C1"),
                ("created_at", "2024-02-01"),
            ],
        ),
        (
            "goals",
            &[
                ("goal_id", "GA"),
                ("plan_id", "PA"),
                ("category", "family"),
                ("set_at", "2024-02-01"),
            ],
        ),
        (
            "goals",
            &[
                ("goal_id", "GB"),
                ("plan_id", "PB"),
                ("category", "family"),
                ("set_at", "2024-02-01"),
            ],
        ),
        (
            "goals",
            &[
                ("goal_id", "G0"),
                ("plan_id", "P0"),
                ("category", "school"),
                ("set_at", "2024-02-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F1"),
                ("case_id", "C1"),
                ("held_at", "2024-05-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F2"),
                ("case_id", "C1"),
                ("held_at", "2024-08-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F3"),
                ("case_id", "C2"),
                ("held_at", "2024-05-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F4"),
                ("case_id", "C2"),
                ("held_at", "2024-08-01"),
            ],
        ),
        (
            "goal_scores",
            &[("goal_id", "GA"), ("followup_id", "F1"), ("score", "2")],
        ),
        (
            "goal_scores",
            &[("goal_id", "GA"), ("followup_id", "F2"), ("score", "5")],
        ),
        (
            "goal_scores",
            &[("goal_id", "GB"), ("followup_id", "F3"), ("score", "6")],
        ),
        (
            "goal_scores",
            &[("goal_id", "GB"), ("followup_id", "F4"), ("score", "4")],
        ),
        (
            "goal_scores",
            &[("goal_id", "G0"), ("followup_id", "F2"), ("score", "7")],
        ),
    ];
    for (table, cells) in rows {
        s.add(table, cells).unwrap();
    }
    let groups = with(&s, "2024-12-31", None, |c| results::kf21_groups(c).unwrap());
    let family = &groups.by_measure_type["family_treatment"];
    assert_eq!(family.goals_scored, 2);
    assert_eq!(family.mean_progress, Some(0.5));
    assert_eq!(
        (family.no_progress.numerator, family.no_progress.denominator),
        (1, 2)
    );
    assert_eq!(
        groups.by_provider["family_treatment/A"].mean_progress,
        Some(3.0)
    );
    assert_eq!(
        groups.by_provider["family_treatment/B"].mean_progress,
        Some(-2.0)
    );
    let none = &groups.by_measure_type["none"];
    assert_eq!((none.goals_scored, none.mean_progress), (1, None));
    assert_eq!(groups.by_team["T1"].goals_scored, 2);
    assert_eq!(groups.by_team["T2"].goals_scored, 1);
}
