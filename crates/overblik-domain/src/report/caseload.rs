//! The caseload review (S2, Brønderslev's monthly review): per caseworker, every open case
//! with its weight, phase, next deadline, overdue obligations, last follow-up and goal
//! progress. It lists cases, so it is for the caseworker and their leader, and every
//! generation is audited by the caller.

use chrono::NaiveDate;

use super::build::*;
use super::document::{Cell, ColumnKind as K, Document};
use crate::figures::caseload::{Phases, case_weight, open_cases};
use crate::figures::results::goal_progress;
use crate::figures::{Context, Exclusion};
use crate::obligations::Status;
use rust_decimal::prelude::ToPrimitive;

/// Per open case at T, what the monthly review looks at: phase, next open deadline, overdue
/// obligations, last follow-up and goal progress. Shared by the caseload report and the
/// review workflow (F9), so both say the same.
pub struct CaseStatus {
    phases: Phases,
    next_due: Vec<Option<NaiveDate>>,
    overdue: Vec<u64>,
    last_followup: Vec<Option<NaiveDate>>,
    /// (sum of changes, goals) of the case's open goals with two scores or more.
    progress: Vec<(i32, u32)>,
}

impl CaseStatus {
    pub fn at(ctx: &Context<'_>) -> CaseStatus {
        let s = ctx.snapshot;
        let t = ctx.as_of.date;
        let n = s.cases.len();
        let mut next_due: Vec<Option<NaiveDate>> = vec![None; n];
        let mut overdue = vec![0u64; n];
        for o in &ctx.evaluation.obligations {
            let Some(case) = o.case else { continue };
            let case = case as usize;
            if o.is_red() {
                overdue[case] += 1;
            } else if o.status == Status::Open {
                let due = o.due.date();
                next_due[case] = Some(next_due[case].map_or(due, |d| d.min(due)));
            }
        }
        let mut last_followup: Vec<Option<NaiveDate>> = vec![None; n];
        for f in &s.followups {
            if f.held_at <= t
                && let Some(case) = ctx.lookup.case(f.case_id.as_str())
            {
                let last = &mut last_followup[case as usize];
                *last = (*last).max(Some(f.held_at));
            }
        }
        let mut progress = vec![(0i32, 0u32); n];
        for g in goal_progress(ctx).iter().filter(|g| g.is_followed()) {
            let entry = &mut progress[g.case as usize];
            entry.0 += g.change();
            entry.1 += 1;
        }
        CaseStatus {
            phases: Phases::at(ctx),
            next_due,
            overdue,
            last_followup,
            progress,
        }
    }

    pub fn phase_label(&self, case: u32) -> &'static str {
        self.phases.of(case).label_da()
    }

    pub fn next_due(&self, case: u32) -> Option<NaiveDate> {
        self.next_due[case as usize]
    }

    pub fn overdue(&self, case: u32) -> u64 {
        self.overdue[case as usize]
    }

    pub fn last_followup(&self, case: u32) -> Option<NaiveDate> {
        self.last_followup[case as usize]
    }

    /// The mean change (latest − first score) of the case's open goals with two scores or
    /// more; None without such goals.
    pub fn goal_progress(&self, case: u32) -> Option<f64> {
        match self.progress[case as usize] {
            (_, 0) => None,
            (sum, goals) => Some(f64::from(sum) / f64::from(goals)),
        }
    }
}

pub fn caseload(ctx: &Context<'_>) -> (Document, Vec<(&'static str, Vec<Exclusion>)>) {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let status = CaseStatus::at(ctx);
    let mut out = table(
        "caseload_review",
        "Sager pr. sagsbehandler",
        &[
            ("Sagsbehandler", K::Text),
            ("Sag", K::Text),
            ("Område", K::Text),
            ("Vægt", K::Decimal(1)),
            ("Fase", K::Text),
            ("Næste frist", K::Date),
            ("Overskredne frister", K::Integer),
            ("Seneste opfølgning", K::Date),
            ("Målfremgang (point)", K::Decimal(1)),
        ],
    );
    let mut rows: Vec<(String, u32)> = open_cases(ctx)
        .map(|c| {
            let name = ctx.lookup.assigned_at_t[c as usize]
                .map(|staff| s.staff[staff as usize].name.get().clone())
                .unwrap_or_else(|| "Uden sagsbehandler".to_owned());
            (name, c)
        })
        .collect();
    rows.sort();
    for (name, c) in rows {
        let case = &s.cases[c as usize];
        out.rows.push(vec![
            text(name),
            text(case.case_id.as_str()),
            text(case.area.label_da()),
            Cell::Number(case_weight(ctx, c).to_f64().unwrap_or(0.0)),
            text(status.phase_label(c)),
            status.next_due(c).map_or(Cell::Empty, Cell::Date),
            count(status.overdue(c)),
            status.last_followup(c).map_or(Cell::Empty, Cell::Date),
            status.goal_progress(c).map_or(Cell::Empty, Cell::Number),
        ]);
    }
    let sections = vec![section(
        "caseload",
        "Sagsstamme",
        &[
            "Til den månedlige gennemgang mellem leder og sagsbehandler. Målfremgang = gennemsnitlig ændring (seneste − første score) for sagens åbne mål med mindst to scorer.",
        ],
        vec![out],
    )];
    let document = super::document(
        ctx,
        "caseload",
        "Gennemgang af sagsstamme",
        t.to_string(),
        sections,
    );
    (document, Vec::new())
}
