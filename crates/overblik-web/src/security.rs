//! The layer every response passes: security headers, the audit entry of a refused access
//! (written before the response leaves), JSON errors under `/api/`, and a server log line that
//! holds no personal data (method, route template, status, time; never the path's ids, the
//! query or a body).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tracing::Instrument;

use axum::Json;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use overblik_store::{AuditEntry, AuditOutcome};

use crate::auth::clear_cookie;
use crate::error::{ErrorInfo, Refusal};
use crate::state::AppState;

/// Scripts, styles, fonts and images only from this server; no inline script or style, no
/// plug-ins, no framing, forms only to this server (ASVS 3.4.3, 3.4.6).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
form-action 'self'";

/// Numbers the requests of this process: the id in every log line of a request and in its
/// `x-request-id` header, so a user's report of an error can be found in the log.
static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

pub async fn layer(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "(ingen rute)".into());
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let is_asset = path.starts_with("/assets/");
    let request_id = REQUEST_IDS.fetch_add(1, Ordering::Relaxed);
    let span = tracing::info_span!("request", request_id, route = %route);
    let mut response = next.run(request).instrument(span).await;

    if let Some(refusal) = response.extensions_mut().remove::<Refusal>() {
        // The attempt is on record before the answer is sent; if that fails, the answer is a
        // 500 rather than an unrecorded refusal.
        let client = client.ip().to_string();
        let detail = format!("{} {path}; {}", method, refusal.detail);
        let written = state
            .pool()
            .write(move |store| {
                store.audit(&AuditEntry {
                    user_id: refusal.user_id,
                    detail: Some(&detail),
                    client: Some(&client),
                    outcome: AuditOutcome::Refused,
                    ..AuditEntry::new(refusal.action)
                })
            })
            .await;
        if let Err(error) = written {
            tracing::error!(%error, "could not audit a refused access");
            response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    if let Some(info) = response.extensions().get::<ErrorInfo>().cloned() {
        if info.status == StatusCode::UNAUTHORIZED && !response.status().is_redirection() {
            response
                .headers_mut()
                .append(header::SET_COOKIE, clear_cookie(&state));
        }
        if is_api {
            let cookies: Vec<HeaderValue> = response
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .cloned()
                .collect();
            response = (
                info.status,
                Json(serde_json::json!({
                    "error": { "status": info.status.as_u16(), "message": info.message }
                })),
            )
                .into_response();
            for cookie in cookies {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
        }
    }

    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if state.config().behind_tls {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !is_asset {
        // Pages hold personal data: never stored by the browser or a proxy (ASVS 14.3.2).
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if let Ok(id) = HeaderValue::from_str(&request_id.to_string()) {
        headers.insert("x-request-id", id);
    }
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        request_id,
        "request"
    );
    response
}
