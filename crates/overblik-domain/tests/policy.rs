//! Political goals (F16): an indicator reads its key figure per reporting period, each as of
//! the period's end and for its unit, and is judged by the status rule; and goal scores
//! recorded in overblik count in KF21 (F11) beside the case system's.

use overblik_domain::Snapshot;
use overblik_domain::figures::{Context, caseload, notifications, results};
use overblik_domain::obligations::{AsOf, evaluate};
use overblik_domain::policy::{Status, Trend, year_results};
use overblik_domain::report::Suppression;
use overblik_domain::rules::RuleSet;
use overblik_domain::sources::Sources;

mod common;
use common::{d, notification, world};

fn indicator(
    s: &mut Snapshot,
    id: &str,
    figure: &str,
    unit: &str,
    target: &str,
    direction: &str,
    frequency: &str,
) {
    s.add(
        "indicators",
        &[
            ("indicator_id", id),
            ("annual_goal_id", "G"),
            ("figure", figure),
            ("unit_id", unit),
            ("target", target),
            ("direction", direction),
            ("frequency", frequency),
        ],
    )
    .unwrap();
}

fn context<'a>(
    s: &'a Snapshot,
    sources: &'a Sources,
    eval: &'a overblik_domain::obligations::Evaluation,
    t: &str,
    unit: Option<&str>,
) -> Context<'a> {
    Context::new(s, sources, eval, AsOf::end_of(d(t)), unit).unwrap()
}

#[test]
fn an_indicator_reads_its_figure_per_month_as_of_each_month_s_end_with_status_and_trend() {
    let mut s = world();
    // C2 (team 2) closes in February.
    s.cases[1].closed_at = Some(d("2024-02-15"));
    // January: both assessed within 24 hours; February: one of two.
    notification(
        &mut s,
        "N1",
        "C1",
        "2024-01-10T09:00:00+01:00",
        "2024-01-10T15:00:00+01:00",
    );
    notification(
        &mut s,
        "N2",
        "C1",
        "2024-01-20T09:00:00+01:00",
        "2024-01-21T08:00:00+01:00",
    );
    notification(
        &mut s,
        "N3",
        "C1",
        "2024-02-05T09:00:00+01:00",
        "2024-02-05T10:00:00+01:00",
    );
    notification(
        &mut s,
        "N4",
        "C1",
        "2024-02-12T09:00:00+01:00",
        "2024-02-16T10:00:00+01:00",
    );
    indicator(&mut s, "I1", "KF03", "", "90", "higher", "monthly");
    // Open cases at each quarter's end: the whole municipality, and team 2 alone.
    indicator(&mut s, "I2", "KF08", "", "1", "lower", "monthly");
    indicator(&mut s, "I3", "KF08", "T2", "0", "lower", "monthly");
    let sources = Sources::all_present();
    let rules = RuleSet::embedded();
    let eval = evaluate(&s, &rules, AsOf::end_of(d("2024-03-20")));
    let ctx = context(&s, &sources, &eval, "2024-03-20", None);
    let indicators: Vec<_> = s.indicators.iter().collect();
    let results = year_results(&ctx, &rules, true, &indicators, 2024);

    let kf03 = &results[0];
    let labels: Vec<&str> = kf03.series.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["jan. 2024", "feb. 2024", "mar. 2024"]);
    // Each month's value is KF03 of that month as of its end, in percent.
    for (p, month_end) in kf03
        .series
        .iter()
        .zip(["2024-01-31", "2024-02-29", "2024-03-20"])
    {
        let none = overblik_domain::obligations::Evaluation::default();
        let at = context(&s, &sources, &none, month_end, None);
        let expected = notifications::kf03(&at, p.period)
            .unwrap()
            .on_time
            .value()
            .map(|v| v * 100.0);
        assert_eq!(p.value.map(|m| m.value), expected, "{}", p.label);
    }
    assert_eq!(kf03.series[0].value.unwrap().value, 100.0);
    // Judged on February, the latest complete month: 50 % against ≥ 90 %, worse than January.
    assert_eq!(kf03.current().unwrap().label, "feb. 2024");
    assert_eq!(kf03.value().unwrap().value, 50.0);
    assert_eq!(kf03.status(), Status::OffTrack);
    assert_eq!(kf03.trend(), Some(Trend::Worse));
    // Two notifications behind the share: not for an aggregate audience.
    assert_eq!(
        kf03.value().unwrap().suppression(),
        Some(Suppression::SmallDenominator)
    );

    // A stock is counted as of each month's end: C2 closed in February.
    let open = |r: &overblik_domain::policy::IndicatorResult<'_>| -> Vec<Option<f64>> {
        r.series.iter().map(|p| p.value.map(|m| m.value)).collect()
    };
    assert_eq!(open(&results[1]), [Some(2.0), Some(1.0), Some(1.0)]);
    assert_eq!(
        caseload::kf08(&context(&s, &sources, &eval, "2024-01-31", None)).total,
        2
    );
    assert_eq!(results[1].status(), Status::OnTrack);
    assert_eq!(results[1].trend(), Some(Trend::Better));
    // The unit filter: team 2's one case, then none.
    assert_eq!(open(&results[2]), [Some(1.0), Some(0.0), Some(0.0)]);
    assert!(!results[2].unknown_unit);
}

#[test]
fn an_indicator_of_a_unit_no_longer_in_the_data_has_no_values() {
    let mut s = world();
    indicator(&mut s, "I1", "KF08", "GONE", "1", "lower", "quarterly");
    let sources = Sources::all_present();
    let rules = RuleSet::embedded();
    let eval = evaluate(&s, &rules, AsOf::end_of(d("2024-06-30")));
    let ctx = context(&s, &sources, &eval, "2024-06-30", None);
    let indicators: Vec<_> = s.indicators.iter().collect();
    let results = year_results(&ctx, &rules, true, &indicators, 2024);
    assert!(results[0].unknown_unit);
    assert_eq!(results[0].status(), Status::NotAvailable);
}

#[test]
fn goal_scores_recorded_in_overblik_count_in_kf21_and_the_case_system_s_win() {
    let mut s = world();
    let rows: &[(&str, &[(&str, &str)])] = &[
        (
            "plans",
            &[
                ("plan_id", "PL"),
                ("case_id", "C1"),
                ("created_at", "2024-01-05"),
            ],
        ),
        (
            "goals",
            &[
                ("goal_id", "G1"),
                ("plan_id", "PL"),
                ("category", "school"),
                ("set_at", "2024-01-05"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F1"),
                ("case_id", "C1"),
                ("held_at", "2024-03-01"),
            ],
        ),
        (
            "followups",
            &[
                ("followup_id", "F2"),
                ("case_id", "C1"),
                ("held_at", "2024-06-01"),
            ],
        ),
        (
            "goal_scores",
            &[("goal_id", "G1"), ("followup_id", "F1"), ("score", "2")],
        ),
        // Recorded in overblik: a second score at F1 (the case system's 2 wins) and one at F2.
        (
            "followup_scores",
            &[
                ("goal_id", "G1"),
                ("followup_id", "F1"),
                ("score", "9"),
                ("recorded_on", "2024-03-01"),
                ("recorded_by", "x"),
            ],
        ),
        (
            "followup_scores",
            &[
                ("goal_id", "G1"),
                ("followup_id", "F2"),
                ("score", "5"),
                ("recorded_on", "2024-06-01"),
                ("recorded_by", "x"),
            ],
        ),
    ];
    for (table, cells) in rows {
        s.add(table, cells).unwrap();
    }
    let sources = Sources::all_present();
    let eval = overblik_domain::obligations::Evaluation::default();
    let ctx = context(&s, &sources, &eval, "2024-12-31", None);
    let kf21 = results::kf21(&ctx).unwrap();
    assert_eq!(kf21.goals_scored, 1);
    assert_eq!(
        kf21.mean_progress,
        Some(3.0),
        "2 (case system) → 5 (recorded)"
    );
    let goals = overblik_domain::figures::case_goals::case_goals(
        &s,
        &s.followup_scores,
        0,
        d("2024-12-31"),
    );
    let scores: Vec<u8> = goals[0].goals[0].scores.iter().map(|s| s.score).collect();
    assert_eq!(scores, [2, 5]);
    // Without the recorded rows, only the case system's one score.
    let without = overblik_domain::figures::case_goals::case_goals(&s, &[], 0, d("2024-12-31"));
    assert_eq!(without[0].goals[0].scores.len(), 1);
}
