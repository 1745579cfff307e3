//! The auditor's view of the audit log: search by user, action, period, refused only, and
//! "who has looked at this child": by CPR number (POST, so it stays out of URLs and logs; it
//! is resolved to the person through the keyed hash) or by case id. The search is itself
//! audited.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use overblik_domain::Cpr;
use overblik_domain::access::Capability;
use overblik_store::{AuditFilter, AuditRecord};
use serde::{Deserialize, Serialize};

use super::{audit_read, freshness};
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::input::Params;
use crate::state::AppState;
use crate::view::{Layout, Page, ViewCell, ViewTable, render};

const LIMIT: u32 = 500;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub user: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub refused: Option<String>,
    pub case: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PersonForm {
    cpr: String,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub at: String,
    pub user: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub detail: Option<String>,
    pub client: Option<String>,
    pub outcome: String,
    pub persons: Vec<String>,
}

impl From<AuditRecord> for Entry {
    fn from(r: AuditRecord) -> Entry {
        Entry {
            at: r.at,
            user: r.username,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            detail: r.detail,
            client: r.client,
            outcome: r.outcome,
            persons: r.persons,
        }
    }
}

fn date(field: &str, text: Option<&str>, end: bool) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::bad_request(field, "skal være en dato på formen ÅÅÅÅ-MM-DD"))?;
    let time = if end {
        day.and_hms_opt(23, 59, 59)
    } else {
        day.and_hms_opt(0, 0, 0)
    };
    Ok(time.map(|t| t.and_utc()))
}

async fn search(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    query: &Query,
    person: Option<String>,
) -> Result<Vec<Entry>, AppError> {
    user.require(Capability::ReadAuditLog)?;
    let from = date("from", query.from.as_deref(), false)?;
    let to = date("to", query.to.as_deref(), true)?;
    let user_id = match query.user.as_deref().filter(|u| !u.is_empty()) {
        None => None,
        Some(name) => {
            let name = name.to_owned();
            let found = state
                .pool()
                .run(move |store| store.user_by_name(&name))
                .await?;
            Some(
                found
                    .map(|u| u.user_id)
                    .ok_or_else(|| AppError::bad_request("user", "ukendt bruger"))?,
            )
        }
    };
    let action = query.action.clone().filter(|a| !a.is_empty());
    let case = query.case.clone().filter(|c| !c.is_empty());
    let refused_only = query
        .refused
        .as_deref()
        .is_some_and(|r| r == "1" || r == "on");
    let person_for_filter = person.clone();
    let records = state
        .pool()
        .run(move |store| {
            store.search_audit(&AuditFilter {
                user_id,
                action_prefix: action.as_deref(),
                person_id: person_for_filter.as_deref(),
                object_id: case.as_deref(),
                from,
                to,
                refused_only,
                limit: LIMIT,
            })
        })
        .await?;
    let detail = format!(
        "user={} action={} from={} to={} refused={} case={} person={}",
        query.user.as_deref().unwrap_or("-"),
        query.action.as_deref().unwrap_or("-"),
        query.from.as_deref().unwrap_or("-"),
        query.to.as_deref().unwrap_or("-"),
        refused_only,
        query.case.as_deref().unwrap_or("-"),
        person.as_deref().unwrap_or("-"),
    );
    audit_read(
        state,
        user,
        client,
        "audit.search",
        None,
        Some(detail),
        person.into_iter().collect(),
    )
    .await?;
    Ok(records.into_iter().map(Entry::from).collect())
}

fn page_of(user: &CurrentUser, freshness: String, entries: &[Entry], heading: String) -> Page {
    let mut page = Page::new(Layout::new(user, "Revisionslog", "/revision", freshness));
    page.intro.push(heading);
    let mut table = ViewTable::new(
        "Registrerede handlinger, nyeste først",
        &[
            ("Tidspunkt (UTC)", false),
            ("Bruger", false),
            ("Handling", false),
            ("Objekt", false),
            ("Personer", true),
            ("Fra", false),
            ("Udfald", false),
        ],
    );
    table.empty = "Ingen registreringer matcher.".into();
    for e in entries {
        table.rows.push(vec![
            ViewCell::text(&e.at),
            ViewCell::text(e.user.as_deref().unwrap_or("–")),
            ViewCell::text(&e.action),
            ViewCell::text(match (&e.object_type, &e.object_id) {
                (Some(t), Some(id)) => format!("{t} {id}"),
                (Some(t), None) => t.clone(),
                _ => String::new(),
            }),
            ViewCell::number(e.persons.len()),
            ViewCell::text(e.client.as_deref().unwrap_or("")),
            ViewCell::text(if e.outcome == "refused" {
                "Afvist"
            } else {
                "Tilladt"
            })
            .alert_if(e.outcome == "refused"),
        ]);
    }
    table.note = Some(format!(
        "{} registreringer (højst {LIMIT} vises).",
        entries.len()
    ));
    page.tables.push(table);
    page
}

/// GET /revision
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Params(query): Params<Query>,
) -> Result<Response, AppError> {
    let entries = search(&state, &user, client, &query, None).await?;
    let data = state.data().await?;
    let mut page = page_of(
        &user,
        freshness(&data),
        &entries,
        "Søg i registreringerne med filtrene, eller find alle opslag om ét barn med CPR-nummeret."
            .into(),
    );
    page.audit_form = Some(crate::view::AuditForm {
        user: query.user.clone().unwrap_or_default(),
        action: query.action.clone().unwrap_or_default(),
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        case: query.case.clone().unwrap_or_default(),
        refused: query.refused.is_some(),
    });
    Ok(render(&page))
}

/// POST /revision/person: every registered look at one person, found by CPR number.
pub async fn by_person(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<PersonForm>,
) -> Result<Response, AppError> {
    user.require(Capability::ReadAuditLog)?;
    let digits = form.cpr.trim().replace('-', "");
    let cpr = Cpr::parse(&digits)
        .ok_or_else(|| AppError::bad_request("cpr", "skal være et CPR-nummer med 10 cifre"))?;
    let person = state
        .pool()
        .run(move |store| store.person_id_by_cpr(&cpr))
        .await?;
    let Some(person) = person else {
        return Err(AppError::bad_request(
            "cpr",
            "CPR-nummeret findes ikke i data",
        ));
    };
    let entries = search(
        &state,
        &user,
        client,
        &Query::default(),
        Some(person.clone()),
    )
    .await?;
    let data = state.data().await?;
    let mut page = page_of(
        &user,
        freshness(&data),
        &entries,
        format!("Alle registrerede opslag om personen (person-id {person})."),
    );
    page.audit_form = Some(crate::view::AuditForm::default());
    Ok(render(&page))
}

/// GET /api/v1/audit
pub async fn api(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Params(query): Params<Query>,
) -> Result<Json<Vec<Entry>>, AppError> {
    Ok(Json(search(&state, &user, client, &query, None).await?))
}
