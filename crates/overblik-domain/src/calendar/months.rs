//! Calendar-month and week arithmetic ("d + N months", `key-figures.md`).

use chrono::{Datelike, NaiveDate, TimeDelta};

/// d + n calendar months with end-of-month clamp (n may be negative): 2025-10-31 + 4 = 2026-02-28;
/// 2024-02-29 + 12 = 2025-02-28.
///
/// Saturates at `NaiveDate::MIN` / `NaiveDate::MAX` instead of panicking, so a nonsense date in
/// the input cannot crash the engine.
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    add_months_wide(date, i64::from(months))
}

/// [`add_months`] with a wider count, so that `years * 12` cannot overflow.
fn add_months_wide(date: NaiveDate, months: i64) -> NaiveDate {
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + months;
    let saturated = if months < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    };
    let Ok(year) = i32::try_from(index.div_euclid(12)) else {
        return saturated;
    };
    let month = index.rem_euclid(12) as u32 + 1;
    let day = date.day().min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(saturated)
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// d + n weeks (7n days); saturates at chrono's limits.
pub fn add_weeks(date: NaiveDate, weeks: i32) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(i64::from(weeks) * 7))
        .unwrap_or(if weeks < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The birthday `years` after `birth` (29 Feb → 28 Feb in non-leap years), for "16th birthday"
/// and "18th birthday − 6 months".
///
/// This is month arithmetic (`years × 12` months), so it follows the same clamp as
/// [`add_months`]; saturates at chrono's limits.
pub fn anniversary(birth: NaiveDate, years: i32) -> NaiveDate {
    add_months_wide(birth, i64::from(years) * 12)
}

/// Whole years of age at `t`, birthdays falling as [`anniversary`] says (0 before birth).
pub fn age_at(birth: NaiveDate, t: NaiveDate) -> u32 {
    let years = t.year() - birth.year();
    let age = if anniversary(birth, years) > t {
        years - 1
    } else {
        years
    };
    age.max(0) as u32
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn clamps_to_the_end_of_the_month() {
        assert_eq!(add_months(date(2025, 10, 31), 4), date(2026, 2, 28));
        assert_eq!(add_months(date(2024, 2, 29), 12), date(2025, 2, 28));
        assert_eq!(add_months(date(2024, 2, 29), 48), date(2028, 2, 29));
        assert_eq!(add_months(date(2023, 10, 31), 4), date(2024, 2, 29));
        assert_eq!(add_months(date(2025, 1, 31), 1), date(2025, 2, 28));
        assert_eq!(add_months(date(2025, 1, 31), 3), date(2025, 4, 30));
        assert_eq!(add_months(date(2025, 1, 30), 2), date(2025, 3, 30));
        assert_eq!(add_months(date(2025, 12, 15), 1), date(2026, 1, 15));
        assert_eq!(add_months(date(2025, 5, 17), 0), date(2025, 5, 17));
        assert_eq!(add_months(date(1900, 1, 31), 1), date(1900, 2, 28));
        assert_eq!(add_months(date(2000, 1, 31), 1), date(2000, 2, 29));
    }

    #[test]
    fn negative_months() {
        assert_eq!(add_months(date(2025, 3, 31), -1), date(2025, 2, 28));
        assert_eq!(add_months(date(2025, 1, 15), -1), date(2024, 12, 15));
        assert_eq!(add_months(date(2025, 8, 31), -6), date(2025, 2, 28));
        assert_eq!(add_months(date(2024, 2, 29), -12), date(2023, 2, 28));
        assert_eq!(add_months(date(2025, 1, 1), -25), date(2022, 12, 1));
    }

    #[test]
    fn saturates_at_chronos_limits() {
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_months(NaiveDate::MIN, -1), NaiveDate::MIN);
        assert_eq!(add_months(date(2025, 1, 1), i32::MAX), NaiveDate::MAX);
        assert_eq!(add_months(date(2025, 1, 1), i32::MIN), NaiveDate::MIN);
        assert_eq!(add_weeks(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_weeks(date(2025, 1, 1), i32::MIN), NaiveDate::MIN);
        assert_eq!(anniversary(date(2025, 1, 1), i32::MAX), NaiveDate::MAX);
        assert_eq!(anniversary(date(2025, 1, 1), i32::MIN), NaiveDate::MIN);
    }

    #[test]
    fn weeks() {
        assert_eq!(add_weeks(date(2025, 12, 29), 1), date(2026, 1, 5));
        assert_eq!(add_weeks(date(2025, 3, 1), -2), date(2025, 2, 15));
    }

    #[test]
    fn anniversaries() {
        assert_eq!(anniversary(date(2009, 2, 28), 16), date(2025, 2, 28));
        assert_eq!(anniversary(date(2008, 2, 29), 16), date(2024, 2, 29));
        assert_eq!(anniversary(date(2008, 2, 29), 17), date(2025, 2, 28));
        assert_eq!(anniversary(date(2008, 2, 29), 18), date(2026, 2, 28));
        // 18th birthday − 6 months.
        assert_eq!(
            add_months(anniversary(date(2007, 8, 31), 18), -6),
            date(2025, 2, 28)
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let lo = date(1850, 1, 1).num_days_from_ce();
        let hi = date(2250, 12, 31).num_days_from_ce();
        (lo..=hi).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
    }

    proptest! {
        #[test]
        fn month_addition_is_monotone(a in any_date(), b in any_date(), n in -1200i32..=1200) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(add_months(a, n) <= add_months(b, n));
        }

        #[test]
        fn month_addition_lands_in_the_right_month(d in any_date(), n in -1200i32..=1200) {
            let result = add_months(d, n);
            let index = |x: NaiveDate| x.year() * 12 + x.month0() as i32;
            prop_assert_eq!(index(result), index(d) + n);
            prop_assert!(result.day() <= d.day());
            // Same day when it exists, else the last day of the month.
            let last = days_in_month(result.year(), result.month());
            prop_assert_eq!(result.day(), d.day().min(last));
        }

        #[test]
        fn month_addition_is_monotone_in_n(d in any_date(), n in -1200i32..=1200) {
            prop_assert!(add_months(d, n) < add_months(d, n + 1));
        }

        #[test]
        fn days_in_month_agrees_with_chrono(y in -5000i32..=5000, m in 1u32..=12) {
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            let next = add_months(first, 1);
            prop_assert_eq!((next - first).num_days(), i64::from(days_in_month(y, m)));
        }
    }
}
