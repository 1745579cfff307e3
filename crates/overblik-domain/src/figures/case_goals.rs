//! The goals of one case's plans (F11): each goal's score history from the follow-ups, the
//! signal "no progress after two follow-ups — reconsider the measure", and the plan's warnings
//! (more than three goals; no goal about school for a child of school age). The good practice
//! of S1 ch. 6: at most three simple goals per plan, one about school, scored at every
//! follow-up, and measures that do not work are ended.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::results::{ScoreAt, no_progress, scores_by_goal};
use crate::Snapshot;
use crate::calendar::age_at;
use crate::codes::GoalCategory;
use crate::tables::FollowupScore;

/// At most this many goals per plan.
pub const MAX_GOALS: usize = 3;
/// Compulsory schooling: from the year a child turns 6 to about 16 (folkeskoleloven § 34-35).
pub const SCHOOL_AGE: std::ops::RangeInclusive<u32> = 6..=16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalHistory {
    /// Row of `snapshot.goals`.
    pub goal: u32,
    pub category: GoalCategory,
    /// In follow-up order, by T.
    pub scores: Vec<ScoreAt>,
    /// Not closed by T.
    pub open: bool,
}

impl GoalHistory {
    /// KF21's "ingen fremgang" for this goal ([`no_progress`]).
    pub fn no_progress(&self) -> bool {
        match (self.scores.first(), self.scores.last()) {
            (Some(first), Some(latest)) => {
                no_progress(self.open, self.scores.len(), first.score, latest.score)
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanWarning {
    TooManyGoals(usize),
    NoSchoolGoal,
}

impl PlanWarning {
    pub fn label_da(&self) -> String {
        match self {
            PlanWarning::TooManyGoals(n) => {
                format!(
                    "Planen har {n} mål; højst {MAX_GOALS} enkle mål gør dem til at følge op på"
                )
            }
            PlanWarning::NoSchoolGoal => {
                "Barnet er i skolealderen, men planen har intet mål om skole".to_owned()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanGoals {
    /// Row of `snapshot.plans`.
    pub plan: u32,
    pub goals: Vec<GoalHistory>,
    pub warnings: Vec<PlanWarning>,
}

/// The plans of case row `case` made by `t`, oldest first, with their goals set by `t`.
pub fn case_goals(
    s: &Snapshot,
    recorded: &[FollowupScore],
    case: u32,
    t: NaiveDate,
) -> Vec<PlanGoals> {
    let record = &s.cases[case as usize];
    let birth = s
        .persons
        .iter()
        .find(|p| p.person_id == record.person_id)
        .map(|p| p.birth_date);
    let mut plans: Vec<u32> = (0..s.plans.len() as u32)
        .filter(|&p| {
            let plan = &s.plans[p as usize];
            plan.case_id == record.case_id && plan.created_at <= t
        })
        .collect();
    plans.sort_by_key(|&p| s.plans[p as usize].created_at);
    // The goals of those plans, per plan, in row order.
    let mut goals_of: Vec<Vec<u32>> = vec![Vec::new(); plans.len()];
    for (row, g) in s.goals.iter().enumerate() {
        if g.set_at > t {
            continue;
        }
        if let Some(i) = plans
            .iter()
            .position(|&p| s.plans[p as usize].plan_id == g.plan_id)
        {
            goals_of[i].push(row as u32);
        }
    }
    let mut scores: BTreeMap<u32, Vec<ScoreAt>> = scores_by_goal(s, recorded, t, |goal| {
        goals_of.iter().any(|g| g.contains(&goal))
    })
    .into_iter()
    .collect();
    plans
        .iter()
        .zip(goals_of)
        .map(|(&p, goal_rows)| {
            let plan = &s.plans[p as usize];
            let goals: Vec<GoalHistory> = goal_rows
                .into_iter()
                .map(|row| {
                    let g = &s.goals[row as usize];
                    GoalHistory {
                        goal: row,
                        category: g.category,
                        scores: scores.remove(&row).unwrap_or_default(),
                        open: g.closed_at.is_none_or(|closed| closed > t),
                    }
                })
                .collect();
            let mut warnings = Vec::new();
            if goals.len() > MAX_GOALS {
                warnings.push(PlanWarning::TooManyGoals(goals.len()));
            }
            let school_age =
                birth.is_some_and(|b| SCHOOL_AGE.contains(&age_at(b, plan.created_at)));
            if school_age
                && !goals.is_empty()
                && !goals.iter().any(|g| g.category == GoalCategory::School)
            {
                warnings.push(PlanWarning::NoSchoolGoal);
            }
            PlanGoals {
                plan: p,
                goals,
                warnings,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> Snapshot {
        let mut s = Snapshot::default();
        let rows: &[(&str, &[(&str, &str)])] = &[
            (
                "persons",
                &[("person_id", "P"), ("birth_date", "2014-06-01")],
            ),
            (
                "cases",
                &[
                    ("case_id", "C"),
                    ("person_id", "P"),
                    ("area", "children"),
                    ("opened_at", "2024-01-01"),
                ],
            ),
            (
                "plans",
                &[
                    ("plan_id", "PL"),
                    ("case_id", "C"),
                    ("created_at", "2024-02-01"),
                ],
            ),
            (
                "followups",
                &[
                    ("followup_id", "F1"),
                    ("case_id", "C"),
                    ("held_at", "2024-05-01"),
                ],
            ),
            (
                "followups",
                &[
                    ("followup_id", "F2"),
                    ("case_id", "C"),
                    ("held_at", "2024-08-01"),
                ],
            ),
            (
                "followups",
                &[
                    ("followup_id", "F3"),
                    ("case_id", "C"),
                    ("held_at", "2025-02-01"),
                ],
            ),
        ];
        for (table, cells) in rows {
            s.add(table, cells).unwrap();
        }
        for (goal, category) in [
            ("G1", "family"),
            ("G2", "health"),
            ("G3", "social"),
            ("G4", "other"),
        ] {
            s.add(
                "goals",
                &[
                    ("goal_id", goal),
                    ("plan_id", "PL"),
                    ("category", category),
                    ("set_at", "2024-02-01"),
                ],
            )
            .unwrap();
        }
        for (goal, followup, score) in [
            ("G1", "F2", "4"),
            ("G1", "F1", "5"),
            ("G2", "F1", "2"),
            ("G2", "F2", "6"),
            ("G3", "F3", "1"),
        ] {
            s.add(
                "goal_scores",
                &[
                    ("goal_id", goal),
                    ("followup_id", followup),
                    ("score", score),
                ],
            )
            .unwrap();
        }
        s
    }

    #[test]
    fn scores_in_follow_up_order_and_the_no_progress_signal() {
        let s = world();
        let plans = case_goals(&s, &[], 0, NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        let goals = &plans[0].goals;
        // G1: 5 (May) then 4 (August), whatever the row order: no progress.
        assert_eq!(
            goals[0].scores.iter().map(|s| s.score).collect::<Vec<_>>(),
            [5, 4]
        );
        assert!(goals[0].no_progress());
        assert!(!goals[1].no_progress(), "2 → 6 is progress");
        // G3's only score is after T.
        assert!(goals[2].scores.is_empty());
        assert!(!goals[2].no_progress());
    }

    #[test]
    fn a_plan_with_four_goals_and_none_about_school_for_a_school_child_is_warned() {
        let s = world();
        let plans = case_goals(&s, &[], 0, NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(
            plans[0].warnings,
            [PlanWarning::TooManyGoals(4), PlanWarning::NoSchoolGoal]
        );
    }
}
