//! Identifiers from the source systems, one type per table so they cannot be mixed up.

use crate::{ColumnKind, Value, field::Field};

/// Declares an id newtype: non-empty, at most 100 characters, no control characters, not a CPR.
macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Validates an id as the importer does.
            pub fn parse(text: &str) -> Result<Self, crate::CellError> {
                match crate::parse_cell(ColumnKind::Id, text)?.value {
                    Value::Text(id) => Ok(Self(id)),
                    _ => Err(crate::CellError { code: "missing_value", message: "id er tomt".into() }),
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::CellError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Field for $name {
            const KIND: ColumnKind = ColumnKind::Id;
            fn from_value(value: &Value) -> Option<Self> {
                value.as_text().and_then(|text| Self::parse(text).ok())
            }
            fn to_value(&self) -> Value {
                Value::Text(self.0.clone())
            }
        }
    )*};
}

id_types!(
    OrgUnitId,
    StaffId,
    PersonId,
    CaseId,
    NotificationId,
    InvestigationId,
    DecisionId,
    ProviderId,
    MeasureId,
    PlanId,
    VisitId,
    ApplicationId,
    GoalId,
    FollowupId,
    AssessmentId,
    PaymentId,
    EntryId,
    ComplaintId,
    ReviewId,
    HandoverId,
    ItemId,
    ThemeId,
    RoundId,
    PolicyThemeId,
    AnnualGoalId,
    IndicatorId,
);

/// Id → row index of one table.
pub type IdMap<'a> = std::collections::HashMap<&'a str, u32, foldhash::fast::FixedState>;

/// Maps each id to its row index (the ids of one table, in row order); the first row wins
/// for a repeated id. Built once per computation so rules and figures look ids up in O(1).
pub fn id_map<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> IdMap<'a> {
    let mut map = IdMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (row, id) in ids.enumerate() {
        map.entry(id).or_insert(row as u32);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_validated_on_construction() {
        assert_eq!(CaseId::parse(" S-1 ").unwrap().as_str(), "S-1");
        assert!(CaseId::parse("").is_err());
        assert!(CaseId::parse("a\u{7}b").is_err());
        assert!(PersonId::parse(&"x".repeat(101)).is_err());
    }
}
