//! Working days (hverdage): Monday-Friday except public holidays, and in lenient mode also
//! except 5 Jun, 24 Dec and 31 Dec.
//!
//! A bitset over every day of [`FIRST_YEAR`]..=[`LAST_YEAR`] (about 110,000 days, 14 KB) plus the
//! number of working days before each 64-day word gives O(1) rank ("working days up to d") and
//! O(log n) select ("the k-th working day"), so deadline arithmetic costs a binary search over
//! 1,700 words and no allocation. Dates outside the table take a per-year slow path.

use std::fmt;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use super::holidays::{
    YearExceptions, for_each_holiday, for_each_lenient_day, is_public_holiday_slow, is_weekend,
};
use super::{CalendarMode, FIRST_YEAR, LAST_YEAR};

/// Precomputed working-day table for [`FIRST_YEAR`]..=[`LAST_YEAR`] for one mode.
///
/// Use the shared [`Calendar::strict`] / [`Calendar::lenient`] instances; building one takes
/// well under a millisecond but there is no reason to repeat it.
///
/// Dates outside the table are handled, not rejected: their holidays are computed on the fly
/// (slower, still allocation-free), so arbitrary input data cannot crash the engine. Results
/// that would fall beyond chrono's last date saturate at `NaiveDate::MAX`.
#[derive(Clone)]
pub struct Calendar {
    mode: CalendarMode,
    /// 1 Jan [`FIRST_YEAR`], day index 0.
    first: NaiveDate,
    /// 31 Dec [`LAST_YEAR`].
    last: NaiveDate,
    /// `first.num_days_from_ce()`.
    base: i32,
    /// Bit `i % 64` of word `i / 64` is set when day index `i` is a working day.
    working: Box<[u64]>,
    /// Same layout: set when the day is a public holiday.
    holidays: Box<[u64]>,
    /// Working days in all words before word `w`.
    working_before: Box<[u32]>,
    /// Working days in the whole table.
    total: u32,
}

static STRICT: LazyLock<Calendar> = LazyLock::new(|| Calendar::new(CalendarMode::Strict));
static LENIENT: LazyLock<Calendar> = LazyLock::new(|| Calendar::new(CalendarMode::Lenient));

impl Calendar {
    /// Builds the table for `mode`; callers share the two built ones through [`Calendar::of`].
    fn new(mode: CalendarMode) -> Calendar {
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).expect("valid date");
        let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).expect("valid date");
        let base = first.num_days_from_ce();
        let days = (last.num_days_from_ce() - base + 1) as usize;
        let words = days.div_ceil(64);
        let mut working = vec![0u64; words];
        let mut holidays = vec![0u64; words];

        let first_weekday = first.weekday().num_days_from_monday() as usize;
        for i in 0..days {
            if (first_weekday + i) % 7 < 5 {
                working[i / 64] |= 1 << (i % 64);
            }
        }
        let index = |date: NaiveDate| (date.num_days_from_ce() - base) as usize;
        for year in FIRST_YEAR..=LAST_YEAR {
            for_each_holiday(year, |h| {
                let i = index(h.date);
                holidays[i / 64] |= 1 << (i % 64);
                working[i / 64] &= !(1 << (i % 64));
            });
            if mode == CalendarMode::Lenient {
                for_each_lenient_day(year, |date| {
                    let i = index(date);
                    working[i / 64] &= !(1 << (i % 64));
                });
            }
        }

        let mut working_before = Vec::with_capacity(words);
        let mut total = 0u32;
        for word in &working {
            working_before.push(total);
            total += word.count_ones();
        }
        Calendar {
            mode,
            first,
            last,
            base,
            working: working.into(),
            holidays: holidays.into(),
            working_before: working_before.into(),
            total,
        }
    }

    /// The shared calendar of `mode`, built on first use.
    pub fn of(mode: CalendarMode) -> &'static Calendar {
        match mode {
            CalendarMode::Strict => &STRICT,
            CalendarMode::Lenient => &LENIENT,
        }
    }

    /// The shared strict calendar (the default mode), built on first use.
    pub fn strict() -> &'static Calendar {
        &STRICT
    }

    /// The shared lenient calendar, built on first use.
    pub fn lenient() -> &'static Calendar {
        &LENIENT
    }

    pub fn mode(&self) -> CalendarMode {
        self.mode
    }

    /// Mon-Fri and not a public holiday (and, in lenient mode, not 5 Jun/24 Dec/31 Dec).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.index(date) {
            Some(i) => bit(&self.working, i),
            None => {
                !is_weekend(date) && !YearExceptions::new(date.year(), self.mode).contains(date)
            }
        }
    }

    /// Whether `date` is one of the public holidays of [`super::public_holidays`]. The same in
    /// both modes: 5 Jun, 24 Dec and 31 Dec are never public holidays, only (in lenient mode)
    /// non-working days.
    pub fn is_public_holiday(&self, date: NaiveDate) -> bool {
        match self.index(date) {
            Some(i) => bit(&self.holidays, i),
            None => is_public_holiday_slow(date),
        }
    }

    /// The N-th working day after `date` (`date` itself not counted). n = 0 → `date`.
    ///
    /// O(log n) inside the table; saturates at `NaiveDate::MAX`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return date;
        }
        let mut remaining = u64::from(n);
        let mut from = date;
        if let Some(i) = self.index(date) {
            let target = u64::from(self.rank(i)) + remaining;
            if target <= u64::from(self.total) {
                return self.date_at(self.select(target as u32));
            }
            remaining = target - u64::from(self.total);
            from = self.last;
        }
        self.add_slow(from, remaining, true)
    }

    /// Working days in (from, to] (0 when to <= from).
    ///
    /// Consistent with [`Self::add_working_days`]: `working_days_between(d, add_working_days(d, n))
    /// == n`. Saturates at `u32::MAX` (unreachable for dates chrono supports).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        if let (Some(a), Some(b)) = (self.index(from), self.index(to)) {
            return self.rank(b) - self.rank(a);
        }
        let start = from.succ_opt().expect("from < to, so from has a successor");
        u32::try_from(self.count_inclusive(start, to)).unwrap_or(u32::MAX)
    }

    /// Day index of `date` in the table, if inside it.
    fn index(&self, date: NaiveDate) -> Option<usize> {
        let i = date.num_days_from_ce() - self.base;
        let i = usize::try_from(i).ok()?;
        (i < self.working.len() * 64 && date <= self.last).then_some(i)
    }

    fn date_at(&self, i: usize) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.base + i as i32).expect("index inside the table")
    }

    /// Working days among day indexes `0..=i`.
    fn rank(&self, i: usize) -> u32 {
        let (w, b) = (i / 64, i % 64);
        self.working_before[w] + (self.working[w] << (63 - b)).count_ones()
    }

    /// Day index of the `k`-th working day of the table (1-based; `1 <= k <= total`).
    fn select(&self, k: u32) -> usize {
        let w = self.working_before.partition_point(|&before| before < k) - 1;
        let mut word = self.working[w];
        for _ in 1..k - self.working_before[w] {
            word &= word - 1; // drop the lowest working day
        }
        w * 64 + word.trailing_zeros() as usize
    }

    /// Working days in `start..=end` (start <= end), any dates: the table where it applies,
    /// year-by-year computation elsewhere.
    fn count_inclusive(&self, start: NaiveDate, end: NaiveDate) -> u64 {
        let mut total = 0u64;
        let mut cur = start;
        loop {
            let segment_end;
            if let Some(a) = self.index(cur) {
                segment_end = end.min(self.last);
                let b = self.index(segment_end).expect("inside the table");
                let first_counts = u32::from(bit(&self.working, a));
                total += u64::from(self.rank(b) - self.rank(a) + first_counts);
            } else {
                segment_end = end.min(year_end(cur.year()));
                total += count_slow(self.mode, cur, segment_end);
            }
            if segment_end >= end {
                return total;
            }
            cur = segment_end.succ_opt().expect("segment_end < end");
        }
    }

    /// The `remaining`-th working day after `from`, walking year by year with holidays computed
    /// on the fly. With `use_table`, jumps through the table when the walk reaches it from
    /// before [`FIRST_YEAR`].
    fn add_slow(&self, mut from: NaiveDate, mut remaining: u64, use_table: bool) -> NaiveDate {
        loop {
            let Some(start) = from.succ_opt() else {
                return NaiveDate::MAX;
            };
            if use_table && start == self.first {
                if remaining <= u64::from(self.total) {
                    return self.date_at(self.select(remaining as u32));
                }
                remaining -= u64::from(self.total);
                from = self.last;
                continue;
            }
            let end = year_end(start.year());
            let exceptions = YearExceptions::new(start.year(), self.mode);
            let available = weekdays_in(start, end) - u64::from(exceptions.count_in(start, end));
            if available < remaining {
                remaining -= available;
                from = end;
                continue;
            }
            let mut day = start;
            loop {
                if !is_weekend(day) && !exceptions.contains(day) {
                    remaining -= 1;
                    if remaining == 0 {
                        return day;
                    }
                }
                day = day.succ_opt().expect("the answer lies within this year");
            }
        }
    }
}

impl fmt::Debug for Calendar {
    /// Omits the tables (tens of kilobytes of bits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("mode", &self.mode)
            .field("first", &self.first)
            .field("last", &self.last)
            .field("working_days", &self.total)
            .finish_non_exhaustive()
    }
}

fn bit(words: &[u64], i: usize) -> bool {
    words[i / 64] >> (i % 64) & 1 == 1
}

fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).expect("31 Dec exists in every year chrono supports")
}

/// Mondays-Fridays in `start..=end` (start <= end).
fn weekdays_in(start: NaiveDate, end: NaiveDate) -> u64 {
    let days = (end - start).num_days() as u64 + 1;
    let first = u64::from(start.weekday().num_days_from_monday());
    let partial = (0..days % 7).filter(|i| (first + i) % 7 < 5).count() as u64;
    days / 7 * 5 + partial
}

/// Working days in `start..=end`, both in the same year, computed without the table.
fn count_slow(mode: CalendarMode, start: NaiveDate, end: NaiveDate) -> u64 {
    let exceptions = YearExceptions::new(start.year(), mode);
    weekdays_in(start, end) - u64::from(exceptions.count_in(start, end))
}

#[cfg(test)]
mod tests {

    use chrono::Weekday;
    use proptest::prelude::*;

    use super::super::public_holidays;
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Reference definition, written from the rule text without the table or its helpers.
    fn reference_is_working(d: NaiveDate, mode: CalendarMode) -> bool {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let holiday = public_holidays(d.year()).iter().any(|h| h.date == d);
        let eve = matches!((d.month(), d.day()), (6, 5) | (12, 24) | (12, 31));
        !(weekend || holiday || (mode == CalendarMode::Lenient && eve))
    }

    /// Naive day-by-day loop.
    fn reference_add(d: NaiveDate, n: u32, mode: CalendarMode) -> NaiveDate {
        let mut day = d;
        for _ in 0..n {
            day = day.succ_opt().unwrap();
            while !reference_is_working(day, mode) {
                day = day.succ_opt().unwrap();
            }
        }
        day
    }

    #[test]
    fn table_matches_the_reference_for_every_day() {
        for mode in [CalendarMode::Strict, CalendarMode::Lenient] {
            let cal = Calendar::of(mode);
            assert_eq!(cal.mode(), mode);
            let mut day = date(FIRST_YEAR, 1, 1);
            while day.year() <= LAST_YEAR {
                assert_eq!(
                    cal.is_working_day(day),
                    reference_is_working(day, mode),
                    "{day} {mode:?}"
                );
                day = day.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn six_working_days_across_easter_2025() {
        // Thu 17 (Skærtorsdag), Fri 18 (Langfredag), weekend, Mon 21 (2. påskedag) skipped.
        let cal = Calendar::strict();
        assert_eq!(
            cal.add_working_days(date(2025, 4, 16), 6),
            date(2025, 4, 29)
        );
        assert_eq!(
            cal.add_working_days(date(2025, 4, 16), 1),
            date(2025, 4, 22)
        );
        assert_eq!(
            cal.working_days_between(date(2025, 4, 16), date(2025, 4, 29)),
            6
        );
    }

    #[test]
    fn christmas_and_new_year_strict_and_lenient() {
        let start = date(2025, 12, 22);
        assert_eq!(
            Calendar::strict().add_working_days(start, 6),
            date(2026, 1, 2)
        );
        assert_eq!(
            Calendar::lenient().add_working_days(start, 6),
            date(2026, 1, 6)
        );
        for d in [date(2025, 12, 24), date(2025, 12, 31)] {
            assert!(Calendar::strict().is_working_day(d));
            assert!(!Calendar::lenient().is_working_day(d));
            assert!(!Calendar::lenient().is_public_holiday(d));
        }
        assert!(!Calendar::strict().is_working_day(date(2026, 1, 1)));
    }

    #[test]
    fn grundlovsdag_strict_and_lenient() {
        // Thu 5 Jun 2025; Mon 9 Jun is 2. pinsedag.
        let start = date(2025, 6, 2);
        assert_eq!(
            Calendar::strict().add_working_days(start, 6),
            date(2025, 6, 11)
        );
        assert_eq!(
            Calendar::lenient().add_working_days(start, 6),
            date(2025, 6, 12)
        );
        assert!(!Calendar::strict().is_public_holiday(date(2025, 6, 5)));
    }

    #[test]
    fn store_bededag_only_up_to_2023() {
        let cal = Calendar::strict();
        assert!(cal.is_public_holiday(date(2023, 5, 5)));
        assert!(!cal.is_working_day(date(2023, 5, 5)));
        assert_eq!(cal.add_working_days(date(2023, 5, 1), 6), date(2023, 5, 10));
        // The fourth Friday after Easter 2024 is an ordinary working day.
        assert!(!cal.is_public_holiday(date(2024, 4, 26)));
        assert!(cal.is_working_day(date(2024, 4, 26)));
        assert_eq!(
            cal.add_working_days(date(2024, 4, 22), 6),
            date(2024, 4, 30)
        );
    }

    #[test]
    fn zero_days_and_empty_ranges() {
        let cal = Calendar::strict();
        let saturday = date(2025, 4, 19);
        assert_eq!(cal.add_working_days(saturday, 0), saturday);
        assert_eq!(cal.add_working_days(saturday, 1), date(2025, 4, 22));
        assert_eq!(cal.working_days_between(saturday, saturday), 0);
        assert_eq!(cal.working_days_between(date(2025, 4, 29), saturday), 0);
    }

    #[test]
    fn outside_the_table_does_not_panic() {
        for mode in [CalendarMode::Strict, CalendarMode::Lenient] {
            let cal = Calendar::of(mode);
            for d in [
                date(1899, 12, 20),
                date(2200, 12, 20),
                date(1500, 3, 1),
                date(3000, 4, 1),
            ] {
                assert_eq!(
                    cal.add_working_days(d, 30),
                    reference_add(d, 30, mode),
                    "{d}"
                );
                assert_eq!(cal.working_days_between(d, reference_add(d, 30, mode)), 30);
            }
            assert_eq!(cal.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
            assert_eq!(
                cal.add_working_days(date(2025, 1, 1), u32::MAX),
                NaiveDate::MAX
            );
            let late = cal.add_working_days(NaiveDate::MIN, u32::MAX);
            assert!(late > date(2025, 1, 1));
            let all = cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
            assert!(all > 100_000_000);
            cal.is_working_day(NaiveDate::MIN);
            cal.is_public_holiday(NaiveDate::MAX);
        }
        assert!(Calendar::strict().is_public_holiday(date(1800, 12, 25)));
        assert!(Calendar::strict().is_public_holiday(easter_monday(2500)));
        assert!(!Calendar::strict().is_working_day(easter_monday(2500)));
    }

    fn easter_monday(year: i32) -> NaiveDate {
        super::super::easter_sunday(year).succ_opt().unwrap()
    }

    #[test]
    fn crossing_the_table_edges_matches_the_reference() {
        for mode in [CalendarMode::Strict, CalendarMode::Lenient] {
            let cal = Calendar::of(mode);
            for (d, n) in [
                (date(1899, 6, 1), 500),
                (date(2200, 6, 1), 500),
                (date(1899, 12, 31), 1),
            ] {
                let end = cal.add_working_days(d, n);
                assert_eq!(end, reference_add(d, n, mode), "{d} {mode:?}");
                assert_eq!(cal.working_days_between(d, end), n);
            }
        }
    }

    #[test]
    fn debug_is_short() {
        let text = format!("{:?}", Calendar::strict());
        assert!(text.len() < 200, "{text}");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // A little outside the table on both sides to exercise the slow path.
        let lo = date(FIRST_YEAR - 3, 1, 1).num_days_from_ce();
        let hi = date(LAST_YEAR + 3, 12, 31).num_days_from_ce();
        (lo..=hi).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
    }

    fn any_mode() -> impl Strategy<Value = CalendarMode> {
        prop_oneof![Just(CalendarMode::Strict), Just(CalendarMode::Lenient)]
    }

    proptest! {
        #[test]
        fn adding_working_days_lands_on_a_working_day(d in any_date(), n in 1u32..=400, mode in any_mode()) {
            let cal = Calendar::of(mode);
            let end = cal.add_working_days(d, n);
            prop_assert!(!matches!(end.weekday(), Weekday::Sat | Weekday::Sun));
            prop_assert!(!cal.is_public_holiday(end));
            prop_assert!(cal.is_working_day(end));
            prop_assert!(end > d);
        }

        #[test]
        fn adding_working_days_equals_the_naive_loop(d in any_date(), n in 0u32..=300, mode in any_mode()) {
            prop_assert_eq!(Calendar::of(mode).add_working_days(d, n), reference_add(d, n, mode));
        }

        #[test]
        fn adding_working_days_is_strictly_increasing(d in any_date(), n in 0u32..=2000, mode in any_mode()) {
            let cal = Calendar::of(mode);
            prop_assert!(cal.add_working_days(d, n) < cal.add_working_days(d, n + 1));
        }

        #[test]
        fn between_inverts_add(d in any_date(), n in 0u32..=5000, mode in any_mode()) {
            let cal = Calendar::of(mode);
            prop_assert_eq!(cal.working_days_between(d, cal.add_working_days(d, n)), n);
        }

        #[test]
        fn between_counts_working_days(a in any_date(), span in 0i64..=800, mode in any_mode()) {
            let b = a + chrono::TimeDelta::days(span);
            let mut expected = 0;
            let mut day = a;
            while day < b {
                day = day.succ_opt().unwrap();
                expected += u32::from(reference_is_working(day, mode));
            }
            prop_assert_eq!(Calendar::of(mode).working_days_between(a, b), expected);
        }

        #[test]
        fn slow_path_agrees_with_the_table(d in any_date(), n in 1u32..=3000, mode in any_mode()) {
            let cal = Calendar::of(mode);
            prop_assert_eq!(cal.add_slow(d, u64::from(n), false), cal.add_working_days(d, n));
            let end = cal.add_working_days(d, n);
            let start = d.succ_opt().unwrap();
            let mut slow = 0;
            let mut cur = start;
            while cur <= end {
                let seg_end = end.min(year_end(cur.year()));
                slow += count_slow(mode, cur, seg_end);
                cur = seg_end.succ_opt().unwrap();
            }
            prop_assert_eq!(slow, u64::from(n));
        }
    }
}
