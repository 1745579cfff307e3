//! The monthly caseload review (F9, S2: Brønderslev): the leader and a caseworker go through
//! every open case of the caseworker — weight, phase, next deadline, overdue obligations, last
//! follow-up, goal progress — and record per case an adjustment (keep, up, down, close) and a
//! note. Reviews are stored (an entered table), dated and counted per caseworker and year. A
//! review is saved with the version it was opened at: when another leader saved it in between,
//! the save is refused (409) and nothing is half-saved.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use overblik_domain::access::Capability;
use overblik_domain::codes::{Adjustment, ReviewStatus};
use overblik_domain::figures::Context;
use overblik_domain::figures::caseload::open_cases_of;
use overblik_domain::ids::{ReviewId, StaffId};
use overblik_domain::report::CaseStatus;
use overblik_domain::tables::{REVIEW_LINES, REVIEWS, Review, ReviewLine};
use overblik_report::number;

use super::landing::summary;
use super::{Fields, Versioned, audit_read, freshness, points, write_entered};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::figures_unit;
use crate::state::AppState;
use crate::view::{
    Layout, Link, Page, ReviewForm, ReviewFormRow, ViewCell, ViewTable, case_href, render,
    url_encode,
};

/// The caseworkers the user reviews: those of their unit, by staff id → name.
async fn caseworkers(
    data: &Arc<Data>,
    user: &CurrentUser,
) -> Result<BTreeMap<String, String>, AppError> {
    let s = summary(data, figures_unit(user, data)).await?;
    Ok(s.caseworkers
        .iter()
        .map(|c| (c.staff_id.clone(), c.name.clone()))
        .collect())
}

/// GET /gennemgang: the unit's caseworkers with the reviews held with each this year, and the
/// reviews themselves.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Capability::ReviewCaseloads)?;
    let data = state.data().await?;
    let staff = caseworkers(&data, &user).await?;
    let year = data.date.year();
    let mut page = Page::new(Layout::new(
        &user,
        "Gennemgang af sagsstammer",
        "/gennemgang",
        freshness(&data),
    ));
    page.intro.push(
        "Gå hver sagsbehandlers sagsstamme igennem sammen med sagsbehandleren hver måned: alle åbne sager, hvad der skal justeres, og en note."
            .into(),
    );
    let reviews: Vec<&Review> = data
        .entered
        .reviews
        .iter()
        .filter(|r| staff.contains_key(r.staff_id.as_str()))
        .collect();
    let mut per_caseworker = ViewTable::new(
        format!("Gennemgange pr. sagsbehandler i {year}"),
        &[
            ("Sagsbehandler", false),
            ("Gennemgange i år", true),
            ("Seneste", false),
            ("Start", false),
        ],
    );
    for (id, name) in &staff {
        let mine: Vec<&&Review> = reviews
            .iter()
            .filter(|r| r.staff_id.as_str() == id)
            .collect();
        let this_year = mine.iter().filter(|r| r.held_on.year() == year).count();
        let last = mine.iter().map(|r| r.held_on).max();
        per_caseworker.rows.push(vec![
            ViewCell::text(name),
            ViewCell::number(this_year).alert_if(this_year == 0),
            ViewCell::text(last.map_or("aldrig".to_owned(), number::date)),
            ViewCell::text("Start ny gennemgang")
                .link(format!("/gennemgang/ny/{}", url_encode(id))),
        ]);
    }
    per_caseworker.empty = "Ingen sagsbehandlere i enheden.".into();
    page.tables.push(per_caseworker);
    let mut held = ViewTable::new(
        "Gennemgange, nyeste først",
        &[
            ("Dato", false),
            ("Sagsbehandler", false),
            ("Leder", false),
            ("Status", false),
            ("Sager justeret", true),
        ],
    );
    let mut sorted = reviews.clone();
    sorted.sort_by(|a, b| {
        b.held_on
            .cmp(&a.held_on)
            .then(b.review_id.cmp(&a.review_id))
    });
    for r in sorted {
        let adjusted = data
            .entered
            .review_lines
            .iter()
            .filter(|l| l.review_id == r.review_id && l.adjustment != Adjustment::Keep)
            .count();
        held.rows.push(vec![
            ViewCell::text(number::date(r.held_on))
                .link(format!("/gennemgang/{}", url_encode(r.review_id.as_str()))),
            ViewCell::text(staff.get(r.staff_id.as_str()).cloned().unwrap_or_default()),
            ViewCell::text(&r.leader),
            ViewCell::text(r.status.label_da()),
            ViewCell::number(adjusted),
        ]);
    }
    held.empty = "Ingen gennemgange endnu.".into();
    page.tables.push(held);
    Ok(render(&page))
}

/// GET /gennemgang/ny/{staff_id}: starts a review of one caseworker today and opens it.
/// A GET that writes would be wrong; it only shows the button that posts.
pub async fn new_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(staff_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::ReviewCaseloads)?;
    let data = state.data().await?;
    let staff = caseworkers(&data, &user).await?;
    let Some(name) = staff.get(&staff_id) else {
        return Err(user.forbidden("review_of_other_staff"));
    };
    let mut page = Page::new(Layout::new(
        &user,
        format!("Ny gennemgang: {name}"),
        "/gennemgang",
        freshness(&data),
    ));
    page.intro.push(format!(
        "Gennemgangen dateres {} og omfatter sagsbehandlerens åbne sager.",
        number::date(data.date)
    ));
    page.confirm = Some(crate::view::Confirm {
        action: format!("/gennemgang/ny/{}", url_encode(&staff_id)),
        label: "Start gennemgangen".into(),
    });
    page.links.push(Link::new("/gennemgang", "Tilbage"));
    Ok(render(&page))
}

/// POST /gennemgang/ny/{staff_id}
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(staff_id): Path<String>,
    CsrfForm { .. }: CsrfForm<crate::auth::EmptyForm>,
) -> Result<Response, AppError> {
    user.require(Capability::ReviewCaseloads)?;
    let data = state.data().await?;
    if !caseworkers(&data, &user).await?.contains_key(&staff_id) {
        return Err(user.forbidden("review_of_other_staff"));
    }
    let review_id: ReviewId = super::new_id("R");
    let review = Review {
        review_id: review_id.clone(),
        staff_id: id(StaffId::parse(&staff_id))?,
        held_on: data.date,
        leader: user.username.clone(),
        status: ReviewStatus::Open,
        version: super::version(0),
        note: None,
    };
    save(
        &state,
        &user,
        client,
        None,
        review,
        Vec::new(),
        Vec::new(),
        "review.start",
    )
    .await?;
    Ok(Redirect::to(&format!("/gennemgang/{}", review_id.as_str())).into_response())
}

/// Writes the review and its lines with the audit entry, if the version is still `expected`;
/// else nothing is written (409).
#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    expected: Option<i64>,
    review: Review,
    lines: Vec<ReviewLine>,
    persons: Vec<String>,
    action: &'static str,
) -> Result<(), AppError> {
    let id = review.review_id.as_str().to_owned();
    let detail = format!("lines={}", lines.len());
    write_entered(
        state,
        user,
        client,
        action,
        ("review", &id),
        detail,
        persons,
        Versioned {
            head_spec: &REVIEWS,
            expected,
            head: review.to_row(),
            children: vec![(
                &REVIEW_LINES,
                lines.iter().map(ReviewLine::to_row).collect(),
            )],
            conflict: "Gennemgangen er gemt af en anden, siden du åbnede den.",
        },
    )
    .await
}

/// The review `review_id` if the user may see it (a caseworker of their unit).
async fn review_of(
    data: &Arc<Data>,
    user: &CurrentUser,
    review_id: &str,
) -> Result<(Review, String), AppError> {
    let review = data
        .entered
        .reviews
        .iter()
        .find(|r| r.review_id.as_str() == review_id)
        .cloned()
        .ok_or_else(|| user.forbidden("review_outside_unit"))?;
    let staff = caseworkers(data, user).await?;
    match staff.get(review.staff_id.as_str()) {
        Some(name) => Ok((review, name.clone())),
        None => Err(user.forbidden("review_outside_unit")),
    }
}

/// The cases of a review: the caseworker's open cases at T while it is open, the recorded
/// lines once it is closed.
fn review_cases(data: &Data, ctx: &Context<'_>, review: &Review) -> Vec<u32> {
    if review.status == ReviewStatus::Closed {
        return data
            .entered
            .review_lines
            .iter()
            .filter(|l| l.review_id == review.review_id)
            .filter_map(|l| ctx.lookup.case(l.case_id.as_str()))
            .collect();
    }
    ctx.lookup
        .staff_row(review.staff_id.as_str())
        .map(|staff| open_cases_of(ctx, staff).collect())
        .unwrap_or_default()
}

/// GET /gennemgang/{review_id}
pub async fn show(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(review_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::ReviewCaseloads)?;
    let data = state.data().await?;
    let (review, name) = review_of(&data, &user, &review_id).await?;
    let ctx = data.context(None)?;
    let cases = review_cases(&data, &ctx, &review);
    let s = &data.snapshot;
    audit_read(
        &state,
        &user,
        client,
        "review.read",
        Some(("review", review_id.clone())),
        Some(format!("cases={}", cases.len())),
        cases
            .iter()
            .map(|&c| s.cases[c as usize].person_id.as_str().to_owned())
            .collect(),
    )
    .await?;
    // Per data version: it reads every obligation, follow-up and goal.
    let status = data
        .cached_result("case_status".into(), |data| {
            data.context(None)
                .map(|ctx| CaseStatus::at(&ctx))
                .map_err(|error| error.to_string())
        })
        .await
        .map_err(AppError::Internal)?;
    let lines: BTreeMap<&str, &ReviewLine> = data
        .entered
        .review_lines
        .iter()
        .filter(|l| l.review_id == review.review_id)
        .map(|l| (l.case_id.as_str(), l))
        .collect();
    let rows = cases
        .iter()
        .map(|&c| {
            let id = s.cases[c as usize].case_id.as_str();
            let line = lines.get(id);
            let chosen = line.map_or(Adjustment::Keep, |l| l.adjustment);
            ReviewFormRow {
                case_id: id.to_owned(),
                href: case_href(id),
                weight: points(ctx.weights().of(c).points),
                phase: status.phase_label(c),
                next_due: status.next_due(c).map_or("–".into(), number::date),
                overdue: status.overdue(c),
                last_followup: status.last_followup(c).map_or("–".into(), number::date),
                progress: status
                    .goal_progress(c)
                    .map_or("–".into(), |p| number::decimal(p, 1)),
                adjustments: Adjustment::ALL
                    .iter()
                    .map(|a| (a.code(), a.label_da(), *a == chosen))
                    .collect(),
                note: line.and_then(|l| l.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let mut page = Page::new(Layout::new(
        &user,
        format!("Gennemgang: {name}"),
        "/gennemgang",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{} · leder {} · {}",
        number::date(review.held_on),
        review.leader,
        review.status.label_da()
    ));
    page.review_form = Some(ReviewForm {
        action: format!("/gennemgang/{}", url_encode(&review_id)),
        version: *review.version.get(),
        closed: review.status == ReviewStatus::Closed,
        note: review.note.clone().unwrap_or_default(),
        rows,
    });
    page.links
        .push(Link::new("/gennemgang", "Alle gennemgange"));
    Ok(render(&page))
}

/// POST /gennemgang/{review_id}: the adjustments and notes, with the version the form was
/// opened at; `close` ends the review.
pub async fn store(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(review_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::ReviewCaseloads)?;
    let data = state.data().await?;
    let (review, _) = review_of(&data, &user, &review_id).await?;
    if review.status == ReviewStatus::Closed {
        return Err(AppError::bad_request(
            "gennemgang",
            "er afsluttet og kan ikke ændres",
        ));
    }
    let ctx = data.context(None)?;
    let cases = review_cases(&data, &ctx, &review);
    let s = &data.snapshot;
    let case_ids: Vec<&str> = cases
        .iter()
        .map(|&c| s.cases[c as usize].case_id.as_str())
        .collect();
    let fields = Fields::parse_with(form, |name| {
        matches!(name, "note" | "close") || name.starts_with("adj_") || name.starts_with("note_")
    })?;
    let version_opened = fields.version;
    let note = fields.get("note").to_owned();
    let close = fields.has("close");
    let mut adjustments: BTreeMap<&str, Adjustment> = BTreeMap::new();
    for (case, value) in fields.prefixed("adj_") {
        let adjustment = Adjustment::from_code(value).ok_or_else(|| {
            AppError::bad_request("justering", "skal være keep, up, down eller close")
        })?;
        adjustments.insert(case, adjustment);
    }
    let notes: BTreeMap<&str, &str> = fields.prefixed("note_").collect();
    if let Some(unknown) = adjustments
        .keys()
        .chain(notes.keys())
        .find(|case| !case_ids.contains(case))
    {
        return Err(AppError::bad_request(
            "sag",
            format!(
                "{} hører ikke til gennemgangen",
                crate::input::shown_name(unknown)
            ),
        ));
    }
    if note.chars().count() > 2000 || notes.values().any(|n| n.chars().count() > 1000) {
        return Err(AppError::bad_request("note", "er for lang"));
    }
    let mut lines = Vec::new();
    let mut persons = Vec::new();
    for &c in &cases {
        let case = &s.cases[c as usize];
        let note = notes
            .get(case.case_id.as_str())
            .map(|n| n.trim())
            .filter(|n| !n.is_empty());
        persons.push(case.person_id.as_str().to_owned());
        lines.push(ReviewLine {
            review_id: review.review_id.clone(),
            case_id: case.case_id.clone(),
            adjustment: adjustments
                .get(case.case_id.as_str())
                .copied()
                .unwrap_or(Adjustment::Keep),
            note: note.map(str::to_owned),
        });
    }
    let note = note.trim();
    let saved = Review {
        status: if close {
            ReviewStatus::Closed
        } else {
            ReviewStatus::Open
        },
        version: super::version(version_opened.saturating_add(1)),
        note: (!note.is_empty()).then(|| note.to_owned()),
        ..review
    };
    save(
        &state,
        &user,
        client,
        Some(version_opened),
        saved,
        lines,
        persons,
        "review.save",
    )
    .await?;
    Ok(Redirect::to(&format!("/gennemgang/{}", url_encode(&review_id))).into_response())
}

/// An id made here (a new review id, a staff id from the data) as its record holds it.
fn id<T>(parsed: Result<T, overblik_domain::CellError>) -> Result<T, AppError> {
    parsed.map_err(|error| AppError::Internal(error.to_string()))
}
