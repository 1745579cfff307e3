//! KF12 Helårspersoner and KF13 Aktive indsatser / anbragte (key-figures.md).
//!
//! Both count *persons*, not measures: a person with two overlapping measures of one type
//! counts once per day, and "anbragte i alt" counts a person once per day whatever the number
//! of placement types. A measure is active on day d when `start ≤ d` and (`end` empty or
//! `d ≤ end`); an end date after T is not yet known at T and is read as empty, and a measure
//! starting after T does not exist yet.
//!
//! KF12 is computed from intervals, not day by day: every measure becomes one interval of
//! active days clipped to the period, the intervals are sorted once by (group, person, start)
//! and merged per person in one sweep, and each merged interval adds its days to the calendar
//! months it covers. The helpers are shared with the economy figures (KF19, KF20).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Available, Context, Exclusions, Period};
use crate::calendar::anniversary;
use crate::codes::MeasureType;
use crate::tables::Measure;

/// Number of measure types; a type's group is its position in [`MeasureType::ALL`].
pub(super) const TYPES: usize = MeasureType::ALL.len();
/// The group of "anbragte i alt": every placement type together.
pub(super) const PLACEMENTS: usize = TYPES;
/// Groups of the person-day sweep: one per measure type, then placements in total.
pub(super) const GROUPS: usize = TYPES + 1;

/// The group of a measure type (its position in [`MeasureType::ALL`]).
pub(super) fn group(kind: MeasureType) -> usize {
    kind as usize
}

/// A day as a number, so intervals are plain integers.
pub(super) fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// A measure as the figures see it at T.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    /// The person row (of the measure's case).
    pub person: u32,
    pub start: NaiveDate,
    /// The end date if known by T (an end after T is not yet known).
    pub end: Option<NaiveDate>,
}

impl Known {
    /// Whether the measure is active on `date` (end inclusive).
    pub fn active_on(self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }
}

/// What a measure row is at T for a figure with the context's unit filter.
#[derive(Debug, Clone, Copy)]
pub(super) enum MeasureAt {
    /// Usable and in scope.
    Known(Known),
    /// Starts after T: a fact not yet known, ignored.
    Future,
    /// Its case is outside the unit filter.
    OutOfScope,
    /// Cannot be used: (reason, Danish label).
    Bad(&'static str, &'static str),
}

const UNKNOWN_CASE: (&str, &str) = ("unknown_case", "Indsatsens sag findes ikke");
const UNKNOWN_PERSON: (&str, &str) = ("unknown_person", "Personen på indsatsens sag findes ikke");
const END_BEFORE_START: (&str, &str) = ("end_before_start", "Indsatsen slutter, før den begynder");

/// Resolves a measure row: T, its case, the unit filter and its person.
pub(super) fn measure_at(ctx: &Context<'_>, m: &Measure) -> MeasureAt {
    let t = ctx.as_of.date;
    if m.start_date > t {
        return MeasureAt::Future;
    }
    let Some(case) = ctx.lookup.case(m.case_id.as_str()) else {
        return MeasureAt::Bad(UNKNOWN_CASE.0, UNKNOWN_CASE.1);
    };
    if !ctx.scope.has_case(case) {
        return MeasureAt::OutOfScope;
    }
    let person_id = &ctx.snapshot.cases[case as usize].person_id;
    let Some(person) = ctx.lookup.person(person_id.as_str()) else {
        return MeasureAt::Bad(UNKNOWN_PERSON.0, UNKNOWN_PERSON.1);
    };
    let end = m.end_date.filter(|end| *end <= t);
    if end.is_some_and(|end| end < m.start_date) {
        return MeasureAt::Bad(END_BEFORE_START.0, END_BEFORE_START.1);
    }
    MeasureAt::Known(Known {
        person,
        start: m.start_date,
        end,
    })
}

/// Whether a measure row would be active at T by its own dates (for counting unusable rows in
/// figures "at T").
pub(super) fn dated_active_at(m: &Measure, t: NaiveDate) -> bool {
    m.start_date <= t && m.end_date.is_none_or(|end| end >= t)
}

/// Whether an unusable measure row's dates (in either order) touch `window`: such a row is
/// counted as excluded by a figure over `window`.
pub(super) fn dated_touches(m: &Measure, t: NaiveDate, window: Period) -> bool {
    let (a, b) = match m.end_date.filter(|end| *end <= t) {
        Some(end) => (m.start_date.min(end), m.start_date.max(end)),
        None => (m.start_date, window.to),
    };
    a <= window.to && b >= window.from
}

/// A person's active days in one group: `[from, to]` as day numbers, both inclusive.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub group: u8,
    pub person: u32,
    pub from: i32,
    pub to: i32,
}

impl Span {
    /// The span `[from, to]` of `person` in `group`, if it has a day.
    pub fn clipped(group: usize, person: u32, from: NaiveDate, to: NaiveDate) -> Option<Span> {
        (from <= to).then(|| Span {
            group: group as u8,
            person,
            from: day(from),
            to: day(to),
        })
    }
}

/// Person-days per group and bucket: the spans are merged per (group, person) so a person
/// counts once per day, and each merged span adds its days to every bucket it overlaps.
/// `buckets` are `[from, to]` day numbers, sorted and disjoint. The result is indexed
/// `group * buckets.len() + bucket`. Sorts `spans` in place.
pub(super) fn person_days(spans: &mut [Span], buckets: &[(i32, i32)]) -> Vec<u64> {
    let mut out = vec![0u64; GROUPS * buckets.len()];
    spans.sort_unstable_by_key(|s| (s.group, s.person, s.from));
    let mut add = |s: Span| {
        let row = &mut out[s.group as usize * buckets.len()..][..buckets.len()];
        let first = buckets.partition_point(|&(_, to)| to < s.from);
        for (slot, &(from, to)) in row[first..].iter_mut().zip(&buckets[first..]) {
            if from > s.to {
                break;
            }
            *slot += (s.to.min(to) - s.from.max(from) + 1) as u64;
        }
    };
    let Some((&first, rest)) = spans.split_first() else {
        return out;
    };
    let mut current = first;
    for &s in rest {
        if s.group == current.group && s.person == current.person && s.from <= current.to + 1 {
            current.to = current.to.max(s.to);
        } else {
            add(current);
            current = s;
        }
    }
    add(current);
    out
}

/// A full-year-person value over a period and its calendar months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyValue {
    /// Person-days of the whole period ÷ the period's days.
    pub total: f64,
    /// Per calendar month the period touches (`YYYY-MM`): person-days of the month's days
    /// within the period ÷ those days (average persons per day).
    pub by_month: BTreeMap<String, f64>,
}

/// KF12 Helårspersoner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf12 {
    pub period: Period,
    /// The divisor of `total`: the period's days, also the days after T.
    pub days: u32,
    /// Per measure type code (every code of the catalogue).
    pub by_measure_type: BTreeMap<&'static str, MonthlyValue>,
    /// "Anbragte i alt": every placement type together, a person once per day.
    pub placements_total: MonthlyValue,
    pub excluded: Exclusions,
}

/// KF12: Σ over the period's days up to T of the number of distinct persons with an active
/// measure of the type, ÷ the period's days (days after T count 0 but stay in the divisor).
/// Not available without `measures.csv`.
///
/// For several consecutive months (the committee report's 12 months), call it once for the
/// whole span and read `by_month`: one sort instead of twelve.
pub fn kf12(ctx: &Context<'_>, period: Period) -> Available<Kf12> {
    if !ctx.has("measures") {
        return None;
    }
    let mut excluded = Exclusions::default();
    let months = period.months();
    let buckets: Vec<(i32, i32)> = months
        .iter()
        .map(|(_, part)| (day(part.from), day(part.to)))
        .collect();
    let mut spans = Vec::new();
    if let Some(window) = period.up_to(ctx.as_of.date) {
        for m in &ctx.snapshot.measures {
            match measure_at(ctx, m) {
                MeasureAt::Known(known) => {
                    let from = known.start.max(window.from);
                    let to = known.end.map_or(window.to, |end| end.min(window.to));
                    let Some(span) = Span::clipped(group(m.measure_type), known.person, from, to)
                    else {
                        continue;
                    };
                    spans.push(span);
                    if m.measure_type.is_placement() {
                        spans.push(Span {
                            group: PLACEMENTS as u8,
                            ..span
                        });
                    }
                }
                MeasureAt::Bad(reason, label) => {
                    if dated_touches(m, ctx.as_of.date, window) {
                        excluded.add("measures", reason, label);
                    }
                }
                MeasureAt::Future | MeasureAt::OutOfScope => {}
            }
        }
    }
    let days = person_days(&mut spans, &buckets);
    let value = |group: usize| {
        let row = &days[group * buckets.len()..][..buckets.len()];
        MonthlyValue {
            total: row.iter().sum::<u64>() as f64 / f64::from(period.days()),
            by_month: months
                .iter()
                .zip(row)
                .map(|((month, part), d)| (month.to_string(), *d as f64 / f64::from(part.days())))
                .collect(),
        }
    };
    Some(Kf12 {
        period,
        days: period.days(),
        by_measure_type: MeasureType::ALL
            .iter()
            .map(|kind| (kind.code(), value(group(*kind))))
            .collect(),
        placements_total: value(PLACEMENTS),
        excluded,
    })
}

/// KF13 Aktive indsatser / anbragte, at T.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf13 {
    pub as_of: NaiveDate,
    /// Distinct persons with an active measure at T, per measure type code (every code).
    pub by_measure_type: BTreeMap<&'static str, u64>,
    /// Distinct persons with an active placement of any type at T.
    pub placed_total: u64,
    /// Of those, persons aged 0-17 at T (before their 18th birthday).
    pub placed_0_17: u64,
    /// Inhabitants aged 0-17 in the year of T (population.csv); `None` when the file is
    /// absent, has no row for the year, or a unit filter is active (the population is
    /// municipality-wide, so a unit's rate would be meaningless).
    pub population_0_17: Option<u64>,
    /// `placed_0_17 × 1000 ÷ population_0_17`; `None` when the population is `None` or 0.
    pub placements_per_1000_0_17: Option<f64>,
    pub excluded: Exclusions,
}

/// KF13: persons with an active measure at T by type; placed children per 1,000 inhabitants
/// aged 0-17. Not available without `measures.csv`.
pub fn kf13(ctx: &Context<'_>) -> Available<Kf13> {
    if !ctx.has("measures") {
        return None;
    }
    let t = ctx.as_of.date;
    let mut excluded = Exclusions::default();
    let mut active: Vec<(u8, u32)> = Vec::new();
    for m in &ctx.snapshot.measures {
        match measure_at(ctx, m) {
            MeasureAt::Known(known) if known.active_on(t) => {
                active.push((group(m.measure_type) as u8, known.person));
                if m.measure_type.is_placement() {
                    active.push((PLACEMENTS as u8, known.person));
                }
            }
            // A row whose case or person is unknown would be active at T by its dates.
            MeasureAt::Bad(reason, label) if dated_active_at(m, t) => {
                excluded.add("measures", reason, label);
            }
            _ => {}
        }
    }
    active.sort_unstable();
    active.dedup();
    let mut counts = [0u64; GROUPS];
    let mut placed_0_17 = 0;
    for &(g, person) in &active {
        counts[g as usize] += 1;
        if g as usize == PLACEMENTS {
            let birth = ctx.snapshot.persons[person as usize].birth_date;
            placed_0_17 += u64::from(birth <= t && t < anniversary(birth, 18));
        }
    }
    let population_0_17 = if ctx.has("population") && !ctx.scope.is_filtered() {
        let mut rows = ctx
            .snapshot
            .population
            .iter()
            .filter(|p| *p.year.get() == i64::from(t.year()))
            .peekable();
        rows.peek().is_some().then(|| {
            rows.filter(|row| *row.age.get() <= 17)
                .map(|row| u64::try_from(*row.count.get()).unwrap_or(0))
                .sum()
        })
    } else {
        None
    };
    Some(Kf13 {
        as_of: t,
        by_measure_type: MeasureType::ALL
            .iter()
            .map(|kind| (kind.code(), counts[group(*kind)]))
            .collect(),
        placed_total: counts[PLACEMENTS],
        placed_0_17,
        placements_per_1000_0_17: population_0_17
            .filter(|p| *p > 0)
            .map(|p| placed_0_17 as f64 * 1000.0 / p as f64),
        population_0_17,
        excluded,
    })
}

/// Test data shared by the figure modules' tests: one municipality with two teams. Rows are
/// added as interchange-format cells ([`Snapshot::add`]), the columns not named left empty.
#[cfg(test)]
pub(super) mod test_data {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use crate::codes::MeasureType;
    use crate::figures::Context;
    use crate::obligations::{AsOf, Evaluation};
    use crate::sources::Sources;
    use crate::tables::Snapshot;

    pub fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    pub fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// Municipality K with teams A (caseworker SA) and B (caseworker SB).
    pub fn world() -> Snapshot {
        let mut s = Snapshot::default();
        for (unit, parent, kind) in [
            ("K", "", "municipality"),
            ("A", "K", "team"),
            ("B", "K", "team"),
        ] {
            s.add(
                "org_units",
                &[
                    ("unit_id", unit),
                    ("parent_id", parent),
                    ("name", unit),
                    ("kind", kind),
                ],
            )
            .unwrap();
        }
        for (staff, unit) in [("SA", "A"), ("SB", "B")] {
            s.add(
                "staff",
                &[
                    ("staff_id", staff),
                    ("name", "Navn"),
                    ("unit_id", unit),
                    ("role", "caseworker"),
                ],
            )
            .unwrap();
        }
        s
    }

    /// Person `P{n}` born `birth` with case `C{n}`, assigned to `staff` since 2000.
    pub fn child(s: &mut Snapshot, n: u32, birth: &str, staff: &str) {
        let (person, case) = (format!("P{n}"), format!("C{n}"));
        s.add(
            "persons",
            &[("person_id", person.as_str()), ("birth_date", birth)],
        )
        .unwrap();
        s.add(
            "cases",
            &[
                ("case_id", case.as_str()),
                ("person_id", person.as_str()),
                ("area", "children"),
                ("opened_at", "2000-01-01"),
            ],
        )
        .unwrap();
        s.add(
            "assignments",
            &[
                ("case_id", case.as_str()),
                ("staff_id", staff),
                ("from_date", "2000-01-01"),
            ],
        )
        .unwrap();
    }

    /// Measure `id` of `kind` on case `C{case}` from `start`, with the cells `more` (such as
    /// `end_date`, `planned_end_date`, `daily_rate`); open and without a rate when empty.
    pub fn measure(
        s: &mut Snapshot,
        id: &str,
        case: u32,
        kind: MeasureType,
        start: &str,
        more: &[(&str, &str)],
    ) {
        let case = format!("C{case}");
        let cells = [
            ("measure_id", id),
            ("case_id", case.as_str()),
            ("measure_type", kind.code()),
            ("start_date", start),
        ];
        s.add("measures", &[&cells[..], more].concat()).unwrap();
    }

    pub fn payment(
        s: &mut Snapshot,
        id: &str,
        case: Option<u32>,
        measure: Option<&str>,
        account: &str,
        month: &str,
        amount: &str,
    ) {
        let case = case.map(|c| format!("C{c}")).unwrap_or_default();
        s.add(
            "payments",
            &[
                ("payment_id", id),
                ("case_id", case.as_str()),
                ("measure_id", measure.unwrap_or_default()),
                ("account", account),
                ("month", month),
                ("amount", amount),
            ],
        )
        .unwrap();
    }

    pub fn budget(
        s: &mut Snapshot,
        year: i64,
        unit: &str,
        account: &str,
        kind: Option<MeasureType>,
        amount: &str,
        planned: Option<&str>,
    ) {
        s.add(
            "budgets",
            &[
                ("year", year.to_string().as_str()),
                ("unit_id", unit),
                ("account", account),
                ("measure_type", kind.map_or("", MeasureType::code)),
                ("amount", amount),
                ("planned_full_year_persons", planned.unwrap_or_default()),
            ],
        )
        .unwrap();
    }

    pub fn population(s: &mut Snapshot, year: i64, age: i64, count: i64) {
        s.add(
            "population",
            &[
                ("year", year.to_string().as_str()),
                ("age", age.to_string().as_str()),
                ("count", count.to_string().as_str()),
            ],
        )
        .unwrap();
    }

    pub fn provider(s: &mut Snapshot, id: &str) {
        s.add(
            "providers",
            &[("provider_id", id), ("name", id), ("internal", "false")],
        )
        .unwrap();
    }

    /// Runs `f` with the context of `s` as of the end of `t`, optionally for one unit.
    pub fn with<R>(
        s: &Snapshot,
        sources: Sources,
        t: &str,
        unit: Option<&str>,
        f: impl FnOnce(&Context<'_>) -> R,
    ) -> R {
        let evaluation = Evaluation::default();
        let ctx = Context::new(s, &sources, &evaluation, AsOf::end_of(d(t)), unit).unwrap();
        f(&ctx)
    }

    pub fn all() -> Sources {
        Sources::all_present()
    }
}

#[cfg(test)]
mod tests {
    use super::test_data::*;
    use super::*;
    use crate::codes::MeasureType::*;
    use crate::tables::Snapshot;

    fn period(from: &str, to: &str) -> Period {
        Period::new(d(from), d(to)).unwrap()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    fn one_child() -> Snapshot {
        let mut s = world();
        child(&mut s, 1, "2015-06-01", "SA");
        s
    }

    fn kf12_of(s: &Snapshot, t: &str, p: Period) -> Kf12 {
        with(s, all(), t, None, |ctx| kf12(ctx, p)).unwrap()
    }

    #[test]
    fn kf12_end_date_is_inclusive() {
        let mut s = one_child();
        measure(
            &mut s,
            "M1",
            1,
            FamilyTreatment,
            "2024-03-01",
            &[("end_date", "2024-03-10")],
        );
        let out = kf12_of(&s, "2024-12-31", period("2024-03-01", "2024-03-31"));
        close(out.by_measure_type["family_treatment"].total, 10.0 / 31.0);
        close(out.by_measure_type["home_support"].total, 0.0);
        assert_eq!(out.by_measure_type.len(), MeasureType::ALL.len());
    }

    #[test]
    fn kf12_days_after_t_count_zero_but_stay_in_the_divisor() {
        let mut s = one_child();
        // Open, ended after T (not yet known), and started after T.
        measure(&mut s, "M1", 1, FamilyTreatment, "2024-01-01", &[]);
        measure(
            &mut s,
            "M2",
            1,
            ContactPerson,
            "2024-01-01",
            &[("end_date", "2024-03-20")],
        );
        measure(&mut s, "M3", 1, RespiteCare, "2024-03-11", &[]);
        let out = kf12_of(&s, "2024-03-10", period("2024-03-01", "2024-03-31"));
        close(out.by_measure_type["family_treatment"].total, 10.0 / 31.0);
        close(out.by_measure_type["contact_person"].total, 10.0 / 31.0);
        close(out.by_measure_type["respite_care"].total, 0.0);
        assert_eq!(out.days, 31);
        // A period entirely after T is all zero.
        let later = kf12_of(&s, "2024-03-10", period("2024-04-01", "2024-04-30"));
        close(later.by_measure_type["family_treatment"].total, 0.0);
    }

    #[test]
    fn kf12_counts_a_person_with_overlapping_measures_once_per_day() {
        let mut s = one_child();
        measure(
            &mut s,
            "M1",
            1,
            FamilyTreatment,
            "2024-03-01",
            &[("end_date", "2024-03-20")],
        );
        measure(
            &mut s,
            "M2",
            1,
            FamilyTreatment,
            "2024-03-10",
            &[("end_date", "2024-03-31")],
        );
        // Adjacent (not overlapping) measures of a second person: 31 days.
        child(&mut s, 2, "2016-01-01", "SA");
        measure(
            &mut s,
            "M3",
            2,
            FamilyTreatment,
            "2024-03-01",
            &[("end_date", "2024-03-15")],
        );
        measure(&mut s, "M4", 2, FamilyTreatment, "2024-03-16", &[]);
        let out = kf12_of(&s, "2024-12-31", period("2024-03-01", "2024-03-31"));
        close(out.by_measure_type["family_treatment"].total, 2.0);
    }

    #[test]
    fn kf12_placements_total_counts_a_person_once_across_placement_types() {
        let mut s = one_child();
        measure(&mut s, "M1", 1, PlacementFosterFamily, "2024-03-01", &[]);
        measure(
            &mut s,
            "M2",
            1,
            PlacementResidentialInstitution,
            "2024-03-15",
            &[],
        );
        // Not a placement: not in the total.
        measure(&mut s, "M3", 1, FamilyTreatment, "2024-03-01", &[]);
        let out = kf12_of(&s, "2024-12-31", period("2024-03-01", "2024-03-31"));
        close(out.placements_total.total, 1.0);
        close(out.by_measure_type["placement_foster_family"].total, 1.0);
        close(
            out.by_measure_type["placement_residential_institution"].total,
            17.0 / 31.0,
        );
    }

    #[test]
    fn kf12_splits_a_period_crossing_months() {
        let mut s = one_child();
        measure(&mut s, "M1", 1, HomeSupport, "2024-02-01", &[]);
        let out = kf12_of(&s, "2024-12-31", period("2024-01-15", "2024-03-01"));
        let value = &out.by_measure_type["home_support"];
        let months: Vec<(&str, f64)> = value
            .by_month
            .iter()
            .map(|(m, v)| (m.as_str(), *v))
            .collect();
        assert_eq!(
            months,
            vec![("2024-01", 0.0), ("2024-02", 1.0), ("2024-03", 1.0)]
        );
        close(value.total, 30.0 / 47.0);
    }

    #[test]
    fn kf12_month_partly_after_t_keeps_the_month_divisor() {
        let mut s = one_child();
        measure(&mut s, "M1", 1, HomeSupport, "2024-01-01", &[]);
        let out = kf12_of(&s, "2024-02-10", period("2024-01-01", "2024-03-31"));
        let by_month = &out.by_measure_type["home_support"].by_month;
        close(by_month["2024-01"], 1.0);
        close(by_month["2024-02"], 10.0 / 29.0);
        close(by_month["2024-03"], 0.0);
    }

    #[test]
    fn kf12_year_of_a_leap_year_divides_by_366() {
        let mut s = one_child();
        measure(
            &mut s,
            "M1",
            1,
            Aftercare,
            "2024-01-01",
            &[("end_date", "2024-07-01")],
        );
        let out = kf12_of(&s, "2024-12-31", Period::year(2024));
        // 1 January - 1 July 2024: 183 days.
        close(out.by_measure_type["aftercare"].total, 183.0 / 366.0);
        assert_eq!(out.days, 366);
        assert_eq!(out.by_measure_type["aftercare"].by_month.len(), 12);
        close(
            kf12_of(&s, "2025-12-31", Period::year(2025)).by_measure_type["aftercare"].total,
            0.0,
        );
    }

    #[test]
    fn kf12_respects_the_unit_filter_and_reports_unusable_rows() {
        let mut s = one_child();
        child(&mut s, 2, "2016-01-01", "SB");
        measure(&mut s, "M1", 1, FamilyTreatment, "2024-01-01", &[]);
        measure(&mut s, "M2", 2, FamilyTreatment, "2024-01-01", &[]);
        measure(&mut s, "M3", 9, FamilyTreatment, "2024-01-01", &[]);
        // Unknown case, but long before the period: not the figure's business.
        measure(
            &mut s,
            "M4",
            9,
            FamilyTreatment,
            "2020-01-01",
            &[("end_date", "2020-12-31")],
        );
        let p = period("2024-03-01", "2024-03-31");
        let team_a = with(&s, all(), "2024-12-31", Some("A"), |ctx| kf12(ctx, p)).unwrap();
        close(team_a.by_measure_type["family_treatment"].total, 1.0);
        let everyone = kf12_of(&s, "2024-12-31", p);
        close(everyone.by_measure_type["family_treatment"].total, 2.0);
        assert_eq!(everyone.excluded.rows("unknown_case"), 1);
    }

    #[test]
    fn kf12_without_measures_file_is_not_available() {
        let s = one_child();
        let p = period("2024-03-01", "2024-03-31");
        let out = with(&s, all().without("measures"), "2024-12-31", None, |ctx| {
            kf12(ctx, p)
        });
        assert_eq!(out, None);
        let json = serde_json::to_value(kf12_of(&s, "2024-12-31", p)).unwrap();
        assert_eq!(json["placements_total"]["by_month"]["2024-03"], 0.0);
    }

    #[test]
    fn person_days_merge_touching_spans_per_group_and_bucket() {
        let span = |group, from, to| Span {
            group,
            person: 1,
            from,
            to,
        };
        let mut spans = vec![span(0, 10, 12), span(0, 5, 9), span(0, 6, 7), span(1, 5, 5)];
        let out = person_days(&mut spans, &[(0, 7), (8, 20)]);
        assert_eq!(&out[..4], &[3, 5, 1, 0]);
    }

    #[test]
    fn kf13_counts_distinct_persons_active_at_t_with_inclusive_end() {
        let mut s = one_child();
        child(&mut s, 2, "2016-01-01", "SA");
        child(&mut s, 3, "2016-01-01", "SA");
        child(&mut s, 4, "2016-01-01", "SA");
        let t = "2025-06-30";
        // P1: two measures of one type → 1.
        measure(&mut s, "M1", 1, FamilyTreatment, "2025-01-01", &[]);
        measure(&mut s, "M2", 1, FamilyTreatment, "2025-03-01", &[]);
        // P2: ends on T → active; P3: ended the day before → not; P4: ends after T → active.
        measure(
            &mut s,
            "M3",
            2,
            FamilyTreatment,
            "2025-01-01",
            &[("end_date", t)],
        );
        measure(
            &mut s,
            "M4",
            3,
            FamilyTreatment,
            "2025-01-01",
            &[("end_date", "2025-06-29")],
        );
        measure(
            &mut s,
            "M5",
            4,
            FamilyTreatment,
            "2025-01-01",
            &[("end_date", "2025-08-01")],
        );
        // Starts after T.
        measure(&mut s, "M6", 3, ContactPerson, "2025-07-01", &[]);
        let out = with(&s, all(), t, None, kf13).unwrap();
        assert_eq!(out.by_measure_type["family_treatment"], 3);
        assert_eq!(out.by_measure_type["contact_person"], 0);
        assert_eq!(out.by_measure_type.len(), MeasureType::ALL.len());
    }

    #[test]
    fn kf13_rate_per_1000_children_uses_placed_0_17_and_the_year_of_t() {
        let mut s = world();
        child(&mut s, 1, "2015-06-01", "SA"); // 10 at T
        child(&mut s, 2, "2007-06-30", "SA"); // 18 on T
        child(&mut s, 3, "2007-07-01", "SA"); // 17 at T
        measure(&mut s, "M1", 1, PlacementFosterFamily, "2025-01-01", &[]);
        measure(&mut s, "M2", 1, PlacementOwnRoom, "2025-01-01", &[]);
        measure(&mut s, "M3", 2, PlacementOwnRoom, "2025-01-01", &[]);
        measure(&mut s, "M4", 3, PlacementBoardingSchool, "2025-01-01", &[]);
        for age in 0..=22 {
            population(&mut s, 2025, age, 100); // 1,800 aged 0-17
            population(&mut s, 2024, age, 1);
        }
        let out = with(&s, all(), "2025-06-30", None, kf13).unwrap();
        assert_eq!((out.placed_total, out.placed_0_17), (3, 2));
        assert_eq!(out.population_0_17, Some(1800));
        close(out.placements_per_1000_0_17.unwrap(), 2.0 * 1000.0 / 1800.0);

        // No row for the year of T, no file, or a unit filter: no rate, counts remain.
        let next_year = with(&s, all(), "2026-01-05", None, kf13).unwrap();
        assert_eq!(next_year.placements_per_1000_0_17, None);
        assert_eq!(next_year.placed_total, 3);
        let no_file = with(&s, all().without("population"), "2025-06-30", None, kf13).unwrap();
        assert_eq!((no_file.population_0_17, no_file.placed_0_17), (None, 2));
        let team = with(&s, all(), "2025-06-30", Some("A"), kf13).unwrap();
        assert_eq!(team.placements_per_1000_0_17, None);
        assert_eq!(
            with(&s, all().without("measures"), "2025-06-30", None, kf13),
            None
        );
    }
}
