//! KF06-KF07: children's investigations completed within 4 months, and their duration.

use serde::Serialize;

use super::{Available, Context, Exclusions, Period, Share, Stats};
use crate::calendar::add_months;
use crate::tables::Investigation;

const TABLE: &str = "investigations";
const COMPLETED_BEFORE_AWARE: (&str, &str) = (
    "completed_before_aware",
    "afsluttet før kommunen blev opmærksom (modstridende datoer)",
);

/// KF06 Børnefaglige undersøgelser afsluttet inden 4 mdr.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf06 {
    pub on_time: Share,
    /// Late, with a preliminary assessment by the due date.
    pub late_with_preliminary: u64,
    /// Late, without one.
    pub late_without_preliminary: u64,
    pub excluded: Exclusions,
}

/// KF07 Sagsbehandlingstid, undersøgelser (dage).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf07 {
    pub days: Stats,
    pub excluded: Exclusions,
}

/// Investigations known by T and in scope.
fn in_scope<'a>(ctx: &'a Context<'_>) -> impl Iterator<Item = &'a Investigation> + 'a {
    ctx.snapshot.investigations.iter().filter(move |i| {
        i.aware_at <= ctx.as_of.date && ctx.case_in_scope(i.case_id.as_str()).is_some()
    })
}

pub fn kf06(ctx: &Context<'_>, period: Period) -> Available<Kf06> {
    ctx.has(TABLE).then(|| {
        let mut out = Kf06 {
            on_time: Share::default(),
            late_with_preliminary: 0,
            late_without_preliminary: 0,
            excluded: Exclusions::default(),
        };
        let t = ctx.as_of.date;
        for i in in_scope(ctx) {
            let due = add_months(i.aware_at, 4);
            if !period.contains(due) || due > t {
                continue;
            }
            // `due ≤ T`, so a completion after T is after the due date anyway.
            let completed = i.completed_at.filter(|d| *d <= t);
            if completed.is_some_and(|d| d < i.aware_at) {
                let (code, label) = COMPLETED_BEFORE_AWARE;
                out.excluded.add(TABLE, code, label);
                continue;
            }
            let on_time = completed.is_some_and(|d| d <= due);
            out.on_time.count(on_time);
            if !on_time {
                if i.preliminary_assessment_at.is_some_and(|d| d <= due) {
                    out.late_with_preliminary += 1;
                } else {
                    out.late_without_preliminary += 1;
                }
            }
        }
        out
    })
}

pub fn kf07(ctx: &Context<'_>, period: Period) -> Available<Kf07> {
    ctx.has(TABLE).then(|| {
        let mut excluded = Exclusions::default();
        let mut days = Vec::new();
        for i in in_scope(ctx) {
            let Some(completed) = i.completed_at else {
                continue;
            };
            if completed > ctx.as_of.date || !period.contains(completed) {
                continue;
            }
            if completed < i.aware_at {
                let (code, label) = COMPLETED_BEFORE_AWARE;
                excluded.add(TABLE, code, label);
                continue;
            }
            days.push((completed - i.aware_at).num_days() as f64);
        }
        Kf07 {
            days: Stats::of(days),
            excluded,
        }
    })
}
