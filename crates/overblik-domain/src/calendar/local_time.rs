//! Instants and Europe/Copenhagen local dates.
//!
//! Hour deadlines are exact elapsed time on the timeline, so they are computed in UTC; only the
//! conversion to and from local calendar dates involves the time zone.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;

/// Exact elapsed hours on the timeline (a 24-hour deadline across a DST change is 24 real hours).
///
/// Saturates at chrono's limits instead of panicking.
pub fn add_hours(instant: DateTime<Utc>, hours: i64) -> DateTime<Utc> {
    TimeDelta::try_hours(hours)
        .and_then(|delta| instant.checked_add_signed(delta))
        .unwrap_or(if hours < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

/// The Europe/Copenhagen calendar date of an instant.
///
/// Never panics: at chrono's extreme instants, where the local time is not representable, it
/// saturates at `NaiveDate::MIN` / `NaiveDate::MAX`.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    let utc = instant.naive_utc();
    let offset = Copenhagen.offset_from_utc_datetime(&utc).fix();
    match utc.checked_add_offset(offset) {
        Some(local) => local.date(),
        None if offset.local_minus_utc() > 0 => NaiveDate::MAX,
        None => NaiveDate::MIN,
    }
}

/// The first instant of a local date (00:00 Copenhagen).
///
/// DST in Denmark switches at 02:00/03:00, never at midnight, but historic rules and future
/// tzdata may differ, so this handles both cases robustly: an ambiguous midnight gives the earlier
/// instant, and a midnight inside a gap gives the first instant that exists locally that day (the
/// end of the gap). Never panics: at chrono's extreme dates it falls back to midnight UTC.
pub fn start_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    match Copenhagen.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // Inside a gap: the day starts at the transition, which is where the local clock
            // resumes. Gaps are at most a few hours; search minute by minute.
            (1..=24 * 60)
                .map(|minutes| midnight + TimeDelta::minutes(minutes))
                .find_map(|local| Copenhagen.from_local_datetime(&local).earliest())
                .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDateTime};
    use proptest::prelude::*;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn local(text: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap();
        Copenhagen
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .to_utc()
    }

    fn as_local(instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&Copenhagen)
            .format("%Y-%m-%dT%H:%M%:z")
            .to_string()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn twenty_four_hours_across_spring_forward_are_real_hours() {
        let due = add_hours(local("2025-03-29T12:00"), 24);
        assert_eq!(as_local(due), "2025-03-30T13:00+02:00");
        assert_eq!(due, utc("2025-03-30T11:00:00Z"));
    }

    #[test]
    fn twenty_four_hours_across_fall_back_are_real_hours() {
        let due = add_hours(local("2025-10-25T12:00"), 24);
        assert_eq!(as_local(due), "2025-10-26T11:00+01:00");
        assert_eq!(add_hours(due, -24), local("2025-10-25T12:00"));
    }

    #[test]
    fn hours_saturate() {
        let now = utc("2025-01-01T00:00:00Z");
        assert_eq!(add_hours(now, i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(add_hours(now, i64::MIN), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn local_date_around_midnight() {
        // Winter, UTC+1.
        assert_eq!(local_date(utc("2025-01-14T22:59:59Z")), date(2025, 1, 14));
        assert_eq!(local_date(utc("2025-01-14T23:00:00Z")), date(2025, 1, 15));
        // Summer, UTC+2.
        assert_eq!(local_date(utc("2025-06-30T21:59:59Z")), date(2025, 6, 30));
        assert_eq!(local_date(utc("2025-06-30T22:00:00Z")), date(2025, 7, 1));
        // The DST days themselves.
        assert_eq!(local_date(utc("2025-03-29T23:00:00Z")), date(2025, 3, 30));
        assert_eq!(local_date(utc("2025-03-30T21:59:59Z")), date(2025, 3, 30));
        assert_eq!(local_date(utc("2025-10-25T22:00:00Z")), date(2025, 10, 26));
        assert_eq!(local_date(utc("2025-10-26T22:59:59Z")), date(2025, 10, 26));
        assert_eq!(local_date(utc("2025-10-26T23:00:00Z")), date(2025, 10, 27));
    }

    #[test]
    fn start_of_local_day_on_dst_days() {
        assert_eq!(
            start_of_local_day(date(2025, 3, 30)),
            utc("2025-03-29T23:00:00Z")
        );
        assert_eq!(
            start_of_local_day(date(2025, 10, 26)),
            utc("2025-10-25T22:00:00Z")
        );
        let length =
            |d: NaiveDate| start_of_local_day(d.succ_opt().unwrap()) - start_of_local_day(d);
        assert_eq!(length(date(2025, 3, 30)), TimeDelta::hours(23));
        assert_eq!(length(date(2025, 10, 26)), TimeDelta::hours(25));
        assert_eq!(length(date(2025, 6, 1)), TimeDelta::hours(24));
    }

    #[test]
    fn start_of_local_day_is_the_first_instant_of_every_day_1900_2200() {
        let mut day = date(1900, 1, 1);
        while day.year() <= 2200 {
            let start = start_of_local_day(day);
            assert_eq!(local_date(start), day, "{day}");
            assert_eq!(
                local_date(start - TimeDelta::seconds(1)),
                day.pred_opt().unwrap(),
                "{day}"
            );
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            start_of_local_day(d);
        }
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            local_date(t);
        }
    }

    proptest! {
        #[test]
        fn hours_round_trip(secs in -2_000_000_000i64..=7_000_000_000, h in -100_000i64..=100_000) {
            let t = DateTime::from_timestamp(secs, 0).unwrap();
            prop_assert_eq!(add_hours(add_hours(t, h), -h), t);
            prop_assert_eq!((add_hours(t, h) - t).num_hours(), h);
        }
    }
}
