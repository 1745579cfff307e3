//! Determinism, consistency rules and calibration of one generated municipality.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use overblik_domain::Snapshot;

use super::*;

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

fn small(seed: u64) -> Snapshot {
    generate(&Params::sized(15_000, 3, seed, end()))
}

#[test]
fn the_same_seed_gives_the_same_snapshot_and_another_seed_another() {
    let a = small(7);
    assert_eq!(a, small(7));
    assert_ne!(a.notifications, small(8).notifications);
    assert!(a.total_rows() > 5_000, "{}", a.total_rows());
}

#[test]
fn the_generated_data_keeps_its_consistency_rules() {
    for (seed, inhabitants, years) in [(1, 3_000, 2), (2, 20_000, 4), (3, 1_800, 1)] {
        let s = generate(&Params::sized(inhabitants, years, seed, end()));
        consistency(&s, end());
    }
}

/// Rules within and across tables that the importer does not all check.
fn consistency(s: &Snapshot, end: NaiveDate) {
    let cases: HashMap<&str, _> = s.cases.iter().map(|c| (c.case_id.as_str(), c)).collect();
    for c in &s.cases {
        assert!(c.opened_at <= end);
        if let Some(closed) = c.closed_at {
            assert!(
                c.opened_at <= closed,
                "case {} closes before it opens",
                c.case_id
            );
        }
    }
    for n in &s.notifications {
        if let Some(a) = n.assessed_at {
            assert!(
                a >= n.received_at,
                "assessment before receipt: {}",
                n.notification_id
            );
        }
        if let Some(o) = n.outcome_at {
            assert!(o >= n.received_at);
        }
        if let Some(r) = n.receipt_sent_at {
            assert!(r >= n.received_at);
        }
    }
    for m in &s.measures {
        let case = cases[m.case_id.as_str()];
        assert!(
            m.start_date >= case.opened_at,
            "measure {} before its case opens",
            m.measure_id
        );
        if let Some(closed) = case.closed_at {
            assert!(
                m.end_date.is_some_and(|e| e <= closed),
                "measure {} outlives its case",
                m.measure_id
            );
        }
        if let Some(e) = m.end_date {
            assert!(m.start_date <= e && e <= end);
        }
    }
    for d in &s.decisions {
        assert!(d.decided_at >= cases[d.case_id.as_str()].opened_at);
        assert!(d.decided_at <= end);
    }
    for i in &s.investigations {
        assert!(i.aware_at >= cases[i.case_id.as_str()].opened_at);
        for later in [i.decided_at, i.completed_at, i.preliminary_assessment_at]
            .into_iter()
            .flatten()
        {
            assert!(later >= i.aware_at && later <= end);
        }
    }
    // Assignments of one case never overlap and lie within the case.
    let mut by_case: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for a in &s.assignments {
        by_case.entry(a.case_id.as_str()).or_default().push(a);
        if let Some(to) = a.to_date {
            assert!(
                a.from_date <= to,
                "assignment ends before it starts: {}",
                a.case_id
            );
        }
        let case = cases[a.case_id.as_str()];
        if let Some(closed) = case.closed_at {
            assert!(a.from_date <= closed && a.to_date.is_some_and(|t| t <= closed));
        }
    }
    for list in by_case.values_mut() {
        list.sort_by_key(|a| a.from_date);
        for pair in list.windows(2) {
            assert!(
                pair[0].to_date.is_some_and(|t| t < pair[1].from_date),
                "overlap in {}",
                pair[0].case_id
            );
        }
    }
    // Staff are employed while assigned.
    let staff: HashMap<&str, _> = s.staff.iter().map(|x| (x.staff_id.as_str(), x)).collect();
    for a in &s.assignments {
        let worker = staff[a.staff_id.as_str()];
        assert!(worker.start_date.is_none_or(|d| d <= a.from_date));
        if let Some(left) = worker.end_date {
            assert!(
                a.from_date <= left && a.to_date.is_some_and(|t| t <= left),
                "assigned after leaving"
            );
        }
    }
    // Follow-ups, visits and plans lie within their case.
    for f in &s.followups {
        assert!(f.held_at >= cases[f.case_id.as_str()].opened_at && f.held_at <= end);
    }
    for v in &s.visits {
        assert!(v.visited_at >= cases[v.case_id.as_str()].opened_at && v.visited_at <= end);
    }
    for c in &s.complaints {
        assert!(c.received_at <= end);
    }
    assert!(s.persons.iter().all(|p| p.cpr.is_none()));
}

#[test]
fn a_mid_size_municipality_is_roughly_calibrated() {
    let params = Params::sized(50_000, 5, 11, end());
    let s = generate(&params);
    let window = Window::infer(&s).unwrap();
    assert_eq!(
        window,
        Window {
            end: end(),
            years: 5
        }
    );
    let table = check(&s, &window);
    // One municipality is a small sample: the robust figures within 20 %.
    for key in [
        "notifications",
        "notified_children",
        "assessed_24h",
        "support_started",
        "caseload",
        "placement_spending",
        "placements_started",
    ] {
        let row = table.row(key).unwrap();
        let deviation = row.deviation().unwrap();
        assert!(deviation.abs() < 0.20, "{key}: {deviation:+.3}\n{table}");
    }
}

/// The calibration check of a 50,000-inhabitant municipality over the three years to `end()`.
fn mid_size_check(calibration: Calibration) -> CheckTable {
    let params = Params {
        calibration,
        ..Params::sized(50_000, 3, 1, end())
    };
    check(
        &generate(&params),
        &Window {
            end: end(),
            years: 3,
        },
    )
}

/// Passing and failing rows, for messages.
fn verdicts(table: &CheckTable) -> String {
    table
        .rows
        .iter()
        .map(|row| {
            format!(
                "{} {}",
                row.key,
                if row.passes() { "ok" } else { "AFVIGER" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Issue 17: a consistent municipality of this size passes every row once each figure is judged
/// within its sampling noise (a fixed ±10 % failed 8 of 29 rows here).
#[test]
fn a_consistent_mid_size_municipality_passes_every_row_of_the_check() {
    let table = mid_size_check(Calibration::default());
    assert_eq!(table.rows.len(), 29);
    assert!(table.failures().is_empty(), "\n{table}");
}

/// The check is not blind: a rate of the generator set to half or double its calibrated value
/// makes the row it drives fail — a rate per 1,000 children (Poisson), a share (binomial) and a
/// mean (normal) — while the rows of the other knobs still pass.
#[test]
fn a_deliberately_mis_calibrated_rate_fails_its_row_of_the_check() {
    let calibrated = Calibration::default();
    let rows = ["notifications", "assessed_24h", "caseload"];
    let calibrated_table = mid_size_check(calibrated);
    for key in rows {
        assert!(
            calibrated_table.row(key).unwrap().passes(),
            "calibrated {key}: {}",
            verdicts(&calibrated_table)
        );
    }
    for (key, wrong) in [
        (
            "notifications",
            Calibration {
                new_children_per_1000: calibrated.new_children_per_1000 * 0.5,
                ..calibrated
            },
        ),
        (
            "assessed_24h",
            Calibration {
                assessed_in_24h: calibrated.assessed_in_24h * 0.5,
                ..calibrated
            },
        ),
        (
            "caseload",
            Calibration {
                caseload: calibrated.caseload * 2.0,
                ..calibrated
            },
        ),
    ] {
        let table = mid_size_check(wrong);
        for other in rows {
            let row = table.row(other).unwrap();
            assert_eq!(
                row.passes(),
                other != key,
                "{key} mis-calibrated, row {other}: {:?} in {:?}\n{}",
                row.generated(),
                row.interval(),
                verdicts(&table)
            );
        }
    }
}

/// The legal deadline engine, run on generated data, finds the compliance rates the generator
/// was calibrated to (statistics.md §2.6 and §9): generator and engine agree on what "on time"
/// means.
#[test]
fn the_deadline_engine_finds_the_published_compliance_rates_in_generated_data() {
    use overblik_domain::obligations::summary::Summary;
    use overblik_domain::obligations::{AsOf, evaluate};
    use overblik_domain::rules::{RuleId, RuleSet};

    let s = generate(&Params::sized(50_000, 5, 11, end()));
    let evaluation = evaluate(&s, &RuleSet::embedded(), AsOf::end_of(end()));
    let summary = Summary::<u32>::of(&evaluation.obligations, |_| None);
    for (rule, published) in [
        (RuleId::NotificationAssessment, 0.88),
        (RuleId::InvestigationCompletion, 0.50),
        (RuleId::ChildConversationBeforeDecision, 0.65),
        (RuleId::FollowupFirst, 0.75),
    ] {
        let share = summary.by_rule[&rule].share_on_time().unwrap();
        assert!(
            (share - published).abs() / published < 0.10,
            "{rule}: {share:.3} on time, published {published}"
        );
    }
}

/// The built-in case-weight model is normalised so that the mean open children's case of the
/// national synthetic data weighs 1 point (key-figures.md KF09): its scale was derived from all
/// 98 municipalities (`examples/caseload.rs`), where the points, rounded to two decimals, give
/// a mean of 0.993. One municipality is a sample of that population: its cases' weights vary
/// with a standard deviation of about a quarter of a point, so the mean of its n open cases
/// lies within four standard errors (sd/√n, here ≈ 0.004) of the national mean but by chance
/// (1 in 15,000). A change of the model's points or of the simulated case mix by more than
/// about 2.5 % fails.
#[test]
fn an_open_childrens_case_weighs_one_point_on_average() {
    use overblik_domain::codes::Area;
    use overblik_domain::figures::Entered;
    use overblik_domain::figures::caseload::is_open_on;
    use overblik_domain::workload::CaseWeights;
    use rust_decimal::prelude::ToPrimitive;

    /// The national mean's distance from 1 left by rounding the points to two decimals.
    const ROUNDING: f64 = 0.007;
    let s = generate(&Params::sized(300_000, 1, 17, end()));
    let weights = CaseWeights::compute(&s, Entered::of(&s), end());
    let points: Vec<f64> = (0..s.cases.len())
        .filter(|&c| s.cases[c].area == Area::Children && is_open_on(&s.cases[c], end()))
        .map(|c| weights.of(c as u32).points.to_f64().unwrap())
        .collect();
    let n = points.len() as f64;
    let mean = points.iter().sum::<f64>() / n;
    let sd = (points.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let standard_error = sd / n.sqrt();
    assert!(n > 3_000.0, "{n} open children's cases");
    assert!(
        (mean - 1.0).abs() < ROUNDING + 4.0 * standard_error,
        "mean weight {mean:.4} of {n} open children's cases (standard error {standard_error:.4})"
    );
}
