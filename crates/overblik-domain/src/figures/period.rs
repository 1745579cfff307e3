//! A period of whole days, both ends inclusive (key-figures.md), and its calendar pieces.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::YearMonth;
use crate::calendar::add_months;

/// `[from, to]`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("perioden begynder ({from}) efter den slutter ({to})")]
pub struct PeriodError {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The longest period figures are computed for when it is asked for from outside (a request, a
/// command-line option): ten years. KF12 walks the period's months and the server keeps what
/// it computed, so an unbounded period could make one request run out of memory.
pub const MAX_REQUESTED_YEARS: u32 = 10;

/// Why a period asked for from outside is refused; `field` names the parameter to correct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestedPeriodError {
    #[error("perioden begynder ({from}) efter den slutter ({to})")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("{field}: {date} ligger uden for data (fra {first} til {last})")]
    OutsideData {
        field: &'static str,
        date: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    },
    #[error("perioden må højst være {MAX_REQUESTED_YEARS} år")]
    TooLong,
}

impl RequestedPeriodError {
    /// The parameter the error is about: `from` or `to`.
    pub fn field(&self) -> &'static str {
        match self {
            RequestedPeriodError::OutsideData { field, .. } => field,
            RequestedPeriodError::Reversed { .. } | RequestedPeriodError::TooLong => "from",
        }
    }
}

impl Period {
    /// A period asked for from outside, bounded: `from` ≤ `to`, both within the data's years
    /// (1 January of the year the data starts, `data_starts`, to 31 December of T's year),
    /// and at most [`MAX_REQUESTED_YEARS`] long.
    pub fn requested(
        from: NaiveDate,
        to: NaiveDate,
        data_starts: NaiveDate,
        t: NaiveDate,
    ) -> Result<Period, RequestedPeriodError> {
        let first = Period::year(data_starts.year().min(t.year())).from;
        let last = Period::year(t.year()).to;
        // `to` first: a default `from` derives from it, so a bad `to` is named as such.
        for (field, date) in [("to", to), ("from", from)] {
            if !(first..=last).contains(&date) {
                return Err(RequestedPeriodError::OutsideData {
                    field,
                    date,
                    first,
                    last,
                });
            }
        }
        if from > to {
            return Err(RequestedPeriodError::Reversed { from, to });
        }
        if to >= add_months(from, (12 * MAX_REQUESTED_YEARS) as i32) {
            return Err(RequestedPeriodError::TooLong);
        }
        Ok(Period { from, to })
    }

    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, PeriodError> {
        if from > to {
            return Err(PeriodError { from, to });
        }
        Ok(Period { from, to })
    }

    /// The `days` days ending with `to` (the last 7 days: `ending(T, 7)`).
    pub fn ending(to: NaiveDate, days: u32) -> Period {
        let from = to - chrono::Days::new(u64::from(days.max(1) - 1));
        Period { from, to }
    }

    /// The whole calendar month.
    pub fn month(month: YearMonth) -> Period {
        let from = month.first_day();
        Period {
            from,
            to: add_months(from, 1).pred_opt().expect("date in range"),
        }
    }

    /// The whole calendar year.
    pub fn year(year: i32) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1).expect("year in range"),
            to: NaiveDate::from_ymd_opt(year, 12, 31).expect("year in range"),
        }
    }

    /// The ISO week (Monday-Sunday) containing `date`.
    pub fn iso_week(date: NaiveDate) -> Period {
        let from = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
        Period {
            from,
            to: from + chrono::Days::new(6),
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Number of days, both ends counted.
    pub fn days(self) -> u32 {
        (self.to - self.from).num_days() as u32 + 1
    }

    /// The part of the period on or before `date`, if any.
    pub fn up_to(self, date: NaiveDate) -> Option<Period> {
        (self.from <= date).then(|| Period {
            from: self.from,
            to: self.to.min(date),
        })
    }

    /// The part shared with `other`, if any.
    pub fn intersect(self, other: Period) -> Option<Period> {
        let from = self.from.max(other.from);
        let to = self.to.min(other.to);
        (from <= to).then_some(Period { from, to })
    }

    /// The calendar months the period touches, each with the days of it inside the period.
    pub fn months(self) -> Vec<(YearMonth, Period)> {
        let mut out = Vec::new();
        let mut month = YearMonth::of(self.from);
        while let Some(part) = Period::month(month).intersect(self) {
            out.push((month, part));
            let next = add_months(month.first_day(), 1);
            month = YearMonth::of(next);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_requested_period_is_bounded_by_the_data_and_ten_years() {
        let (starts, t) = (d("2015-03-10"), d("2025-06-30"));
        let ask = |from: &str, to: &str| Period::requested(d(from), d(to), starts, t);
        assert_eq!(
            ask("2015-01-01", "2024-12-31"),
            Ok(Period::new(d("2015-01-01"), d("2024-12-31")).unwrap())
        );
        // Ten years and a day is too long.
        assert_eq!(
            ask("2015-01-01", "2025-01-01"),
            Err(RequestedPeriodError::TooLong)
        );
        assert_eq!(
            ask("2025-12-31", "2025-12-31").map(|p| p.to),
            Ok(d("2025-12-31"))
        );
        // Outside the data's years, whichever end (a hostile year far ahead included).
        let outside = ask("2014-12-31", "2015-06-30").unwrap_err();
        assert_eq!(outside.field(), "from");
        let far = NaiveDate::from_ymd_opt(262_142, 12, 31).unwrap();
        let outside = Period::requested(d("2025-01-01"), far, starts, t).unwrap_err();
        assert_eq!(outside.field(), "to");
        assert!(outside.to_string().contains("uden for data"), "{outside}");
        assert!(matches!(
            ask("2025-02-02", "2025-02-01"),
            Err(RequestedPeriodError::Reversed { .. })
        ));
    }

    #[test]
    fn from_after_to_is_refused() {
        assert!(Period::new(d("2025-02-02"), d("2025-02-01")).is_err());
        assert_eq!(
            Period::new(d("2025-02-01"), d("2025-02-01"))
                .unwrap()
                .days(),
            1
        );
    }

    #[test]
    fn months_split_a_period_at_month_ends() {
        let period = Period::new(d("2024-01-15"), d("2024-03-01")).unwrap();
        let months: Vec<(String, u32)> = period
            .months()
            .into_iter()
            .map(|(m, p)| (m.to_string(), p.days()))
            .collect();
        assert_eq!(
            months,
            vec![
                ("2024-01".into(), 17),
                ("2024-02".into(), 29),
                ("2024-03".into(), 1)
            ]
        );
    }

    #[test]
    fn iso_week_runs_monday_to_sunday() {
        let week = Period::iso_week(d("2026-11-22"));
        assert_eq!((week.from, week.to), (d("2026-11-16"), d("2026-11-22")));
        assert_eq!(Period::ending(d("2026-11-22"), 7).from, d("2026-11-16"));
    }
}
