//! The JSON API: the same figures and lists as the pages, under the same sessions and access
//! rules (a page route and its API route call one function), documented in `openapi.json`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use overblik_domain::access::Capability;
use overblik_domain::figures::Period;
use overblik_domain::figures::all::{Figures, FiguresDocument};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input::Params;
use crate::scope::figures_unit;
use crate::state::AppState;

/// The API description (OpenAPI 3.1), checked against the router by the tests.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// GET /api/v1/openapi.json
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Debug, Serialize)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub staff_id: Option<String>,
    pub unit_id: Option<String>,
}

/// GET /api/v1/me
pub async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me {
        role: user.role.code(),
        role_label: user.role.label_da(),
        username: user.username,
        display_name: user.display_name,
        staff_id: user.staff_id,
        unit_id: user.unit_id,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// GET /api/v1/figures: KF01-KF23 for the user's own unit (roles with aggregate access). The
/// aggregate-only roles get the committee report instead: raw figures are not suppressed.
pub async fn figures(
    State(state): State<AppState>,
    ConnectInfo(_client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Params(query): Params<FiguresQuery>,
) -> Result<Json<FiguresDocument>, AppError> {
    user.require(Capability::UnitFigures)?;
    let data = state.data().await?;
    let to = query.to.unwrap_or(data.date);
    let from = query
        .from
        .unwrap_or_else(|| Period::year(chrono::Datelike::year(&to)).from);
    // Bounded: within the data's years and at most ten years, so no request can make a
    // figure walk an unbounded number of days or months.
    let period = Period::requested(from, to, data.data_starts.unwrap_or(data.date), data.date)
        .map_err(|error| AppError::bad_request(error.field(), error.to_string()))?;
    let unit = figures_unit(&user, &data);
    let key = format!("figures:{}:{from}:{to}", unit.as_deref().unwrap_or("-"));
    let unit_for = unit.clone();
    let figures = data
        .cached_result(key, move |data| {
            data.context(unit_for.as_deref())
                .map(|ctx| Figures::compute(&ctx, period))
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(AppError::Internal)?;
    Ok(Json(FiguresDocument {
        as_of: data.date,
        from,
        to,
        unit,
        figures: (*figures).clone(),
    }))
}
