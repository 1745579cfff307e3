//! KF15-KF16: follow-ups on time, and overdue obligations ("røde tal"), read from the
//! obligations the legal deadline engine evaluated at T.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Context, Period, Share, StaffTally};
use crate::obligations::Obligation;
use crate::rules::RuleId;

/// KF15 Opfølgning til tiden.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf15 {
    pub on_time: Share,
    pub by_rule: BTreeMap<&'static str, Share>,
}

/// KF16 Overskredne frister.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf16 {
    pub total: u64,
    /// Keyed by staff id; `none` for obligations without a caseworker at T.
    pub by_caseworker: BTreeMap<String, u64>,
    /// Keyed by rule id; every rule present.
    pub by_rule: BTreeMap<&'static str, u64>,
}

/// Whether the obligation belongs to the scope (its case's, else its person's).
pub fn in_scope(ctx: &Context<'_>, o: &Obligation) -> bool {
    match o.case {
        Some(case) => ctx.scope.has_case(case),
        None => !ctx.scope.is_filtered() || ctx.scope.has_person(o.person),
    }
}

const FOLLOWUP_RULES: [RuleId; 2] = [RuleId::FollowupFirst, RuleId::FollowupNext];

pub fn kf15(ctx: &Context<'_>, period: Period) -> Kf15 {
    let mut out = Kf15 {
        on_time: Share::default(),
        by_rule: FOLLOWUP_RULES
            .iter()
            .map(|r| (r.id(), Share::default()))
            .collect(),
    };
    for o in &ctx.evaluation.obligations {
        if !FOLLOWUP_RULES.contains(&o.rule) || !in_scope(ctx, o) {
            continue;
        }
        let due = o.due.date();
        if !period.contains(due) || !ctx.as_of.has_happened(o.due) {
            continue;
        }
        let met = o.status == crate::obligations::Status::MetOnTime;
        out.on_time.count(met);
        if let Some(share) = out.by_rule.get_mut(o.rule.id()) {
            share.count(met);
        }
    }
    out
}

/// An obligation is a red number at T when it is due before T and not met by T.
pub fn is_overdue(ctx: &Context<'_>, o: &Obligation) -> bool {
    !o.status.is_met() && ctx.as_of.is_past(o.due)
}

pub fn kf16(ctx: &Context<'_>) -> Kf16 {
    let mut out = Kf16 {
        total: 0,
        by_caseworker: BTreeMap::new(),
        by_rule: RuleId::ALL.iter().map(|r| (r.id(), 0)).collect(),
    };
    let mut tally = StaffTally::new(ctx);
    for o in &ctx.evaluation.obligations {
        if !is_overdue(ctx, o) || !in_scope(ctx, o) {
            continue;
        }
        out.total += 1;
        tally.add(o.responsible);
        *out.by_rule.entry(o.rule.id()).or_default() += 1;
    }
    out.by_caseworker = tally.by_staff_id(ctx);
    out
}
