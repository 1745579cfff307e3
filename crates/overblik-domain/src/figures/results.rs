//! KF21-KF23: goal attainment, complaints, and the calibration of risk assessments.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::{Available, Context, Exclusions, Period, Share, id_map};
use crate::Snapshot;
use crate::codes::{AppealOutcome, ComplaintOutcome};
use crate::tables::FollowupScore;

/// The progress of one goal at T: its first and latest score by T, in follow-up order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalProgress {
    /// Row of `snapshot.goals`.
    pub goal: u32,
    /// Row of `snapshot.plans`.
    pub plan: u32,
    /// Row of `snapshot.cases` (through the goal's plan).
    pub case: u32,
    pub scores: u32,
    pub first: u8,
    pub latest: u8,
    /// Not closed by T.
    pub open: bool,
}

impl GoalProgress {
    /// Latest − first score.
    pub fn change(&self) -> i32 {
        i32::from(self.latest) - i32::from(self.first)
    }

    /// An open goal scored at two follow-ups or more: one whose progress can be judged.
    pub fn is_followed(&self) -> bool {
        is_followed(self.open, self.scores as usize)
    }

    /// "Ingen fremgang" (KF21, F11): followed, and the latest score is not above the first.
    pub fn no_progress(&self) -> bool {
        no_progress(self.open, self.scores as usize, self.first, self.latest)
    }
}

/// An open goal scored at `scores` follow-ups can be judged from two on.
pub fn is_followed(open: bool, scores: usize) -> bool {
    open && scores >= 2
}

/// The one rule of "no progress after two follow-ups" (KF21's numerator, F11's signal).
pub fn no_progress(open: bool, scores: usize, first: u8, latest: u8) -> bool {
    is_followed(open, scores) && latest <= first
}

/// One score of a goal: at which follow-up, held when, and the score 0-10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreAt {
    pub held: NaiveDate,
    /// Row of `snapshot.followups`.
    pub followup: u32,
    pub score: u8,
}

/// The scores by `t` of the goals `wanted` selects (goal rows), per goal in follow-up order
/// (held date, then follow-up row): (goal row, its scores). The case system's
/// `goal_scores` and the scores recorded in overblik (`followup_scores`) together; where both
/// scored a goal at the same follow-up, the case system's wins.
pub fn scores_by_goal(
    s: &Snapshot,
    recorded: &[FollowupScore],
    t: NaiveDate,
    wanted: impl Fn(u32) -> bool,
) -> Vec<(u32, Vec<ScoreAt>)> {
    let goals = id_map(s.goals.iter().map(|g| g.goal_id.as_str()));
    let followups = id_map(s.followups.iter().map(|f| f.followup_id.as_str()));
    let imported = s
        .goal_scores
        .iter()
        .map(|gs| (&gs.goal_id, &gs.followup_id, &gs.score, 0u8));
    let entered = recorded
        .iter()
        .map(|fs| (&fs.goal_id, &fs.followup_id, &fs.score, 1u8));
    // (goal, held_at, followup row, source, score), sorted so each goal's scores are in time
    // order and the case system's (source 0) comes first for a follow-up scored twice.
    let mut scores: Vec<(u32, NaiveDate, u32, u8, u8)> = imported
        .chain(entered)
        .filter_map(|(goal_id, followup_id, score, source)| {
            let goal = *goals.get(goal_id.as_str())?;
            if !wanted(goal) {
                return None;
            }
            let f = *followups.get(followup_id.as_str())?;
            let held = s.followups[f as usize].held_at;
            (held <= t).then(|| (goal, held, f, source, *score.get() as u8))
        })
        .collect();
    scores.sort_unstable();
    scores.dedup_by_key(|&mut (goal, _, f, _, _)| (goal, f));
    scores
        .chunk_by(|a, b| a.0 == b.0)
        .map(|chunk| {
            (
                chunk[0].0,
                chunk
                    .iter()
                    .map(|&(_, held, followup, _, score)| ScoreAt {
                        held,
                        followup,
                        score,
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The progress of every goal set by T and in scope, with at least one score.
pub fn goal_progress(ctx: &Context<'_>) -> Vec<GoalProgress> {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let plans = id_map(s.plans.iter().map(|p| p.plan_id.as_str()));
    let mut out = Vec::new();
    for (goal, scores) in scores_by_goal(s, ctx.entered.followup_scores, t, |_| true) {
        let g = &s.goals[goal as usize];
        if g.set_at > t {
            continue;
        }
        let Some((plan, case)) = plans.get(g.plan_id.as_str()).and_then(|&p| {
            ctx.case_in_scope(s.plans[p as usize].case_id.as_str())
                .map(|case| (p, case))
        }) else {
            continue;
        };
        out.push(GoalProgress {
            goal,
            plan,
            case,
            scores: scores.len() as u32,
            first: scores[0].score,
            latest: scores[scores.len() - 1].score,
            open: g.closed_at.is_none_or(|closed| closed > t),
        });
    }
    out
}

/// KF21 Målopfyldelse.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf21 {
    /// Goals with at least one score by T.
    pub goals_scored: u64,
    /// Mean of latest − first over goals with at least two scores.
    pub mean_progress: Option<f64>,
    /// Open goals with ≥ 2 scores: how many show no increase ("ingen fremgang").
    pub no_progress: Share,
}

fn has_goal_data(ctx: &Context<'_>) -> bool {
    ctx.has("goals") && ctx.has("goal_scores") && ctx.has("followups")
}

pub fn kf21(ctx: &Context<'_>) -> Available<Kf21> {
    has_goal_data(ctx).then(|| Kf21::of(goal_progress(ctx).iter()))
}

impl Kf21 {
    /// KF21 over `progress` (goals with at least one score).
    pub fn of<'a>(progress: impl Iterator<Item = &'a GoalProgress>) -> Kf21 {
        let mut scored = 0;
        let (mut sum, mut two) = (0i64, 0u64);
        let mut no_progress = Share::default();
        for g in progress {
            scored += 1;
            if g.scores >= 2 {
                two += 1;
                sum += i64::from(g.change());
            }
            if g.is_followed() {
                no_progress.count(g.no_progress());
            }
        }
        Kf21 {
            goals_scored: scored,
            mean_progress: (two > 0).then(|| sum as f64 / two as f64),
            no_progress,
        }
    }
}

/// KF21 split by what the goal's plan is for (F11): the measure type and the provider of the
/// plan's measure (`none`: a plan not tied to a measure), and the team of the case's
/// caseworker at T (`none`: no caseworker), so a leader can compare the effect of providers
/// of the same measure type. Keys are codes and ids; each figure carries its number of goals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf21Groups {
    pub by_measure_type: BTreeMap<String, Kf21>,
    /// Keyed by `<measure type>/<provider id>`.
    pub by_provider: BTreeMap<String, Kf21>,
    pub by_team: BTreeMap<String, Kf21>,
}

pub fn kf21_groups(ctx: &Context<'_>) -> Available<Kf21Groups> {
    has_goal_data(ctx).then(|| {
        let s = ctx.snapshot;
        let progress = goal_progress(ctx);
        let mut groups: [BTreeMap<String, Vec<&GoalProgress>>; 3] = Default::default();
        for g in &progress {
            let measure = s.plans[g.plan as usize]
                .measure_id
                .as_ref()
                .and_then(|id| ctx.lookup.measures.get(id.as_str()))
                .map(|&m| &s.measures[m as usize]);
            let kind = measure.map_or("none", |m| m.measure_type.code());
            let provider = measure
                .and_then(|m| m.provider_id.as_ref())
                .map_or("none", |p| p.as_str());
            let team = ctx.lookup.assigned_at_t[g.case as usize]
                .and_then(|w| ctx.lookup.unit_of_staff[w as usize])
                .map_or("none", |u| s.org_units[u as usize].unit_id.as_str());
            groups[0].entry(kind.to_owned()).or_default().push(g);
            groups[1]
                .entry(format!("{kind}/{provider}"))
                .or_default()
                .push(g);
            groups[2].entry(team.to_owned()).or_default().push(g);
        }
        let [by_measure_type, by_provider, by_team] = groups.map(|group| {
            group
                .into_iter()
                .map(|(key, goals)| (key, Kf21::of(goals.into_iter())))
                .collect()
        });
        Kf21Groups {
            by_measure_type,
            by_provider,
            by_team,
        }
    })
}

/// KF22 Klager.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf22 {
    pub received: u64,
    /// Personal contact within 5 days of receipt, among complaints whose 5 days have passed
    /// by T or that had contact by T.
    pub personal_contact_within_5_days: Share,
    /// Informally resolved, among complaints of the period with an outcome by T.
    pub informally_resolved: Share,
    /// Omgørelsesprocent: (changed + remitted) ÷ (confirmed + changed + remitted).
    pub reversal_rate: Share,
    pub by_appeal_outcome: BTreeMap<&'static str, u64>,
}

pub fn kf22(ctx: &Context<'_>, period: Period) -> Available<Kf22> {
    (ctx.has("complaints") && ctx.has("decisions")).then(|| {
        let s = ctx.snapshot;
        let t = ctx.as_of.date;
        let decisions = id_map(s.decisions.iter().map(|d| d.decision_id.as_str()));
        let mut out = Kf22 {
            received: 0,
            personal_contact_within_5_days: Share::default(),
            informally_resolved: Share::default(),
            reversal_rate: Share::default(),
            by_appeal_outcome: AppealOutcome::ALL.iter().map(|o| (o.code(), 0)).collect(),
        };
        for c in &s.complaints {
            if c.received_at > t || !period.contains(c.received_at) {
                continue;
            }
            let in_scope = decisions.get(c.decision_id.as_str()).is_some_and(|d| {
                ctx.case_in_scope(s.decisions[*d as usize].case_id.as_str())
                    .is_some()
            });
            if !in_scope {
                continue;
            }
            out.received += 1;
            let due = c.received_at + Days::new(5);
            let contact = c.personal_contact_at.filter(|d| *d <= t);
            if due <= t || contact.is_some() {
                out.personal_contact_within_5_days
                    .count(contact.is_some_and(|d| c.received_at <= d && d <= due));
            }
            // The outcomes are known at T when the complaint was resolved by T (or no date says
            // otherwise): an appeal decided after T is not yet a fact at T.
            let resolved_by_t = c.resolved_at.is_none_or(|d| d <= t);
            if let Some(outcome) = c.outcome.filter(|_| resolved_by_t) {
                out.informally_resolved
                    .count(outcome == ComplaintOutcome::InformallyResolved);
            }
            if let Some(appeal) = c.appeal_outcome.filter(|_| resolved_by_t) {
                *out.by_appeal_outcome.entry(appeal.code()).or_default() += 1;
                match appeal {
                    AppealOutcome::Confirmed => out.reversal_rate.count(false),
                    AppealOutcome::Changed | AppealOutcome::Remitted => {
                        out.reversal_rate.count(true)
                    }
                    AppealOutcome::Dismissed => {}
                }
            }
        }
        out
    })
}

/// A Brier score over some assessments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Brier {
    pub n: u64,
    pub score: Option<f64>,
}

/// One decile of predicted probability: how often the event happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decile {
    pub from: f64,
    pub to: f64,
    pub n: u64,
    pub mean_probability: Option<f64>,
    pub observed_rate: Option<f64>,
}

/// KF23 Kalibrering af risikovurderinger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf23 {
    pub brier: Brier,
    pub reliability: Vec<Decile>,
    /// Keyed by the assessing caseworker's unit id.
    pub by_team: BTreeMap<String, Brier>,
    /// Keyed by staff id. Visible only to the caseworker and their leader (key-figures.md):
    /// the web layer filters it; aggregate audiences never get it.
    pub by_caseworker: BTreeMap<String, Brier>,
    pub excluded: Exclusions,
}

#[derive(Default, Clone, Copy)]
struct BrierSum {
    n: u64,
    sum: f64,
}

impl BrierSum {
    fn add(&mut self, p: f64, outcome: bool) {
        self.n += 1;
        self.sum += (p - f64::from(u8::from(outcome))).powi(2);
    }
    fn brier(self) -> Brier {
        Brier {
            n: self.n,
            score: (self.n > 0).then(|| self.sum / self.n as f64),
        }
    }
}

pub fn kf23(ctx: &Context<'_>, period: Period) -> Available<Kf23> {
    ctx.has("risk_assessments").then(|| {
        let s = ctx.snapshot;
        let mut all = BrierSum::default();
        let mut deciles = [(0u64, 0.0f64, 0u64); 10];
        let mut by_team: BTreeMap<String, BrierSum> = BTreeMap::new();
        let mut by_caseworker: BTreeMap<String, BrierSum> = BTreeMap::new();
        let mut excluded = Exclusions::default();
        for a in &s.risk_assessments {
            if a.assessed_at > ctx.as_of.date
                || !period.contains(a.assessed_at)
                || ctx.case_in_scope(a.case_id.as_str()).is_none()
            {
                continue;
            }
            let Some(outcome) = a.outcome else {
                excluded.add(
                    "risk_assessments",
                    "outcome_unknown",
                    "udfaldet er endnu ikke kendt",
                );
                continue;
            };
            let p = a.probability.get().to_f64().unwrap_or(0.0);
            all.add(p, outcome);
            let bin = ((p * 10.0) as usize).min(9);
            deciles[bin].0 += 1;
            deciles[bin].1 += p;
            deciles[bin].2 += u64::from(outcome);
            by_caseworker
                .entry(a.staff_id.as_str().to_owned())
                .or_default()
                .add(p, outcome);
            if let Some(unit) = ctx
                .lookup
                .staff_row(a.staff_id.as_str())
                .map(|staff| s.staff[staff as usize].unit_id.as_str())
            {
                by_team.entry(unit.to_owned()).or_default().add(p, outcome);
            }
        }
        Kf23 {
            brier: all.brier(),
            reliability: deciles
                .iter()
                .enumerate()
                .map(|(i, (n, sum_p, hits))| Decile {
                    from: i as f64 / 10.0,
                    to: (i + 1) as f64 / 10.0,
                    n: *n,
                    mean_probability: (*n > 0).then(|| sum_p / *n as f64),
                    observed_rate: (*n > 0).then(|| *hits as f64 / *n as f64),
                })
                .collect(),
            by_team: by_team.into_iter().map(|(k, v)| (k, v.brier())).collect(),
            by_caseworker: by_caseworker
                .into_iter()
                .map(|(k, v)| (k, v.brier()))
                .collect(),
            excluded,
        }
    })
}
