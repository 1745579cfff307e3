//! The caseload review (S2, Brønderslev's monthly review): per caseworker, every open case
//! with its weight, phase, next deadline, overdue obligations, last follow-up and goal
//! progress. It lists cases, so it is for the caseworker and their leader, and every
//! generation is audited by the caller.

use chrono::NaiveDate;

use super::build::*;
use super::document::{Cell, ColumnKind as K, Document};
use crate::figures::caseload::{Phases, case_weight, open_cases};
use crate::figures::deadlines::is_overdue;
use crate::figures::results::goal_progress;
use crate::figures::{Context, Exclusion};
use crate::obligations::Status;
use rust_decimal::prelude::ToPrimitive;

pub fn caseload(ctx: &Context<'_>) -> (Document, Vec<(&'static str, Vec<Exclusion>)>) {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let phases = Phases::at(ctx);
    // Per case row: the next open deadline and the number of overdue obligations.
    let n = s.cases.len();
    let mut next_due: Vec<Option<NaiveDate>> = vec![None; n];
    let mut overdue = vec![0u64; n];
    for o in &ctx.evaluation.obligations {
        let Some(case) = o.case else { continue };
        let case = case as usize;
        if is_overdue(ctx, o) {
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
    // Goal progress per case: the mean change of its open goals with two scores or more.
    let mut progress = vec![(0i32, 0u32); n];
    for g in goal_progress(ctx)
        .iter()
        .filter(|g| g.open && g.scores >= 2)
    {
        let entry = &mut progress[g.case as usize];
        entry.0 += g.change();
        entry.1 += 1;
    }
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
            text(phases.of(c).label_da()),
            next_due[c as usize].map_or(Cell::Empty, Cell::Date),
            count(overdue[c as usize]),
            last_followup[c as usize].map_or(Cell::Empty, Cell::Date),
            match progress[c as usize] {
                (_, 0) => Cell::Empty,
                (sum, goals) => Cell::Number(f64::from(sum) / f64::from(goals)),
            },
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
