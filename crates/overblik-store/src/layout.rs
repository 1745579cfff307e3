//! How a table spec becomes stored columns, and how values go in and come back out.
//!
//! Both backends share this mapping, so a column kind is stored the same way everywhere: only
//! the SQL types differ (see the migrations). The CPR column becomes `<name>_hash` and
//! `<name>_encrypted`; every table gets `row_hash` last.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use overblik_domain::schema::KEY_SEPARATOR;
use overblik_domain::{ColumnKind, ColumnSpec, Row, TableSpec, Value, format_cell, parse_cell};

use crate::StoreError;
use crate::keys::CprKeys;

/// What a stored column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The value of a spec column.
    Plain(ColumnKind),
    /// The keyed hash of a CPR column.
    CprHash,
    /// The encrypted value of a CPR column.
    CprEncrypted,
    /// The row hash.
    RowHash,
}

/// One column of a table in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredColumn {
    pub name: String,
    pub part: Part,
    pub is_key: bool,
}

/// The stored columns of `spec`, in the order rows are encoded.
pub(crate) fn stored_columns(spec: &TableSpec) -> Vec<StoredColumn> {
    let mut columns = Vec::with_capacity(spec.columns.len() + 2);
    for column in spec.columns {
        let is_key = spec.key.contains(&column.name);
        if column.kind == ColumnKind::Cpr {
            for (suffix, part) in [("hash", Part::CprHash), ("encrypted", Part::CprEncrypted)] {
                columns.push(StoredColumn {
                    name: format!("{}_{suffix}", column.name),
                    part,
                    is_key,
                });
            }
        } else {
            columns.push(StoredColumn {
                name: column.name.to_owned(),
                part: Part::Plain(column.kind),
                is_key,
            });
        }
    }
    columns.push(StoredColumn {
        name: "row_hash".to_owned(),
        part: Part::RowHash,
        is_key: false,
    });
    columns
}

/// Whether a kind is stored as plain text on both backends (ids, text, codes, months).
pub(crate) fn is_text_kind(kind: ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::Id
            | ColumnKind::Text
            | ColumnKind::Name
            | ColumnKind::Code(_)
            | ColumnKind::Month
    )
}

/// A value ready to be bound or copied, borrowing from the row where it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stored<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
    Bool(bool),
    Blob(Cow<'a, [u8]>),
}

/// Checks that `row` fits `spec` before anything is hashed or written, so that a caller's bug
/// surfaces as an error that names the column (never the value) instead of a database error.
pub(crate) fn check_row(spec: &'static TableSpec, row: &Row) -> Result<(), StoreError> {
    let invalid = |reason: String| StoreError::InvalidRow {
        table: spec.name,
        reason,
    };
    if row.0.len() != spec.columns.len() {
        return Err(invalid(format!(
            "{} values for {} columns",
            row.0.len(),
            spec.columns.len()
        )));
    }
    for (column, value) in spec.columns.iter().zip(&row.0) {
        if value.is_null() {
            if column.required {
                return Err(invalid(format!("`{}` is required but empty", column.name)));
            }
            continue;
        }
        if !fits(column.kind, value) {
            return Err(invalid(format!(
                "`{}` holds a value of the wrong type",
                column.name
            )));
        }
        // PostgreSQL cannot store NUL in text; refusing it everywhere keeps the backends equal.
        if value.as_text().is_some_and(|text| text.contains('\0')) {
            return Err(invalid(format!(
                "`{}` contains a NUL character",
                column.name
            )));
        }
    }
    Ok(())
}

fn fits(kind: ColumnKind, value: &Value) -> bool {
    match kind {
        ColumnKind::Id | ColumnKind::Text | ColumnKind::Name | ColumnKind::Code(_) => {
            matches!(value, Value::Text(_))
        }
        ColumnKind::Date => matches!(value, Value::Date(_)),
        ColumnKind::Timestamp => matches!(value, Value::Timestamp(_)),
        ColumnKind::Month => matches!(value, Value::Month(_)),
        ColumnKind::Amount | ColumnKind::NonNegative | ColumnKind::Fraction => {
            matches!(value, Value::Decimal(_))
        }
        ColumnKind::Integer { .. } => matches!(value, Value::Int(_)),
        ColumnKind::Bool => matches!(value, Value::Bool(_)),
        ColumnKind::Cpr => matches!(value, Value::Cpr(_)),
    }
}

/// The stored values of a checked row, in [`stored_columns`] order.
pub(crate) fn encode_row<'r>(
    spec: &TableSpec,
    row: &'r Row,
    cpr_keys: &CprKeys,
    cpr_hash: Option<[u8; 32]>,
    row_hash: [u8; 32],
) -> Vec<Stored<'r>> {
    let mut stored = Vec::with_capacity(spec.columns.len() + 2);
    for (column, value) in spec.columns.iter().zip(&row.0) {
        match value {
            Value::Cpr(cpr) => {
                let hash = cpr_hash.unwrap_or_else(|| cpr_keys.hash(cpr));
                stored.push(Stored::Blob(Cow::Owned(hash.to_vec())));
                stored.push(Stored::Blob(Cow::Owned(cpr_keys.encrypt(cpr))));
            }
            Value::Null if column.kind == ColumnKind::Cpr => {
                stored.push(Stored::Null);
                stored.push(Stored::Null);
            }
            other => stored.push(encode_value(other, is_key(spec, column))),
        }
    }
    stored.push(Stored::Blob(Cow::Owned(row_hash.to_vec())));
    stored
}

fn is_key(spec: &TableSpec, column: &ColumnSpec) -> bool {
    spec.key.contains(&column.name)
}

/// One value as stored. An absent optional key part is stored as '' (a key cannot be NULL).
pub(crate) fn encode_value(value: &Value, is_key: bool) -> Stored<'_> {
    match value {
        Value::Null if is_key => Stored::Text(Cow::Borrowed("")),
        Value::Null => Stored::Null,
        Value::Text(text) => Stored::Text(Cow::Borrowed(text)),
        Value::Int(number) => Stored::Int(*number),
        Value::Decimal(number) => Stored::Text(Cow::Owned(number.normalize().to_string())),
        Value::Bool(flag) => Stored::Bool(*flag),
        Value::Date(date) => Stored::Text(Cow::Owned(date_text(*date))),
        Value::Timestamp(instant) => Stored::Text(Cow::Owned(timestamp_text(*instant))),
        Value::Month(month) => Stored::Text(Cow::Owned(month.to_string())),
        // Never reached: CPR values are encoded by `encode_row` into hash and ciphertext.
        Value::Cpr(_) => Stored::Null,
    }
}

fn date_text(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// UTC `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`; the fraction only when there is one.
fn timestamp_text(instant: DateTime<Utc>) -> String {
    let micros = instant.nanosecond() / 1000;
    let mut text = format!(
        "{}T{:02}:{:02}:{:02}",
        date_text(instant.date_naive()),
        instant.hour(),
        instant.minute(),
        instant.second()
    );
    if micros != 0 {
        text.push_str(&format!(".{micros:06}"));
    }
    text.push('Z');
    text
}

/// Reads a stored value back: the stored text (as selected by the backend) parsed as the
/// column's kind, so that `format_cell` gives the text that was imported.
pub(crate) fn decode_text(
    spec: &'static TableSpec,
    column: &ColumnSpec,
    text: Option<&str>,
) -> Result<Value, StoreError> {
    let Some(text) = text else {
        return Ok(Value::Null);
    };
    parse_cell(column.kind, text)
        .map(|parsed| parsed.value)
        .map_err(|error| StoreError::Corrupt {
            table: spec.name,
            column: column.name.to_owned(),
            reason: error.code.to_owned(),
        })
}

/// Reads a stored CPR ciphertext back.
pub(crate) fn decode_cpr(
    spec: &'static TableSpec,
    cpr_keys: &CprKeys,
    stored: Option<&[u8]>,
) -> Result<Value, StoreError> {
    match stored {
        None => Ok(Value::Null),
        Some(bytes) => cpr_keys
            .decrypt(bytes)
            .map(Value::Cpr)
            .ok_or(StoreError::Decrypt { table: spec.name }),
    }
}

/// The query that reads a table's keys (as text) and row hashes, for the import's key index.
pub(crate) fn index_sql(spec: &TableSpec) -> String {
    let keys: Vec<String> = spec
        .key
        .iter()
        .map(|name| format!("CAST({} AS TEXT)", quote(name)))
        .collect();
    format!(
        "SELECT {}, row_hash FROM {}",
        keys.join(", "),
        quote(spec.name)
    )
}

/// One row of [`index_sql`] as the index's key text and row hash, reading column `i` through
/// the backend's `text(i)` and the hash through `bytes(i)`.
pub(crate) fn index_entry(
    spec: &'static TableSpec,
    texts: &mut Vec<Option<String>>,
    mut text: impl FnMut(usize) -> Result<Option<String>, StoreError>,
    bytes: impl FnOnce(usize) -> Result<Vec<u8>, StoreError>,
) -> Result<(String, [u8; 32]), StoreError> {
    let n_keys = spec.key.len();
    texts.clear();
    for position in 0..n_keys {
        texts.push(text(position)?);
    }
    let hash = bytes(n_keys)?.try_into().map_err(|_| StoreError::Corrupt {
        table: spec.name,
        column: "row_hash".to_owned(),
        reason: "not 32 bytes".to_owned(),
    })?;
    Ok((key_text_from_stored(spec, texts)?, hash))
}

/// One stored row back as a [`Row`], reading column `i` through the backend's `bytes(i)` (the
/// CPR ciphertext) or `text(i)`. The CPR column is `Value::Null` without `cpr_keys`.
pub(crate) fn decode_row(
    spec: &'static TableSpec,
    cpr_keys: Option<&CprKeys>,
    mut bytes: impl FnMut(usize) -> Result<Option<Vec<u8>>, StoreError>,
    mut text: impl FnMut(usize) -> Result<Option<String>, StoreError>,
) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(spec.columns.len());
    for (position, column) in spec.columns.iter().enumerate() {
        values.push(if column.kind == ColumnKind::Cpr {
            match cpr_keys {
                Some(cpr_keys) => decode_cpr(spec, cpr_keys, bytes(position)?.as_deref())?,
                None => Value::Null,
            }
        } else {
            decode_text(spec, column, text(position)?.as_deref())?
        });
    }
    Ok(Row(values))
}

/// The key text (as [`TableSpec::key_of`] makes it) of a stored row, from its key columns'
/// stored text in key order.
pub(crate) fn key_text_from_stored(
    spec: &'static TableSpec,
    stored_texts: &[Option<String>],
) -> Result<String, StoreError> {
    let mut key = String::new();
    for (n, (name, text)) in spec.key.iter().zip(stored_texts).enumerate() {
        if n > 0 {
            key.push(KEY_SEPARATOR);
        }
        let column = key_column(spec, name);
        let text = text.as_deref().unwrap_or("");
        if is_text_kind(column.kind) {
            // Stored text of these kinds is exactly the formatted cell; skip the parse.
            key.push_str(text);
        } else {
            key.push_str(&format_cell(&decode_text(spec, column, Some(text))?));
        }
    }
    Ok(key)
}

/// The stored values of the key columns of a key text, in key order (for deletions).
pub(crate) fn stored_key_values(
    spec: &'static TableSpec,
    key: &str,
) -> Result<Vec<Stored<'static>>, StoreError> {
    let parts: Vec<&str> = key.split(KEY_SEPARATOR).collect();
    if parts.len() != spec.key.len() {
        return Err(StoreError::Corrupt {
            table: spec.name,
            column: spec.key.join(","),
            reason: "key has the wrong number of parts".to_owned(),
        });
    }
    spec.key
        .iter()
        .zip(parts)
        .map(|(name, part)| {
            let value = decode_text(spec, key_column(spec, name), Some(part))?;
            Ok(match encode_value(&value, true) {
                Stored::Text(text) => Stored::Text(Cow::Owned(text.into_owned())),
                Stored::Blob(bytes) => Stored::Blob(Cow::Owned(bytes.into_owned())),
                Stored::Null => Stored::Null,
                Stored::Int(number) => Stored::Int(number),
                Stored::Bool(flag) => Stored::Bool(flag),
            })
        })
        .collect()
}

fn key_column(spec: &TableSpec, name: &str) -> &'static ColumnSpec {
    let columns: &'static [ColumnSpec] = spec.columns;
    columns
        .iter()
        .find(|column| column.name == name)
        .expect("key columns are columns of their spec")
}

/// `name` as a quoted SQL identifier (the same syntax in SQLite and PostgreSQL).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use overblik_domain::TABLES;
    use overblik_domain::tables::{BUDGETS, NOTIFICATIONS, PERSONS};

    #[test]
    fn the_cpr_column_becomes_hash_and_ciphertext_and_row_hash_comes_last() {
        let names: Vec<String> = stored_columns(&PERSONS)
            .into_iter()
            .map(|column| column.name)
            .collect();
        assert_eq!(
            names,
            [
                "person_id",
                "cpr_hash",
                "cpr_encrypted",
                "birth_date",
                "sex",
                "district",
                "row_hash"
            ]
        );
    }

    #[test]
    fn timestamps_are_stored_in_utc_and_read_back_to_the_same_instant() {
        let value = parse_cell(NOTIFICATIONS.columns[3].kind, "2025-07-01 14:05")
            .unwrap()
            .value;
        let Stored::Text(text) = encode_value(&value, false) else {
            panic!("timestamps are text")
        };
        assert_eq!(text, "2025-07-01T12:05:00Z");
        let back = decode_text(&NOTIFICATIONS, &NOTIFICATIONS.columns[3], Some(&text)).unwrap();
        assert_eq!(back, value);
        let precise = parse_cell(ColumnKind::Timestamp, "2025-07-01T14:05:00.000250+02:00")
            .unwrap()
            .value;
        assert_eq!(
            encode_value(&precise, false),
            Stored::Text(Cow::Owned("2025-07-01T12:05:00.000250Z".to_owned()))
        );
    }

    #[test]
    fn an_absent_optional_key_part_is_stored_as_empty_text_and_read_as_null() {
        assert_eq!(
            encode_value(&Value::Null, true),
            Stored::Text(Cow::Borrowed(""))
        );
        let key = format!("2025{KEY_SEPARATOR}U1{KEY_SEPARATOR}5.28.21{KEY_SEPARATOR}");
        let values = stored_key_values(&BUDGETS, &key).unwrap();
        assert_eq!(values[0], Stored::Int(2025));
        assert_eq!(values[3], Stored::Text(Cow::Borrowed("")));
        let texts: Vec<Option<String>> = ["2025", "U1", "5.28.21", ""]
            .iter()
            .map(|text| Some((*text).to_owned()))
            .collect();
        assert_eq!(key_text_from_stored(&BUDGETS, &texts).unwrap(), key);
    }

    #[test]
    fn rows_that_do_not_fit_are_refused_without_their_values() {
        let mut row = Row(vec![Value::Null; PERSONS.columns.len()]);
        let error = check_row(&PERSONS, &row).unwrap_err().to_string();
        assert!(error.contains("`person_id` is required"), "{error}");
        row.0[0] = Value::Text("P1".into());
        row.0[2] = Value::Text("Hanne".into());
        let error = check_row(&PERSONS, &row).unwrap_err().to_string();
        assert!(
            error.contains("`birth_date`") && !error.contains("Hanne"),
            "{error}"
        );
        assert!(check_row(&PERSONS, &Row(vec![])).is_err());
        for spec in TABLES {
            let error = check_row(spec, &Row(vec![Value::Int(1)])).unwrap_err();
            assert!(matches!(error, StoreError::InvalidRow { .. }));
        }
    }
}
