//! KF17 Forbrug, KF18 Forventet regnskab (prognose), KF19 Enhedspris and KF20
//! Budgetafvigelse (key-figures.md).
//!
//! Money is kept exact (`Decimal`) and serialised as a JSON number rounded to øre (2 decimals).
//! Payments of months after month(T) are facts after T and ignored. A payment is in the unit
//! filter's scope when its case is; without a case it takes its measure's case; with neither it
//! is in scope only when no unit filter is active. A payment whose case cannot be found is kept
//! without a filter and left out (and counted) with one.
//!
//! Spend is attributed to a measure type through `measure_id`; payments without a measure are
//! shown under [`UNKNOWN`].

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use foldhash::fast::FixedState;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};

use super::activity::{
    GROUPS, MeasureAt, Span, TYPES, dated_active_at, dated_touches, day, group, measure_at,
    person_days,
};
use super::{Available, Context, Exclusions, Period};
use crate::YearMonth;
use crate::calendar::add_months;
use crate::codes::MeasureType;
use crate::tables::{Measure, Payment};

/// The key of spend without a (resolvable) measure, and the account of a measure's future
/// spend when it has no payment by T.
pub const UNKNOWN: &str = "unknown";
/// The provider key of spend without a provider.
pub const NO_PROVIDER: &str = "none";

/// The group of spend without a measure type.
const UNKNOWN_GROUP: usize = TYPES;

/// The code of a type group, [`UNKNOWN`] for [`UNKNOWN_GROUP`].
fn code(group: usize) -> &'static str {
    MeasureType::ALL
        .get(group)
        .map_or(UNKNOWN, |kind| kind.code())
}

// ---------------------------------------------------------------------------------------------
// Money in JSON.

/// Decimal kroner → JSON number, rounded to øre.
struct Money<'a>(&'a Decimal);

impl Serialize for Money<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0.round_dp(2).to_f64().unwrap_or(f64::NAN))
    }
}

struct MoneyMap<'a, K>(&'a BTreeMap<K, Decimal>);

impl<K: Serialize> Serialize for MoneyMap<'_, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, Money(v))))
    }
}

fn money<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    Money(value).serialize(serializer)
}

fn money_opt<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    value.as_ref().map(Money).serialize(serializer)
}

fn money_map<K: Serialize, S: Serializer>(
    map: &BTreeMap<K, Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    MoneyMap(map).serialize(serializer)
}

fn money_map_opt<K: Serialize, S: Serializer>(
    map: &Option<BTreeMap<K, Decimal>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    map.as_ref().map(MoneyMap).serialize(serializer)
}

// ---------------------------------------------------------------------------------------------
// Shared: months, payments in scope, the measures of the year of T.

fn shift(month: YearMonth, months: i32) -> YearMonth {
    YearMonth::of(add_months(month.first_day(), months))
}

/// KF18's forecast end of a measure active at T: the earliest of `end_date`,
/// `planned_end_date` and 31 Dec, ignoring empty dates, an end date after T (not yet a fact at
/// T: `end` is the end known by T) and a planned end date before T (a measure still running
/// past its planned end is assumed to run to 31 Dec). As the end of a measure active at T is
/// T or empty, this is never before T.
fn stop(
    end: Option<NaiveDate>,
    planned: Option<NaiveDate>,
    t: NaiveDate,
    year_end: NaiveDate,
) -> NaiveDate {
    [end, planned.filter(|p| *p >= t), Some(year_end)]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(year_end)
}

type Interner<'a> = crate::ids::IdMap<'a>;

const PAYMENT_UNKNOWN_CASE: (&str, &str) = (
    "unknown_case",
    "Betalingens sag findes ikke: kan ikke henføres til en enhed",
);
const PAYMENT_UNKNOWN_MEASURE_NO_CASE: (&str, &str) = (
    "unknown_measure_no_case",
    "Betalingen har ingen sag, og dens indsats findes ikke: kan ikke henføres til en enhed",
);

/// A payment in scope: its measure row, and whether its `measure_id` does not resolve.
struct PaymentAt {
    measure: Option<u32>,
    dangling_measure: bool,
}

/// The measure row a payment names: `None` without `measure_id`, `Some(None)` when it does not
/// resolve.
fn measure_of(ctx: &Context<'_>, p: &Payment) -> Option<Option<u32>> {
    p.measure_id
        .as_ref()
        .map(|id| ctx.lookup.measure(id.as_str()))
}

/// Whether a payment is in the unit filter's scope; `None` when not (counted in `excluded`
/// when the reason is bad data).
fn payment_at(
    ctx: &Context<'_>,
    p: &Payment,
    measure: Option<Option<u32>>,
    excluded: &mut Exclusions,
) -> Option<PaymentAt> {
    // The payment's case, else its measure's.
    let case_id = match (&p.case_id, measure) {
        (Some(id), _) => Some(Ok(id)),
        (None, Some(Some(m))) => Some(Ok(&ctx.snapshot.measures[m as usize].case_id)),
        (None, Some(None)) => Some(Err(PAYMENT_UNKNOWN_MEASURE_NO_CASE)),
        (None, None) => None,
    };
    let case = case_id
        .map(|id| id.and_then(|id| ctx.lookup.case(id.as_str()).ok_or(PAYMENT_UNKNOWN_CASE)));
    let in_scope = match case {
        Some(Ok(case)) => ctx.scope.has_case(case),
        Some(Err((reason, label))) if ctx.scope.is_filtered() => {
            excluded.add("payments", reason, label);
            false
        }
        Some(Err(_)) | None => !ctx.scope.is_filtered(),
    };
    in_scope.then_some(PaymentAt {
        measure: measure.flatten(),
        dangling_measure: matches!(measure, Some(None)),
    })
}

/// Every measure row as the figures see it at T, in row order: resolved once for KF18-KF20.
fn resolve(ctx: &Context<'_>) -> Vec<MeasureAt> {
    ctx.snapshot
        .measures
        .iter()
        .map(|m| measure_at(ctx, m))
        .collect()
}

/// Counts in `excluded` the unusable rows of `measures` that `counted` selects.
fn exclude_measures(
    ctx: &Context<'_>,
    measures: &[MeasureAt],
    excluded: &mut Exclusions,
    counted: impl Fn(&Measure) -> bool,
) {
    for (m, at) in ctx.snapshot.measures.iter().zip(measures) {
        if let MeasureAt::Bad(reason, label) = *at
            && counted(m)
        {
            excluded.add("measures", reason, label);
        }
    }
}

/// KF19's span: 1 January to the end of the last month complete by T (T itself on the last
/// day of a month); `None` while no month of the year of T is complete.
fn complete_months(t: NaiveDate) -> Option<Period> {
    let month_t = Period::month(YearMonth::of(t));
    let end = if t == month_t.to {
        t
    } else {
        month_t.from.pred_opt().expect("date in range")
    };
    Period::year(t.year()).up_to(end)
}

/// Person-days per type group (indexed by group) in the year of T: each measure's active days
/// by T, and a measure active at T on to its [`stop`]; a person counted once per day.
struct PersonDays {
    /// The days within KF19's span (all 0 without one). The span ends by T, so these are the
    /// days by T of the span.
    in_span: Vec<u64>,
    /// The days of the whole year (KF20).
    year: Vec<u64>,
}

impl PersonDays {
    /// One sweep for both: the span and the rest of the year are its two buckets.
    fn sweep(ctx: &Context<'_>, measures: &[MeasureAt], span: Option<Period>) -> PersonDays {
        let t = ctx.as_of.date;
        let year = Period::year(t.year());
        let mut spans = Vec::new();
        for (m, at) in ctx.snapshot.measures.iter().zip(measures) {
            let MeasureAt::Known(known) = *at else {
                continue;
            };
            let to = match known.end {
                Some(end) if end < t => end,
                end => stop(end, m.planned_end_date, t, year.to),
            };
            let from = known.start.max(year.from);
            spans.extend(Span::clipped(group(m.measure_type), known.person, from, to));
        }
        let rest = match span {
            Some(span) => span
                .to
                .succ_opt()
                .and_then(|from| Period::new(from, year.to).ok()),
            None => Some(year),
        };
        let buckets: Vec<(i32, i32)> = span
            .into_iter()
            .chain(rest)
            .map(|part| (day(part.from), day(part.to)))
            .collect();
        let days = person_days(&mut spans, &buckets);
        let rows = days.chunks(buckets.len());
        PersonDays {
            in_span: rows
                .clone()
                .map(|row| if span.is_some() { row[0] } else { 0 })
                .collect(),
            year: rows.map(|row| row.iter().sum()).collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// KF17

/// KF17 Forbrug.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf17 {
    pub period: Period,
    /// The months counted: those the period touches, up to month(T).
    pub from_month: String,
    pub to_month: String,
    #[serde(serialize_with = "money")]
    pub total: Decimal,
    /// Per account (kontoplan), the accounts with payments.
    #[serde(serialize_with = "money_map")]
    pub by_account: BTreeMap<String, Decimal>,
    /// Per measure type code (every code) and [`UNKNOWN`] (payments without a resolvable
    /// measure); `None` without `measures.csv`.
    #[serde(serialize_with = "money_map_opt")]
    pub by_measure_type: Available<BTreeMap<&'static str, Decimal>>,
    /// Per provider id of the payment's measure, and [`NO_PROVIDER`] (no measure, or a
    /// measure without provider; always present); `None` without `measures.csv`.
    #[serde(serialize_with = "money_map_opt")]
    pub by_provider: Available<BTreeMap<String, Decimal>>,
    pub excluded: Exclusions,
}

/// KF17: Σ `payments.amount` of the months the period touches (a payment is for a whole
/// month), months after month(T) ignored. Not available without `payments.csv`.
pub fn kf17(ctx: &Context<'_>, period: Period) -> Available<Kf17> {
    if !ctx.has("payments") {
        return None;
    }
    let with_measures = ctx.has("measures");
    let first = YearMonth::of(period.from);
    let last = YearMonth::of(period.to).min(YearMonth::of(ctx.as_of.date));
    let mut excluded = Exclusions::default();
    let mut total = Decimal::ZERO;
    let mut by_account: HashMap<&str, Decimal, FixedState> = HashMap::default();
    let mut by_provider: HashMap<&str, Decimal, FixedState> = HashMap::default();
    let mut by_type = [Decimal::ZERO; TYPES + 1];
    for p in &ctx.snapshot.payments {
        if p.month < first || p.month > last {
            continue;
        }
        let Some(at) = payment_at(ctx, p, measure_of(ctx, p), &mut excluded) else {
            continue;
        };
        total += p.amount;
        *by_account.entry(p.account.as_str()).or_default() += p.amount;
        let measure = at.measure.map(|m| &ctx.snapshot.measures[m as usize]);
        by_type[measure.map_or(UNKNOWN_GROUP, |m| group(m.measure_type))] += p.amount;
        let provider = measure
            .and_then(|m| m.provider_id.as_ref())
            .map_or(NO_PROVIDER, |id| id.as_str());
        *by_provider.entry(provider).or_default() += p.amount;
        if at.dangling_measure && with_measures {
            excluded.add(
                "payments",
                "unknown_measure",
                "Betalingens indsats findes ikke: beløbet er talt under ukendt indsatstype",
            );
        }
    }
    by_provider.entry(NO_PROVIDER).or_default();
    Some(Kf17 {
        period,
        from_month: first.to_string(),
        to_month: last.max(first).to_string(),
        total,
        by_account: by_account
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        by_measure_type: with_measures
            .then(|| (0..=TYPES).map(|g| (code(g), by_type[g])).collect()),
        by_provider: with_measures.then(|| {
            by_provider
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        }),
        excluded,
    })
}

// ---------------------------------------------------------------------------------------------
// KF18

#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    spent: Decimal,
    rate: Decimal,
    payments: Decimal,
    touched: bool,
}

impl Parts {
    fn total(&self) -> Decimal {
        self.spent + self.rate + self.payments
    }
}

/// A measure active at T while the payments are read.
struct Active<'a> {
    /// (month, account) of its latest payment by T.
    latest: Option<(YearMonth, &'a str)>,
    /// The first of the 3 months before month(T) in which it was active: active at T, it
    /// was active in every month from the month of its start.
    basis_from: YearMonth,
    /// Σ of its payments of the months from `basis_from` to before month(T); `None` when
    /// there was none.
    basis: Option<Decimal>,
    /// The last day it is expected to run ([`stop`]).
    stop: NaiveDate,
}

const NOT_ACTIVE: u32 = u32::MAX;

/// KF18 by account and type group, before output.
struct Forecast<'a> {
    year: i32,
    forecast_from: NaiveDate,
    table: AccountTable<'a>,
    excluded: Exclusions,
}

impl<'a> Forecast<'a> {
    fn compute(ctx: &Context<'a>, measures: &[MeasureAt]) -> Forecast<'a> {
        let s = ctx.snapshot;
        let t = ctx.as_of.date;
        let year = Period::year(t.year());
        let month_t = YearMonth::of(t);
        let january = YearMonth::of(year.from);
        let forecast_from = month_t.first_day();
        let mut excluded = Exclusions::default();

        // The measures active at T.
        exclude_measures(ctx, measures, &mut excluded, |m| dated_active_at(m, t));
        let mut active_of = vec![NOT_ACTIVE; s.measures.len()];
        let mut active: Vec<Active<'a>> = Vec::new();
        for (row, (m, at)) in s.measures.iter().zip(measures).enumerate() {
            if let MeasureAt::Known(known) = *at
                && known.active_on(t)
            {
                active_of[row] = active.len() as u32;
                active.push(Active {
                    latest: None,
                    basis_from: shift(month_t, -3).max(YearMonth::of(known.start)),
                    basis: None,
                    stop: stop(known.end, m.planned_end_date, t, year.to),
                });
            }
        }

        let mut table = AccountTable::default();
        for p in &s.payments {
            if p.month > month_t {
                continue;
            }
            let measure = measure_of(ctx, p);
            if let Some(Some(m)) = measure
                && let Some(a) = active.get_mut(active_of[m as usize] as usize)
            {
                if a.latest.is_none_or(|(month, _)| month <= p.month) {
                    a.latest = Some((p.month, p.account.as_str()));
                }
                if p.month >= a.basis_from && p.month < month_t {
                    *a.basis.get_or_insert(Decimal::ZERO) += p.amount;
                }
            }
            if p.month < january || p.month >= month_t {
                continue;
            }
            let Some(at) = payment_at(ctx, p, measure, &mut excluded) else {
                continue;
            };
            let g = at.measure.map_or(UNKNOWN_GROUP, |m| {
                group(s.measures[m as usize].measure_type)
            });
            if at.dangling_measure {
                excluded.add(
                    "payments",
                    "unknown_measure",
                    "Betalingens indsats findes ikke: forbruget er talt under ukendt indsatstype",
                );
            }
            let part = &mut table.parts(p.account.as_str())[g];
            part.spent += p.amount;
            part.touched = true;
        }

        // The rest of the year of every measure active at T: from the later of the first day
        // of month(T) and its start to its stop, which is T or later (so at least one day and
        // one month), both days included.
        for (row, m) in s.measures.iter().enumerate() {
            let Some(a) = active.get(active_of[row] as usize) else {
                continue;
            };
            let (rate, payments) = match (&m.daily_rate, a.basis) {
                (Some(rate), _) => {
                    let days = (a.stop - forecast_from.max(m.start_date)).num_days() + 1;
                    (*rate.get() * Decimal::from(days), Decimal::ZERO)
                }
                (None, Some(basis)) => {
                    // Over the months of the three before month(T) in which it was active: at
                    // least one, as it has a payment in one of them.
                    let active_months = (1..=3)
                        .filter(|k| shift(month_t, -k) >= a.basis_from)
                        .count();
                    let average = basis / Decimal::from(active_months as u64);
                    // Month(T) to the month of its stop (in the year of T), both included.
                    let months = a.stop.month() - month_t.month() + 1;
                    (Decimal::ZERO, average * Decimal::from(months))
                }
                (None, None) => {
                    excluded.add(
                        "measures",
                        "no_rate_no_payments",
                        "Indsats uden dagstakst og uden betalinger i de af de seneste 3 måneder, \
                         hvor den var aktiv: ingen prognose for resten af året",
                    );
                    continue;
                }
            };
            let account = a.latest.map_or(UNKNOWN, |(_, account)| account);
            let part = &mut table.parts(account)[group(m.measure_type)];
            part.rate += rate;
            part.payments += payments;
            part.touched = true;
        }
        Forecast {
            year: t.year(),
            forecast_from,
            table,
            excluded,
        }
    }

    /// The forecast of `account`, of one type group or all.
    fn total(&self, account: &str, group: Option<usize>) -> Decimal {
        let Some(&index) = self.table.index.get(account) else {
            return Decimal::ZERO;
        };
        let parts = &self.table.parts[index as usize];
        match group {
            Some(g) => parts[g].total(),
            None => parts.iter().map(Parts::total).sum(),
        }
    }

    /// KF18: the lines with spend or forecast, and their sums.
    fn kf18(&self) -> Kf18 {
        let mut lines = Vec::new();
        let mut sum = Parts::default();
        for (account, parts) in self.table.accounts.iter().zip(&self.table.parts) {
            for (g, part) in parts.iter().enumerate().filter(|(_, p)| p.touched) {
                sum.spent += part.spent;
                sum.rate += part.rate;
                sum.payments += part.payments;
                lines.push(Kf18Line {
                    account: (*account).to_owned(),
                    measure_type: code(g),
                    spent_before_month: part.spent,
                    rate_based_rest: part.rate,
                    payment_based_rest: part.payments,
                    total: part.total(),
                });
            }
        }
        lines.sort_by(|a, b| (&a.account, a.measure_type).cmp(&(&b.account, b.measure_type)));
        Kf18 {
            year: self.year,
            forecast_from: self.forecast_from,
            spent_before_month: sum.spent,
            rate_based_rest: sum.rate,
            payment_based_rest: sum.payments,
            total: sum.total(),
            lines,
            excluded: self.excluded.clone(),
        }
    }
}

/// Accounts interned in order of appearance, with their parts per type group.
#[derive(Default)]
struct AccountTable<'a> {
    index: Interner<'a>,
    accounts: Vec<&'a str>,
    parts: Vec<[Parts; TYPES + 1]>,
}

impl<'a> AccountTable<'a> {
    fn parts(&mut self, account: &'a str) -> &mut [Parts; TYPES + 1] {
        let index = *self.index.entry(account).or_insert_with(|| {
            self.accounts.push(account);
            self.parts.push([Parts::default(); TYPES + 1]);
            (self.accounts.len() - 1) as u32
        });
        &mut self.parts[index as usize]
    }
}

/// KF18 Forventet regnskab for the year of T.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf18 {
    pub year: i32,
    /// The first day of month(T): spend before it is what was paid, from it on is forecast.
    pub forecast_from: NaiveDate,
    /// Payments of the months of the year before month(T).
    #[serde(serialize_with = "money")]
    pub spent_before_month: Decimal,
    /// Σ over measures active at T with a daily rate of daily rate × days from the later of
    /// [`Kf18::forecast_from`] and its start to its forecast end (see [`kf18`]).
    #[serde(serialize_with = "money")]
    pub rate_based_rest: Decimal,
    /// Σ over measures active at T without a daily rate of the average of their payments over
    /// those of the 3 months before month(T) in which they were active × the months from
    /// month(T) to the month of their forecast end.
    #[serde(serialize_with = "money")]
    pub payment_based_rest: Decimal,
    #[serde(serialize_with = "money")]
    pub total: Decimal,
    /// Per (account, measure type), sorted; only combinations with spend or forecast.
    pub lines: Vec<Kf18Line>,
    pub excluded: Exclusions,
}

/// One (account, measure type) of KF18. A measure's future spend goes to the account of its
/// latest payment by T, else [`UNKNOWN`]; payments without a measure have type [`UNKNOWN`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf18Line {
    pub account: String,
    pub measure_type: &'static str,
    #[serde(serialize_with = "money")]
    pub spent_before_month: Decimal,
    #[serde(serialize_with = "money")]
    pub rate_based_rest: Decimal,
    #[serde(serialize_with = "money")]
    pub payment_based_rest: Decimal,
    #[serde(serialize_with = "money")]
    pub total: Decimal,
}

/// KF18, for the year of T: spend of months before month(T) + Σ over measures active at T with
/// daily_rate of daily_rate × days from the later of the first day of month(T) and start_date
/// to the forecast end: the earliest of end_date, planned_end_date and 31 Dec, ignoring empty
/// dates, an end_date after T (not yet a fact at T) and a planned_end_date before T (a measure
/// still running past its planned end is assumed to run to 31 Dec). Measures without
/// daily_rate: the average of their payments over those of the 3 months before month(T) in
/// which the measure was active, × the months from month(T) to the month of its forecast end.
/// Not available without `payments.csv` or `measures.csv`.
///
/// Both day and month counts include their first and last. A measure without a daily rate
/// and without payments in those months (or active in none of them) has no average: it is
/// listed in `excluded` and adds nothing to the forecast.
pub fn kf18(ctx: &Context<'_>) -> Available<Kf18> {
    if !ctx.has("payments") || !ctx.has("measures") {
        return None;
    }
    Some(Forecast::compute(ctx, &resolve(ctx)).kf18())
}

/// KF18, KF19 and KF20 together, equal to [`kf18`], [`kf19`] and [`kf20`] called one by one
/// but resolving the measures, computing the forecast (KF18, KF20) and sweeping the
/// person-days (KF19, KF20) once.
pub fn kf18_to_kf20(ctx: &Context<'_>) -> (Available<Kf18>, Available<Kf19>, Available<Kf20>) {
    if !ctx.has("payments") || !ctx.has("measures") {
        return (None, None, None);
    }
    let span = complete_months(ctx.as_of.date);
    let measures = resolve(ctx);
    let forecast = Forecast::compute(ctx, &measures);
    let days = PersonDays::sweep(ctx, &measures, span);
    let kf19 = kf19_of(ctx, span, &measures, &days.in_span);
    let kf20 = ctx
        .has("budgets")
        .then(|| kf20_of(ctx, &measures, &forecast, &days.year));
    (Some(forecast.kf18()), Some(kf19), kf20)
}

// ---------------------------------------------------------------------------------------------
// KF19

/// KF19 Enhedspris for the year of T.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf19 {
    pub year: i32,
    /// 1 January to the end of the last month complete by T (month(T) itself when T is its
    /// last day); `None` when no month of the year is complete yet.
    pub span: Option<Period>,
    /// The days of the year: full-year persons = person-days ÷ this.
    pub days_in_year: u32,
    /// Per measure type code (every code).
    pub by_measure_type: BTreeMap<&'static str, Kf19Line>,
    pub excluded: Exclusions,
}

/// One measure type of KF19.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf19Line {
    /// Payments of the span's months for measures of the type.
    #[serde(serialize_with = "money")]
    pub spend: Decimal,
    /// Σ over the span's days of distinct persons with an active measure of the type.
    pub person_days: u64,
    /// KF12 for the year with the days after the span excluded: person-days ÷ days of year.
    pub full_year_persons: f64,
    /// spend ÷ full_year_persons: the price of one full-year person; `None` when there are
    /// no full-year persons.
    #[serde(serialize_with = "money_opt")]
    pub unit_price: Option<Decimal>,
}

/// KF19: for the year of T and each measure type, the price per full-year person = spend on
/// measures of that type in the year up to the last complete month ÷ (person-days of the same
/// span ÷ days of the year). Not available without `payments.csv` or `measures.csv`.
pub fn kf19(ctx: &Context<'_>) -> Available<Kf19> {
    if !ctx.has("payments") || !ctx.has("measures") {
        return None;
    }
    let span = complete_months(ctx.as_of.date);
    let measures = resolve(ctx);
    let days = match span {
        Some(_) => PersonDays::sweep(ctx, &measures, span).in_span,
        None => vec![0; GROUPS],
    };
    Some(kf19_of(ctx, span, &measures, &days))
}

/// KF19 with the span's person-days per type group.
fn kf19_of(ctx: &Context<'_>, span: Option<Period>, measures: &[MeasureAt], days: &[u64]) -> Kf19 {
    let s = ctx.snapshot;
    let year = ctx.as_of.date.year();
    let mut excluded = Exclusions::default();
    let mut spend = [Decimal::ZERO; TYPES];
    if let Some(span) = span {
        let months = YearMonth::of(span.from)..=YearMonth::of(span.to);
        for p in &s.payments {
            if !months.contains(&p.month) {
                continue;
            }
            let Some(at) = payment_at(ctx, p, measure_of(ctx, p), &mut excluded) else {
                continue;
            };
            match at.measure {
                Some(m) => spend[group(s.measures[m as usize].measure_type)] += p.amount,
                None if at.dangling_measure => excluded.add(
                    "payments",
                    "unknown_measure",
                    "Betalingens indsats findes ikke: ikke med i enhedsprisen",
                ),
                None => excluded.add(
                    "payments",
                    "without_measure",
                    "Betaling uden indsats: kan ikke henføres til en indsatstype",
                ),
            }
        }
        exclude_measures(ctx, measures, &mut excluded, |m| {
            dated_touches(m, ctx.as_of.date, span)
        });
    }
    let year_days = Period::year(year).days();
    Kf19 {
        year,
        span,
        days_in_year: year_days,
        by_measure_type: MeasureType::ALL
            .iter()
            .map(|kind| {
                let g = group(*kind);
                let line = Kf19Line {
                    spend: spend[g],
                    person_days: days[g],
                    full_year_persons: days[g] as f64 / f64::from(year_days),
                    unit_price: (days[g] > 0)
                        .then(|| spend[g] * Decimal::from(year_days) / Decimal::from(days[g])),
                };
                (kind.code(), line)
            })
            .collect(),
        excluded,
    }
}

// ---------------------------------------------------------------------------------------------
// KF20

/// KF20 Budgetafvigelse for the year of T.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf20 {
    pub year: i32,
    /// One line per budget row of the year whose unit is in scope, sorted by account,
    /// measure type and unit.
    pub lines: Vec<Kf20Line>,
    /// Rows left out by the forecast (KF18), the full-year persons and the budget rows.
    pub excluded: Exclusions,
}

/// One budget row of KF20.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kf20Line {
    pub unit_id: String,
    pub account: String,
    /// `None` when the budget row covers every measure type of the account.
    pub measure_type: Option<&'static str>,
    #[serde(serialize_with = "money")]
    pub budget: Decimal,
    /// KF18 of the account (and the row's measure type when it has one), in scope.
    #[serde(serialize_with = "money")]
    pub forecast: Decimal,
    /// forecast − budget (positive = overspend).
    #[serde(serialize_with = "money")]
    pub deviation: Decimal,
    pub planned_full_year_persons: Option<f64>,
    /// (person-days up to T + person-days of the persons active at T, assumed active to the
    /// forecast end of KF18) ÷ days of the year, for the row's measure type; `None` without
    /// a measure type.
    pub forecast_full_year_persons: Option<f64>,
    /// (forecast full-year persons − planned full-year persons) × (budget ÷ planned full-year
    /// persons); `None` when the row has no measure type or planned persons are empty or 0.
    #[serde(serialize_with = "money_opt")]
    pub activity_effect: Option<Decimal>,
    /// deviation − activity effect; `None` with the activity effect.
    #[serde(serialize_with = "money_opt")]
    pub price_effect: Option<Decimal>,
}

/// KF20: per budget row of the year of T in scope, deviation = KF18 − budget, split into an
/// activity effect = (forecast full-year persons − planned full-year persons) × (budget ÷
/// planned full-year persons) and a price effect = deviation − activity effect. Not available
/// without `budgets.csv`, `payments.csv` or `measures.csv`.
pub fn kf20(ctx: &Context<'_>) -> Available<Kf20> {
    if !ctx.has("budgets") || !ctx.has("payments") || !ctx.has("measures") {
        return None;
    }
    let measures = resolve(ctx);
    let forecast = Forecast::compute(ctx, &measures);
    let days = PersonDays::sweep(ctx, &measures, None).year;
    Some(kf20_of(ctx, &measures, &forecast, &days))
}

/// KF20 with the forecast and the year's person-days per type group.
fn kf20_of(
    ctx: &Context<'_>,
    measures: &[MeasureAt],
    forecast: &Forecast<'_>,
    days: &[u64],
) -> Kf20 {
    let t = ctx.as_of.date;
    let year = Period::year(t.year());
    let mut excluded = forecast.excluded.clone();
    // Rows active at T were counted by the forecast already.
    exclude_measures(ctx, measures, &mut excluded, |m| {
        !dated_active_at(m, t) && dated_touches(m, t, year)
    });
    let year_days = Decimal::from(year.days());
    let mut lines = Vec::new();
    for b in &ctx.snapshot.budgets {
        if *b.year.get() != i64::from(forecast.year) {
            continue;
        }
        let Some(unit) = ctx.lookup.unit(b.unit_id.as_str()) else {
            excluded.add("budgets", "unknown_unit", "Budgetlinjens enhed findes ikke");
            continue;
        };
        if !ctx.scope.has_unit(unit) {
            continue;
        }
        let g = b.measure_type.map(group);
        let amount = forecast.total(&b.account, g);
        let deviation = amount - b.amount;
        let planned = b.planned_full_year_persons.as_ref().map(|p| *p.get());
        let persons = g.map(|g| Decimal::from(days[g]) / year_days);
        let activity_effect = match (persons, planned) {
            (Some(persons), Some(planned)) if !planned.is_zero() => {
                Some((persons - planned) * (b.amount / planned))
            }
            _ => None,
        };
        lines.push(Kf20Line {
            unit_id: b.unit_id.as_str().to_owned(),
            account: b.account.clone(),
            measure_type: b.measure_type.map(MeasureType::code),
            budget: b.amount,
            forecast: amount,
            deviation,
            planned_full_year_persons: planned.and_then(|p| p.to_f64()),
            forecast_full_year_persons: persons.and_then(|p| p.to_f64()),
            activity_effect,
            price_effect: activity_effect.map(|effect| deviation - effect),
        });
    }
    lines.sort_by(|a, b| {
        (&a.account, a.measure_type, &a.unit_id).cmp(&(&b.account, b.measure_type, &b.unit_id))
    });
    Kf20 {
        year: forecast.year,
        lines,
        excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::super::activity::test_data::*;
    use super::*;
    use crate::codes::MeasureType::*;
    use crate::tables::Snapshot;

    fn children(n: u32, staff: &str) -> Snapshot {
        let mut s = world();
        for i in 1..=n {
            child(&mut s, i, "2015-01-01", staff);
        }
        s
    }

    // ---- KF17

    fn kf17_world() -> Snapshot {
        let mut s = world();
        child(&mut s, 1, "2015-01-01", "SA");
        child(&mut s, 2, "2015-01-01", "SB");
        provider(&mut s, "X");
        let by_x = [("provider_id", "X")];
        measure(&mut s, "M1", 1, FamilyTreatment, "2024-01-01", &by_x);
        measure(&mut s, "M2", 2, PlacementFosterFamily, "2024-01-01", &[]);
        for (id, case, m, account, month, amount) in [
            ("B1", Some(1), Some("M1"), "5.28.21", "2025-04", "100"),
            // No case: the measure's case (C1, team A).
            ("B2", None, Some("M1"), "5.28.21", "2025-05", "50"),
            // Month(T) counts; the month after does not; nor a month before the period.
            ("B3", Some(2), Some("M2"), "5.28.23", "2025-06", "200"),
            ("B4", Some(1), Some("M1"), "5.28.21", "2025-07", "1000"),
            ("B5", Some(1), Some("M1"), "5.28.21", "2025-03", "1000"),
            // Neither case nor measure: only without a unit filter.
            ("B6", None, None, "5.28.99", "2025-05", "7"),
            // A measure that does not exist: under "unknown", and reported.
            ("B7", Some(1), Some("MX"), "5.28.21", "2025-05", "3"),
            ("B8", Some(2), Some("M2"), "5.28.23", "2025-05", "-20"),
        ] {
            payment(&mut s, id, case, m, account, month, amount);
        }
        s
    }

    #[test]
    fn kf17_sums_the_months_of_the_period_up_to_month_of_t() {
        let s = kf17_world();
        let p = Period::new(d("2025-04-01"), d("2025-07-31")).unwrap();
        let out = with(&s, all(), "2025-06-15", None, |ctx| kf17(ctx, p)).unwrap();
        assert_eq!(out.total, dec("340"));
        assert_eq!(
            (out.from_month.as_str(), out.to_month.as_str()),
            ("2025-04", "2025-06")
        );
        let accounts: Vec<(&str, Decimal)> = out
            .by_account
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        assert_eq!(
            accounts,
            vec![
                ("5.28.21", dec("153")),
                ("5.28.23", dec("180")),
                ("5.28.99", dec("7"))
            ]
        );
        let types = out.by_measure_type.as_ref().unwrap();
        assert_eq!(types.len(), MeasureType::ALL.len() + 1);
        assert_eq!(types["family_treatment"], dec("150"));
        assert_eq!(types["placement_foster_family"], dec("180"));
        assert_eq!(types["home_support"], Decimal::ZERO);
        assert_eq!(types[UNKNOWN], dec("10"));
        let providers = out.by_provider.as_ref().unwrap();
        assert_eq!(providers["X"], dec("150"));
        assert_eq!(providers[NO_PROVIDER], dec("190"));
        assert_eq!(out.excluded.rows("unknown_measure"), 1);

        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(json["total"], serde_json::json!(340.0));
        assert_eq!(json["by_measure_type"]["unknown"], serde_json::json!(10.0));
    }

    #[test]
    fn kf17_unit_filter_uses_the_payments_case_or_its_measures_case() {
        let s = kf17_world();
        let p = Period::year(2025);
        let team_a = with(&s, all(), "2025-06-15", Some("A"), |ctx| kf17(ctx, p)).unwrap();
        // B5 (March) + B1 + B2 (through M1's case) + B7; not B6 (no case, no measure).
        assert_eq!(team_a.total, dec("1153"));
        let team_b = with(&s, all(), "2025-06-15", Some("B"), |ctx| kf17(ctx, p)).unwrap();
        assert_eq!(team_b.total, dec("180"));
    }

    #[test]
    fn kf17_without_payments_is_not_available_and_without_measures_has_no_type_split() {
        let s = kf17_world();
        let p = Period::year(2025);
        let none = with(&s, all().without("payments"), "2025-06-15", None, |ctx| {
            kf17(ctx, p)
        });
        assert_eq!(none, None);
        let out = with(&s, all().without("measures"), "2025-06-15", None, |ctx| {
            kf17(ctx, p)
        })
        .unwrap();
        assert_eq!(out.by_measure_type, None);
        assert_eq!(out.by_provider, None);
        assert!(out.excluded.is_empty());
        assert_eq!(
            serde_json::to_value(&out).unwrap()["by_measure_type"],
            serde_json::Value::Null
        );
    }

    // ---- KF18

    fn line<'a>(out: &'a Kf18, account: &str, kind: &str) -> &'a Kf18Line {
        out.lines
            .iter()
            .find(|l| l.account == account && l.measure_type == kind)
            .unwrap_or_else(|| panic!("no line {account} {kind}: {:?}", out.lines))
    }

    #[test]
    fn kf18_rate_based_rest_runs_to_end_planned_end_or_year_end() {
        let mut s = children(6, "SA");
        for (id, case, kind, start, rate, date) in [
            // Open: 1 June - 31 December = 214 days.
            (
                "M1",
                1,
                FamilyTreatment,
                "2025-01-01",
                "100",
                ("end_date", ""),
            ),
            // Planned end 31 August: 92 days.
            (
                "M2",
                2,
                FamilyTreatment,
                "2025-01-01",
                "10",
                ("planned_end_date", "2025-08-31"),
            ),
            // An end date after T is not known at T: 214 days, not 122.
            (
                "M3",
                3,
                FamilyTreatment,
                "2025-01-01",
                "1",
                ("end_date", "2025-09-30"),
            ),
            // Ended before T: not active at T, no rest.
            (
                "M4",
                4,
                FamilyTreatment,
                "2025-01-01",
                "1000",
                ("end_date", "2025-06-10"),
            ),
            // Started in month(T): from its start, 10 June - 31 December = 205 days.
            (
                "M5",
                5,
                FamilyTreatment,
                "2025-06-10",
                "5",
                ("end_date", ""),
            ),
            // Planned end after the year: to 31 December.
            (
                "M6",
                6,
                ContactPerson,
                "2024-01-01",
                "7",
                ("planned_end_date", "2026-03-31"),
            ),
            // Ends on T (known, inclusive): 1-15 June = 15 days.
            (
                "M8",
                5,
                HomeSupport,
                "2025-01-01",
                "3",
                ("end_date", "2025-06-15"),
            ),
            // Planned end before T, still running at T: the plan is outrun, to 31 December.
            (
                "M7",
                6,
                ContactPerson,
                "2025-01-01",
                "2",
                ("planned_end_date", "2025-06-10"),
            ),
        ] {
            measure(&mut s, id, case, kind, start, &[("daily_rate", rate), date]);
        }
        for month in ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"] {
            let id = format!("B{month}");
            payment(&mut s, &id, Some(1), Some("M1"), "A1", month, "3100");
        }
        // Month(T), after T, and the year before: not spend of the year before month(T).
        payment(&mut s, "B6", Some(1), Some("M1"), "A1", "2025-06", "999");
        payment(&mut s, "B7", Some(1), Some("M1"), "A9", "2025-07", "999");
        payment(&mut s, "B8", Some(1), Some("M1"), "A1", "2024-12", "999");
        payment(&mut s, "B9", Some(4), Some("M4"), "A2", "2025-05", "500");
        let out = with(&s, all(), "2025-06-15", None, kf18).unwrap();
        assert_eq!(out.year, 2025);
        assert_eq!(out.forecast_from, d("2025-06-01"));
        assert_eq!(out.spent_before_month, dec("16000"));
        assert_eq!(
            out.rate_based_rest,
            dec("21400")
                + dec("920")
                + dec("214")
                + dec("1025")
                + dec("1498")
                + dec("428")
                + dec("45")
        );
        assert_eq!(out.payment_based_rest, Decimal::ZERO);
        assert_eq!(out.total, out.spent_before_month + out.rate_based_rest);
        // M1's rest goes to the account of its latest payment by T (not July's A9).
        let m1 = line(&out, "A1", "family_treatment");
        assert_eq!(
            (m1.spent_before_month, m1.rate_based_rest),
            (dec("15500"), dec("21400"))
        );
        assert!(out.lines.iter().all(|l| l.account != "A9"));
        // Without any payment the account is unknown.
        assert_eq!(
            line(&out, UNKNOWN, "contact_person").rate_based_rest,
            dec("1926")
        );
        assert_eq!(line(&out, "A2", "family_treatment").total, dec("500"));
        assert!(out.excluded.is_empty());
    }

    #[test]
    fn kf18_without_rate_uses_the_average_of_the_last_three_months() {
        let mut s = children(4, "SA");
        measure(&mut s, "E", 1, HomeSupport, "2025-01-01", &[]);
        measure(&mut s, "F", 2, ContactPerson, "2025-01-01", &[]);
        measure(&mut s, "G", 3, RespiteCare, "2025-05-01", &[]);
        let planned = [("planned_end_date", "2025-08-15")];
        measure(&mut s, "H", 4, OtherSupport, "2025-01-01", &planned);
        for (id, case, m, account, month, amount) in [
            // E: February is not among the last 3 months; avg (300 + 600 + 900) / 3 = 600.
            ("B1", 1, "E", "K1", "2025-02", "10000"),
            ("B2", 1, "E", "K1", "2025-03", "300"),
            ("B3", 1, "E", "K1", "2025-04", "600"),
            ("B4", 1, "E", "K2", "2025-05", "900"),
            // F: nothing in March-May: no basis, listed as excluded.
            ("B5", 2, "F", "K1", "2025-02", "100"),
            // G: ran only in May of the three months: 500 a month.
            ("B6", 3, "G", "K1", "2025-05", "500"),
            // H: 300 a month until its planned end in August: 3 months.
            ("B7", 4, "H", "K1", "2025-03", "300"),
            ("B8", 4, "H", "K1", "2025-04", "300"),
            ("B9", 4, "H", "K1", "2025-05", "300"),
        ] {
            payment(&mut s, id, Some(case), Some(m), account, month, amount);
        }
        let out = with(&s, all(), "2025-06-15", None, kf18).unwrap();
        // June - December = 7 months.
        assert_eq!(
            line(&out, "K2", "home_support").payment_based_rest,
            dec("4200")
        );
        assert_eq!(
            line(&out, "K2", "home_support").spent_before_month,
            dec("900")
        );
        assert_eq!(
            line(&out, "K1", "home_support").payment_based_rest,
            Decimal::ZERO
        );
        assert_eq!(
            line(&out, "K1", "respite_care").payment_based_rest,
            dec("3500")
        );
        assert_eq!(
            line(&out, "K1", "other_support").payment_based_rest,
            dec("900")
        );
        assert_eq!(
            line(&out, "K1", "contact_person").payment_based_rest,
            Decimal::ZERO
        );
        assert_eq!(out.payment_based_rest, dec("8600"));
        assert_eq!(out.spent_before_month, dec("13300"));
        assert_eq!(out.excluded.rows("no_rate_no_payments"), 1);
        assert_eq!(
            with(&s, all().without("payments"), "2025-06-15", None, kf18),
            None
        );
    }

    #[test]
    fn kf18_without_rate_averages_only_the_months_in_which_the_measure_was_active() {
        let mut s = children(2, "SA");
        // Started 10 May: of March-May it was active only in May. April's payment, before its
        // start, is spend of the year but not part of the average.
        measure(&mut s, "E", 1, HomeSupport, "2025-05-10", &[]);
        // Started in month(T): active in none of March-May, so no average and no rest.
        measure(&mut s, "F", 2, ContactPerson, "2025-06-02", &[]);
        for (id, case, m, month, amount) in [
            ("B1", 1, "E", "2025-04", "400"),
            ("B2", 1, "E", "2025-05", "500"),
            ("B3", 2, "F", "2025-05", "300"),
        ] {
            payment(&mut s, id, Some(case), Some(m), "K1", month, amount);
        }
        let out = with(&s, all(), "2025-06-15", None, kf18).unwrap();
        let lines: Vec<(&str, Decimal, Decimal)> = out
            .lines
            .iter()
            .map(|l| (l.measure_type, l.spent_before_month, l.payment_based_rest))
            .collect();
        // E: 500 a month × June - December (7 months), not (400 + 500) × 7.
        let expected = [
            ("contact_person", dec("300"), Decimal::ZERO),
            ("home_support", dec("900"), dec("3500")),
        ];
        assert_eq!(lines, expected);
        assert_eq!(out.excluded.rows("no_rate_no_payments"), 1);
    }

    #[test]
    fn kf18_a_planned_end_on_t_is_not_before_t() {
        let mut s = children(1, "SA");
        let cells = [("daily_rate", "10"), ("planned_end_date", "2025-06-15")];
        measure(&mut s, "M1", 1, FamilyTreatment, "2025-01-01", &cells);
        // On T the plan holds: 1-15 June = 15 days.
        let on_t = with(&s, all(), "2025-06-15", None, kf18).unwrap();
        assert_eq!(on_t.rate_based_rest, dec("150"));
        // The day after, the plan is outrun: 1 June - 31 December = 214 days.
        let after = with(&s, all(), "2025-06-16", None, kf18).unwrap();
        assert_eq!(after.rate_based_rest, dec("2140"));
    }

    // ---- KF19

    fn kf19_world() -> Snapshot {
        let mut s = children(2, "SA");
        measure(&mut s, "M1", 1, FamilyTreatment, "2024-06-01", &[]);
        measure(&mut s, "M2", 2, ContactPerson, "2025-03-01", &[]);
        payment(&mut s, "B1", Some(1), Some("M1"), "A", "2025-01", "31000");
        payment(&mut s, "B2", Some(1), Some("M1"), "A", "2025-02", "28000");
        payment(&mut s, "B3", Some(1), Some("M1"), "A", "2025-03", "31000");
        payment(&mut s, "B4", Some(2), Some("M2"), "A", "2025-02", "1000");
        payment(&mut s, "B5", Some(2), None, "A", "2025-02", "5");
        s
    }

    #[test]
    fn kf19_divides_spend_by_full_year_persons_up_to_the_last_complete_month() {
        let s = kf19_world();
        let out = with(&s, all(), "2025-03-15", None, kf19).unwrap();
        assert_eq!(
            out.span,
            Some(Period::new(d("2025-01-01"), d("2025-02-28")).unwrap())
        );
        let ft = &out.by_measure_type["family_treatment"];
        // March is not complete: its payment is not in the spend.
        assert_eq!((ft.spend, ft.person_days), (dec("59000"), 59));
        assert!((ft.full_year_persons - 59.0 / 365.0).abs() < 1e-12);
        assert_eq!(ft.unit_price, Some(dec("365000")));
        assert_eq!(out.excluded.rows("without_measure"), 1);
        assert_eq!(out.by_measure_type.len(), MeasureType::ALL.len());
    }

    #[test]
    fn kf19_unit_price_is_none_when_full_year_persons_are_zero() {
        let s = kf19_world();
        let out = with(&s, all(), "2025-03-15", None, kf19).unwrap();
        // Spend on a measure whose days all lie after the span.
        let cp = &out.by_measure_type["contact_person"];
        assert_eq!(
            (cp.spend, cp.person_days, cp.unit_price),
            (dec("1000"), 0, None)
        );
        assert_eq!(out.by_measure_type["home_support"].unit_price, None);
        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(
            json["by_measure_type"]["contact_person"]["unit_price"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn kf19_span_includes_month_of_t_on_its_last_day_and_is_none_in_january() {
        let s = kf19_world();
        let march = with(&s, all(), "2025-03-31", None, kf19).unwrap();
        let ft = &march.by_measure_type["family_treatment"];
        assert_eq!((ft.spend, ft.person_days), (dec("90000"), 90));
        let january = with(&s, all(), "2025-01-30", None, kf19).unwrap();
        assert_eq!(january.span, None);
        assert_eq!(january.by_measure_type["family_treatment"].unit_price, None);
        assert_eq!(
            with(&s, all().without("measures"), "2025-03-15", None, kf19),
            None
        );
    }

    #[test]
    fn kf18_to_kf20_equals_the_figures_one_by_one() {
        let mut s = kf20_world();
        measure(&mut s, "M13", 1, ContactPerson, "2024-11-01", &[]);
        measure(&mut s, "M14", 9, ContactPerson, "2024-11-01", &[]);
        // Spend before the year, and a payment of a measure that does not exist.
        payment(&mut s, "B13", Some(1), Some("M13"), "A", "2024-12", "9");
        payment(&mut s, "B14", None, Some("MX"), "A", "2025-02", "9");
        family_budget(&mut s, "1000000", "10");
        budget(&mut s, 2025, "Z", "5.28.22", None, "1", None);
        for t in [
            "2025-01-15",
            "2025-01-31",
            "2025-06-30",
            "2025-07-01",
            "2025-12-31",
        ] {
            for unit in [None, Some("A")] {
                for sources in [all(), all().without("budgets")] {
                    with(&s, sources, t, unit, |ctx| {
                        assert_eq!(kf18_to_kf20(ctx), (kf18(ctx), kf19(ctx), kf20(ctx)), "{t}");
                    });
                }
            }
        }
        let none = with(
            &s,
            all().without("payments"),
            "2025-06-30",
            None,
            kf18_to_kf20,
        );
        assert_eq!(none, (None, None, None));
    }

    // ---- KF20

    /// 12 children in team A with family treatment at 300 a day all year; each paid
    /// 151 × 300 = 45,300 for January-May; T = 30 June 2025.
    fn kf20_world() -> Snapshot {
        let mut s = children(12, "SA");
        let rate = [("daily_rate", "300")];
        for i in 1..=12 {
            let (m, b) = (format!("M{i}"), format!("B{i}"));
            measure(&mut s, &m, i, FamilyTreatment, "2025-01-01", &rate);
            payment(&mut s, &b, Some(i), Some(&m), "5.28.21", "2025-01", "45300");
        }
        s
    }

    /// Team A's budget of 2025 for family treatment on account 5.28.21.
    fn family_budget(s: &mut Snapshot, amount: &str, planned: &str) {
        let kind = Some(FamilyTreatment);
        budget(s, 2025, "A", "5.28.21", kind, amount, Some(planned));
    }

    #[test]
    fn kf20_splits_the_deviation_into_activity_and_price() {
        let mut s = kf20_world();
        family_budget(&mut s, "1000000", "10");
        let out = with(&s, all(), "2025-06-30", None, kf20).unwrap();
        let l = &out.lines[0];
        // Forecast: 543,600 paid + 12 × 300 × 214 days = 1,314,000 = 12 × 109,500.
        assert_eq!(l.forecast, dec("1314000"));
        assert_eq!(l.deviation, dec("314000"));
        assert_eq!(l.forecast_full_year_persons, Some(12.0));
        assert_eq!(l.planned_full_year_persons, Some(10.0));
        // Activity: 2 persons more × budgeted price 100,000; price: 12 × 9,500.
        assert_eq!(l.activity_effect, Some(dec("200000")));
        assert_eq!(l.price_effect, Some(dec("114000")));
        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(
            json["lines"][0]["activity_effect"],
            serde_json::json!(200000.0)
        );
        assert_eq!(json["lines"][0]["measure_type"], "family_treatment");
    }

    #[test]
    fn kf20_has_no_split_without_planned_persons_or_measure_type() {
        let mut s = kf20_world();
        for (year, unit, account, kind, amount, planned) in [
            (
                2025,
                "B",
                "5.28.21",
                Some(FamilyTreatment),
                "1000000",
                Some("0"),
            ),
            (2025, "A", "5.28.21", None, "1200000", Some("10")),
            (2025, "A", "5.28.22", Some(FamilyTreatment), "5", None),
            (2024, "A", "5.28.21", Some(FamilyTreatment), "1", Some("1")),
            (2025, "Z", "5.28.21", None, "1", None),
        ] {
            budget(&mut s, year, unit, account, kind, amount, planned);
        }
        let out = with(&s, all(), "2025-06-30", None, kf20).unwrap();
        let keys: Vec<(&str, &str, Option<&str>)> = out
            .lines
            .iter()
            .map(|l| (l.unit_id.as_str(), l.account.as_str(), l.measure_type))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("A", "5.28.21", None),
                ("B", "5.28.21", Some("family_treatment")),
                ("A", "5.28.22", Some("family_treatment")),
            ]
        );
        for l in &out.lines {
            assert_eq!((l.activity_effect, l.price_effect), (None, None));
        }
        // Without a measure type: every type of the account, no persons.
        assert_eq!(out.lines[0].forecast, dec("1314000"));
        assert_eq!(out.lines[0].forecast_full_year_persons, None);
        assert_eq!(out.lines[1].forecast_full_year_persons, Some(12.0));
        assert_eq!(out.lines[2].forecast, Decimal::ZERO);
        assert_eq!(out.excluded.rows("unknown_unit"), 1);
        // A unit filter keeps the budget rows of the unit.
        let team_b = with(&s, all(), "2025-06-30", Some("B"), kf20).unwrap();
        assert_eq!(team_b.lines.len(), 1);
        assert_eq!(team_b.lines[0].forecast, Decimal::ZERO);
        assert_eq!(
            with(&s, all().without("budgets"), "2025-06-30", None, kf20),
            None
        );
    }

    #[test]
    fn kf20_forecast_persons_run_to_planned_end_or_year_end() {
        let mut s = children(4, "SA");
        for (id, person, start, date) in [
            // Active at T, planned end 30 September: 273 days; a second overlapping measure
            // of the same person does not add days.
            ("M1", 1, "2025-01-01", ("planned_end_date", "2025-09-30")),
            ("M2", 1, "2025-03-01", ("planned_end_date", "2025-08-31")),
            // Ended in March: 90 days.
            ("M3", 2, "2025-01-01", ("end_date", "2025-03-31")),
            // Starts after T: not known.
            ("M4", 3, "2025-07-01", ("end_date", "")),
            // Planned end before T, still running at T: to the year end, 365 days (person 3).
            ("M6", 3, "2025-01-01", ("planned_end_date", "2025-05-31")),
            // End after T is unknown: to the year end, 365 days.
            ("M5", 4, "2025-01-01", ("end_date", "2025-10-31")),
        ] {
            measure(&mut s, id, person, FamilyTreatment, start, &[date]);
        }
        family_budget(&mut s, "100", "2");
        let out = with(&s, all(), "2025-06-30", None, kf20).unwrap();
        let persons = out.lines[0].forecast_full_year_persons.unwrap();
        assert!(
            (persons - (273.0 + 90.0 + 365.0 + 365.0) / 365.0).abs() < 1e-9,
            "{persons}"
        );
    }
}
