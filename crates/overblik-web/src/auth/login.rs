//! Local password login and logout. Failed attempts count per account; after
//! `WebConfig::lock_after` in a row the account is locked for `lock_for` (an administrator's
//! `overblik user reset` unlocks it). Every attempt is audited, successful or not. The same
//! message answers an unknown user and a wrong password, and an unknown user is checked
//! against a dummy hash so both take as long.

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use overblik_store::{AuditEntry, AuditOutcome, UserRecord};
use serde::Deserialize;
use std::net::SocketAddr;

use super::{
    AnySession, CsrfForm, EmptyForm, clear_cookie, session_cookie, session_token, start_session,
};
use crate::error::AppError;
use crate::password::{dummy_hash, verify_password};
use crate::state::AppState;
use crate::view::{LoginPage, render};

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

/// GET /login: the form, in an anonymous session that carries its CSRF token.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let existing = session_token(&headers, state.config().cookie_name())
        .and_then(|token| state.sessions().get(&token).ok().map(|s| (token, s)));
    if let Some((_, session)) = &existing
        && session.user_id.is_some()
    {
        return Redirect::to("/oversigt").into_response();
    }
    let next = safe_next(query.next.as_deref().unwrap_or("/")).to_owned();
    let (cookie, csrf) = match existing {
        Some((_, session)) => (None, session.csrf),
        None => {
            let (token, session) = state.sessions().create(None);
            (Some(session_cookie(&state, &token)), session.csrf)
        }
    };
    let page = LoginPage {
        csrf: &csrf,
        next: &next,
        username: "",
        error: None,
    };
    let mut response = render(&page).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

enum Outcome {
    Success(UserRecord),
    Wrong,
    Locked,
}

/// POST /login.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    CsrfForm { form, session }: CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    if form.username.len() > 64 || form.password.len() > 1024 {
        return Err(AppError::bad_request(
            "brugernavn",
            "brugernavn eller adgangskode er for langt",
        ));
    }
    let username = form.username.trim().to_owned();
    let lookup = username.clone();
    // The user and their hash in one trip to the store.
    let (user, hash) = state
        .pool()
        .run(move |store| {
            let user = store.user_by_name(&lookup)?;
            let hash = match &user {
                Some(user) => store.password_hash(user.user_id)?,
                None => None,
            };
            Ok((user, hash))
        })
        .await?;
    let password = form.password;
    let matches = tokio::task::spawn_blocking(move || {
        verify_password(&password, hash.as_deref().unwrap_or(dummy_hash()))
    })
    .await
    .map_err(|error| AppError::Internal(error.to_string()))?;
    let target = user.as_ref().map(|user| user.username.clone());
    let outcome = match user {
        Some(user) if user.disabled => Outcome::Wrong,
        Some(user) if user.is_locked_at(Utc::now()) => Outcome::Locked,
        Some(user) if matches => Outcome::Success(user),
        Some(user) => {
            let (id, after, lock_for) = (
                user.user_id,
                state.config().lock_after,
                state.config().lock_for,
            );
            let updated = state
                .pool()
                .write(move |store| store.record_failed_login(id, after, lock_for))
                .await?;
            if updated.is_locked_at(Utc::now()) {
                Outcome::Locked
            } else {
                Outcome::Wrong
            }
        }
        None => Outcome::Wrong,
    };
    let client = client.ip().to_string();
    let (user_id, action, outcome_code) = match &outcome {
        Outcome::Success(user) => (Some(user.user_id), "login.success", AuditOutcome::Allowed),
        Outcome::Wrong => (None, "login.failed", AuditOutcome::Refused),
        Outcome::Locked => (None, "login.locked", AuditOutcome::Refused),
    };
    // A refused login has no known actor, but the account it tried is the object (by username,
    // as for `user.add`), so the auditor sees attacks on an account. A name that matches no
    // account is not recorded: it may be a password or a CPR number typed into the wrong field.
    let target = match &outcome {
        Outcome::Success(_) => None,
        Outcome::Wrong | Outcome::Locked => target,
    };
    state
        .pool()
        .write(move |store| {
            store.audit(&AuditEntry {
                user_id,
                client: Some(&client),
                outcome: outcome_code,
                object_type: target.as_ref().map(|_| "user"),
                object_id: target.as_deref(),
                ..AuditEntry::new(action)
            })
        })
        .await?;
    match outcome {
        Outcome::Success(user) => {
            let id = user.user_id;
            state
                .pool()
                .write(move |store| store.record_login(id))
                .await?;
            let cookie = start_session(&state, Some(&session.token), id);
            let mut response = Redirect::to(safe_next(&form.next)).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        Outcome::Wrong | Outcome::Locked => {
            let (status, message) = match outcome {
                Outcome::Locked => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Kontoen er midlertidigt spærret efter for mange forkerte forsøg. Prøv igen senere, eller bed administratoren om at nulstille den.",
                ),
                _ => (
                    StatusCode::UNAUTHORIZED,
                    "Forkert brugernavn eller adgangskode.",
                ),
            };
            let page = LoginPage {
                csrf: &session.session.csrf,
                next: safe_next(&form.next),
                username: &username,
                error: Some(message),
            };
            Ok((status, render(&page)).into_response())
        }
    }
}

/// POST /logout: ends the session on the server and in the browser.
pub async fn logout(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    CsrfForm { session, .. }: CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    let AnySession { token, session } = session;
    state.sessions().remove(&token);
    if let Some(user_id) = session.user_id {
        let client = client.ip().to_string();
        state
            .pool()
            .write(move |store| {
                store.audit(&AuditEntry {
                    user_id: Some(user_id),
                    client: Some(&client),
                    ..AuditEntry::new("logout")
                })
            })
            .await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(&state));
    Ok(response)
}
