//! One cell's validated value, and a row of them in the column order of a [`TableSpec`].
//!
//! [`TableSpec`]: crate::TableSpec

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::{Cpr, YearMonth};

/// A validated cell. Codes, ids and text are `Text`; the column's kind says which it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    /// Always normalised (no trailing zeros) so that `12500.50` and `12500.5` are one value.
    Decimal(Decimal),
    Bool(bool),
    Date(NaiveDate),
    /// An instant; offsets and Europe/Copenhagen local times are resolved on parsing.
    Timestamp(DateTime<Utc>),
    Month(YearMonth),
    Cpr(Cpr),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(date) => Some(*date),
            _ => None,
        }
    }

    pub fn as_timestamp(&self) -> Option<DateTime<Utc>> {
        match self {
            Value::Timestamp(instant) => Some(*instant),
            _ => None,
        }
    }
}

/// The values of one row, in the column order of its table's spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// The value of column `index`.
    pub fn get(&self, index: usize) -> &Value {
        &self.0[index]
    }
}
