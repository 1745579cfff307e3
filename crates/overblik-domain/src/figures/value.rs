//! The shapes a figure's parts take: counts, shares, statistics of a sample, exclusions.

use serde::Serialize;
use serde::ser::SerializeStruct;

/// A share with its numerator and denominator (key-figures.md); "not available" when the
/// denominator is 0. Serialised as `{"numerator", "denominator", "value"}` with `value`
/// null when not available.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub numerator: u64,
    pub denominator: u64,
}

impl Share {
    pub fn new(numerator: u64, denominator: u64) -> Share {
        debug_assert!(numerator <= denominator);
        Share {
            numerator,
            denominator,
        }
    }

    /// Counts one case of the denominator, and of the numerator when `hit`.
    pub fn count(&mut self, hit: bool) {
        self.denominator += 1;
        self.numerator += u64::from(hit);
    }

    pub fn value(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    /// Adds `other`'s counts (shares of parts summed to the whole).
    pub fn merge(&mut self, other: Share) {
        self.numerator += other.numerator;
        self.denominator += other.denominator;
    }
}

impl Serialize for Share {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Share", 3)?;
        out.serialize_field("numerator", &self.numerator)?;
        out.serialize_field("denominator", &self.denominator)?;
        out.serialize_field("value", &self.value())?;
        out.end()
    }
}

/// Median (and mean) of a sample; `None` when the sample is empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    pub n: u64,
    pub median: Option<f64>,
    pub mean: Option<f64>,
    pub max: Option<f64>,
}

impl Stats {
    pub fn of(mut values: Vec<f64>) -> Stats {
        if values.is_empty() {
            return Stats::default();
        }
        values.sort_unstable_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        Stats {
            n: n as u64,
            median: Some(median),
            mean: Some(values.iter().sum::<f64>() / n as f64),
            max: values.last().copied(),
        }
    }
}

/// Source rows a figure left out, and why. A figure never ignores a row silently: every row
/// that matched the figure's selection but could not be used is counted here (and shown in
/// the data quality section of every report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    /// The table the rows come from.
    pub table: &'static str,
    /// Stable code of the reason.
    pub reason: &'static str,
    /// The reason in Danish.
    pub label_da: &'static str,
    pub rows: u64,
}

/// Collects exclusions by reason while a figure runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions(Vec<Exclusion>);

impl Exclusions {
    pub fn add(&mut self, table: &'static str, reason: &'static str, label_da: &'static str) {
        match self
            .0
            .iter_mut()
            .find(|e| e.reason == reason && e.table == table)
        {
            Some(existing) => existing.rows += 1,
            None => self.0.push(Exclusion {
                table,
                reason,
                label_da,
                rows: 1,
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn list(&self) -> &[Exclusion] {
        &self.0
    }

    /// Rows excluded for `reason`.
    pub fn rows(&self, reason: &str) -> u64 {
        self.0
            .iter()
            .filter(|e| e.reason == reason)
            .map(|e| e.rows)
            .sum()
    }
}

impl Serialize for Exclusions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_with_denominator_zero_is_not_available() {
        assert_eq!(Share::default().value(), None);
        let json = serde_json::to_string(&Share::default()).unwrap();
        assert_eq!(json, r#"{"numerator":0,"denominator":0,"value":null}"#);
        assert_eq!(Share::new(1, 4).value(), Some(0.25));
    }

    #[test]
    fn median_of_even_and_odd_samples() {
        assert_eq!(Stats::of(vec![3.0, 1.0, 2.0]).median, Some(2.0));
        assert_eq!(Stats::of(vec![4.0, 1.0, 2.0, 3.0]).median, Some(2.5));
        assert_eq!(Stats::of(vec![]).median, None);
    }
}
