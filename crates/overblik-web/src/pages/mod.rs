//! The server-rendered pages, one module per page family. Each handler: checks the role's
//! capability, narrows to the user's cases, audits any read of personal data (before the
//! response), and renders a model from `view`.

pub mod admin;
pub mod audit_log;
pub mod caseload;
pub mod cases;
pub mod distribution;
pub mod economy;
pub mod handover;
pub mod landing;
pub mod obligations;
pub mod policy;
pub mod quality;
pub mod reports;
pub mod results;
pub mod review;
pub mod scores;
pub mod supervision;
pub mod weights;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use overblik_report::number;
use overblik_store::AuditEntry;

use crate::auth::CurrentUser;
use crate::data::Data;
use crate::error::AppError;
use crate::state::AppState;

/// "Opgjort ved udgangen af …; data senest indlæst …" for every page.
pub fn freshness(data: &Data) -> String {
    let imported = match data.last_import {
        Some(at) => {
            let local = overblik_domain::calendar::local_date(at);
            format!("data senest indlæst {}", number::date(local))
        }
        None => "ingen indlæsning registreret".to_owned(),
    };
    format!(
        "Opgjort ved udgangen af {}; {imported}.",
        number::date_long(data.date)
    )
}

/// Records a read of personal data: who, what, which persons, from where. Awaited before the
/// page is sent; a failure to record stops the page (no unrecorded read).
pub async fn audit_read(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    action: &'static str,
    object: Option<(&'static str, String)>,
    detail: Option<String>,
    persons: Vec<String>,
) -> Result<(), AppError> {
    let user_id = user.id;
    let client = client.ip().to_string();
    state
        .pool()
        .write(move |store| {
            let persons: Vec<&str> = persons.iter().map(String::as_str).collect();
            store.audit(&AuditEntry {
                user_id: Some(user_id),
                object_type: object.as_ref().map(|(t, _)| *t),
                object_id: object.as_ref().map(|(_, id)| id.as_str()),
                detail: detail.as_deref(),
                client: Some(&client),
                persons: &persons,
                ..AuditEntry::new(action)
            })
        })
        .await?;
    Ok(())
}

/// A change written with its audit entry (who, what, on which object, the persons it touched,
/// from where) in one transaction: both or neither. `change` returns whether it wrote
/// anything (false: a precondition failed, e.g. a stale version); then nothing is audited and
/// the result is false.
#[allow(clippy::too_many_arguments)]
pub async fn change_audited(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    action: &'static str,
    (object_type, object_id): (&'static str, &str),
    detail: String,
    persons: Vec<String>,
    change: impl FnOnce(&mut overblik_store::Store) -> Result<bool, overblik_store::StoreError>
    + Send
    + 'static,
) -> Result<bool, AppError> {
    let (user_id, client) = (user.id, client.ip().to_string());
    let id = object_id.to_owned();
    state
        .pool()
        .write(move |store| {
            store.transaction(|store| {
                if !change(store)? {
                    return Ok(false);
                }
                let persons: Vec<&str> = persons.iter().map(String::as_str).collect();
                store.audit(&AuditEntry {
                    user_id: Some(user_id),
                    object_type: Some(object_type),
                    object_id: Some(&id),
                    detail: Some(&detail),
                    client: Some(&client),
                    persons: &persons,
                    ..AuditEntry::new(action)
                })?;
                Ok(true)
            })
        })
        .await
        .map_err(AppError::from)
}

/// A posted form: the version it was opened at and the other fields by name, unknown names
/// refused (by their field name, never echoing a value).
pub struct Fields {
    pub version: i64,
    values: BTreeMap<String, String>,
}

impl Fields {
    pub fn parse(form: Vec<(String, String)>, known: &[&str]) -> Result<Fields, AppError> {
        Fields::parse_with(form, |name| known.contains(&name))
    }

    /// A form of a record without a version (nothing else edits it at the same time).
    pub fn parse_unversioned(
        mut form: Vec<(String, String)>,
        known: impl Fn(&str) -> bool,
    ) -> Result<Fields, AppError> {
        form.retain(|(name, _)| name != "version");
        form.push(("version".to_owned(), "0".to_owned()));
        Fields::parse_with(form, known)
    }

    pub fn parse_with(
        form: Vec<(String, String)>,
        known: impl Fn(&str) -> bool,
    ) -> Result<Fields, AppError> {
        let mut version = None;
        let mut values = BTreeMap::new();
        for (name, value) in form {
            match name.as_str() {
                "csrf" => {}
                "version" => {
                    version = Some(value.parse::<i64>().map_err(|_| {
                        AppError::bad_request("version", "mangler eller er ikke et tal")
                    })?)
                }
                other if known(other) => {
                    values.insert(name, value);
                }
                other => {
                    return Err(AppError::bad_request(
                        crate::input::shown_name(other),
                        "er ikke et felt i formularen",
                    ));
                }
            }
        }
        Ok(Fields {
            version: version.ok_or_else(|| AppError::bad_request("version", "mangler"))?,
            values,
        })
    }

    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The fields named `<prefix><suffix>`, as (suffix, value): one per case or item.
    pub fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.values
            .iter()
            .filter_map(move |(name, value)| Some((name.strip_prefix(prefix)?, value.as_str())))
    }
}

/// A record edited by several people (a review, a handover, a supervision round) with its
/// child rows, saved through `Store::save_versioned` if the stored version is still `expected`
/// (`None`: new).
pub struct Versioned {
    pub head_spec: &'static overblik_domain::TableSpec,
    pub expected: Option<i64>,
    pub head: overblik_domain::Row,
    pub children: Vec<(
        &'static overblik_domain::TableSpec,
        Vec<overblik_domain::Row>,
    )>,
    /// Shown with 409 when someone saved it in between (or a new id is taken).
    pub conflict: &'static str,
}

/// Saves `record` with its audit entry in one transaction ([`change_audited`]), then reloads
/// the entered rows. A stale version is 409 with nothing saved.
#[allow(clippy::too_many_arguments)]
pub async fn save_versioned(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    action: &'static str,
    object: (&'static str, &str),
    detail: String,
    persons: Vec<String>,
    record: Versioned,
) -> Result<(), AppError> {
    let Versioned {
        head_spec,
        expected,
        head,
        children,
        conflict,
    } = record;
    let saved = change_audited(
        state,
        user,
        client,
        action,
        object,
        detail,
        persons,
        move |store| store.save_versioned(head_spec, expected, &head, &children),
    )
    .await?;
    if !saved {
        return Err(AppError::Conflict(conflict.into()));
    }
    state.refresh_entered().await?;
    Ok(())
}

/// The staff member's name, or a placeholder for a missing row.
pub fn staff_name(data: &Data, row: Option<u32>) -> String {
    row.map(|r| data.snapshot.staff[r as usize].name.get().clone())
        .unwrap_or_else(|| "Ingen sagsbehandler".to_owned())
}

/// Weight points as shown: two decimals, Danish style ("1,25").
pub fn points(value: rust_decimal::Decimal) -> String {
    use rust_decimal::prelude::ToPrimitive;
    number::decimal(value.to_f64().unwrap_or(0.0), 2)
}

/// A fraction as a percentage, or "–" when there is none (no capacity, no denominator).
pub fn percent_or_dash(value: Option<f64>) -> String {
    value.map(number::percent).unwrap_or_else(|| "–".into())
}

/// A caseworker's absence at T as shown in tables ("ukendt" when absences are not supplied).
pub fn absence_label(absent: Option<bool>) -> &'static str {
    match absent {
        Some(true) => "Fraværende",
        Some(false) => "",
        None => "ukendt",
    }
}

/// A version number (of a review, a handover, a supervision round) as its record holds it.
pub fn version(n: i64) -> overblik_domain::field::Count {
    use overblik_domain::field::Field;
    overblik_domain::field::Count::from_value(&overblik_domain::Value::Int(n.max(0)))
        .expect("a non-negative number is a count")
}

/// A new random id with `prefix` ("R3f9a…"): unguessable, and never a person's data.
pub fn new_id<T: std::str::FromStr>(prefix: &str) -> T {
    let text = format!("{prefix}{}", hex::encode(rand::random::<[u8; 6]>()));
    text.parse()
        .unwrap_or_else(|_| unreachable!("a generated id is valid"))
}

/// A posted text: trimmed, required or not, at most `max` characters (`None`: empty).
pub fn text_field(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::bad_request(field, "skal udfyldes"));
    }
    if value.chars().count() > max {
        return Err(AppError::bad_request(
            field,
            format!("er længere end {max} tegn"),
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}
