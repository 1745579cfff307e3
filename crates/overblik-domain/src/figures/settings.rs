//! Defaults the figures need where the data leaves a value empty (a case's weight comes from
//! the case-weight model, `workload`).

use rust_decimal::Decimal;

use crate::rules::{RuleSet, Settings};

/// Defaults for empty cells (data-format.md: "default from configuration").
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSettings {
    /// Capacity points of a full-time caseworker whose `capacity_points` is empty.
    pub default_capacity_points: Decimal,
}

impl FigureSettings {
    /// The municipality's settings (`rules/municipality.toml`, `[caseload]`).
    pub fn of(rules: &RuleSet) -> FigureSettings {
        FigureSettings::from_settings(&rules.settings)
    }

    fn from_settings(settings: &Settings) -> FigureSettings {
        FigureSettings {
            default_capacity_points: Decimal::from(settings.default_capacity_points),
        }
    }
}

impl Default for FigureSettings {
    /// 25 points a full-time caseworker (key-figures.md KF09): the mean open children's case
    /// weighs 1 point in the built-in model (workload::WeightModel), and DS recommends 20-30
    /// children's cases per full-time caseworker (statistics.md §7).
    fn default() -> Self {
        FigureSettings::from_settings(&Settings::default())
    }
}
