//! The status and trend of a political indicator (docs/political-goals.md):
//!
//! - **På sporet**: the value meets the target (at least it when higher is better, at most it
//!   when lower is better).
//! - **I risiko**: it misses the target by no more than the tolerance: the indicator's own, or
//!   10 % of the target when none is set.
//! - **Ikke på sporet**: it misses by more.
//! - **Ikke opgjort**: there is no value (an input file absent, nothing to divide by).
//!
//! Values are compared as shown, rounded to one decimal, so a reader never sees "90,0 %"
//! against a target of 90 % marked as missed.

use crate::codes::IndicatorDirection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    NotAvailable,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::NotAvailable => "not_available",
        }
    }

    pub fn label_da(self) -> &'static str {
        match self {
            Status::OnTrack => "På sporet",
            Status::AtRisk => "I risiko",
            Status::OffTrack => "Ikke på sporet",
            Status::NotAvailable => "Ikke opgjort",
        }
    }
}

/// The change from the previous period to the current one, judged by the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    Better,
    Unchanged,
    Worse,
}

impl Trend {
    pub fn label_da(self) -> &'static str {
        match self {
            Trend::Better => "Bedre",
            Trend::Unchanged => "Uændret",
            Trend::Worse => "Dårligere",
        }
    }
}

/// One decimal, as values are shown.
fn shown(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// How far `value` misses `target` in the bad direction (≤ 0: met).
fn miss(value: f64, target: f64, direction: IndicatorDirection) -> f64 {
    match direction {
        IndicatorDirection::Higher => target - shown(value),
        IndicatorDirection::Lower => shown(value) - target,
    }
}

/// The status of `value` against `target` (the module's rule).
pub fn status(
    value: Option<f64>,
    target: f64,
    direction: IndicatorDirection,
    tolerance: Option<f64>,
) -> Status {
    let Some(value) = value else {
        return Status::NotAvailable;
    };
    let miss = miss(value, target, direction);
    let tolerance = tolerance.unwrap_or(0.1 * target.abs());
    // A hair of slack for decimals that are not exact in binary (90 − 89.9 > 0.1).
    if miss <= 1e-9 {
        Status::OnTrack
    } else if miss <= tolerance + 1e-9 {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

/// The trend from `previous` to `current`, as shown (one decimal).
pub fn trend(previous: f64, current: f64, direction: IndicatorDirection) -> Trend {
    let change = shown(current) - shown(previous);
    let better = match direction {
        IndicatorDirection::Higher => change,
        IndicatorDirection::Lower => -change,
    };
    if better.abs() < 1e-9 {
        Trend::Unchanged
    } else if better > 0.0 {
        Trend::Better
    } else {
        Trend::Worse
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IndicatorDirection::{Higher, Lower};

    #[test]
    fn a_value_that_meets_the_target_is_on_track_in_either_direction() {
        assert_eq!(status(Some(92.0), 90.0, Higher, None), Status::OnTrack);
        assert_eq!(status(Some(90.0), 90.0, Higher, None), Status::OnTrack);
        assert_eq!(status(Some(40.0), 50.0, Lower, None), Status::OnTrack);
        // 89.96 is shown as 90.0: met.
        assert_eq!(status(Some(89.96), 90.0, Higher, None), Status::OnTrack);
    }

    #[test]
    fn a_miss_within_ten_percent_of_the_target_is_at_risk_and_beyond_it_off_track() {
        assert_eq!(status(Some(81.0), 90.0, Higher, None), Status::AtRisk);
        assert_eq!(status(Some(80.9), 90.0, Higher, None), Status::OffTrack);
        assert_eq!(status(Some(55.0), 50.0, Lower, None), Status::AtRisk);
        assert_eq!(status(Some(55.1), 50.0, Lower, None), Status::OffTrack);
    }

    #[test]
    fn an_own_tolerance_replaces_the_default_and_a_zero_target_has_none() {
        assert_eq!(
            status(Some(85.0), 90.0, Higher, Some(2.0)),
            Status::OffTrack
        );
        assert_eq!(status(Some(3.0), 0.0, Lower, None), Status::OffTrack);
        assert_eq!(status(Some(3.0), 0.0, Lower, Some(5.0)), Status::AtRisk);
        assert_eq!(status(None, 90.0, Higher, None), Status::NotAvailable);
    }

    #[test]
    fn the_trend_is_judged_by_the_direction() {
        assert_eq!(trend(80.0, 85.0, Higher), Trend::Better);
        assert_eq!(trend(80.0, 85.0, Lower), Trend::Worse);
        assert_eq!(trend(80.04, 80.0, Higher), Trend::Unchanged);
    }
}
