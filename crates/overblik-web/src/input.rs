//! Query parameters and form fields with Danish errors that name the field: a malformed,
//! missing or unknown field is a 400 page saying which, never axum's English default.

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
        decode(query.as_bytes(), "forespørgsel").map(Params)
    }
}

/// Decodes `application/x-www-form-urlencoded` input (a query or a form body) into `T`. On
/// failure the error names the field; `whole` names the input when no single field is to blame.
pub fn decode<T: DeserializeOwned>(input: &[u8], whole: &str) -> Result<T, AppError> {
    let error = match serde_urlencoded::from_bytes::<T>(input) {
        Ok(value) => return Ok(value),
        Err(error) => error.to_string(),
    };
    // serde names the field in backticks for unknown and missing fields.
    let named = error.split('`').nth(1).map(shown_name);
    if error.starts_with("unknown field") {
        return Err(AppError::bad_request(
            named.unwrap_or_else(|| whole.to_owned()),
            "er ikke en kendt parameter",
        ));
    }
    if error.starts_with("missing field") {
        return Err(AppError::bad_request(
            named.unwrap_or_else(|| whole.to_owned()),
            "mangler",
        ));
    }
    // A value that does not parse: serde_urlencoded does not say whose. Find the field that
    // fails on its own (alone, other fields can only be missing).
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(input).unwrap_or_default();
    let culprit = pairs.iter().find(|pair| {
        let alone = serde_urlencoded::to_string([pair]).unwrap_or_default();
        serde_urlencoded::from_str::<T>(&alone)
            .is_err_and(|error| !error.to_string().starts_with("missing field"))
    });
    Err(AppError::bad_request(
        culprit.map_or_else(|| whole.to_owned(), |(name, _)| shown_name(name)),
        "har en ugyldig værdi",
    ))
}

/// A field name as the error page may show it: a name typed into the address could be
/// anything, a CPR number included, so only short plain names are repeated.
pub fn shown_name(name: &str) -> String {
    let plain = !name.is_empty()
        && name.len() <= 40
        && name.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    if plain {
        name.to_owned()
    } else {
        "ukendt".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Query {
        page: Option<u32>,
        days: Option<u16>,
        status: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Form {
        username: String,
        staff: Option<u32>,
    }

    fn field_of<T: DeserializeOwned + std::fmt::Debug>(input: &str) -> (String, String) {
        match decode::<T>(input.as_bytes(), "forespørgsel").unwrap_err() {
            AppError::BadRequest { field, message } => (field, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_malformed_value_names_its_field() {
        assert_eq!(
            field_of::<Query>("status=open&page=abc"),
            ("page".into(), "har en ugyldig værdi".into())
        );
        assert_eq!(field_of::<Query>("days=-1").0, "days");
        assert_eq!(field_of::<Form>("username=a&staff=x").0, "staff");
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        assert_eq!(
            field_of::<Query>("hack=1"),
            ("hack".into(), "er ikke en kendt parameter".into())
        );
        assert_eq!(
            field_of::<Form>("staff=1"),
            ("username".into(), "mangler".into())
        );
    }

    #[test]
    fn a_field_name_that_could_be_personal_data_is_not_repeated() {
        assert_eq!(field_of::<Query>("0101801234=1").0, "ukendt");
        assert_eq!(field_of::<Query>("anna%20hansen=1").0, "ukendt");
    }

    #[test]
    fn good_input_decodes() {
        let q: Query = decode(b"page=2&status=all", "forespørgsel").unwrap();
        assert_eq!((q.page, q.status.as_deref()), (Some(2), Some("all")));
    }
}
