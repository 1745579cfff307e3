//! A plan has at most three goals (F11: the municipalities that follow up on effect keep
//! three simple goals per plan). A fourth goal of a plan is an error on its line, so a
//! delivery with one is refused whole and nothing is stored.

use std::collections::HashMap;

use overblik_domain::figures::case_goals::MAX_GOALS;
use overblik_domain::{Row, TableSpec, Value};

use crate::issue::Issue;

const TABLE: &str = "goals";
const PLAN: &str = "plan_id";

/// The goal lines of one file, per plan.
#[derive(Debug)]
pub(crate) struct GoalLimit {
    plan: usize,
    by_plan: HashMap<String, Vec<u64>>,
}

impl GoalLimit {
    pub fn for_table(spec: &TableSpec) -> Option<Self> {
        (spec.name == TABLE).then(|| Self {
            plan: spec.column_index(PLAN).expect("goals.plan_id"),
            by_plan: HashMap::new(),
        })
    }
}

impl super::cross_row::CrossRowRule for GoalLimit {
    fn add(&mut self, line: u64, row: &Row) {
        if let Value::Text(plan) = row.get(self.plan) {
            self.by_plan.entry(plan.clone()).or_default().push(line);
        }
    }

    fn finish(self: Box<Self>, file: &str) -> Vec<Issue> {
        let mut issues = Vec::new();
        for (plan, lines) in self.by_plan {
            if lines.len() <= MAX_GOALS {
                continue;
            }
            let first: Vec<String> = lines[..MAX_GOALS].iter().map(u64::to_string).collect();
            for &line in &lines[MAX_GOALS..] {
                issues.push(Issue::error(
                    file,
                    line,
                    PLAN,
                    "too_many_goals",
                    format!(
                        "plan `{plan}` har allerede {MAX_GOALS} mål (linje {}); en plan må højst have {MAX_GOALS} mål",
                        first.join(", ")
                    ),
                ));
            }
        }
        issues
    }
}

#[cfg(test)]
mod tests {
    use super::super::cross_row::CrossRowRule;
    use super::*;
    use overblik_domain::tables::GOALS;

    fn row(plan: &str) -> Row {
        let mut cells = vec![Value::Null; GOALS.columns.len()];
        cells[GOALS.column_index(PLAN).unwrap()] = Value::Text(plan.to_owned());
        Row(cells)
    }

    #[test]
    fn a_fourth_goal_of_a_plan_is_an_error_on_its_line() {
        let mut limit = GoalLimit::for_table(&GOALS).unwrap();
        for (n, plan) in ["P1", "P1", "P2", "P1", "P1"].iter().enumerate() {
            limit.add(n as u64 + 2, &row(plan));
        }
        let issues: Vec<String> = Box::new(limit)
            .finish("goals.csv")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            issues,
            [
                "goals.csv:6:plan_id: too_many_goals: plan `P1` har allerede 3 mål (linje 2, 3, 5); en plan må højst have 3 mål"
            ]
        );
    }
}
