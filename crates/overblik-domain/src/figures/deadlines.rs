//! KF15-KF16: follow-ups on time, and the red numbers ("røde tal"), read from the obligations
//! the legal deadline engine evaluated at T.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Context, Period, Share, StaffTally, WITHOUT_CASEWORKER};
use crate::Snapshot;
use crate::obligations::{Obligation, Status};
use crate::rules::RuleId;

/// Key for obligations of notifications not tied to a case, in breakdowns by caseworker
/// ("uden sag"); obligations of a case nobody holds at T are under `WITHOUT_CASEWORKER`.
pub const WITHOUT_CASE: &str = "no_case";

/// KF15 Opfølgning til tiden.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf15 {
    pub on_time: Share,
    pub by_rule: BTreeMap<&'static str, Share>,
}

/// KF16 Overskredne frister: the red numbers at T (`overdue`, and `late_with_preliminary` not
/// completed by T), and the breaches of the period that can no longer be mended (`lapsed`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf16 {
    /// The red numbers at T: the sum of `by_caseworker`, and of `by_rule`.
    pub total: u64,
    /// Keyed by staff id; `none` for obligations of a case without a caseworker at T;
    /// `no_case` for notifications without a case.
    pub by_caseworker: BTreeMap<String, u64>,
    /// Keyed by rule id; every rule present.
    pub by_rule: BTreeMap<&'static str, u64>,
    /// The `lapsed` obligations with due in the period: the sum of `lapsed_by_rule`.
    pub lapsed: u64,
    /// Keyed by rule id; every rule present.
    pub lapsed_by_rule: BTreeMap<&'static str, u64>,
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

/// Who a red number is attributed to: the caseworker assigned at T, else nobody in a case
/// ("uden sagsbehandler"), else no case at all ("uden sag").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    Caseworker(u32),
    WithoutCaseworker,
    WithoutCase,
}

impl Holder {
    pub fn of(o: &Obligation) -> Holder {
        match (o.responsible, o.case) {
            (Some(staff), _) => Holder::Caseworker(staff),
            (None, Some(_)) => Holder::WithoutCaseworker,
            (None, None) => Holder::WithoutCase,
        }
    }

    /// Its key in breakdowns by caseworker: the staff id, `none` or `no_case`.
    pub fn key(self, snapshot: &Snapshot) -> &str {
        match self {
            Holder::Caseworker(staff) => snapshot.staff[staff as usize].staff_id.as_str(),
            Holder::WithoutCaseworker => WITHOUT_CASEWORKER,
            Holder::WithoutCase => WITHOUT_CASE,
        }
    }
}

/// KF16 at T, with the lapsed obligations of `period`.
pub fn kf16(ctx: &Context<'_>, period: Period) -> Kf16 {
    let every_rule = || RuleId::ALL.iter().map(|r| (r.id(), 0)).collect();
    let mut out = Kf16 {
        total: 0,
        by_caseworker: BTreeMap::new(),
        by_rule: every_rule(),
        lapsed: 0,
        lapsed_by_rule: every_rule(),
    };
    let mut tally = StaffTally::new(ctx);
    let mut without_case = 0;
    for o in &ctx.evaluation.obligations {
        if !in_scope(ctx, o) {
            continue;
        }
        if o.is_red() {
            out.total += 1;
            match Holder::of(o) {
                Holder::WithoutCase => without_case += 1,
                _ => tally.add(o.responsible),
            }
            *out.by_rule.entry(o.rule.id()).or_default() += 1;
        } else if o.status == Status::Lapsed && period.contains(o.due.date()) {
            out.lapsed += 1;
            *out.lapsed_by_rule.entry(o.rule.id()).or_default() += 1;
        }
    }
    out.by_caseworker = tally.by_staff_id(ctx);
    if without_case > 0 {
        out.by_caseworker
            .insert(WITHOUT_CASE.to_owned(), without_case);
    }
    out
}
