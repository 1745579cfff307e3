//! The Danish calendar: public holidays, working days (hverdage), month arithmetic and
//! Europe/Copenhagen local time, as the legal rules count them (`legal-rules.md`, "Calendar").
//!
//! The rules engine evaluates millions of obligations per page view, so the hot paths never
//! allocate: [`Calendar`] precomputes a working-day bitset with prefix counts for
//! [`FIRST_YEAR`]..=[`LAST_YEAR`], which makes [`Calendar::is_working_day`] O(1) and
//! [`Calendar::add_working_days`] / [`Calendar::working_days_between`] O(log n). Dates outside
//! that range never panic: they take a slower path that computes the holidays of each year on the
//! fly, because input files are not trusted to contain sensible dates.
//!
//! Its speed is measured in context by `overblik bench deadlines` (no timing tests).

mod holidays;
mod local_time;
mod months;
mod working_days;

pub use holidays::{Holiday, STORE_BEDEDAG_LAST_YEAR, easter_sunday, public_holidays};
pub use local_time::{add_hours, local_date, start_of_local_day};
pub use months::{add_months, add_weeks, age_at, anniversary};
pub use working_days::Calendar;

/// First year of the precomputed tables (the same bounds as the dates the format accepts).
pub const FIRST_YEAR: i32 = 1900;
/// Last year of the precomputed tables.
pub const LAST_YEAR: i32 = 2200;

/// Whether Grundlovsdag (5 Jun), juleaftensdag (24 Dec) and nytårsaftensdag (31 Dec) count as
/// working days.
///
/// Strict (default): 5 Jun, 24 Dec, 31 Dec are working days; Lenient: they are not. They are not
/// public holidays by law, but many municipalities close on them, hence the setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CalendarMode {
    #[default]
    Strict,
    Lenient,
}
