//! KF14: the waiting list at T.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Available, Context, Stats};

/// KF14 Venteliste.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf14 {
    pub waiting: u64,
    /// Keyed by the free-text `offer_type` of the data.
    pub by_offer_type: BTreeMap<String, u64>,
    /// Days waited so far (T − listed_at).
    pub waiting_days: Stats,
}

pub fn kf14(ctx: &Context<'_>) -> Available<Kf14> {
    ctx.has("waiting_list").then(|| {
        let t = ctx.as_of.date;
        let mut out = Kf14 {
            waiting: 0,
            by_offer_type: BTreeMap::new(),
            waiting_days: Stats::default(),
        };
        let mut days = Vec::new();
        for e in &ctx.snapshot.waiting_list {
            let waiting = e.listed_at <= t && e.left_at.is_none_or(|left| left > t);
            let in_scope = !ctx.scope.is_filtered()
                || ctx
                    .lookup
                    .person(e.person_id.as_str())
                    .is_some_and(|p| ctx.scope.has_person(p));
            if waiting && in_scope {
                out.waiting += 1;
                *out.by_offer_type.entry(e.offer_type.clone()).or_default() += 1;
                days.push((t - e.listed_at).num_days() as f64);
            }
        }
        out.waiting_days = Stats::of(days);
        out
    })
}
