//! KF01-KF05: notifications received, children notified, the 24-hour assessment, reaction
//! time and receipts to professional notifiers.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::{Available, Context, Exclusions, Period, Share, Stats};
use crate::calendar::{local_date, start_of_local_day};
use crate::codes::{NotifierType, Severity};
use crate::obligations::{EventTable, Status};
use crate::rules::RuleId;
use crate::tables::Notification;

const TABLE: &str = "notifications";

/// KF01 Underretninger modtaget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf01 {
    pub total: u64,
    pub by_notifier_type: BTreeMap<&'static str, u64>,
    pub by_severity: BTreeMap<&'static str, u64>,
    /// `professional` (fagperson, duty to notify) and `other`.
    pub by_professional: BTreeMap<&'static str, u64>,
    /// Notifier type × severity (the committee report's table).
    pub by_notifier_type_and_severity: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
}

/// KF03 Vurderet inden 24 timer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf03 {
    pub on_time: Share,
    /// Received less than 24 hours before T: not yet due, left out of the share.
    pub pending: u64,
    pub excluded: Exclusions,
}

/// KF04 Reaktionstid (timer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf04 {
    pub hours: Stats,
    pub excluded: Exclusions,
}

/// KF05 Kvittering til fagperson til tiden.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf05 {
    pub on_time: Share,
    /// Receipts whose deadline lies after T.
    pub pending: u64,
}

/// The notifications of the period received by T and in scope.
pub fn of_period<'a>(
    ctx: &'a Context<'_>,
    period: Period,
) -> impl Iterator<Item = (usize, &'a Notification)> + 'a {
    // The period's local days as an interval of instants: no time-zone conversion per row.
    let (from, until) = period_instants(period);
    ctx.snapshot
        .notifications
        .iter()
        .enumerate()
        .filter(move |(_, n)| {
            from <= n.received_at
                && n.received_at < until
                && n.received_at <= ctx.as_of.instant
                && in_scope(ctx, n)
        })
}

/// `[start of the first day, start of the day after the last)` in Europe/Copenhagen.
pub fn period_instants(period: Period) -> (DateTime<Utc>, DateTime<Utc>) {
    let after = period.to.succ_opt().unwrap_or(period.to);
    (start_of_local_day(period.from), start_of_local_day(after))
}

/// A notification belongs to the scope of its case, or, without a case, of its person.
pub fn in_scope(ctx: &Context<'_>, n: &Notification) -> bool {
    if !ctx.scope.is_filtered() {
        return true;
    }
    match &n.case_id {
        Some(case) => ctx.case_in_scope(case.as_str()).is_some(),
        None => ctx
            .lookup
            .person(n.person_id.as_str())
            .is_some_and(|p| ctx.scope.has_person(p)),
    }
}

fn zeros<T: Copy>(codes: &[T], code: fn(T) -> &'static str) -> BTreeMap<&'static str, u64> {
    codes.iter().map(|c| (code(*c), 0)).collect()
}

pub fn kf01(ctx: &Context<'_>, period: Period) -> Available<Kf01> {
    ctx.has(TABLE).then(|| {
        let mut out = Kf01 {
            total: 0,
            by_notifier_type: zeros(NotifierType::ALL, NotifierType::code),
            by_severity: zeros(Severity::ALL, Severity::code),
            by_professional: [("professional", 0), ("other", 0)].into_iter().collect(),
            by_notifier_type_and_severity: NotifierType::ALL
                .iter()
                .map(|t| (t.code(), zeros(Severity::ALL, Severity::code)))
                .collect(),
        };
        for (_, n) in of_period(ctx, period) {
            out.total += 1;
            *out.by_notifier_type
                .entry(n.notifier_type.code())
                .or_default() += 1;
            *out.by_severity.entry(n.severity.code()).or_default() += 1;
            let professional = if n.professional {
                "professional"
            } else {
                "other"
            };
            *out.by_professional.entry(professional).or_default() += 1;
            *out.by_notifier_type_and_severity
                .entry(n.notifier_type.code())
                .or_default()
                .entry(n.severity.code())
                .or_default() += 1;
        }
        out
    })
}

/// KF02 Børn med underretning: distinct persons among KF01.
pub fn kf02(ctx: &Context<'_>, period: Period) -> Available<u64> {
    ctx.has(TABLE).then(|| {
        let persons: HashSet<&str> = of_period(ctx, period)
            .map(|(_, n)| n.person_id.as_str())
            .collect();
        persons.len() as u64
    })
}

const ASSESSED_BEFORE_RECEIVED: (&str, &str) = (
    "assessed_before_received",
    "vurderet før modtagelsen (modstridende tidsstempler)",
);

pub fn kf03(ctx: &Context<'_>, period: Period) -> Available<Kf03> {
    ctx.has(TABLE).then(|| {
        let mut out = Kf03 {
            on_time: Share::default(),
            pending: 0,
            excluded: Exclusions::default(),
        };
        for (_, n) in of_period(ctx, period) {
            let due = n.received_at + TimeDelta::hours(24);
            // An assessment after T has not happened yet at T.
            let assessed = n.assessed_at.filter(|at| *at <= ctx.as_of.instant);
            if assessed.is_some_and(|at| at < n.received_at) {
                let (code, label) = ASSESSED_BEFORE_RECEIVED;
                out.excluded.add(TABLE, code, label);
            } else if due > ctx.as_of.instant {
                out.pending += 1;
            } else {
                out.on_time.count(assessed.is_some_and(|at| at <= due));
            }
        }
        out
    })
}

pub fn kf04(ctx: &Context<'_>, period: Period) -> Available<Kf04> {
    ctx.has(TABLE).then(|| {
        let mut excluded = Exclusions::default();
        let mut hours = Vec::new();
        for (_, n) in of_period(ctx, period) {
            let Some(assessed) = n.assessed_at.filter(|at| *at <= ctx.as_of.instant) else {
                continue;
            };
            if assessed < n.received_at {
                let (code, label) = ASSESSED_BEFORE_RECEIVED;
                excluded.add(TABLE, code, label);
                continue;
            }
            hours.push((assessed - n.received_at).num_seconds() as f64 / 3600.0);
        }
        Kf04 {
            hours: Stats::of(hours),
            excluded,
        }
    })
}

/// KF05 reads the obligations of `notification_receipt`: the deadline is the rule's, with the
/// municipality's calendar settings; only professional notifiers count here.
pub fn kf05(ctx: &Context<'_>, period: Period) -> Available<Kf05> {
    // A switched-off rule makes no obligations: the share is then 0/0, "not available".
    ctx.has(TABLE).then(|| {
        let mut out = Kf05 {
            on_time: Share::default(),
            pending: 0,
        };
        for o in &ctx.evaluation.obligations {
            if o.rule != RuleId::NotificationReceipt || o.trigger.table != EventTable::Notification
            {
                continue;
            }
            let n = &ctx.snapshot.notifications[o.trigger.row as usize];
            if !n.professional
                || n.received_at > ctx.as_of.instant
                || !period.contains(local_date(n.received_at))
                || !in_scope(ctx, n)
            {
                continue;
            }
            if ctx.as_of.has_happened(o.due) {
                out.on_time.count(o.status == Status::MetOnTime);
            } else {
                out.pending += 1;
            }
        }
        out
    })
}
