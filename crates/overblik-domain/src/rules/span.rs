//! A deadline length as the law states it ("24 timer", "6 hverdage", "4 måneder"), and how it
//! is added to a trigger.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::{Calendar, add_hours, add_months, add_weeks, local_date};

/// The unit a deadline is counted in. Each is counted differently (legal-rules.md, Calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Exact elapsed hours on the timeline, across DST changes.
    Hours,
    /// Calendar days.
    Days,
    /// Working days after the trigger's date, the date itself not counted.
    WorkingDays,
    Weeks,
    /// Calendar months with end-of-month clamp.
    Months,
}

/// A non-negative deadline length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub amount: u32,
    pub unit: Unit,
}

/// When something happens or falls due: hour deadlines and notification events are instants,
/// everything else whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Moment {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

impl Moment {
    /// Whether this moment is no later than `due`. Two instants are compared exactly; otherwise
    /// as whole Copenhagen days (a receipt sent at 23:59 on the due date is on time).
    pub fn on_or_before(self, due: Moment) -> bool {
        match (self, due) {
            (Moment::Instant(at), Moment::Instant(due)) => at <= due,
            (at, due) => at.date() <= due.date(),
        }
    }

    /// The Europe/Copenhagen date of the due moment.
    pub fn date(self) -> NaiveDate {
        match self {
            Moment::Instant(instant) => local_date(instant),
            Moment::Date(date) => date,
        }
    }
}

impl Span {
    pub const ZERO_DAYS: Span = Span {
        amount: 0,
        unit: Unit::Days,
    };

    /// Parses `"<n> <unit>"`, e.g. `"6 working days"` or `"6 hverdage"`.
    pub fn parse(text: &str) -> Result<Span, String> {
        let text = text.trim();
        let (amount, unit) = text.split_once(char::is_whitespace).ok_or_else(|| {
            format!("`{text}` er ikke en varighed som `4 months` eller `6 working days`")
        })?;
        let amount: i64 = amount
            .parse()
            .map_err(|_| format!("`{amount}` i `{text}` er ikke et helt tal"))?;
        if amount < 0 {
            return Err(format!(
                "varigheden `{text}` er negativ; en frist kan ikke ligge før sin anledning"
            ));
        }
        let amount = u32::try_from(amount)
            .ok()
            .filter(|amount| *amount <= 10_000)
            .ok_or_else(|| format!("varigheden `{text}` er urimeligt lang"))?;
        let unit = match unit.trim().to_lowercase().as_str() {
            "hour" | "hours" | "time" | "timer" => Unit::Hours,
            "day" | "days" | "dag" | "dage" => Unit::Days,
            "working day" | "working days" | "hverdag" | "hverdage" => Unit::WorkingDays,
            "week" | "weeks" | "uge" | "uger" => Unit::Weeks,
            "month" | "months" | "måned" | "måneder" => Unit::Months,
            other => {
                return Err(format!(
                    "ukendt enhed `{other}` i `{text}`; brug hours, days, working days, weeks eller months"
                ));
            }
        };
        Ok(Span { amount, unit })
    }

    /// The due moment of a deadline of this length from a trigger instant.
    pub fn after_instant(self, trigger: DateTime<Utc>, calendar: &Calendar) -> Moment {
        match self.unit {
            Unit::Hours => Moment::Instant(add_hours(trigger, i64::from(self.amount))),
            _ => Moment::Date(self.after_date(local_date(trigger), calendar)),
        }
    }

    /// The due date of a deadline of this length from a trigger date. An hour length counts
    /// from the start of the date.
    pub fn after_date(self, trigger: NaiveDate, calendar: &Calendar) -> NaiveDate {
        let amount = self.amount;
        match self.unit {
            Unit::Hours => trigger + chrono::Days::new(u64::from(amount / 24)),
            Unit::Days => trigger + chrono::Days::new(u64::from(amount)),
            Unit::WorkingDays => calendar.add_working_days(trigger, amount),
            Unit::Weeks => add_weeks(trigger, amount as i32),
            Unit::Months => add_months(trigger, amount as i32),
        }
    }

    /// The date this length before `date` (e.g. the 18th birthday − 6 months).
    pub fn before_date(self, date: NaiveDate) -> NaiveDate {
        let amount = self.amount as i32;
        match self.unit {
            Unit::Months => add_months(date, -amount),
            Unit::Weeks => add_weeks(date, -amount),
            Unit::Days | Unit::WorkingDays | Unit::Hours => {
                let days = if self.unit == Unit::Hours {
                    amount / 24
                } else {
                    amount
                };
                date - chrono::Days::new(days as u64)
            }
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match (self.unit, self.amount == 1) {
            (Unit::Hours, true) => "time",
            (Unit::Hours, false) => "timer",
            (Unit::Days, true) => "dag",
            (Unit::Days, false) => "dage",
            (Unit::WorkingDays, true) => "hverdag",
            (Unit::WorkingDays, false) => "hverdage",
            (Unit::Weeks, true) => "uge",
            (Unit::Weeks, false) => "uger",
            (Unit::Months, true) => "måned",
            (Unit::Months, false) => "måneder",
        };
        write!(f, "{} {unit}", self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_read_in_english_and_danish() {
        for (text, amount, unit) in [
            ("24 hours", 24, Unit::Hours),
            ("6 working days", 6, Unit::WorkingDays),
            ("6 hverdage", 6, Unit::WorkingDays),
            ("4 måneder", 4, Unit::Months),
            ("14 days", 14, Unit::Days),
            (" 2 Weeks ", 2, Unit::Weeks),
            ("0 days", 0, Unit::Days),
        ] {
            assert_eq!(Span::parse(text), Ok(Span { amount, unit }), "{text}");
        }
    }

    #[test]
    fn negative_and_malformed_lengths_are_refused_with_a_reason() {
        assert!(Span::parse("-4 months").unwrap_err().contains("negativ"));
        assert!(Span::parse("4").unwrap_err().contains("ikke en varighed"));
        assert!(Span::parse("four months").unwrap_err().contains("helt tal"));
        assert!(
            Span::parse("4 fortnights")
                .unwrap_err()
                .contains("ukendt enhed")
        );
    }

    #[test]
    fn lengths_are_shown_in_danish() {
        assert_eq!(
            Span::parse("6 working days").unwrap().to_string(),
            "6 hverdage"
        );
        assert_eq!(Span::parse("1 month").unwrap().to_string(), "1 måned");
    }
}
