//! The cross-row rules about particular tables (beyond keys and references): each keeps what
//! it needs of every row and reports once the whole table is read.

use overblik_domain::{Row, TableSpec};

use crate::goal_limit::GoalLimit;
use crate::issue::Issue;
use crate::overlap::Overlaps;

pub(crate) trait CrossRowRule {
    /// Keeps what the rule needs of the row at `line`.
    fn add(&mut self, line: u64, row: &Row);
    /// The rule's issues for the file.
    fn finish(self: Box<Self>, file: &str) -> Vec<Issue>;
}

/// The rules that apply to `spec`.
pub(crate) fn rules_for(spec: &TableSpec) -> Vec<Box<dyn CrossRowRule>> {
    let mut rules: Vec<Box<dyn CrossRowRule>> = Vec::new();
    if let Some(rule) = Overlaps::for_table(spec) {
        rules.push(Box::new(rule));
    }
    if let Some(rule) = GoalLimit::for_table(spec) {
        rules.push(Box::new(rule));
    }
    rules
}
