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

impl Period {
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
