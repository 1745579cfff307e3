//! Sampling intervals for the calibration check: the range in which a figure computed from one
//! finite municipality lies by chance alone around what the generator was calibrated to.
//!
//! Closed forms rather than a statistics crate: none is in the workspace, the newest `statrs`
//! needs a newer Rust than the workspace's minimum, and these few lines are tested below against
//! exact limits.

/// The standard normal quantile of a two-sided 99 % interval, Φ⁻¹(0.995).
pub const Z_99: f64 = 2.575_829_303_548_901;

/// A closed interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// Whether the two intervals share at least one point.
    pub fn overlaps(self, other: Interval) -> bool {
        self.low <= other.high && other.low <= self.high
    }

    pub(crate) fn scaled(self, factor: f64) -> Interval {
        Interval {
            low: self.low * factor,
            high: self.high * factor,
        }
    }
}

/// Two-sided interval for the mean of a Poisson count of which `count` was observed.
///
/// Byar's approximation to the exact (Garwood) limits, which are gamma quantiles. At 99 % it is
/// within 3 % of them from 5 events on and within 0.1 % from 30 on, and a little wider with
/// fewer events (0 events: upper limit 5.34 against the exact 5.30) — immaterial beside the
/// check's ±10 % model tolerance. `count` may be fractional (an effective count, see
/// [`clustered_count`]).
pub fn poisson(count: f64, z: f64) -> Interval {
    let low = if count > 0.0 {
        count * (1.0 - 1.0 / (9.0 * count) - z / (3.0 * count.sqrt())).powi(3)
    } else {
        0.0
    };
    let next = count.max(0.0) + 1.0;
    let high = next * (1.0 - 1.0 / (9.0 * next) + z / (3.0 * next.sqrt())).powi(3);
    Interval {
        low: low.max(0.0),
        high,
    }
}

/// Interval for a total that clusters in independent units (the notifications of one child, the
/// payments for one child's placements): `total` is the sum over units and `squares` the sum of
/// each unit's contribution squared.
///
/// The total is then compound Poisson with variance estimated by `squares`, so it behaves like
/// `total / φ` Poisson events of size φ = `squares / total` (the dispersion; 1 when every unit
/// contributes 1). The interval is the Poisson interval of that effective count, scaled by φ.
pub fn clustered_count(total: f64, squares: f64, z: f64) -> Interval {
    if total <= 0.0 || squares <= 0.0 {
        return poisson(0.0, z);
    }
    let dispersion = squares / total;
    poisson(total / dispersion, z).scaled(dispersion)
}

/// Wilson score interval for the share `part / whole` of independent trials (`whole > 0`):
/// unlike the plain normal interval it stays within [0, 1] and keeps its coverage for shares
/// near 0 or 1 and for small samples.
pub fn wilson(part: f64, whole: f64, z: f64) -> Interval {
    let p = part / whole;
    let z2 = z * z;
    let shrink = 1.0 + z2 / whole;
    let centre = (p + z2 / (2.0 * whole)) / shrink;
    let half = z / shrink * (p * (1.0 - p) / whole + z2 / (4.0 * whole * whole)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// Normal interval for the mean of `n` observations with the given sum and sum of squares:
/// mean ± z × s / √n with the sample standard deviation s. With fewer than 2 observations there
/// is no spread to estimate and the interval is the mean itself.
pub fn mean(sum: f64, squares: f64, n: f64, z: f64) -> Interval {
    let mean = sum / n;
    if n < 2.0 {
        return Interval {
            low: mean,
            high: mean,
        };
    }
    let variance = ((squares - n * mean * mean) / (n - 1.0)).max(0.0);
    let half = z * (variance / n).sqrt();
    Interval {
        low: mean - half,
        high: mean + half,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs().max(1e-12)
    }

    #[test]
    fn poisson_limits_are_close_to_the_exact_gamma_quantiles() {
        // Exact 99 % limits (Garwood): gamma quantiles computed with mpmath.
        for (count, low, high) in [
            (5.0, 1.07793, 14.1498),
            (10.0, 3.71692, 21.3978),
            (30.0, 17.7672, 47.2093),
            (100.0, 76.1205, 128.761),
            (1000.0, 920.424, 1084.37),
        ] {
            let interval = poisson(count, Z_99);
            assert!(close(interval.low, low, 0.03), "{count}: {interval:?}");
            assert!(close(interval.high, high, 0.01), "{count}: {interval:?}");
        }
        // No events: the lower limit is 0 and the upper one a little above the exact 5.298.
        let none = poisson(0.0, Z_99);
        assert_eq!(none.low, 0.0);
        assert!((5.298..5.4).contains(&none.high), "{none:?}");
    }

    #[test]
    fn a_clustered_count_is_wider_than_a_plain_one_by_its_dispersion() {
        // 100 units of 1 each: plain Poisson.
        assert_eq!(clustered_count(100.0, 100.0, Z_99), poisson(100.0, Z_99));
        // 50 units of 2 each: the same total carries half the information.
        let clustered = clustered_count(100.0, 200.0, Z_99);
        assert_eq!(clustered, poisson(50.0, Z_99).scaled(2.0));
        assert!(clustered.low < poisson(100.0, Z_99).low);
        assert!(clustered.high > poisson(100.0, Z_99).high);
        // Amounts in kroner: only their relative spread matters.
        assert_eq!(
            clustered_count(100.0 * 1e6, 200.0 * 1e12, Z_99),
            clustered.scaled(1e6)
        );
    }

    #[test]
    fn wilson_intervals_match_the_closed_form_and_stay_within_zero_and_one() {
        let twelve_of_fourteen = wilson(12.0, 14.0, Z_99);
        assert!(close(twelve_of_fourteen.low, 0.513_050, 1e-5));
        assert!(close(twelve_of_fourteen.high, 0.971_565, 1e-5));
        let none = wilson(0.0, 10.0, Z_99);
        assert!(none.low.abs() < 1e-12);
        assert!(close(none.high, 0.398_854, 1e-5));
        let all = wilson(10.0, 10.0, Z_99);
        assert!(all.high <= 1.0 && close(all.low, 1.0 - 0.398_854, 1e-5));
    }

    #[test]
    fn a_mean_interval_uses_the_sample_spread() {
        // Observations 1, 2, 3, 4: mean 2.5, s² = 5/3.
        let interval = mean(10.0, 30.0, 4.0, Z_99);
        let half = Z_99 * (5.0_f64 / 3.0 / 4.0).sqrt();
        assert!(close(interval.low, 2.5 - half, 1e-12));
        assert!(close(interval.high, 2.5 + half, 1e-12));
        assert_eq!(
            mean(7.0, 49.0, 1.0, Z_99),
            Interval {
                low: 7.0,
                high: 7.0
            }
        );
    }

    #[test]
    fn intervals_overlap_when_they_share_a_point() {
        let a = Interval {
            low: 1.0,
            high: 2.0,
        };
        assert!(a.overlaps(Interval {
            low: 2.0,
            high: 3.0
        }));
        assert!(!a.overlaps(Interval {
            low: 2.1,
            high: 3.0
        }));
    }
}
