//! Handover (F8): every reassignment of a case creates a checklist (`workload::handover`) that
//! the caseworkers and the leader follow until every item is done — so nothing the former
//! caseworker knew is lost at sickness, leave or turnover. The items are the municipality's;
//! a leader edits them here. Checklists are saved with the version they were opened at (two
//! people ticking the same list are detected, 409) and every read and change is audited.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use overblik_domain::access::{Capability, Role};
use overblik_domain::ids::{HandoverId, id_map};
use overblik_domain::obligations::Status;
use overblik_domain::tables::{
    HANDOVER_CHECKS, HANDOVER_ITEMS, HANDOVERS, Handover, HandoverCheck, HandoverItem,
};
use overblik_domain::workload::handover;
use overblik_report::number;
use serde::Deserialize;

use super::{EnteredWrite, Fields, Versioned, audit_read, freshness, write_entered};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::{CaseScope, unit_context, visible_cases};
use crate::state::AppState;
use crate::view::{
    Form, FormField, Headline, Input, Layout, Link, Page, ViewCell, ViewTable, case_href, render,
    url_encode,
};

/// Open this long, a handover is shown in red.
const OVERDUE_DAYS: i64 = 14;
const MAX_ITEMS: usize = 30;
const MAX_LABEL: usize = 200;
const MAX_NOTE: usize = 500;

/// Whether `user` follows handover `h` of case row `row`: a caseworker those they hand over or
/// take over, a leader those of the cases in their unit.
fn follows(user: &CurrentUser, visible: &[bool], h: &Handover, row: u32) -> bool {
    match user
        .staff_id
        .as_deref()
        .filter(|_| user.role == Role::Caseworker)
    {
        Some(staff) => {
            h.to_staff.as_str() == staff
                || h.from_staff.as_ref().is_some_and(|f| f.as_str() == staff)
        }
        None => visible[row as usize],
    }
}

/// The handovers `user` follows, each with its case row.
async fn followed<'a>(data: &'a Arc<Data>, user: &CurrentUser) -> Vec<(u32, &'a Handover)> {
    let visible = visible_cases(data, &CaseScope::of(user)).await;
    let cases = id_map(data.snapshot.cases.iter().map(|c| c.case_id.as_str()));
    data.entered
        .handovers
        .iter()
        .filter_map(|h| Some((*cases.get(h.case_id.as_str())?, h)))
        .filter(|(row, h)| follows(user, &visible, h, *row))
        .collect()
}

fn checks_of<'a>(data: &'a Data, id: &str) -> Vec<&'a HandoverCheck> {
    data.entered
        .handover_checks
        .iter()
        .filter(|c| c.handover_id.as_str() == id)
        .collect()
}

/// The person of case row `row`, for the audit entry.
fn person(data: &Data, row: u32) -> String {
    data.snapshot.cases[row as usize]
        .person_id
        .as_str()
        .to_owned()
}

fn name_of(data: &Data, staff: Option<&overblik_domain::ids::StaffId>) -> String {
    super::staff_name_of(data, staff, "ukendt")
}

/// GET /overdragelser: the handovers the user follows, open ones first; for leaders the
/// checklist's items.
pub async fn list(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(Capability::HandOverCases)?;
    let data = state.data().await?;
    let mut handovers = followed(&data, &user).await;
    handovers.sort_by(|(_, a), (_, b)| {
        (a.completed_on.is_some(), std::cmp::Reverse(a.created_on))
            .cmp(&(b.completed_on.is_some(), std::cmp::Reverse(b.created_on)))
            .then(a.handover_id.cmp(&b.handover_id))
    });
    // Leaders also see the changes of caseworker without a checklist (cases, so audited too).
    let changes = if user.role.may(Capability::DistributeCases) {
        unfollowed(&data, &user)?
    } else {
        Vec::new()
    };
    audit_read(
        &state,
        &user,
        client,
        "handover.list",
        None,
        Some(format!(
            "handovers={} changes={}",
            handovers.len(),
            changes.len()
        )),
        handovers
            .iter()
            .map(|(row, _)| *row)
            .chain(changes.iter().map(|c| c.case))
            .map(|row| person(&data, row))
            .collect(),
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        "Overdragelser",
        "/overdragelser",
        freshness(&data),
    ));
    page.intro.push(
        "Når en sag skifter sagsbehandler, oprettes en tjekliste, som følges, til alle punkter er udført: så intet går tabt ved sygdom, orlov eller jobskifte."
            .into(),
    );
    let open: Vec<&Handover> = handovers
        .iter()
        .map(|(_, h)| *h)
        .filter(|h| h.completed_on.is_none())
        .collect();
    let late = open
        .iter()
        .filter(|h| (data.date - h.created_on).num_days() > OVERDUE_DAYS)
        .count();
    page.headlines.push(Headline {
        label: "Åbne overdragelser".into(),
        value: number::integer(open.len() as i64),
        note: format!("{late} af dem åbne i mere end {OVERDUE_DAYS} dage"),
        href: None,
        alert: late > 0,
    });
    let mut table = ViewTable::new(
        "Overdragelser, åbne først",
        &[
            ("Sag", false),
            ("Fra", false),
            ("Til", false),
            ("Oprettet", false),
            ("Udført", true),
            ("Status", false),
        ],
    );
    // (done, items) per handover, in one pass over the checks.
    let mut progress: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &data.entered.handover_checks {
        let entry = progress.entry(c.handover_id.as_str()).or_default();
        entry.0 += usize::from(c.done_on.is_some());
        entry.1 += 1;
    }
    for (_, h) in &handovers {
        let (done, items) = progress
            .get(h.handover_id.as_str())
            .copied()
            .unwrap_or_default();
        let days = (data.date - h.created_on).num_days();
        let status = match h.completed_on {
            Some(on) => format!("Afsluttet {}", number::date(on)),
            None => format!("Åben i {days} dage"),
        };
        table.rows.push(vec![
            ViewCell::text(h.case_id.as_str()).link(format!(
                "/overdragelser/{}",
                url_encode(h.handover_id.as_str())
            )),
            ViewCell::text(name_of(&data, h.from_staff.as_ref())),
            ViewCell::text(name_of(&data, Some(&h.to_staff))),
            ViewCell::text(number::date(h.created_on)),
            ViewCell::text(format!("{done} af {items}")),
            ViewCell::text(status).alert_if(h.completed_on.is_none() && days > OVERDUE_DAYS),
        ]);
    }
    table.empty = "Ingen overdragelser.".into();
    table.note = Some("Klik på sagen for at åbne tjeklisten.".into());
    page.tables.push(table);
    if user.role.may(Capability::DistributeCases) {
        page.tables.push(unfollowed_table(&data, &changes));
    }
    if user.role.may(Capability::ConfigureWork) {
        let items = handover::items(&data.entered.handover_items);
        let mut form = Form::new(
            "/overdragelser/punkter",
            "Punkter på tjeklisten",
            "Gem punkterne",
        );
        form.fields.push(
            FormField::new(
                "items",
                "Ét punkt pr. linje, i den rækkefølge de skal udføres",
                Input::TextArea {
                    value: items
                        .iter()
                        .map(|(_, label)| label.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    max: MAX_ITEMS * (MAX_LABEL + 1),
                },
            )
            .hint("Gælder nye overdragelser; igangværende beholder deres punkter."),
        );
        page.forms.push(form);
    }
    page.links
        .push(Link::new("/fordeling", "Fordeling og omfordeling af sager"));
    Ok(render(&page))
}

/// How far back a change of caseworker without a checklist is listed.
const UNFOLLOWED_DAYS: i64 = 90;

/// The changes of caseworker in the leader's unit without a handover (most of them arrive with
/// the case system's assignments).
fn unfollowed(data: &Data, user: &CurrentUser) -> Result<Vec<handover::Change>, AppError> {
    let ctx = unit_context(user, data)?;
    let since = data.date - chrono::Duration::days(UNFOLLOWED_DAYS);
    Ok(handover::changes_without_handover(
        &ctx,
        &data.entered.handovers,
        since,
    ))
}

fn unfollowed_table(data: &Data, changes: &[handover::Change]) -> ViewTable {
    let mut table = ViewTable::new(
        format!("Skift af sagsbehandler uden tjekliste, seneste {UNFOLLOWED_DAYS} dage"),
        &[
            ("Sag", false),
            ("Fra", false),
            ("Til", false),
            ("Skiftet", false),
            ("Tjekliste", false),
        ],
    );
    for change in changes {
        let case = data.snapshot.cases[change.case as usize].case_id.as_str();
        table.rows.push(vec![
            ViewCell::case(Some(case)),
            ViewCell::text(name_of(data, Some(&change.from))),
            ViewCell::text(name_of(data, Some(&change.to))),
            ViewCell::text(number::date(change.on)),
            ViewCell::text("Opret tjekliste")
                .link(format!("/overdragelser/ny/{}", url_encode(case))),
        ]);
    }
    table.empty = "Alle skift har en tjekliste.".into();
    table.note = Some(
        "Skift, der kommer med sagssystemets tildelinger, får ikke selv en tjekliste: opret den her."
            .into(),
    );
    table
}

/// GET /overdragelser/ny/{case_id}: confirms creating the checklist of a change without one
/// (a GET that writes would be wrong).
pub async fn confirm_new(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::DistributeCases)?;
    let data = state.data().await?;
    let change = change_of(&data, &user, &case_id)?;
    audit_read(
        &state,
        &user,
        client,
        "handover.change",
        Some(("case", case_id.clone())),
        None,
        vec![
            data.snapshot.cases[change.case as usize]
                .person_id
                .as_str()
                .to_owned(),
        ],
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Ny overdragelse af sag {case_id}"),
        "/overdragelser",
        freshness(&data),
    ));
    page.intro.push(format!(
        "Fra {} til {}, skiftet {}.",
        name_of(&data, Some(&change.from)),
        name_of(&data, Some(&change.to)),
        number::date(change.on)
    ));
    page.confirm = Some(crate::view::Confirm {
        action: format!("/overdragelser/ny/{}", url_encode(&case_id)),
        label: "Opret tjeklisten".into(),
    });
    page.links.push(Link::new("/overdragelser", "Tilbage"));
    Ok(render(&page))
}

/// The change without a handover of `case_id` in the leader's unit.
fn change_of(data: &Data, user: &CurrentUser, case_id: &str) -> Result<handover::Change, AppError> {
    unfollowed(data, user)?
        .into_iter()
        .find(|c| data.snapshot.cases[c.case as usize].case_id.as_str() == case_id)
        .ok_or_else(|| user.forbidden("no_change_without_handover"))
}

/// POST /overdragelser/ny/{case_id}: creates the checklist of a change without one.
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
    CsrfForm { .. }: CsrfForm<crate::auth::EmptyForm>,
) -> Result<Response, AppError> {
    user.require(Capability::DistributeCases)?;
    let data = state.data().await?;
    let change = change_of(&data, &user, &case_id)?;
    let record = &data.snapshot.cases[change.case as usize];
    let (id, record_rows) = new_handover(
        &data,
        record.case_id.clone(),
        change.from.clone(),
        change.to.clone(),
    );
    write_entered(
        &state,
        &user,
        client,
        "handover.create",
        ("case", &case_id),
        format!("handover={} changed_on={}", id.as_str(), change.on),
        vec![record.person_id.as_str().to_owned()],
        record_rows,
    )
    .await?;
    Ok(Redirect::to(&format!("/overdragelser/{}", id.as_str())).into_response())
}

const CONFLICT: &str = "Tjeklisten er gemt af en anden, siden du åbnede den.";

/// A new handover of `case` today with the items in force, as the record to save (new: no
/// stored version). Every reassignment goes through here, in overblik or from the case system.
pub fn new_handover(
    data: &Data,
    case: overblik_domain::ids::CaseId,
    from: overblik_domain::ids::StaffId,
    to: overblik_domain::ids::StaffId,
) -> (HandoverId, Versioned) {
    let id: HandoverId = super::new_id("H");
    let items = handover::items(&data.entered.handover_items);
    let (head, checks) = handover::new(id.clone(), case, from, to, data.date, &items);
    let record = Versioned {
        head_spec: &HANDOVERS,
        expected: None,
        head: head.to_row(),
        children: vec![(
            &HANDOVER_CHECKS,
            checks.iter().map(HandoverCheck::to_row).collect(),
        )],
        conflict: CONFLICT,
    };
    (id, record)
}

#[derive(Debug, Deserialize)]
pub struct ItemsRequest {
    items: String,
}

/// POST /overdragelser/punkter: the checklist's items, one per line (head of department: the
/// items are the same for every team).
pub async fn set_items(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<ItemsRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::ConfigureWork)?;
    let labels: Vec<String> = form
        .items
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if labels.is_empty() {
        return Err(AppError::bad_request("items", "skal have mindst ét punkt"));
    }
    if labels.len() > MAX_ITEMS {
        return Err(AppError::bad_request(
            "items",
            format!("må højst have {MAX_ITEMS} punkter"),
        ));
    }
    if let Some(n) = labels.iter().position(|l| l.chars().count() > MAX_LABEL) {
        return Err(AppError::bad_request(
            "items",
            format!("linje {} er længere end {MAX_LABEL} tegn", n + 1),
        ));
    }
    let data = state.data().await?;
    let rows: Vec<_> = handover::item_rows(&handover::items(&data.entered.handover_items), &labels)
        .iter()
        .map(HandoverItem::to_row)
        .collect();
    let detail = format!("items={}", rows.len());
    write_entered(
        &state,
        &user,
        client,
        "handover.items",
        ("handover_items", "all"),
        detail,
        Vec::new(),
        EnteredWrite::Replace {
            spec: &HANDOVER_ITEMS,
            filter: None,
            rows,
        },
    )
    .await?;
    Ok(Redirect::to("/overdragelser").into_response())
}

/// The handover `id` with its case row if the user follows it (the same refusal whether it
/// exists or not).
async fn handover_of(
    data: &Arc<Data>,
    user: &CurrentUser,
    id: &str,
) -> Result<(u32, Handover), AppError> {
    let visible = visible_cases(data, &CaseScope::of(user)).await;
    data.entered
        .handovers
        .iter()
        .find(|h| h.handover_id.as_str() == id)
        .and_then(|h| {
            let row = data
                .snapshot
                .cases
                .iter()
                .position(|c| c.case_id == h.case_id)? as u32;
            follows(user, &visible, h, row).then(|| (row, h.clone()))
        })
        .ok_or_else(|| user.forbidden("handover_outside_scope"))
}

/// What a built-in item is about in this case, from the data: the open deadlines, the latest
/// plan. Empty for the municipality's own items.
fn hint(data: &Data, case: u32, item: &str) -> String {
    let s = &data.snapshot;
    match item {
        "deadlines" => {
            let open: Vec<_> = data
                .evaluation
                .obligations
                .iter()
                .filter(|o| o.case == Some(case))
                .filter(|o| o.status == Status::Open || o.is_red())
                .collect();
            let overdue = open.iter().filter(|o| o.is_red()).count();
            match open.iter().map(|o| o.due.date()).min() {
                Some(next) => format!(
                    "Sagen har {} åbne frister, heraf {overdue} overskredne; den første {}.",
                    open.len(),
                    number::date(next)
                ),
                None => "Sagen har ingen åbne frister.".into(),
            }
        }
        "plan" => {
            let id = &s.cases[case as usize].case_id;
            match s
                .plans
                .iter()
                .filter(|p| p.case_id == *id && p.created_at <= data.date)
                .map(|p| p.created_at)
                .max()
            {
                Some(at) => format!("Seneste plan er fra {}.", number::date(at)),
                None => "Sagen har ingen plan.".into(),
            }
        }
        _ => String::new(),
    }
}

/// GET /overdragelser/{id}: the checklist.
pub async fn show(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::HandOverCases)?;
    let data = state.data().await?;
    let (row, h) = handover_of(&data, &user, &id).await?;
    audit_read(
        &state,
        &user,
        client,
        "handover.read",
        Some(("handover", id.clone())),
        None,
        vec![person(&data, row)],
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Overdragelse af sag {}", h.case_id.as_str()),
        "/overdragelser",
        freshness(&data),
    ));
    page.intro.push(format!(
        "Fra {} til {} · oprettet {} · {}",
        name_of(&data, h.from_staff.as_ref()),
        name_of(&data, Some(&h.to_staff)),
        number::date(h.created_on),
        match h.completed_on {
            Some(on) => format!("afsluttet {}", number::date(on)),
            None => "i gang".into(),
        }
    ));
    let mut form = Form::new(
        format!("/overdragelser/{}", url_encode(&id)),
        "Tjekliste",
        "Gem tjeklisten",
    );
    form.hidden.push(("version", h.version.get().to_string()));
    form.read_only = h.completed_on.is_some();
    for check in checks_of(&data, &id) {
        let item = check.item_id.as_str();
        let done = match (check.done_on, &check.done_by) {
            (Some(on), Some(by)) => format!("Udført {} af {by}. ", number::date(on)),
            (Some(on), None) => format!("Udført {}. ", number::date(on)),
            _ => String::new(),
        };
        form.fields.push(
            FormField::new(
                format!("done_{item}"),
                &check.label,
                Input::Checkbox {
                    checked: check.done_on.is_some(),
                },
            )
            .hint(format!("{done}{}", hint(&data, row, item))),
        );
        form.fields.push(FormField::new(
            format!("note_{item}"),
            format!("Note: {}", check.label),
            Input::Text {
                value: check.note.clone().unwrap_or_default(),
                max: MAX_NOTE,
            },
        ));
    }
    page.forms.push(form);
    page.links
        .push(Link::new(case_href(h.case_id.as_str()), "Sagen"));
    page.links
        .push(Link::new("/overdragelser", "Alle overdragelser"));
    Ok(render(&page))
}

/// POST /overdragelser/{id}: the items done and their notes, with the version the checklist
/// was opened at. The handover is complete when every item is done.
pub async fn store(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::HandOverCases)?;
    let data = state.data().await?;
    let (row, h) = handover_of(&data, &user, &id).await?;
    if h.completed_on.is_some() {
        return Err(AppError::bad_request(
            "overdragelse",
            "er afsluttet og kan ikke ændres",
        ));
    }
    let stored: Vec<HandoverCheck> = checks_of(&data, &id).into_iter().cloned().collect();
    let known = |item: &str| stored.iter().any(|c| c.item_id.as_str() == item);
    let fields = Fields::parse_with(form, |name| {
        ["done_", "note_"]
            .iter()
            .any(|prefix| name.strip_prefix(prefix).is_some_and(known))
    })?;
    let opened = fields.version;
    let done: Vec<&str> = fields.prefixed("done_").map(|(item, _)| item).collect();
    let mut notes: BTreeMap<&str, String> = BTreeMap::new();
    for (item, value) in fields.prefixed("note_") {
        if value.chars().count() > MAX_NOTE {
            return Err(AppError::bad_request(
                format!("note_{item}"),
                format!("er længere end {MAX_NOTE} tegn"),
            ));
        }
        notes.insert(item, value.trim().to_owned());
    }
    // The checks written are rebuilt from the data held here: it must be the version the
    // form was opened at, or a newer save would be overwritten.
    if *h.version.get() != opened {
        return Err(AppError::Conflict(
            "Tjeklisten er gemt af en anden, siden du åbnede den.".into(),
        ));
    }
    let checks: Vec<HandoverCheck> = stored
        .into_iter()
        .map(|check| {
            let item = check.item_id.as_str().to_owned();
            let is_done = done.contains(&item.as_str());
            let (done_on, done_by) = match (is_done, check.done_on) {
                (true, Some(_)) => (check.done_on, check.done_by.clone()),
                (true, None) => (Some(data.date), Some(user.username.clone())),
                (false, _) => (None, None),
            };
            let note = notes
                .get(item.as_str())
                .cloned()
                .or(check.note.clone())
                .filter(|n| !n.is_empty());
            HandoverCheck {
                done_on,
                done_by,
                note,
                ..check
            }
        })
        .collect();
    let completed_on = handover::completed_on(&checks);
    let saved = Handover {
        completed_on,
        version: super::version(opened.saturating_add(1)),
        ..h.clone()
    };
    let detail = format!(
        "done={}/{} completed={}",
        checks.iter().filter(|c| c.done_on.is_some()).count(),
        checks.len(),
        completed_on.is_some()
    );
    let rows: Vec<_> = checks.iter().map(HandoverCheck::to_row).collect();
    write_entered(
        &state,
        &user,
        client,
        "handover.save",
        ("handover", &id),
        detail,
        vec![person(&data, row)],
        Versioned {
            head_spec: &HANDOVERS,
            expected: Some(opened),
            head: saved.to_row(),
            children: vec![(&HANDOVER_CHECKS, rows)],
            conflict: CONFLICT,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/overdragelser/{}", url_encode(&id))).into_response())
}
