//! Counting obligations: per rule, per team and per caseworker, the numbers a compliance list
//! shows ("red numbers" = overdue and uncompleted late-with-preliminary; lapsed obligations are
//! breaches in the shares, not red numbers).

use std::collections::BTreeMap;

use super::{Obligation, Status};
use crate::rules::RuleId;

/// Counts of obligations by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub met_on_time: u64,
    pub met_late: u64,
    pub open: u64,
    pub overdue: u64,
    pub late_with_preliminary: u64,
    pub lapsed: u64,
    /// The red numbers among them ([`Obligation::is_red`]): `overdue`, and `late_with_preliminary`
    /// not completed by T. Not a status of its own, so not part of [`Counts::total`].
    pub red: u64,
}

impl Counts {
    pub fn add(&mut self, obligation: &Obligation) {
        self.red += u64::from(obligation.is_red());
        *match obligation.status {
            Status::MetOnTime => &mut self.met_on_time,
            Status::MetLate => &mut self.met_late,
            Status::Open => &mut self.open,
            Status::Overdue => &mut self.overdue,
            Status::LateWithPreliminary => &mut self.late_with_preliminary,
            Status::Lapsed => &mut self.lapsed,
        } += 1;
    }

    pub fn total(&self) -> u64 {
        self.met_on_time
            + self.met_late
            + self.open
            + self.overdue
            + self.late_with_preliminary
            + self.lapsed
    }

    /// The obligations whose outcome is known at T: all but the open ones. The share met on
    /// time is `met_on_time` of these.
    pub fn settled(&self) -> u64 {
        self.total() - self.open
    }

    /// `met_on_time / settled`, or `None` when nothing is settled (a share of nothing is not 0).
    pub fn share_on_time(&self) -> Option<f64> {
        let settled = self.settled();
        (settled > 0).then(|| self.met_on_time as f64 / settled as f64)
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.met_on_time += other.met_on_time;
        self.met_late += other.met_late;
        self.open += other.open;
        self.overdue += other.overdue;
        self.late_with_preliminary += other.late_with_preliminary;
        self.lapsed += other.lapsed;
        self.red += other.red;
    }
}

/// Counts per rule, and per group (team or caseworker) and rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary<K: Ord> {
    pub by_rule: BTreeMap<RuleId, Counts>,
    /// `None` = obligations without a group (e.g. no caseworker assigned at T).
    pub by_group: BTreeMap<Option<K>, BTreeMap<RuleId, Counts>>,
}

impl<K: Ord + Clone> Summary<K> {
    /// Counts `obligations`, each in the group `group_of` gives it.
    pub fn of<'o>(
        obligations: impl IntoIterator<Item = &'o Obligation>,
        group_of: impl Fn(&Obligation) -> Option<K>,
    ) -> Summary<K> {
        let mut summary = Summary {
            by_rule: BTreeMap::new(),
            by_group: BTreeMap::new(),
        };
        for obligation in obligations {
            summary
                .by_rule
                .entry(obligation.rule)
                .or_default()
                .add(obligation);
            summary
                .by_group
                .entry(group_of(obligation))
                .or_default()
                .entry(obligation.rule)
                .or_default()
                .add(obligation);
        }
        summary
    }

    /// The totals of one group over all rules.
    pub fn group_total(&self, group: &Option<K>) -> Counts {
        let mut total = Counts::default();
        for counts in self
            .by_group
            .get(group)
            .into_iter()
            .flat_map(|rules| rules.values())
        {
            total += *counts;
        }
        total
    }
}
