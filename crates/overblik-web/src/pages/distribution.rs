//! Distribution (F7) and the cases nobody holds (KF10, F8): the open cases of the leader's
//! unit without a caseworker at T — and new cases never assigned, which belong to no unit yet —
//! each with a ranked suggestion of caseworkers and the reasons; the leader assigns with one
//! action, recorded as an assignment (exported in assignments.csv) with its audit entry.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use overblik_domain::access::Capability;
use overblik_domain::figures::Context;
use overblik_domain::figures::caseload::{is_open_on, kf10_cases};
use overblik_domain::workload::distribute::{plan_assignment, suggest};
use overblik_report::number;
use serde::Deserialize;

use super::{audit_read, change_audited, freshness, points};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::unit_context;
use crate::state::AppState;
use crate::view::{
    AssignForm, Layout, Link, Page, ViewCell, ViewTable, case_href, render, url_encode,
};

/// Whether case row `row` is one `ctx`'s leader distributes: open at T without a caseworker,
/// and of the unit (KF10's scope: by the last caseworker) or never assigned to anyone, which
/// belongs to no unit yet.
fn to_distribute(ctx: &Context<'_>, row: u32) -> bool {
    ctx.lookup.assigned_at_t[row as usize].is_none() && may_assign(ctx, row)
}

/// Whether `ctx`'s leader may (re)assign case row `row`: an open case of the unit — without a
/// caseworker, with an absent one, or to be handed over for another reason — or a new case
/// never assigned.
fn may_assign(ctx: &Context<'_>, row: u32) -> bool {
    is_open_on(&ctx.snapshot.cases[row as usize], ctx.as_of.date)
        && (ctx.scope.has_case(row) || ctx.lookup.last_assigned[row as usize].is_none())
}

/// Every case row `ctx`'s leader distributes.
fn unassigned(ctx: &Context<'_>) -> Vec<u32> {
    (0..ctx.snapshot.cases.len() as u32)
        .filter(|&row| to_distribute(ctx, row))
        .collect()
}

/// GET /fordeling
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(Capability::DistributeCases)?;
    let data = state.data().await?;
    let ctx = unit_context(&user, &data)?;
    let cases = unassigned(&ctx);
    let with_absent = kf10_cases(&ctx).caseworker_absent;
    let ends = last_ends(&ctx);
    let s = &data.snapshot;
    audit_read(
        &state,
        &user,
        client,
        "distribution.list",
        None,
        Some(format!(
            "cases={} absent={}",
            cases.len(),
            with_absent.len()
        )),
        cases
            .iter()
            .chain(with_absent.iter().map(|(c, _)| c))
            .map(|&c| s.cases[c as usize].person_id.as_str().to_owned())
            .collect(),
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        "Fordeling",
        "/fordeling",
        freshness(&data),
    ));
    page.intro.push(
        "Åbne sager uden en aktiv sagsbehandler: fordel dem efter ledig kapacitet, kontinuitet og kompetence, så ingen sag ligger på gulvet."
            .into(),
    );
    let mut table = ViewTable::new(
        "Sager uden sagsbehandler",
        &[
            ("Sag", false),
            ("Område", false),
            ("Oprettet", false),
            ("Sidste sagsbehandler", false),
            ("Dage uden", true),
            ("Point", true),
        ],
    );
    for &c in &cases {
        let case = &s.cases[c as usize];
        let last = ctx.lookup.last_assigned[c as usize];
        let since = ends[c as usize].unwrap_or(case.opened_at);
        table.rows.push(vec![
            ViewCell::text(case.case_id.as_str())
                .link(format!("/fordeling/{}", url_encode(case.case_id.as_str()))),
            ViewCell::text(case.area.label_da()),
            ViewCell::text(number::date(case.opened_at)),
            ViewCell::text(super::staff_name(&data, last)),
            ViewCell::number((data.date - since).num_days().max(0))
                .alert_if((data.date - since).num_days() > 14),
            ViewCell::number(points(ctx.weights().of(c).points)),
        ]);
    }
    table.empty = "Alle åbne sager har en sagsbehandler.".into();
    table.note = Some("Klik på sagen for at se forslag til sagsbehandler og tildele den.".into());
    page.tables.push(table);
    let mut absent = ViewTable::new(
        "Sager hos fraværende sagsbehandlere",
        &[
            ("Sag", false),
            ("Sagsbehandler", false),
            ("Fraværende fra", false),
            ("Til", false),
            ("Point", true),
        ],
    );
    for (c, absence) in &with_absent {
        let case = &s.cases[*c as usize];
        let a = &s.absences[*absence];
        absent.rows.push(vec![
            ViewCell::case(Some(case.case_id.as_str())),
            ViewCell::text(super::staff_name(
                &data,
                ctx.lookup.assigned_at_t[*c as usize],
            )),
            ViewCell::text(number::date(a.from_date)),
            ViewCell::text(a.to_date.map_or("ukendt".to_owned(), number::date)),
            ViewCell::number(points(ctx.weights().of(*c).points)),
        ]);
    }
    absent.empty = "Ingen sager hos fraværende sagsbehandlere.".into();
    absent.note = Some(
        "Sagerne har en sagsbehandler, som er fraværende nu (KF10): sørg for, at fristerne bliver passet.".into(),
    );
    page.tables.push(absent);
    page.links
        .push(Link::new("/sagsstamme", "Sagsstammen pr. sagsbehandler"));
    Ok(render(&page))
}

/// Per case row, when its last assignment begun by T ended (the day it has been without a
/// caseworker since); one pass over the assignments.
fn last_ends(ctx: &Context<'_>) -> Vec<Option<NaiveDate>> {
    let mut ends = vec![None; ctx.snapshot.cases.len()];
    for a in &ctx.snapshot.assignments {
        if a.from_date <= ctx.as_of.date
            && let (Some(to), Some(c)) = (a.to_date, ctx.lookup.case(a.case_id.as_str()))
        {
            let end = &mut ends[c as usize];
            *end = (*end).max(Some(to));
        }
    }
    ends
}

/// The case row of `case_id` if the leader may (re)assign it ([`may_assign`]).
fn distributable(ctx: &Context<'_>, user: &CurrentUser, case_id: &str) -> Result<u32, AppError> {
    match ctx.lookup.case(case_id).filter(|&row| may_assign(ctx, row)) {
        Some(row) => Ok(row),
        None => Err(user.forbidden("case_not_distributable")),
    }
}

/// GET /fordeling/{case_id}: the ranked caseworkers for one case.
pub async fn case(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::DistributeCases)?;
    let data = state.data().await?;
    let ctx = unit_context(&user, &data)?;
    let row = distributable(&ctx, &user, &case_id)?;
    let s = &data.snapshot;
    let record = &s.cases[row as usize];
    audit_read(
        &state,
        &user,
        client,
        "distribution.case",
        Some(("case", case_id.clone())),
        None,
        vec![record.person_id.as_str().to_owned()],
    )
    .await?;
    let current = ctx.lookup.assigned_at_t[row as usize];
    // Reassigning: the current caseworker is not a candidate.
    let candidates: Vec<_> = suggest(&ctx, row, &data.entered.staff_profiles)
        .into_iter()
        .filter(|c| Some(c.staff) != current)
        .collect();
    let weight = ctx.weights().of(row);
    let mut page = Page::new(Layout::new(
        &user,
        format!("Fordel sag {case_id}"),
        "/fordeling",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{} · oprettet {} · {} point: {}",
        record.area.label_da(),
        number::date(record.opened_at),
        points(weight.points),
        super::caseload::reasons(weight)
    ));
    if current.is_some() {
        page.intro.push(format!(
            "Sagen har i dag {} som sagsbehandler. Tildeler du den til en anden, ophører den nuværende tildeling i går, og der oprettes en overdragelse med tjekliste.",
            super::staff_name(&data, current)
        ));
    }
    let mut table = ViewTable::new(
        "Forslag, bedst egnede først",
        &[
            ("Sagsbehandler", false),
            ("Team", false),
            ("Score", true),
            ("Ledig kapacitet", true),
            ("Hvorfor", false),
        ],
    );
    let mut options = Vec::new();
    for c in &candidates {
        let staff = &s.staff[c.staff as usize];
        let team = ctx.lookup.unit_of_staff[c.staff as usize]
            .map(|u| s.org_units[u as usize].name.clone())
            .unwrap_or_default();
        table.rows.push(vec![
            ViewCell::text(staff.name.get()),
            ViewCell::text(&team),
            ViewCell::number(number::decimal(c.score, 0)),
            ViewCell::number(number::decimal(c.free_points, 1)).alert_if(c.free_points < 0.0),
            ViewCell::text(c.reasons.join(" · ")),
        ]);
        options.push((
            staff.staff_id.as_str().to_owned(),
            format!("{} ({team})", staff.name.get()),
        ));
    }
    table.empty =
        "Ingen ledige sagsbehandlere i enheden (alle er fraværende, fratrådt eller i et team, der ikke tager denne slags sager).".into();
    table.note = Some(
        "Score: ledig kapacitet op til 40, har haft sagen 30 eller personens anden sag 25, distrikt 10, 8 pr. kompetence, der passer, teamtype 5 (se «Sådan vægtes sagerne»)."
            .into(),
    );
    page.tables.push(table);
    if !options.is_empty() {
        page.assign_form = Some(AssignForm {
            action: format!("/fordeling/{}", url_encode(&case_id)),
            options,
        });
    }
    page.links
        .push(Link::new("/fordeling", "Tilbage til fordelingen"));
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct AssignRequest {
    staff_id: String,
}

/// POST /fordeling/{case_id}: assigns the case from today, after checking it (no caseworker
/// who has left, no overlap). A reassignment ends the current assignment yesterday and creates
/// a handover checklist; all of it and the audit entry in one transaction.
pub async fn assign(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<AssignRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::DistributeCases)?;
    let data: Arc<Data> = state.data().await?;
    let ctx = unit_context(&user, &data)?;
    let row = distributable(&ctx, &user, &case_id)?;
    let s = &data.snapshot;
    // Only a caseworker of the leader's own unit (the ones suggested) may be chosen.
    let in_unit = ctx.lookup.staff_row(&form.staff_id).is_some_and(|row| {
        ctx.lookup.unit_of_staff[row as usize].is_some_and(|u| ctx.scope.has_unit(u))
    });
    if !in_unit {
        return Err(AppError::bad_request(
            "staff_id",
            "er ikke en sagsbehandler i din enhed",
        ));
    }
    let today = data.date;
    let plan = plan_assignment(s, row, &form.staff_id, today)
        .map_err(|error| AppError::bad_request("staff_id", error.to_string()))?;
    let record = &s.cases[row as usize];
    // A case that had a caseworker is handed over: its checklist is created with the
    // assignment, in the same transaction.
    let handover = plan.handover_from.clone().map(|from| {
        super::handover::new_handover(
            &data,
            record.case_id.clone(),
            from,
            plan.new.staff_id.clone(),
        )
    });
    let person = record.person_id.as_str().to_owned();
    let detail = format!(
        "staff={} from={today} reassigned={} handover={}",
        form.staff_id,
        plan.ends.is_some(),
        handover.as_ref().map_or("", |(id, _)| id.as_str())
    );
    let target = match &handover {
        Some((id, _)) => format!("/overdragelser/{}", url_encode(id.as_str())),
        None => case_href(&case_id),
    };
    let new = plan.new.to_row();
    let ends = plan
        .ends
        .map(|(stored, ended)| (stored.to_row(), ended.to_row()));
    let saved = change_audited(
        &state,
        &user,
        client,
        "case.assign",
        ("case", &case_id),
        detail,
        vec![person],
        move |store| {
            if !store.record_assignment(&new, ends.as_ref().map(|(a, b)| (a, b)))? {
                return Ok(false);
            }
            if let Some((_, record)) = handover {
                let created = store.save_versioned(
                    record.head_spec,
                    record.expected,
                    &record.head,
                    &record.children,
                )?;
                if !created {
                    // A random 48-bit id taken already: refuse rather than overwrite.
                    return Err(overblik_store::StoreError::Misuse(
                        "a new handover id exists already".into(),
                    ));
                }
            }
            Ok(true)
        },
    )
    .await?;
    if !saved {
        return Err(AppError::Conflict(
            "Sagens tildeling er ændret, siden du åbnede siden.".into(),
        ));
    }
    // Assignments are imported data: everything that depends on them is evaluated again.
    state.reload(today).await?;
    Ok(Redirect::to(&target).into_response())
}
