//! Defaults the figures need where the data leaves a value empty.

use rust_decimal::Decimal;

/// Defaults for empty cells (data-format.md: "default from configuration").
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSettings {
    /// Weight points of a case whose `weight` is empty.
    pub default_case_weight: Decimal,
    /// Capacity points of a full-time caseworker whose `capacity_points` is empty.
    pub default_capacity_points: Decimal,
}

impl Default for FigureSettings {
    fn default() -> Self {
        // One point per case and 30 points a caseworker: the seeds' and DS's norm of about 30
        // children's cases per full-time caseworker (statistics.md §7).
        FigureSettings {
            default_case_weight: Decimal::ONE,
            default_capacity_points: Decimal::from(30),
        }
    }
}
