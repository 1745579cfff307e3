//! Danish public holidays (helligdage): three fixed dates and eight that move with Easter.

use chrono::{Datelike, NaiveDate, Weekday};

use super::CalendarMode;

/// Store bededag was abolished from 2024 (lov nr. 147 af 28. februar 2023); it is a holiday in
/// every year up to and including this one.
pub const STORE_BEDEDAG_LAST_YEAR: i32 = 2023;

/// A public holiday and its Danish name (shown to users as is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_da: &'static str,
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm published by Meeus).
///
/// Euclidean division keeps the result a valid March/April date for negative (proleptic) years
/// too, so the slow path of [`super::Calendar`] can never panic on odd input.
///
/// # Panics
/// Only when `year` is outside what `chrono::NaiveDate` can represent (about ±262,000).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let (month, day) = (n / 31, n % 31 + 1);
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("year within chrono's range")
}

/// The Easter-based holidays as (days after Easter Sunday, name), in date order.
const EASTER_BASED: [(i32, &str); 8] = [
    (-3, "Skærtorsdag"),
    (-2, "Langfredag"),
    (0, "Påskedag"),
    (1, "2. påskedag"),
    (26, "Store bededag"),
    (39, "Kristi himmelfartsdag"),
    (49, "Pinsedag"),
    (50, "2. pinsedag"),
];

/// Calls `f` with each public holiday of `year` in date order, without allocating.
pub(crate) fn for_each_holiday(year: i32, mut f: impl FnMut(Holiday)) {
    let fixed = |month, day, name_da| Holiday {
        date: NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday exists"),
        name_da,
    };
    f(fixed(1, 1, "Nytårsdag"));
    let easter = easter_sunday(year).num_days_from_ce();
    for (offset, name_da) in EASTER_BASED {
        if name_da == "Store bededag" && year > STORE_BEDEDAG_LAST_YEAR {
            continue;
        }
        let date = NaiveDate::from_num_days_from_ce_opt(easter + offset)
            .expect("Easter-based holidays fall in March-June of the same year");
        f(Holiday { date, name_da });
    }
    f(fixed(12, 25, "Juledag"));
    f(fixed(12, 26, "2. juledag"));
}

/// The public holidays of `year`, sorted by date, with their Danish names.
///
/// Allocates; hot paths use [`super::Calendar`] instead.
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    let mut holidays = Vec::with_capacity(EASTER_BASED.len() + 3);
    for_each_holiday(year, |h| holidays.push(h));
    holidays
}

/// Calls `f` with the days that are working days only in strict mode (5 Jun, 24 Dec, 31 Dec).
pub(crate) fn for_each_lenient_day(year: i32, mut f: impl FnMut(NaiveDate)) {
    for (month, day) in [(6, 5), (12, 24), (12, 31)] {
        f(NaiveDate::from_ymd_opt(year, month, day).expect("fixed day exists"));
    }
}

/// Whether `date` is Saturday or Sunday.
pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The weekdays of one year that are nevertheless not working days, computed on the fly: the
/// slow path for dates outside the precomputed table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct YearExceptions {
    /// Ordinal days (1-366), deduplicated; 5 Jun can be 2. pinsedag.
    ordinals: [u32; 14],
    len: usize,
}

impl YearExceptions {
    pub(crate) fn new(year: i32, mode: CalendarMode) -> Self {
        let mut this = Self {
            ordinals: [0; 14],
            len: 0,
        };
        let mut add = |date: NaiveDate| {
            let ordinal = date.ordinal();
            if !is_weekend(date) && !this.ordinals[..this.len].contains(&ordinal) {
                this.ordinals[this.len] = ordinal;
                this.len += 1;
            }
        };
        for_each_holiday(year, |h| add(h.date));
        if mode == CalendarMode::Lenient {
            for_each_lenient_day(year, &mut add);
        }
        this
    }

    /// Whether `date` (in this struct's year) is a weekday that is not a working day.
    pub(crate) fn contains(&self, date: NaiveDate) -> bool {
        self.ordinals[..self.len].contains(&date.ordinal())
    }

    /// How many of the exceptions lie in `from..=to` (both in this struct's year).
    pub(crate) fn count_in(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let range = from.ordinal()..=to.ordinal();
        self.ordinals[..self.len]
            .iter()
            .filter(|o| range.contains(o))
            .count() as u32
    }
}

/// Whether `date` is a public holiday, computed on the fly (slow path).
pub(crate) fn is_public_holiday_slow(date: NaiveDate) -> bool {
    let mut found = false;
    for_each_holiday(date.year(), |h| found |= h.date == date);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Knuth's version of the Lilius/Clavius computus (TAOCP vol. 1, 1.3.2 ex. 14): an
    /// independent second algorithm to check the Meeus one against.
    fn easter_knuth(year: i32) -> NaiveDate {
        let g = year % 19 + 1;
        let c = year / 100 + 1;
        let x = 3 * c / 4 - 12;
        let z = (8 * c + 5) / 25 - 5;
        let d = 5 * year / 4 - x - 10;
        let mut e = (11 * g + 20 + z - x).rem_euclid(30);
        if (e == 25 && g > 11) || e == 24 {
            e += 1;
        }
        let mut n = 44 - e;
        if n < 21 {
            n += 30;
        }
        n = n + 7 - (d + n) % 7;
        if n > 31 {
            date(year, 4, (n - 31) as u32)
        } else {
            date(year, 3, n as u32)
        }
    }

    #[test]
    fn easter_matches_known_dates() {
        for (y, m, d) in [
            (1900, 4, 15),
            (1943, 4, 25),
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2038, 4, 25),
            (2100, 3, 28),
            (2200, 4, 6),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
            assert_eq!(easter_knuth(y), date(y, m, d), "{y} (Knuth)");
        }
    }

    #[test]
    fn easter_agrees_with_an_independent_algorithm() {
        for year in 1583..=4099 {
            let easter = easter_sunday(year);
            assert_eq!(easter, easter_knuth(year), "{year}");
            assert_eq!(easter.weekday(), Weekday::Sun);
            assert!(date(year, 3, 22) <= easter && easter <= date(year, 4, 25));
        }
    }

    #[test]
    fn easter_never_panics_in_chronos_range() {
        for year in [
            NaiveDate::MIN.year(),
            NaiveDate::MIN.year() + 1,
            -1,
            0,
            1,
            NaiveDate::MAX.year(),
        ] {
            let easter = easter_sunday(year);
            assert_eq!(easter.weekday(), Weekday::Sun, "{year}");
            public_holidays(year);
        }
    }

    fn listed(year: i32) -> Vec<(NaiveDate, &'static str)> {
        public_holidays(year)
            .into_iter()
            .map(|h| (h.date, h.name_da))
            .collect()
    }

    #[test]
    fn holidays_2023_include_store_bededag() {
        assert_eq!(
            listed(2023),
            vec![
                (date(2023, 1, 1), "Nytårsdag"),
                (date(2023, 4, 6), "Skærtorsdag"),
                (date(2023, 4, 7), "Langfredag"),
                (date(2023, 4, 9), "Påskedag"),
                (date(2023, 4, 10), "2. påskedag"),
                (date(2023, 5, 5), "Store bededag"),
                (date(2023, 5, 18), "Kristi himmelfartsdag"),
                (date(2023, 5, 28), "Pinsedag"),
                (date(2023, 5, 29), "2. pinsedag"),
                (date(2023, 12, 25), "Juledag"),
                (date(2023, 12, 26), "2. juledag"),
            ]
        );
    }

    #[test]
    fn holidays_2024_have_no_store_bededag() {
        assert_eq!(
            listed(2024),
            vec![
                (date(2024, 1, 1), "Nytårsdag"),
                (date(2024, 3, 28), "Skærtorsdag"),
                (date(2024, 3, 29), "Langfredag"),
                (date(2024, 3, 31), "Påskedag"),
                (date(2024, 4, 1), "2. påskedag"),
                (date(2024, 5, 9), "Kristi himmelfartsdag"),
                (date(2024, 5, 19), "Pinsedag"),
                (date(2024, 5, 20), "2. pinsedag"),
                (date(2024, 12, 25), "Juledag"),
                (date(2024, 12, 26), "2. juledag"),
            ]
        );
    }

    #[test]
    fn holidays_2025() {
        assert_eq!(
            listed(2025),
            vec![
                (date(2025, 1, 1), "Nytårsdag"),
                (date(2025, 4, 17), "Skærtorsdag"),
                (date(2025, 4, 18), "Langfredag"),
                (date(2025, 4, 20), "Påskedag"),
                (date(2025, 4, 21), "2. påskedag"),
                (date(2025, 5, 29), "Kristi himmelfartsdag"),
                (date(2025, 6, 8), "Pinsedag"),
                (date(2025, 6, 9), "2. pinsedag"),
                (date(2025, 12, 25), "Juledag"),
                (date(2025, 12, 26), "2. juledag"),
            ]
        );
    }

    #[test]
    fn holidays_are_sorted_and_store_bededag_is_a_friday() {
        for year in 1900..=2200 {
            let list = public_holidays(year);
            assert!(list.windows(2).all(|w| w[0].date < w[1].date), "{year}");
            assert_eq!(list.len(), if year <= 2023 { 11 } else { 10 });
            for h in list {
                assert_eq!(h.date.year(), year);
                if h.name_da == "Store bededag" {
                    assert_eq!(h.date.weekday(), Weekday::Fri);
                }
            }
        }
    }

    #[test]
    fn exceptions_deduplicate_grundlovsdag_on_whit_monday() {
        // 2. pinsedag was 5 June in 2006.
        let exceptions = YearExceptions::new(2006, CalendarMode::Lenient);
        assert!(exceptions.contains(date(2006, 6, 5)));
        assert_eq!(exceptions.count_in(date(2006, 6, 5), date(2006, 6, 5)), 1);
    }
}
