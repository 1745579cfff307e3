//! Query parameters with Danish errors that name the parameter: a malformed or unknown
//! parameter is a 400 page saying which, never axum's English default.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or("");
        if query.len() > 2048 {
            return Err(AppError::bad_request(
                "adresse",
                "forespørgslen er for lang",
            ));
        }
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|error| {
                let text = error.to_string();
                // serde names the field in backticks ("unknown field `x`", "missing field `x`").
                let field: String = text
                    .split('`')
                    .nth(1)
                    .unwrap_or("forespørgsel")
                    .chars()
                    .take(40)
                    .collect();
                let message = if text.contains("unknown field") {
                    "er ikke en kendt parameter"
                } else {
                    "har en ugyldig værdi"
                };
                AppError::bad_request(field, message)
            })
    }
}
