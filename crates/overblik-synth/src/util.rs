//! Days as integers, the seeded random source and local timestamps.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;
use overblik_domain::calendar;
use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A calendar day as days since 1 January of year 1 (cheap to add and compare).
pub(crate) type Day = i32;

pub(crate) fn day(date: NaiveDate) -> Day {
    date.num_days_from_ce()
}

pub(crate) fn date(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).expect("a day within chrono's range")
}

/// `day` + `months` calendar months, clamped to the end of the month (key-figures.md).
pub(crate) fn add_months(day: Day, months: u32) -> Day {
    self::day(calendar::add_months(date(day), months as i32))
}

/// `day` − `months` calendar months, clamped to the end of the month.
pub(crate) fn sub_months(day: Day, months: u32) -> Day {
    self::day(calendar::add_months(date(day), -(months as i32)))
}

/// The day `years` whole years after `birth` (a 29 February birthday falls on 28 February).
pub(crate) fn birthday(birth: Day, years: i32) -> Day {
    day(calendar::anniversary(date(birth), years))
}

/// Whole years of age on `on`.
pub(crate) fn age(birth: Day, on: Day) -> i32 {
    age_on(date(birth), date(on))
}

/// Whole years of age on `on`, for dates.
pub(crate) fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Monday-Friday (public holidays are not modelled; deadlines drawn with a margin).
pub(crate) fn add_working_days(from: Day, days: i32) -> Day {
    let mut current = from;
    let mut left = days;
    while left > 0 {
        current += 1;
        if date(current).weekday().num_days_from_monday() < 5 {
            left -= 1;
        }
    }
    current
}

/// Local Copenhagen wall time `minute` minutes after midnight on `day`, as an instant. A time in
/// the hour skipped when summer time begins is read one hour later (as a clock would show it).
pub(crate) fn local_instant(day: Day, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(minute.min(1439) * 60, 0)
        .expect("a time of day");
    let local = date(day).and_time(time);
    match Copenhagen.from_local_datetime(&local).earliest() {
        Some(instant) => instant.with_timezone(&Utc),
        None => Copenhagen
            .from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
            .earliest()
            .expect("one hour after the gap exists")
            .with_timezone(&Utc),
    }
}

/// The Copenhagen calendar day of an instant.
pub(crate) fn local_day(instant: DateTime<Utc>) -> Day {
    day(calendar::local_date(instant))
}

/// The seeded random source: every draw of the generator comes from here.
pub(crate) struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Self(rng)
    }

    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }

    /// Uniform integer in `low..=high`.
    pub fn int(&mut self, low: i32, high: i32) -> i32 {
        if high <= low {
            low
        } else {
            self.0.random_range(low..=high)
        }
    }

    /// Exponential with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -(1.0 - self.f()).ln() * mean
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f();
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and log-spread.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// An index drawn with the given (not necessarily normalised) weights.
    pub fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.f() * total;
        for (index, weight) in weights.iter().enumerate() {
            if target < *weight {
                return index;
            }
            target -= weight;
        }
        weights.len() - 1
    }

    /// A number of events of a Poisson process with the given mean (inversion; small means).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        if mean > 30.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0) as u32;
        }
        let limit = (-mean).exp();
        let mut product = self.f();
        let mut count = 0;
        while product > limit {
            product *= self.f();
            count += 1;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_clamp_and_ages_count_birthdays() {
        let d = day(NaiveDate::from_ymd_opt(2025, 10, 31).unwrap());
        assert_eq!(date(add_months(d, 4)).to_string(), "2026-02-28");
        let birth = day(NaiveDate::from_ymd_opt(2008, 2, 29).unwrap());
        assert_eq!(date(birthday(birth, 18)).to_string(), "2026-02-28");
        assert_eq!(
            age(birth, day(NaiveDate::from_ymd_opt(2026, 2, 27).unwrap())),
            17
        );
    }

    #[test]
    fn the_skipped_summer_time_hour_is_shifted() {
        let d = day(NaiveDate::from_ymd_opt(2025, 3, 30).unwrap());
        let instant = local_instant(d, 2 * 60 + 30);
        assert_eq!(instant.to_rfc3339(), "2025-03-30T01:30:00+00:00");
        assert_eq!(local_day(instant), d);
    }
}
