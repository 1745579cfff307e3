#![doc = include_str!("../README.md")]

pub mod accounts;
mod api;
mod assets;
mod auth;
mod config;
mod data;
mod error;
mod input;
mod pages;
pub mod password;
mod pool;
mod scope;
mod security;
mod state;
mod view;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;

pub use api::OPENAPI;
pub use config::WebConfig;
pub use pool::Opener;
pub use state::AppState;

use error::AppError;

/// Every route of the application. Pages and their API twins share one function each.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::landing::root))
        .route("/healthz", get(|| async { "ok" }))
        .route("/login", get(auth::login::show).post(auth::login::submit))
        .route("/logout", post(auth::login::logout))
        .route("/oversigt", get(pages::landing::page))
        .route("/frister", get(pages::obligations::page))
        .route("/sager/{case_id}", get(pages::cases::page))
        .route(
            "/sager/{case_id}/maalscorer",
            get(pages::scores::page).post(pages::scores::save),
        )
        .route(
            "/sager/{case_id}/kompleksitet",
            post(pages::cases::set_flags),
        )
        .route("/sagsstamme", get(pages::caseload::page))
        .route("/sagsstamme/{staff_id}", get(pages::caseload::caseworker))
        .route(
            "/sagsstamme/{staff_id}/profil",
            post(pages::caseload::set_profile),
        )
        .route(
            "/sagsvaegte",
            get(pages::weights::page).post(pages::weights::store),
        )
        .route("/gennemgang", get(pages::review::list))
        .route(
            "/gennemgang/ny/{staff_id}",
            get(pages::review::new_review).post(pages::review::start),
        )
        .route(
            "/gennemgang/{review_id}",
            get(pages::review::show).post(pages::review::store),
        )
        .route("/resultater", get(pages::results::page))
        .route("/maal", get(pages::policy::page))
        .route("/maal/temaer", post(pages::policy::add_theme))
        .route("/maal/aarsmaal", post(pages::policy::add_goal))
        .route("/maal/indikatorer", post(pages::policy::add_indicator))
        .route("/maal/rapport", get(pages::policy::report_page))
        .route("/maal/rapport/xlsx", get(pages::policy::report_xlsx))
        .route("/tilsyn", get(pages::supervision::page))
        .route("/tilsyn/temaer", post(pages::supervision::add_theme))
        .route(
            "/tilsyn/tema/{theme_id}",
            get(pages::supervision::theme_page).post(pages::supervision::add_item),
        )
        .route("/tilsyn/runder", post(pages::supervision::draw))
        .route(
            "/tilsyn/runde/{round_id}",
            get(pages::supervision::round_page).post(pages::supervision::save_round),
        )
        .route(
            "/tilsyn/runde/{round_id}/{case_id}",
            get(pages::supervision::case_page).post(pages::supervision::save_case),
        )
        .route("/overdragelser", get(pages::handover::list))
        .route("/overdragelser/punkter", post(pages::handover::set_items))
        .route(
            "/overdragelser/ny/{case_id}",
            get(pages::handover::confirm_new).post(pages::handover::create),
        )
        .route(
            "/overdragelser/{handover_id}",
            get(pages::handover::show).post(pages::handover::store),
        )
        .route("/fordeling", get(pages::distribution::page))
        .route(
            "/fordeling/{case_id}",
            get(pages::distribution::case).post(pages::distribution::assign),
        )
        .route("/soeg", post(pages::cases::search))
        .route("/rapporter", get(pages::reports::index))
        .route("/rapporter/{kind}", get(pages::reports::page))
        .route("/rapporter/{kind}/xlsx", get(pages::reports::xlsx))
        .route("/oekonomi", get(pages::economy::page))
        .route("/kvalitet", get(pages::quality::page))
        .route("/revision", get(pages::audit_log::page))
        .route("/revision/person", post(pages::audit_log::by_person))
        .route(
            "/admin/brugere",
            get(pages::admin::page).post(pages::admin::create),
        )
        .route(
            "/admin/brugere/{username}/{action}",
            get(pages::admin::confirm).post(pages::admin::change),
        )
        .route("/assets/{*path}", get(assets::serve))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/figures", get(api::figures))
        .route("/api/v1/obligations", get(pages::obligations::api))
        .route("/api/v1/cases/{case_id}", get(pages::cases::api))
        .route("/api/v1/reports/{kind}", get(pages::reports::api))
        .route("/api/v1/audit", get(pages::audit_log::api))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async {
            AppError::bad_request(
                "metode",
                "denne adresse tager ikke imod denne slags forespørgsel",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::layer,
        ))
        .layer(DefaultBodyLimit::max(state.config().max_body_bytes))
        .with_state(state)
}

/// Serves until `shutdown` completes; the caller binds the listener so tests can use port 0.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
