//! Who is asking: sessions, the logged-in user, CSRF-checked forms, and login itself.
//!
//! Pages never look at how a user logged in: they take a [`CurrentUser`], which comes from a
//! server-side session. Local password login ([`login`]) is one way to create that session;
//! an SSO login (OIDC or SAML through the municipality's identity provider) would be another
//! route that maps the provider's identity to a user and calls [`start_session`], with no page
//! changed.

pub mod login;
pub mod session;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use overblik_domain::access::{Capability, Role};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::state::AppState;
use session::{Rejected, Session, same_token};

/// The logged-in user of this request, checked against the store on every request (a disabled
/// account or a changed role takes effect at once, ASVS 8.3.2).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The caseworker's own staff id (role caseworker).
    pub staff_id: Option<String>,
    /// The unit led (team leader, head).
    pub unit_id: Option<String>,
    pub csrf: String,
}

impl CurrentUser {
    /// Refuses (403, audited) unless the role has `capability`.
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        if self.role.may(capability) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                user_id: self.id,
                what: capability.code(),
            })
        }
    }

    pub fn forbidden(&self, what: &'static str) -> AppError {
        AppError::Forbidden {
            user_id: self.id,
            what,
        }
    }
}

/// The session token from the request's cookie, if any.
pub fn session_token(headers: &HeaderMap, cookie_name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie_name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that hands `token` to the browser: HttpOnly, SameSite=Strict, and
/// Secure with the `__Host-` prefix behind TLS. No Max-Age: it ends with the browser, and the
/// server's timeouts end it sooner.
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    cookie(state, token, "")
}

/// The `Set-Cookie` value that makes the browser forget the session cookie.
pub fn clear_cookie(state: &AppState) -> HeaderValue {
    cookie(state, "", "; Max-Age=0")
}

fn cookie(state: &AppState, value: &str, lifetime: &str) -> HeaderValue {
    let secure = if state.config().behind_tls {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/{lifetime}; HttpOnly; SameSite=Strict{secure}",
        state.config().cookie_name()
    ))
    .expect("a hex token is a valid header value")
}

/// A session that may be anonymous (the login page), with its token.
pub struct AnySession {
    pub token: String,
    pub session: Session,
}

impl AnySession {
    fn from_parts(parts: &Parts, state: &AppState) -> Result<Option<AnySession>, AppError> {
        let Some(token) = session_token(&parts.headers, state.config().cookie_name()) else {
            return Ok(None);
        };
        match state.sessions().get(&token) {
            Ok(session) => Ok(Some(AnySession { token, session })),
            Err(Rejected::Expired) => Err(AppError::SessionRejected { expired: true }),
            Err(Rejected::Unknown) => Err(AppError::SessionRejected { expired: false }),
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let Some(any) = AnySession::from_parts(parts, state)? else {
            return Err(AppError::NotLoggedIn { next });
        };
        let Some(user_id) = any.session.user_id else {
            return Err(AppError::NotLoggedIn { next });
        };
        let user = state
            .pool()
            .run(move |store| store.user_by_id(user_id))
            .await?;
        let user = match user {
            Some(user) if !user.disabled => user,
            _ => {
                state.sessions().remove_user(user_id);
                return Err(AppError::SessionRejected { expired: false });
            }
        };
        let Some(role) = Role::from_code(&user.role) else {
            return Err(AppError::Forbidden {
                user_id,
                what: "unknown_role",
            });
        };
        Ok(CurrentUser {
            id: user.user_id,
            username: user.username,
            display_name: user.display_name,
            role,
            staff_id: user.staff_id,
            unit_id: user.unit_id,
            csrf: any.session.csrf,
        })
    }
}

/// A form whose `csrf` field matched the session's token; `T` is the rest of the form. Every
/// state-changing route takes its input through this (ASVS 3.5.1), logged in or not (login).
pub struct CsrfForm<T> {
    pub form: T,
    pub session: AnySession,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (parts, body) = request.into_parts();
        let session = AnySession::from_parts(&parts, state)?;
        let user_id = session.as_ref().and_then(|s| s.session.user_id);
        let bytes = axum::body::to_bytes(body, state.config().max_body_bytes)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::bad_request("formular", "kunne ikke læses som en formular"))?;
        let token = fields
            .iter()
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.as_str());
        let Some(session) = session else {
            return Err(AppError::Csrf { user_id });
        };
        if !token.is_some_and(|token| same_token(token, &session.session.csrf)) {
            return Err(AppError::Csrf { user_id });
        }
        let form = crate::input::decode(&bytes, "formular")?;
        Ok(CsrfForm { form, session })
    }
}

/// A form with no fields but its CSRF token (logout, confirmations).
#[derive(Debug, serde::Deserialize)]
pub struct EmptyForm {}

/// Starts a logged-in session for `user_id`, replacing `previous` (a new token at login,
/// ASVS 7.2.4); returns the `Set-Cookie` value.
pub fn start_session(state: &AppState, previous: Option<&str>, user_id: i64) -> HeaderValue {
    if let Some(previous) = previous {
        state.sessions().remove(previous);
    }
    let (token, _) = state.sessions().create(Some(user_id));
    session_cookie(state, &token)
}
