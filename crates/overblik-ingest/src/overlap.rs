//! The one cross-row rule that is about a particular table: the assignments of a case must not
//! overlap, because "who was responsible on day d" must have one answer.
//!
//! Only the intervals are kept (case, from, to, line), not the rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use overblik_domain::{Row, TableSpec, Value};

use crate::issue::Issue;

/// The table and columns the rule applies to.
const TABLE: &str = "assignments";
const CASE: &str = "case_id";
const FROM: &str = "from_date";
const TO: &str = "to_date";

#[derive(Debug, Clone, Copy)]
struct Interval {
    from: NaiveDate,
    /// `None` is an open end: the assignment still holds.
    to: Option<NaiveDate>,
    line: u64,
}

/// The assignment intervals of one file, per case.
#[derive(Debug)]
pub(crate) struct Overlaps {
    columns: (usize, usize, usize),
    by_case: HashMap<String, Vec<Interval>>,
}

impl Overlaps {
    /// The collector for `spec`, if the rule applies to it.
    pub fn for_table(spec: &TableSpec) -> Option<Self> {
        if spec.name != TABLE {
            return None;
        }
        let column = |name| spec.column_index(name).expect("assignments column");
        Some(Self {
            columns: (column(CASE), column(FROM), column(TO)),
            by_case: HashMap::new(),
        })
    }
}

impl crate::cross_row::CrossRowRule for Overlaps {
    /// Keeps the interval of a row; rows without case or start, or ending before they start
    /// (reported by the row checks), cannot take part.
    fn add(&mut self, line: u64, row: &Row) {
        let (case, from, to) = self.columns;
        let (Value::Text(case), Some(from)) = (row.get(case), row.get(from).as_date()) else {
            return;
        };
        let to = row.get(to).as_date();
        if to.is_some_and(|to| to < from) {
            return;
        }
        self.by_case
            .entry(case.clone())
            .or_default()
            .push(Interval { from, to, line });
    }

    /// One error per assignment that starts while an earlier one of its case still holds,
    /// naming the line of that earlier one.
    fn finish(self: Box<Self>, file: &str) -> Vec<Issue> {
        let mut issues = Vec::new();
        for (case, mut intervals) in self.by_case {
            intervals.sort_by_key(|interval| (interval.from, interval.line));
            let mut reach: Option<Interval> = None;
            for interval in intervals {
                if let Some(earlier) = reach {
                    let covered = earlier.to.is_none_or(|to| interval.from <= to);
                    if covered {
                        issues.push(Issue::error(
                            file,
                            interval.line,
                            FROM,
                            "overlapping_assignment",
                            format!(
                                "overlapper tildelingen af sag `{case}` på linje {} ({})",
                                earlier.line,
                                describe(earlier)
                            ),
                        ));
                    }
                    // Keep the interval that reaches furthest: it is the one later starts hit.
                    if earlier.to.is_some() && interval.to.is_none_or(|to| Some(to) > earlier.to) {
                        reach = Some(interval);
                    }
                } else {
                    reach = Some(interval);
                }
            }
        }
        issues.sort_by_key(|issue| issue.row);
        issues
    }
}

fn describe(interval: Interval) -> String {
    match interval.to {
        Some(to) => format!("`{}` til `{to}`", interval.from),
        None => format!("fra `{}`, uden slutdato", interval.from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cross_row::CrossRowRule;
    use overblik_domain::tables::ASSIGNMENTS;

    fn row(case: &str, from: &str, to: &str) -> Row {
        let date = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or(Value::Null, Value::Date)
        };
        Row(vec![
            Value::Text(case.into()),
            Value::Text("S1".into()),
            date(from),
            date(to),
        ])
    }

    fn check(rows: &[(&str, &str, &str)]) -> Vec<String> {
        let mut overlaps = Overlaps::for_table(&ASSIGNMENTS).unwrap();
        for (n, (case, from, to)) in rows.iter().enumerate() {
            overlaps.add(n as u64 + 2, &row(case, from, to));
        }
        Box::new(overlaps)
            .finish("assignments.csv")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn back_to_back_assignments_and_gaps_are_fine() {
        assert!(
            check(&[
                ("C1", "2025-01-01", "2025-01-31"),
                ("C1", "2025-02-01", "2025-02-10"),
                ("C1", "2025-03-01", ""),
                ("C2", "2025-01-15", ""),
            ])
            .is_empty()
        );
    }

    #[test]
    fn an_assignment_starting_inside_another_is_reported_once() {
        assert_eq!(
            check(&[
                ("C1", "2025-03-01", ""),
                ("C1", "2025-01-01", "2025-12-31"),
                ("C1", "2025-02-01", "2025-02-28"),
                ("C2", "2025-01-01", "2025-01-31"),
            ]),
            [
                "assignments.csv:2:from_date: overlapping_assignment: overlapper tildelingen af sag `C1` på linje 3 (`2025-01-01` til `2025-12-31`)",
                "assignments.csv:4:from_date: overlapping_assignment: overlapper tildelingen af sag `C1` på linje 3 (`2025-01-01` til `2025-12-31`)",
            ]
        );
    }

    #[test]
    fn the_same_day_at_both_ends_overlaps() {
        assert_eq!(
            check(&[("C1", "2025-01-01", "2025-01-31"), ("C1", "2025-01-31", ""),]),
            [
                "assignments.csv:3:from_date: overlapping_assignment: overlapper tildelingen af sag `C1` på linje 2 (`2025-01-01` til `2025-01-31`)"
            ]
        );
    }

    #[test]
    fn other_tables_have_no_overlap_rule() {
        assert!(Overlaps::for_table(&overblik_domain::tables::CASES).is_none());
    }
}
