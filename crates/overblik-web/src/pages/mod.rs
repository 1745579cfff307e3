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
        form: Vec<(String, String)>,
        known: impl Fn(&str) -> bool,
    ) -> Result<Fields, AppError> {
        let (_, values) = Fields::collect(form, known)?;
        Ok(Fields { version: 0, values })
    }

    pub fn parse_with(
        form: Vec<(String, String)>,
        known: impl Fn(&str) -> bool,
    ) -> Result<Fields, AppError> {
        let (version, values) = Fields::collect(form, known)?;
        Ok(Fields {
            version: version.ok_or_else(|| AppError::bad_request("version", "mangler"))?,
            values,
        })
    }

    /// The posted version, if any, and the known fields; an unknown field is refused.
    fn collect(
        form: Vec<(String, String)>,
        known: impl Fn(&str) -> bool,
    ) -> Result<(Option<i64>, BTreeMap<String, String>), AppError> {
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
        Ok((version, values))
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
/// (`None`: new): [`EnteredWrite::Versioned`].
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

/// The staff member's name, or a placeholder for a missing row.
pub fn staff_name(data: &Data, row: Option<u32>) -> String {
    row.map(|r| data.snapshot.staff[r as usize].name.get().clone())
        .unwrap_or_else(|| "Ingen sagsbehandler".to_owned())
}

/// The name of staff member `id`, or `missing` when there is none or it is not in the data.
pub fn staff_name_of(
    data: &Data,
    id: Option<&overblik_domain::ids::StaffId>,
    missing: &str,
) -> String {
    id.and_then(|id| data.snapshot.staff.iter().find(|s| s.staff_id == *id))
        .map_or_else(|| missing.to_owned(), |s| s.name.get().clone())
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

/// What a form writes to an entered table: one new row, the rows where `filter`'s column has
/// its value (all rows when `None`) replaced, or a record several people edit, saved only if
/// its stored version is still the one opened (else 409 with its `conflict` text).
pub enum EnteredWrite {
    Insert(&'static overblik_domain::TableSpec, overblik_domain::Row),
    Replace {
        spec: &'static overblik_domain::TableSpec,
        filter: Option<(&'static str, String)>,
        rows: Vec<overblik_domain::Row>,
    },
    Versioned(Versioned),
}

impl From<Versioned> for EnteredWrite {
    fn from(record: Versioned) -> EnteredWrite {
        EnteredWrite::Versioned(record)
    }
}

/// Writes entered rows with their audit entry in one transaction ([`change_audited`]), then
/// reloads the entered rows: every form that changes an entered table goes through here. A
/// stale versioned record is 409 with nothing written or audited.
#[allow(clippy::too_many_arguments)]
pub async fn write_entered(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    action: &'static str,
    object: (&'static str, &str),
    detail: String,
    persons: Vec<String>,
    write: impl Into<EnteredWrite>,
) -> Result<(), AppError> {
    let write = write.into();
    let conflict = match &write {
        EnteredWrite::Versioned(record) => record.conflict,
        _ => "",
    };
    let saved = change_audited(
        state,
        user,
        client,
        action,
        object,
        detail,
        persons,
        move |store| match write {
            EnteredWrite::Insert(spec, row) => store.insert_entered_row(spec, &row).map(|()| true),
            EnteredWrite::Replace { spec, filter, rows } => store
                .replace_entered_rows(
                    spec,
                    filter
                        .as_ref()
                        .map(|(column, value)| (*column, value.as_str())),
                    &rows,
                )
                .map(|()| true),
            EnteredWrite::Versioned(record) => store.save_versioned(
                record.head_spec,
                record.expected,
                &record.head,
                &record.children,
            ),
        },
    )
    .await?;
    if !saved {
        return Err(AppError::Conflict(conflict.into()));
    }
    state.refresh_entered().await?;
    Ok(())
}

/// A year asked for in a query or form: 2000-2100, else the field is named.
pub fn checked_year(field: &'static str, year: i64) -> Result<i32, AppError> {
    if (2000..=2100).contains(&year) {
        Ok(year as i32)
    } else {
        Err(AppError::bad_request(
            field,
            "skal være et år mellem 2000 og 2100",
        ))
    }
}
