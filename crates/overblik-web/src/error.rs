//! Everything that can go wrong in a request, as a Danish page (or JSON under `/api/`) with the
//! right status. Messages name what was wrong and where (the field), never personal data.
//!
//! A refusal (forbidden page, rejected session, missing CSRF token) also carries a
//! [`Refusal`] in the response's extensions; the audit layer writes it to the audit log before
//! the response leaves the server.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use overblik_store::StoreError;

use crate::view::ErrorPage;

#[derive(Debug)]
pub enum AppError {
    /// No session: go to the login page (and come back to `next`).
    NotLoggedIn {
        next: String,
    },
    /// A session token that is unknown (forged, or ended) or timed out.
    SessionRejected {
        expired: bool,
    },
    /// The role may not see this.
    Forbidden {
        user_id: i64,
        what: &'static str,
    },
    /// A state-changing request without a valid CSRF token.
    Csrf {
        user_id: Option<i64>,
    },
    NotFound,
    /// Bad input: which field, and what is wrong with it.
    BadRequest {
        field: String,
        message: String,
    },
    PayloadTooLarge,
    /// Someone else saved the same thing since it was opened: nothing was saved.
    Conflict(String),
    /// A failure of ours; the detail goes to the server log only.
    Internal(String),
}

/// Refused access to record in the audit log (see the module doc).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub user_id: Option<i64>,
    pub action: &'static str,
    pub detail: String,
}

/// What the `/api/` layer turns into a JSON body.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub message: String,
}

impl From<overblik_domain::figures::UnknownUnit> for AppError {
    /// A user linked to a unit the data no longer has: a fault in the data or the account.
    fn from(error: overblik_domain::figures::UnknownUnit) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl AppError {
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            field: field.into(),
            message: message.into(),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::NotLoggedIn { .. } => (
                StatusCode::UNAUTHORIZED,
                "Log ind",
                "Du skal logge ind for at se siden.".into(),
            ),
            AppError::SessionRejected { expired: true } => (
                StatusCode::UNAUTHORIZED,
                "Sessionen er udløbet",
                "Du har været inaktiv for længe, eller arbejdsdagens session er slut. Log ind igen."
                    .into(),
            ),
            AppError::SessionRejected { expired: false } => (
                StatusCode::UNAUTHORIZED,
                "Ugyldig session",
                "Din session findes ikke (den er afsluttet, eller serveren er genstartet). Log ind igen."
                    .into(),
            ),
            AppError::Forbidden { .. } => (
                StatusCode::FORBIDDEN,
                "Ingen adgang",
                "Din rolle giver ikke adgang til denne side. Forsøget er registreret i revisionsloggen."
                    .into(),
            ),
            AppError::Csrf { .. } => (
                StatusCode::FORBIDDEN,
                "Formularen kunne ikke godkendes",
                "Formularen manglede sin sikkerhedsnøgle eller var for gammel. Gå tilbage, genindlæs siden og prøv igen."
                    .into(),
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Siden findes ikke",
                "Adressen findes ikke i overblik.".into(),
            ),
            AppError::BadRequest { field, message } => (
                StatusCode::BAD_REQUEST,
                "Ugyldigt input",
                format!("Feltet «{field}»: {message}"),
            ),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "For stor forespørgsel",
                "Det indsendte er større end tilladt. Intet er gemt.".into(),
            ),
            AppError::Conflict(message) => (
                StatusCode::CONFLICT,
                "Ændret af en anden",
                format!("{message} Intet er gemt. Åbn siden igen for at se det, der nu er gemt."),
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Der skete en fejl",
                "overblik kunne ikke vise siden. Prøv igen; fortsætter fejlen, kontakt administratoren."
                    .into(),
            ),
        }
    }

    fn refusal(&self) -> Option<Refusal> {
        match self {
            AppError::SessionRejected { expired } => Some(Refusal {
                user_id: None,
                action: "access.session_rejected",
                detail: if *expired { "expired" } else { "unknown" }.into(),
            }),
            AppError::Forbidden { user_id, what } => Some(Refusal {
                user_id: Some(*user_id),
                action: "access.forbidden",
                detail: (*what).into(),
            }),
            AppError::Csrf { user_id } => Some(Refusal {
                user_id: *user_id,
                action: "access.csrf_rejected",
                detail: String::new(),
            }),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let (status, title, message) = self.parts();
        let mut response = match &self {
            AppError::NotLoggedIn { next } => {
                let target = format!("/login?next={}", crate::view::url_encode(next));
                let mut response = Redirect::to(&target).into_response();
                // A redirect for browsers; the API layer turns it into a 401.
                response.extensions_mut().insert(ErrorInfo {
                    status,
                    message: message.clone(),
                });
                return response;
            }
            _ => {
                let page = ErrorPage {
                    title,
                    message: &message,
                    status: status.as_u16(),
                    show_login: matches!(self, AppError::SessionRejected { .. }),
                };
                (status, crate::view::render(&page)).into_response()
            }
        };
        if let Some(refusal) = self.refusal() {
            response.extensions_mut().insert(refusal);
        }
        response
            .extensions_mut()
            .insert(ErrorInfo { status, message });
        response
    }
}
