//! How a Rust type maps to a column: its [`ColumnKind`] and its conversion from a [`Value`].
//!
//! The table definitions in [`crate::tables`] name a Rust type per column; this trait derives
//! the column's kind and whether it is required from that type, so both are written once.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::{ColumnKind, Cpr, Value, YearMonth};

/// A type that can be a column of a table.
pub trait Field: Sized {
    const KIND: ColumnKind;
    const REQUIRED: bool = true;
    /// `None` when the value does not fit the type (a NULL in a required column included).
    fn from_value(value: &Value) -> Option<Self>;
    fn to_value(&self) -> Value;
}

impl<T: Field> Field for Option<T> {
    const KIND: ColumnKind = T::KIND;
    const REQUIRED: bool = false;
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_value)
    }
}

/// Implements [`Field`] for a type stored in one `Value` variant.
macro_rules! simple_field {
    ($ty:ty, $kind:expr, $variant:ident) => {
        impl Field for $ty {
            const KIND: ColumnKind = $kind;
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::$variant(inner) => Some(inner.clone()),
                    _ => None,
                }
            }
            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }
        }
    };
}

simple_field!(String, ColumnKind::Text, Text);
simple_field!(NaiveDate, ColumnKind::Date, Date);
simple_field!(DateTime<Utc>, ColumnKind::Timestamp, Timestamp);
simple_field!(YearMonth, ColumnKind::Month, Month);
simple_field!(Decimal, ColumnKind::Amount, Decimal);
simple_field!(bool, ColumnKind::Bool, Bool);
simple_field!(Cpr, ColumnKind::Cpr, Cpr);

/// Declares a newtype over a `Value` payload with its own column kind (names, bounded numbers).
macro_rules! bounded_field {
    ($(#[$meta:meta])* $name:ident($inner:ty), $kind:expr, $variant:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($inner);

        impl $name {
            pub fn get(&self) -> &$inner {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                if Self::KIND == ColumnKind::Name {
                    // A name is personal data: keep it out of logs and panics.
                    f.write_str(concat!(stringify!($name), "(<redacted>)"))
                } else {
                    f.debug_tuple(stringify!($name)).field(&self.0).finish()
                }
            }
        }

        impl Field for $name {
            const KIND: ColumnKind = $kind;
            fn from_value(value: &Value) -> Option<Self> {
                let candidate = match value {
                    Value::$variant(inner) => inner.clone(),
                    _ => return None,
                };
                // Re-validate through the cell parser so an out-of-range value cannot be built.
                let text = crate::format_cell(&Value::$variant(candidate.clone()));
                crate::parse_cell(Self::KIND, &text).ok().map(|_| Self(candidate))
            }
            fn to_value(&self) -> Value {
                Value::$variant(self.0.clone())
            }
        }
    };
}

bounded_field!(
    /// A person's name; personal data, redacted in `Debug`.
    PersonName(String), ColumnKind::Name, Text
);
bounded_field!(
    /// A decimal ≥ 0 (case weight, capacity, daily rate, full-year persons).
    NonNegative(Decimal), ColumnKind::NonNegative, Decimal
);
bounded_field!(
    /// A decimal in 0..=1 (fte, probability).
    Fraction(Decimal), ColumnKind::Fraction, Decimal
);
bounded_field!(
    /// A calendar year 1900-2200.
    Year(i64), ColumnKind::Integer { min: 1900, max: 2200 }, Int
);
bounded_field!(
    /// An age in whole years, 0-22 (the span of the children's area incl. aftercare).
    Age(i64), ColumnKind::Integer { min: 0, max: 22 }, Int
);
bounded_field!(
    /// A goal score 0-10 (0 = no progress, 10 = fully reached).
    Score(i64), ColumnKind::Integer { min: 0, max: 10 }, Int
);
bounded_field!(
    /// A head count ≥ 0.
    Count(i64), ColumnKind::Integer { min: 0, max: i64::MAX }, Int
);
