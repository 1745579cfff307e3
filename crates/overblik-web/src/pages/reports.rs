//! The four reports on screen, as XLSX downloads and as JSON: the same documents the CLI
//! writes (`overblik_domain::report::complete`), computed once per data version, unit and
//! audience. The committee report is as of the last month end and always suppressed.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use overblik_domain::access::Capability;
use overblik_domain::obligations::{AsOf, Evaluation};
use overblik_domain::report::{self, Audience, Document, Kind};
use overblik_report::Format;

use super::{audit_read, freshness};
use crate::auth::CurrentUser;
use crate::data::Data;
use crate::error::AppError;
use crate::scope::{CaseScope, figures_unit, visible_cases};
use crate::state::AppState;
use crate::view::{Layout, Link, Page, render};

fn kind_of(code: &str) -> Result<Kind, AppError> {
    Kind::from_code(code).ok_or(AppError::NotFound)
}

/// The document of `kind` for `user` (checked), and the data it was made from.
pub async fn document(
    state: &AppState,
    user: &CurrentUser,
    kind: Kind,
) -> Result<(Arc<Data>, Arc<Document>), AppError> {
    user.require(Capability::for_report(kind))?;
    let data = state.data().await?;
    let unit = match kind {
        Kind::Committee => None,
        _ => figures_unit(user, &data),
    };
    let audience = Audience::of(user.role);
    let key = format!(
        "report:{}:{}:{}",
        kind.code(),
        unit.as_deref().unwrap_or("-"),
        audience.code()
    );
    let rules = state.rules().clone();
    let document = data
        .cached_result(key, move |data| -> Result<Document, String> {
            let t = kind.as_of_for(data.date);
            // Only the committee report has a T of its own (a month end), and it reads no
            // obligations: today's evaluation serves every report that does.
            let none = Evaluation::default();
            let evaluation = if kind.reads_obligations() {
                &data.evaluation
            } else {
                &none
            };
            let ctx = data
                .context_at(unit.as_deref(), AsOf::end_of(t), evaluation)
                .map_err(|error| error.to_string())?;
            Ok(report::complete(&ctx, &rules, kind, audience))
        })
        .await
        .map_err(AppError::Internal)?;
    Ok((data, document))
}

/// A report that lists cases is a read of those persons; the others are aggregates.
pub(crate) async fn audit_report(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    data: &Arc<Data>,
    doc: &Document,
    action: &'static str,
    format: &str,
) -> Result<(), AppError> {
    let lists_cases = Kind::from_code(doc.kind).is_some_and(Kind::lists_cases);
    let persons = if lists_cases {
        let visible = visible_cases(data, &CaseScope::of(user)).await;
        let t = data.date;
        let mut persons: Vec<String> = data
            .snapshot
            .cases
            .iter()
            .enumerate()
            .filter(|(row, c)| {
                visible[*row] && c.opened_at <= t && c.closed_at.is_none_or(|d| d > t)
            })
            .map(|(_, c)| c.person_id.as_str().to_owned())
            .collect();
        persons.sort();
        persons.dedup();
        persons
    } else {
        Vec::new()
    };
    audit_read(
        state,
        user,
        client,
        action,
        Some(("report", doc.kind.to_owned())),
        Some(format!(
            "as_of={} format={format} unit={}",
            doc.as_of,
            doc.unit.as_ref().map(|u| u.id.as_str()).unwrap_or("-")
        )),
        persons,
    )
    .await
}

/// GET /rapporter: the reports this role may open.
pub async fn index(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let data = state.data().await?;
    let mut page = Page::new(Layout::new(
        &user,
        "Rapporter",
        "/rapporter",
        freshness(&data),
    ));
    for kind in Kind::ALL {
        if user.role.may(Capability::for_report(kind)) {
            page.links.push(Link::new(
                format!("/rapporter/{}", kind.code()),
                kind.label_da(),
            ));
        }
    }
    if page.links.is_empty() {
        return Err(user.forbidden("reports"));
    }
    page.intro
        .push("Vælg en rapport. Hver rapport kan også hentes som regneark (XLSX).".into());
    Ok(render(&page))
}

/// GET /rapporter/{kind}
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let kind = kind_of(&code)?;
    let (data, doc) = document(&state, &user, kind).await?;
    audit_report(&state, &user, client, &data, &doc, "report.read", "html").await?;
    let mut page = Page::new(Layout::new(
        &user,
        doc.title.clone(),
        "/rapporter",
        freshness(&data),
    ));
    page.intro.push(doc.subtitle.clone());
    page.suppressed_notice = doc.suppressed;
    page.downloads.push(Link::new(
        format!("/rapporter/{}/xlsx", kind.code()),
        format!(
            "Hent {} som regneark (XLSX)",
            kind.label_da().to_lowercase()
        ),
    ));
    page.report_html = Some(
        overblik_report::html_sections(&doc)
            .map_err(|error| AppError::Internal(error.to_string()))?,
    );
    Ok(render(&page))
}

/// GET /rapporter/{kind}/xlsx: an export, audited as one.
pub async fn xlsx(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let kind = kind_of(&code)?;
    let (data, doc) = document(&state, &user, kind).await?;
    let bytes = overblik_report::render(&doc, Format::Xlsx)
        .map_err(|error| AppError::Internal(error.to_string()))?;
    audit_report(&state, &user, client, &data, &doc, "report.export", "xlsx").await?;
    Ok(attachment(
        Format::Xlsx,
        &format!("{}-{}.xlsx", kind.code(), doc.as_of),
        bytes,
    ))
}

/// A download of `bytes` in `format` named `filename`.
pub(crate) fn attachment(format: Format, filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// GET /api/v1/reports/{kind}
pub async fn api(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Arc<Document>>, AppError> {
    let kind = kind_of(&code)?;
    let (data, doc) = document(&state, &user, kind).await?;
    audit_report(&state, &user, client, &data, &doc, "report.read", "json").await?;
    Ok(Json(doc))
}
