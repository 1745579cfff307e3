//! KF08-KF11 and the case phases: open cases, caseload points, cases without a caseworker,
//! changes of caseworker.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::{Available, Context, Period, StaffTally};
use crate::codes::{Area, StaffRole};
use crate::tables::Case;

/// Whether `staff` is employed on `day` (start and end dates inclusive, empty: open).
pub fn is_employed_on(staff: &crate::tables::Staff, day: NaiveDate) -> bool {
    staff.start_date.is_none_or(|d| d <= day) && staff.end_date.is_none_or(|d| day <= d)
}

/// Whether a case is open on `day`: opened by then and not closed yet (closed_at exclusive).
pub fn is_open_on(case: &Case, day: NaiveDate) -> bool {
    case.opened_at <= day && case.closed_at.is_none_or(|closed| day < closed)
}

/// The open cases at T in scope, as rows of `snapshot.cases`.
pub fn open_cases<'a>(ctx: &'a Context<'_>) -> impl Iterator<Item = u32> + 'a {
    let t = ctx.as_of.date;
    ctx.snapshot
        .cases
        .iter()
        .enumerate()
        .filter(move |(c, case)| ctx.scope.has_case(*c as u32) && is_open_on(case, t))
        .map(|(c, _)| c as u32)
}

/// KF08 Åbne sager.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf08 {
    pub total: u64,
    /// Keyed by staff id; `none` for cases without a caseworker at T.
    pub by_caseworker: BTreeMap<String, u64>,
    /// Keyed by the unit id of the caseworker assigned at T.
    pub by_team: BTreeMap<String, u64>,
    pub by_area: BTreeMap<&'static str, u64>,
    pub by_phase: BTreeMap<&'static str, u64>,
}

pub fn kf08(ctx: &Context<'_>) -> Kf08 {
    let s = ctx.snapshot;
    let phases = Phases::at(ctx);
    let mut tally = StaffTally::new(ctx);
    let mut out = Kf08 {
        total: 0,
        by_caseworker: BTreeMap::new(),
        by_team: BTreeMap::new(),
        by_area: Area::ALL.iter().map(|a| (a.code(), 0)).collect(),
        by_phase: Phase::ALL.iter().map(|p| (p.code(), 0)).collect(),
    };
    for c in open_cases(ctx) {
        out.total += 1;
        *out.by_area
            .entry(s.cases[c as usize].area.code())
            .or_default() += 1;
        *out.by_phase.entry(phases.of(c).code()).or_default() += 1;
        tally.add(ctx.lookup.assigned_at_t[c as usize]);
    }
    for (staff, n) in tally.counted() {
        let team = s.staff[staff].unit_id.as_str().to_owned();
        *out.by_team.entry(team).or_default() += n;
    }
    out.by_caseworker = tally.by_staff_id(ctx);
    out
}

/// One caseworker's load at T (KF09).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Load {
    pub unit_id: String,
    pub open_cases: u64,
    pub points: f64,
    /// capacity_points × fte (defaults from the settings when empty).
    pub capacity: f64,
    /// points ÷ capacity; `None` when the capacity is 0.
    pub utilisation: Option<f64>,
    /// Whether the caseworker has an absence active at T (`None`: absences not supplied).
    pub absent: Option<bool>,
}

/// KF09 Sagsbelastning: per caseworker employed at T (in scope), also those without cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf09 {
    pub by_caseworker: BTreeMap<String, Load>,
}

/// The weight points of case row `case` at T: the case-weight model, or the imported weight
/// plus the leader's flags (`workload`).
pub fn case_weight(ctx: &Context<'_>, case: u32) -> Decimal {
    ctx.weights().of(case).points
}

/// Staff rows with an absence active at T.
pub fn absent_at_t(ctx: &Context<'_>) -> Vec<bool> {
    absence_at_t(ctx).iter().map(Option::is_some).collect()
}

/// Per staff row: the absence (row of `absences`) active at T, the first one found.
pub fn absence_at_t(ctx: &Context<'_>) -> Vec<Option<usize>> {
    let t = ctx.as_of.date;
    let mut absence = vec![None; ctx.snapshot.staff.len()];
    for (row, a) in ctx.snapshot.absences.iter().enumerate() {
        if a.from_date <= t
            && a.to_date.is_none_or(|to| t <= to)
            && let Some(staff) = ctx.lookup.staff_row(a.staff_id.as_str())
        {
            absence[staff as usize].get_or_insert(row);
        }
    }
    absence
}

/// The open cases at T in scope assigned at T to staff row `staff`.
pub fn open_cases_of<'a>(ctx: &'a Context<'_>, staff: u32) -> impl Iterator<Item = u32> + 'a {
    open_cases(ctx).filter(move |&c| ctx.lookup.assigned_at_t[c as usize] == Some(staff))
}

pub fn kf09(ctx: &Context<'_>) -> Kf09 {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let mut cases = vec![0u64; s.staff.len()];
    let mut points = vec![Decimal::ZERO; s.staff.len()];
    for c in open_cases(ctx) {
        if let Some(staff) = ctx.lookup.assigned_at_t[c as usize] {
            cases[staff as usize] += 1;
            points[staff as usize] += case_weight(ctx, c);
        }
    }
    let absences = ctx.has("absences").then(|| absent_at_t(ctx));
    let mut out = Kf09 {
        by_caseworker: BTreeMap::new(),
    };
    for (i, staff) in s.staff.iter().enumerate() {
        let employed = is_employed_on(staff, t);
        let in_scope = ctx.lookup.unit_of_staff[i].is_some_and(|u| ctx.scope.has_unit(u));
        // A caseworker with cases counts even if the staff file says otherwise.
        if !(in_scope && (cases[i] > 0 || (employed && staff.role == StaffRole::Caseworker))) {
            continue;
        }
        let fte = staff.fte.as_ref().map(|f| *f.get()).unwrap_or(Decimal::ONE);
        let capacity_points = staff
            .capacity_points
            .as_ref()
            .map(|c| *c.get())
            .unwrap_or(ctx.settings.default_capacity_points);
        let capacity = (capacity_points * fte).to_f64().unwrap_or(0.0);
        let points = points[i].to_f64().unwrap_or(0.0);
        out.by_caseworker.insert(
            staff.staff_id.as_str().to_owned(),
            Load {
                unit_id: staff.unit_id.as_str().to_owned(),
                open_cases: cases[i],
                points,
                capacity,
                utilisation: (capacity > 0.0).then(|| points / capacity),
                absent: absences.as_ref().map(|a| a[i]),
            },
        );
    }
    out
}

/// KF10 Sager uden aktiv sagsbehandler.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf10 {
    pub without_caseworker: u64,
    /// Open cases whose caseworker is absent at T; `None` when absences are not supplied.
    pub caseworker_absent: Available<u64>,
}

pub fn kf10(ctx: &Context<'_>) -> Kf10 {
    let cases = kf10_cases(ctx);
    Kf10 {
        without_caseworker: cases.without_caseworker.len() as u64,
        caseworker_absent: ctx
            .has("absences")
            .then_some(cases.caseworker_absent.len() as u64),
    }
}

/// The cases behind KF10, for the list a leader must act on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Kf10Cases {
    /// Open case rows in scope with no assignment active at T.
    pub without_caseworker: Vec<u32>,
    /// Open case rows whose caseworker at T is absent at T, each with the absence row.
    pub caseworker_absent: Vec<(u32, usize)>,
}

pub fn kf10_cases(ctx: &Context<'_>) -> Kf10Cases {
    let absence_of = absence_at_t(ctx);
    let mut out = Kf10Cases::default();
    for c in open_cases(ctx) {
        match ctx.lookup.assigned_at_t[c as usize] {
            None => out.without_caseworker.push(c),
            Some(staff) => {
                if let Some(absence) = absence_of[staff as usize] {
                    out.caseworker_absent.push((c, absence));
                }
            }
        }
    }
    out
}

/// KF11 Sagsbehandlerskift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf11 {
    pub changes: u64,
    /// Cases open on at least one day of the period (up to T).
    pub cases_open_in_period: u64,
    /// changes per 100 such cases; `None` when there were none.
    pub per_100_cases: Option<f64>,
}

pub fn kf11(ctx: &Context<'_>, period: Period) -> Kf11 {
    let s = ctx.snapshot;
    let mut out = Kf11 {
        changes: 0,
        cases_open_in_period: 0,
        per_100_cases: None,
    };
    let Some(period) = period.up_to(ctx.as_of.date) else {
        return out;
    };
    // The earliest assignment of each case: a later one is a change of caseworker.
    let mut first = vec![None::<NaiveDate>; s.cases.len()];
    for a in &s.assignments {
        if let Some(c) = ctx.lookup.case(a.case_id.as_str()) {
            let f = &mut first[c as usize];
            *f = Some(f.map_or(a.from_date, |d| d.min(a.from_date)));
        }
    }
    for a in &s.assignments {
        if let Some(c) = ctx.case_in_scope(a.case_id.as_str())
            && period.contains(a.from_date)
            && first[c as usize].is_some_and(|f| f < a.from_date)
        {
            out.changes += 1;
        }
    }
    out.cases_open_in_period = s
        .cases
        .iter()
        .enumerate()
        .filter(|(c, case)| {
            ctx.scope.has_case(*c as u32)
                && case.opened_at <= period.to
                && case.closed_at.is_none_or(|closed| closed > period.from)
        })
        .count() as u64;
    out.per_100_cases = (out.cases_open_in_period > 0)
        .then(|| 100.0 * out.changes as f64 / out.cases_open_in_period as f64);
    out
}

/// The phase of an open case at T (key-figures.md), the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Notification,
    Investigation,
    Decision,
    Measure,
    Followup,
    /// None of the above (e.g. an adult case, or a case waiting without recent activity).
    Other,
}

impl Phase {
    pub const ALL: &'static [Phase] = &[
        Phase::Notification,
        Phase::Investigation,
        Phase::Decision,
        Phase::Measure,
        Phase::Followup,
        Phase::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Phase::Notification => "notification",
            Phase::Investigation => "investigation",
            Phase::Decision => "decision",
            Phase::Measure => "measure",
            Phase::Followup => "followup",
            Phase::Other => "other",
        }
    }

    pub fn label_da(self) -> &'static str {
        match self {
            Phase::Notification => "Underretning",
            Phase::Investigation => "Undersøgelse",
            Phase::Decision => "Afgørelse",
            Phase::Measure => "Indsats uden plan",
            Phase::Followup => "Opfølgning",
            Phase::Other => "Øvrige",
        }
    }
}

/// The facts the phase of every case is decided from, gathered in one pass per table.
pub struct Phases {
    phase: Vec<Phase>,
}

impl Phases {
    pub fn at(ctx: &Context<'_>) -> Phases {
        let s = ctx.snapshot;
        let t = ctx.as_of.date;
        let n = s.cases.len();
        let mut any_investigation = vec![false; n];
        let mut open_investigation = vec![false; n];
        let mut completed_investigation = vec![false; n];
        for i in &s.investigations {
            if i.aware_at > t {
                continue;
            }
            if let Some(c) = ctx.lookup.case(i.case_id.as_str()) {
                let c = c as usize;
                any_investigation[c] = true;
                if i.completed_at.is_some_and(|d| d <= t) {
                    completed_investigation[c] = true;
                } else {
                    open_investigation[c] = true;
                }
            }
        }
        let mut active_measure = vec![false; n];
        for m in &s.measures {
            if m.start_date <= t
                && m.end_date.is_none_or(|end| t <= end)
                && let Some(c) = ctx.lookup.case(m.case_id.as_str())
            {
                active_measure[c as usize] = true;
            }
        }
        let mut plan = vec![false; n];
        for p in &s.plans {
            if p.created_at <= t
                && let Some(c) = ctx.lookup.case(p.case_id.as_str())
            {
                plan[c as usize] = true;
            }
        }
        // Persons notified within the 30 days up to T.
        let since = crate::calendar::start_of_local_day(t - Days::new(30));
        let mut notified = vec![false; s.persons.len()];
        for note in &s.notifications {
            if since <= note.received_at
                && note.received_at <= ctx.as_of.instant
                && let Some(p) = ctx.lookup.person(note.person_id.as_str())
            {
                notified[p as usize] = true;
            }
        }
        let phase = (0..n)
            .map(|c| {
                let person = ctx.lookup.person(s.cases[c].person_id.as_str());
                if person.is_some_and(|p| notified[p as usize]) && !any_investigation[c] {
                    Phase::Notification
                } else if open_investigation[c] {
                    Phase::Investigation
                } else if completed_investigation[c] && !active_measure[c] {
                    Phase::Decision
                } else if active_measure[c] && !plan[c] {
                    Phase::Measure
                } else if active_measure[c] {
                    Phase::Followup
                } else {
                    Phase::Other
                }
            })
            .collect();
        Phases { phase }
    }

    pub fn of(&self, case: u32) -> Phase {
        self.phase[case as usize]
    }
}
