//! An indicator's values through a year: one per reporting period begun by T, each computed
//! in a context as of the period's end (so a past month says what the data showed then), and
//! the status and trend of the latest complete period.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::figure::{Measured, to_f64};
use super::status::{Status, Trend, status, trend};
use crate::YearMonth;
use crate::codes::ReportingFrequency;
use crate::figures::{Context, Period};
use crate::obligations::{AsOf, Evaluation, evaluate};
use crate::rules::RuleSet;
use crate::tables::Indicator;

/// One reporting period's value.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodValue {
    /// "jan. 2026", "1. kvt. 2026", "2026".
    pub label: String,
    /// The period, cut at T.
    pub period: Period,
    /// Whether the period had ended by T.
    pub complete: bool,
    /// `None`: not available.
    pub value: Option<Measured>,
}

/// An indicator's values for a year at T.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorResult<'a> {
    pub indicator: &'a Indicator,
    /// The periods of the year begun by T, in order; the last may be running.
    pub series: Vec<PeriodValue>,
    /// The period before the year's first, for the trend of the first.
    pub previous: Option<PeriodValue>,
    /// The indicator's unit is not in the data (any more): no values.
    pub unknown_unit: bool,
}

impl IndicatorResult<'_> {
    /// The position in `series` the status is judged on: the latest complete period, or the
    /// running one while none of the year is complete (a yearly indicator before December 31).
    fn current_index(&self) -> Option<usize> {
        self.series
            .iter()
            .rposition(|p| p.complete)
            .or_else(|| self.series.len().checked_sub(1))
    }

    /// The period the status and trend are judged on.
    pub fn current(&self) -> Option<&PeriodValue> {
        self.current_index().map(|i| &self.series[i])
    }

    /// The period before [`Self::current`].
    pub fn before_current(&self) -> Option<&PeriodValue> {
        match self.current_index()? {
            0 => self.previous.as_ref(),
            i => Some(&self.series[i - 1]),
        }
    }

    pub fn value(&self) -> Option<Measured> {
        self.current()?.value
    }

    pub fn status(&self) -> Status {
        let i = self.indicator;
        status(
            self.value().map(|m| m.value),
            to_f64(i.target),
            i.direction,
            i.tolerance.as_ref().map(|t| to_f64(*t.get())),
        )
    }

    /// `None` when either value is missing.
    pub fn trend(&self) -> Option<Trend> {
        let current = self.value()?.value;
        let previous = self.before_current()?.value?.value;
        Some(trend(previous, current, self.indicator.direction))
    }
}

const MONTHS: [&str; 12] = [
    "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
];

/// The reporting periods of `year` (whole periods, not cut): each with its label.
fn year_periods(year: i32, frequency: ReportingFrequency) -> Vec<(String, Period)> {
    let month = |m: u32| YearMonth::new(year, m).expect("valid month");
    match frequency {
        ReportingFrequency::Monthly => (1..=12)
            .map(|m| {
                (
                    format!("{} {year}", MONTHS[m as usize - 1]),
                    Period::month(month(m)),
                )
            })
            .collect(),
        ReportingFrequency::Quarterly => (0..4)
            .map(|q| {
                let first = Period::month(month(q * 3 + 1));
                let last = Period::month(month(q * 3 + 3));
                (
                    format!("{}. kvt. {year}", q + 1),
                    Period::new(first.from, last.to).expect("ordered"),
                )
            })
            .collect(),
        ReportingFrequency::Yearly => vec![(year.to_string(), Period::year(year))],
    }
}

/// A period with its label.
pub type Labelled = (String, Period);
/// A period begun by T: its label, the period cut at T, and whether it had ended by T.
pub type Begun = (String, Period, bool);

/// The periods of `year` begun by `t`, each cut at `t` and marked complete when it had ended
/// by then; and the last period of the year before (whole), for the first one's trend.
pub fn periods(
    year: i32,
    frequency: ReportingFrequency,
    t: NaiveDate,
) -> (Option<Labelled>, Vec<Begun>) {
    let begun: Vec<Begun> = year_periods(year, frequency)
        .into_iter()
        .filter_map(|(label, whole)| whole.up_to(t).map(|cut| (label, cut, cut.to == whole.to)))
        .collect();
    let previous = if begun.is_empty() {
        None
    } else {
        year_periods(year - 1, frequency).pop()
    };
    (previous, begun)
}

/// Where one value goes: the indicator and the slot (`None`: the previous period).
type Slot = (usize, Option<usize>);

/// The values to compute per context: (as of, unit) → (slot, period).
type Jobs<'a> = BTreeMap<(NaiveDate, Option<&'a str>), Vec<(Slot, Period)>>;

/// Every indicator's values through `year` as of the context's T. Each value is computed in a
/// context for the indicator's unit as of its period's end (or T); the obligations are
/// evaluated for those dates only where a figure reads them (`ctx.evaluation` serves T when
/// `ctx_has_obligations`).
pub fn year_results<'a>(
    ctx: &Context<'_>,
    rules: &RuleSet,
    ctx_has_obligations: bool,
    indicators: &[&'a Indicator],
    year: i32,
) -> Vec<IndicatorResult<'a>> {
    let t = ctx.as_of.date;
    let mut out: Vec<IndicatorResult<'a>> = Vec::with_capacity(indicators.len());
    // (as of, unit) → the values computed in that context.
    let mut jobs: Jobs<'_> = BTreeMap::new();
    for (n, indicator) in indicators.iter().enumerate() {
        let (previous, series) = periods(year, indicator.frequency, t);
        let unit = indicator.unit_id.as_ref().map(|u| u.as_str());
        let slot = |label: String, period: Period, complete: bool| PeriodValue {
            label,
            period,
            complete,
            value: None,
        };
        if let Some((label, period)) = previous {
            jobs.entry((period.to, unit))
                .or_default()
                .push(((n, None), period));
            out.push(IndicatorResult {
                indicator,
                series: Vec::new(),
                previous: Some(slot(label, period, true)),
                unknown_unit: false,
            });
        } else {
            out.push(IndicatorResult {
                indicator,
                series: Vec::new(),
                previous: None,
                unknown_unit: false,
            });
        }
        for (i, (label, period, complete)) in series.into_iter().enumerate() {
            jobs.entry((period.to, unit))
                .or_default()
                .push(((n, Some(i)), period));
            out[n].series.push(slot(label, period, complete));
        }
    }
    // The obligations as of each date a figure needs them, evaluated once per date.
    let mut evaluations: BTreeMap<NaiveDate, Evaluation> = BTreeMap::new();
    for ((date, _), list) in &jobs {
        let needed = list
            .iter()
            .any(|((n, _), _)| indicators[*n].figure.reads_obligations());
        if needed && !(ctx_has_obligations && *date == t) && !evaluations.contains_key(date) {
            evaluations.insert(*date, evaluate(ctx.snapshot, rules, AsOf::end_of(*date)));
        }
    }
    let none = Evaluation::default();
    for ((date, unit), list) in jobs {
        let evaluation = if ctx_has_obligations && date == t {
            ctx.evaluation
        } else {
            evaluations.get(&date).unwrap_or(&none)
        };
        let Ok(at) = Context::new(
            ctx.snapshot,
            ctx.sources,
            evaluation,
            AsOf::end_of(date),
            unit,
        ) else {
            for ((n, _), _) in list {
                out[n].unknown_unit = true;
            }
            continue;
        };
        let mut at = at.with_entered(ctx.entered);
        at.settings = ctx.settings.clone();
        for ((n, slot), period) in list {
            let value = indicators[n].figure.measure(&at, period);
            match slot {
                Some(i) => out[n].series[i].value = value,
                None => {
                    if let Some(p) = out[n].previous.as_mut() {
                        p.value = value;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_periods_are_those_begun_by_t_cut_at_t_with_the_one_before() {
        let (previous, series) = periods(2026, ReportingFrequency::Monthly, d("2026-03-10"));
        assert_eq!(previous.unwrap().0, "dec. 2025");
        let labels: Vec<&str> = series.iter().map(|(l, _, _)| l.as_str()).collect();
        assert_eq!(labels, ["jan. 2026", "feb. 2026", "mar. 2026"]);
        assert_eq!(
            series[2].1,
            Period::new(d("2026-03-01"), d("2026-03-10")).unwrap()
        );
        assert_eq!(
            series.iter().map(|s| s.2).collect::<Vec<_>>(),
            [true, true, false]
        );
        let (previous, series) = periods(2026, ReportingFrequency::Quarterly, d("2026-06-30"));
        assert_eq!(
            previous.unwrap().1,
            Period::new(d("2025-10-01"), d("2025-12-31")).unwrap()
        );
        assert_eq!(series.len(), 2);
        assert!(series[1].2, "the second quarter ended on June 30");
        let (previous, series) = periods(2026, ReportingFrequency::Yearly, d("2026-11-22"));
        assert_eq!(previous.unwrap().0, "2025");
        assert_eq!(
            series[0].1,
            Period::new(d("2026-01-01"), d("2026-11-22")).unwrap()
        );
        assert!(!series[0].2);
        let (previous, series) = periods(2027, ReportingFrequency::Monthly, d("2026-11-22"));
        assert!(previous.is_none() && series.is_empty(), "a year not begun");
    }
}
