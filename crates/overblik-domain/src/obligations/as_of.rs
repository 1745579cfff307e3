//! The as-of moment T: what has happened by then, and what is past due.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::calendar::{local_date, start_of_local_day};
use crate::rules::Moment;

/// The moment an evaluation is made for. Given as a date, T is the end of that day in
/// Europe/Copenhagen (key-figures.md): everything up to 23:59:59.999… of that day has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    /// The Copenhagen date of T.
    pub date: NaiveDate,
    /// The last instant that counts as "by T".
    pub instant: DateTime<Utc>,
}

impl AsOf {
    /// T = the end of `date`.
    pub fn end_of(date: NaiveDate) -> AsOf {
        let next_day = date.succ_opt().unwrap_or(date);
        AsOf {
            date,
            instant: start_of_local_day(next_day) - TimeDelta::nanoseconds(1),
        }
    }

    /// T = an exact instant (e.g. "now" for a page view).
    pub fn at(instant: DateTime<Utc>) -> AsOf {
        AsOf {
            date: local_date(instant),
            instant,
        }
    }

    /// Whether an event at `moment` has happened by T.
    pub fn has_happened(self, moment: Moment) -> bool {
        match moment {
            Moment::Instant(instant) => instant <= self.instant,
            Moment::Date(date) => date <= self.date,
        }
    }

    /// Whether a date has come by T.
    pub fn reached(self, date: NaiveDate) -> bool {
        date <= self.date
    }

    /// Whether a deadline due at `due` has passed at T (so an unmet obligation is overdue).
    /// A date deadline runs to the end of its day.
    pub fn is_past(self, due: Moment) -> bool {
        match due {
            Moment::Instant(instant) => instant < self.instant,
            Moment::Date(date) => date < self.date,
        }
    }
}
