//! Completeness of the optional columns the key figures need.
//!
//! [`COLUMNS`] is the one list of those columns: which figures use each, and on which rows it
//! must be filled by T. A field that is not yet due (the completion of an investigation still
//! within its 4 months) is not counted as missing. The list is read by one generic count; the
//! only code per table says where a record keeps its date and its columns.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};

use super::Completeness;
use crate::calendar::{Calendar, add_hours, add_months, local_date};
use crate::codes::{Area, StaffRole};
use crate::figures::{IdMap, id_map};
use crate::obligations::AsOf;
use crate::sources::Sources;
use crate::tables::*;
use crate::{Snapshot, YearMonth};

/// The months from awareness to the deadline of a child investigation (BL § 20, stk. 3).
const INVESTIGATION_MONTHS: u32 = 4;

/// The first day under barnets lov, whose follow-up rule takes its deadline from `next_due`
/// (legal-rules.md, `followup_next`; under serviceloven it was always 6 months).
const BARNETS_LOV_FROM: NaiveDate = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();

/// Which rows of its table a column is expected on by T.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Every row that exists by T: its own date is on or before T (an undated table: every
    /// row).
    Exists,
    /// Rows whose deadline for the column has passed by T: the row's date + the delay ≤ T.
    Due(Delay),
    /// Rows current at T: measures active, cases open, staff employed (key-figures.md).
    Current,
    /// Rows closed by T (their closing date is on or before T).
    Closed,
}

/// A delay after a row's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Elapsed hours on the timeline.
    Hours(u32),
    /// Calendar days.
    Days(u32),
    /// Working days after the (Copenhagen) day of the row (strict calendar).
    WorkingDays(u32),
    /// Calendar months with end-of-month clamp.
    Months(u32),
}

/// A further condition on the rows counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    All,
    /// Notifications from a professional notifier (the receipt is owed to them).
    Professional,
    /// Investigations not completed by their deadline (aware_at + 4 months): the preliminary
    /// assessment is owed only then.
    NotCompletedByDue,
    /// Staff with the role `caseworker`.
    Caseworkers,
    /// Budget lines for a measure type (the lines whose activity a budget assumes).
    MeasureTypeBudgets,
    /// Follow-ups of children's cases held under barnets lov (from 2024-01-01), where
    /// `next_due` sets the next deadline.
    ChildrenUnderBarnetsLov,
}

/// One optional column the figures need, and the rows it is expected on by T.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnRule {
    pub table: &'static str,
    pub column: &'static str,
    /// The figures that use the column.
    pub needed_by: &'static [&'static str],
    pub expected: Expected,
    pub only: Only,
    /// The rows counted, in Danish (a footnote of the report's table).
    pub rows_da: &'static str,
}

const fn rule(
    table: &'static str,
    column: &'static str,
    needed_by: &'static [&'static str],
    expected: Expected,
    only: Only,
    rows_da: &'static str,
) -> ColumnRule {
    ColumnRule {
        table,
        column,
        needed_by,
        expected,
        only,
        rows_da,
    }
}

/// Every optional column a key figure needs (key-figures.md), with the rows it must be filled
/// on by T. Required columns are always filled, so they are not listed.
pub const COLUMNS: &[ColumnRule] = &[
    rule(
        "notifications",
        "assessed_at",
        &["KF03", "KF04"],
        Expected::Due(Delay::Hours(24)),
        Only::All,
        "underretninger modtaget mindst 24 timer før opgørelsestidspunktet",
    ),
    rule(
        "notifications",
        "receipt_sent_at",
        &["KF05"],
        Expected::Due(Delay::WorkingDays(6)),
        Only::Professional,
        "underretninger fra fagpersoner modtaget mindst 6 hverdage før opgørelsesdagen",
    ),
    rule(
        "investigations",
        "completed_at",
        &["KF06", "KF07"],
        Expected::Due(Delay::Months(INVESTIGATION_MONTHS)),
        Only::All,
        "undersøgelser, hvis frist på 4 måneder er nået",
    ),
    rule(
        "investigations",
        "preliminary_assessment_at",
        &["KF06"],
        Expected::Due(Delay::Months(INVESTIGATION_MONTHS)),
        Only::NotCompletedByDue,
        "undersøgelser, der ikke var afsluttet ved fristen på 4 måneder",
    ),
    rule(
        "measures",
        "daily_rate",
        &["KF18"],
        Expected::Current,
        Only::All,
        "indsatser aktive på opgørelsesdagen",
    ),
    rule(
        "measures",
        "planned_end_date",
        &["KF18", "KF20"],
        Expected::Current,
        Only::All,
        "indsatser aktive på opgørelsesdagen",
    ),
    rule(
        "measures",
        "provider_id",
        &["KF17"],
        Expected::Exists,
        Only::All,
        "indsatser startet senest på opgørelsesdagen",
    ),
    rule(
        "payments",
        "measure_id",
        &["KF17", "KF19"],
        Expected::Exists,
        Only::All,
        "betalinger for måneder til og med opgørelsesmåneden",
    ),
    rule(
        "budgets",
        "planned_full_year_persons",
        &["KF20"],
        Expected::Exists,
        Only::MeasureTypeBudgets,
        "budgetlinjer for en indsatstype for år til og med opgørelsesåret",
    ),
    rule(
        "staff",
        "capacity_points",
        &["KF09"],
        Expected::Current,
        Only::Caseworkers,
        "sagsbehandlere ansat på opgørelsesdagen (tomt felt: standardværdien bruges)",
    ),
    rule(
        "staff",
        "fte",
        &["KF09"],
        Expected::Current,
        Only::Caseworkers,
        "sagsbehandlere ansat på opgørelsesdagen (tomt felt: 1 årsværk bruges)",
    ),
    rule(
        "cases",
        "weight",
        &["KF09"],
        Expected::Current,
        Only::All,
        "sager åbne på opgørelsesdagen (tomt felt: standardvægten bruges)",
    ),
    rule(
        "complaints",
        "personal_contact_at",
        &["KF22"],
        Expected::Due(Delay::Days(5)),
        Only::All,
        "klager modtaget mindst 5 dage før opgørelsesdagen",
    ),
    rule(
        "complaints",
        "outcome",
        &["KF22"],
        Expected::Closed,
        Only::All,
        "klager afsluttet senest på opgørelsesdagen",
    ),
    rule(
        "risk_assessments",
        "outcome",
        &["KF23"],
        Expected::Due(Delay::Months(12)),
        Only::All,
        "risikovurderinger foretaget mindst 12 måneder før opgørelsesdagen (udfaldet kendes efter 12 måneder)",
    ),
    rule(
        "followups",
        "next_due",
        &["KF15"],
        Expected::Exists,
        Only::ChildrenUnderBarnetsLov,
        "opfølgninger i børnesager holdt fra 1. januar 2024 til opgørelsesdagen (tomt felt: standardintervallet bruges)",
    ),
];

/// The latest date and instant a row's own date may have to be counted.
#[derive(Debug, Clone, Copy)]
struct Cutoff {
    date: NaiveDate,
    instant: DateTime<Utc>,
}

impl Cutoff {
    fn of(expected: Expected, as_of: AsOf) -> Cutoff {
        let by_t = Cutoff {
            date: as_of.date,
            instant: as_of.instant,
        };
        let Expected::Due(delay) = expected else {
            return by_t;
        };
        // The latest day d with d + delay ≤ T; every delay is monotone in d, so step from a
        // bound to the first day that fits.
        let last_day = |fits: &dyn Fn(NaiveDate) -> bool, mut day: NaiveDate| {
            while !fits(day) {
                day = day.pred_opt().unwrap_or(NaiveDate::MIN);
            }
            while let Some(next) = day.succ_opt().filter(|next| fits(*next)) {
                day = next;
            }
            day
        };
        let date = match delay {
            Delay::Hours(hours) => {
                let instant = add_hours(as_of.instant, -i64::from(hours));
                return Cutoff {
                    date: local_date(instant),
                    instant,
                };
            }
            Delay::Days(days) => as_of.date - TimeDelta::days(i64::from(days)),
            Delay::WorkingDays(days) => {
                let calendar = Calendar::strict();
                last_day(
                    &|d| calendar.add_working_days(d, days) <= as_of.date,
                    as_of.date - TimeDelta::days(i64::from(days)),
                )
            }
            Delay::Months(months) => {
                let months = months as i32;
                last_day(
                    &|d| add_months(d, months) <= as_of.date,
                    add_months(as_of.date, -months),
                )
            }
        };
        Cutoff {
            date,
            instant: AsOf::end_of(date).instant,
        }
    }
}

/// A row's own date: when it happened.
enum At {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
    Month(YearMonth),
    Year(i32),
    /// A table whose rows have no date of their own.
    Undated,
}

impl At {
    fn within(&self, cutoff: Cutoff) -> bool {
        match self {
            At::Instant(instant) => *instant <= cutoff.instant,
            At::Date(date) => *date <= cutoff.date,
            At::Month(month) => month.first_day() <= cutoff.date,
            At::Year(year) => *year <= cutoff.date.year(),
            At::Undated => true,
        }
    }
}

/// A column's value as far as completeness goes.
enum Filled {
    Instant(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Set(bool),
}

impl Filled {
    /// Filled by T: a date or instant after T has not happened yet.
    fn by(&self, as_of: AsOf) -> bool {
        match self {
            Filled::Instant(at) => at.is_some_and(|at| at <= as_of.instant),
            Filled::Date(at) => at.is_some_and(|at| as_of.reached(at)),
            Filled::Set(set) => *set,
        }
    }
}

/// What the count needs besides the record.
struct Env<'a> {
    as_of: AsOf,
    cases: &'a [Case],
    /// Case id → row of `cases` (built only when a rule needs it).
    case_rows: IdMap<'a>,
}

impl Env<'_> {
    fn is_children_case(&self, id: &str) -> bool {
        self.case_rows
            .get(id)
            .is_some_and(|&row| self.cases[row as usize].area == Area::Children)
    }
}

/// Where a record keeps what the rules read.
trait Record {
    /// The row's own date.
    fn at(&self) -> At;
    /// The optional column `column` (one listed in [`COLUMNS`]).
    fn field(&self, column: &str) -> Filled;
    /// Whether the row is current at T ([`Expected::Current`]).
    fn current(&self, _as_of: AsOf) -> bool {
        unreachable!("no rule of this table counts current rows")
    }
    /// The row's closing date ([`Expected::Closed`]).
    fn closed_at(&self) -> Option<NaiveDate> {
        unreachable!("no rule of this table counts closed rows")
    }
    /// Whether the row passes the rule's further condition (any but [`Only::All`]).
    fn only(&self, only: Only, _env: &Env<'_>) -> bool {
        unreachable!("{only:?} is not defined for this table")
    }
}

fn unknown(column: &str) -> ! {
    unreachable!("`{column}` is not a column listed for completeness")
}

impl Record for Notification {
    fn at(&self) -> At {
        At::Instant(self.received_at)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "assessed_at" => Filled::Instant(self.assessed_at),
            "receipt_sent_at" => Filled::Instant(self.receipt_sent_at),
            _ => unknown(column),
        }
    }
    fn only(&self, only: Only, _env: &Env<'_>) -> bool {
        match only {
            Only::Professional => self.professional,
            _ => unreachable!("{only:?}"),
        }
    }
}

impl Record for Investigation {
    fn at(&self) -> At {
        At::Date(self.aware_at)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "completed_at" => Filled::Date(self.completed_at),
            "preliminary_assessment_at" => Filled::Date(self.preliminary_assessment_at),
            _ => unknown(column),
        }
    }
    fn only(&self, only: Only, env: &Env<'_>) -> bool {
        match only {
            Only::NotCompletedByDue => {
                let due = add_months(self.aware_at, INVESTIGATION_MONTHS as i32);
                !self
                    .completed_at
                    .is_some_and(|completed| completed <= due && env.as_of.reached(completed))
            }
            _ => unreachable!("{only:?}"),
        }
    }
}

impl Record for Measure {
    fn at(&self) -> At {
        At::Date(self.start_date)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "daily_rate" => Filled::Set(self.daily_rate.is_some()),
            "planned_end_date" => Filled::Set(self.planned_end_date.is_some()),
            "provider_id" => Filled::Set(self.provider_id.is_some()),
            _ => unknown(column),
        }
    }
    fn current(&self, as_of: AsOf) -> bool {
        as_of.reached(self.start_date) && self.end_date.is_none_or(|end| as_of.date <= end)
    }
}

impl Record for Payment {
    fn at(&self) -> At {
        At::Month(self.month)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "measure_id" => Filled::Set(self.measure_id.is_some()),
            _ => unknown(column),
        }
    }
}

impl Record for Budget {
    fn at(&self) -> At {
        At::Year(*self.year.get() as i32)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "planned_full_year_persons" => Filled::Set(self.planned_full_year_persons.is_some()),
            _ => unknown(column),
        }
    }
    fn only(&self, only: Only, _env: &Env<'_>) -> bool {
        match only {
            Only::MeasureTypeBudgets => self.measure_type.is_some(),
            _ => unreachable!("{only:?}"),
        }
    }
}

impl Record for Staff {
    fn at(&self) -> At {
        self.start_date.map_or(At::Undated, At::Date)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "capacity_points" => Filled::Set(self.capacity_points.is_some()),
            "fte" => Filled::Set(self.fte.is_some()),
            _ => unknown(column),
        }
    }
    fn current(&self, as_of: AsOf) -> bool {
        self.start_date.is_none_or(|start| as_of.reached(start))
            && self.end_date.is_none_or(|end| as_of.date <= end)
    }
    fn only(&self, only: Only, _env: &Env<'_>) -> bool {
        match only {
            Only::Caseworkers => self.role == StaffRole::Caseworker,
            _ => unreachable!("{only:?}"),
        }
    }
}

impl Record for Case {
    fn at(&self) -> At {
        At::Date(self.opened_at)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "weight" => Filled::Set(self.weight.is_some()),
            _ => unknown(column),
        }
    }
    fn current(&self, as_of: AsOf) -> bool {
        as_of.reached(self.opened_at) && self.closed_at.is_none_or(|closed| as_of.date < closed)
    }
}

impl Record for Complaint {
    fn at(&self) -> At {
        At::Date(self.received_at)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "personal_contact_at" => Filled::Date(self.personal_contact_at),
            "outcome" => Filled::Set(self.outcome.is_some()),
            _ => unknown(column),
        }
    }
    fn closed_at(&self) -> Option<NaiveDate> {
        self.resolved_at
    }
}

impl Record for RiskAssessment {
    fn at(&self) -> At {
        At::Date(self.assessed_at)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            "outcome" => Filled::Set(self.outcome.is_some()),
            _ => unknown(column),
        }
    }
}

impl Record for Followup {
    fn at(&self) -> At {
        At::Date(self.held_at)
    }
    fn field(&self, column: &str) -> Filled {
        match column {
            // A planned date: filled when present, even when it lies after T.
            "next_due" => Filled::Set(self.next_due.is_some()),
            _ => unknown(column),
        }
    }
    fn only(&self, only: Only, env: &Env<'_>) -> bool {
        match only {
            Only::ChildrenUnderBarnetsLov => {
                self.held_at >= BARNETS_LOV_FROM && env.is_children_case(self.case_id.as_str())
            }
            _ => unreachable!("{only:?}"),
        }
    }
}

/// Counts the rules of one table (`rules`) in one pass over its rows.
fn count<R: Record>(rows: &[R], rules: &[ColumnRule], env: &Env<'_>) -> Vec<Completeness> {
    let cutoffs: Vec<Cutoff> = rules
        .iter()
        .map(|rule| Cutoff::of(rule.expected, env.as_of))
        .collect();
    let mut out: Vec<Completeness> = rules
        .iter()
        .map(|rule| Completeness {
            table: rule.table,
            column: rule.column,
            needed_by: rule.needed_by,
            filled: 0,
            rows: 0,
        })
        .collect();
    for row in rows {
        let at = row.at();
        for ((rule, &cutoff), out) in rules.iter().zip(&cutoffs).zip(&mut out) {
            let expected = match rule.expected {
                Expected::Exists | Expected::Due(_) => at.within(cutoff),
                Expected::Current => row.current(env.as_of),
                Expected::Closed => {
                    at.within(cutoff) && row.closed_at().is_some_and(|c| env.as_of.reached(c))
                }
            };
            if expected && (rule.only == Only::All || row.only(rule.only, env)) {
                out.rows += 1;
                out.filled += u64::from(row.field(rule.column).by(env.as_of));
            }
        }
    }
    out
}

/// The completeness of every column of [`COLUMNS`] whose table was supplied.
pub(super) fn assess(s: &Snapshot, sources: &Sources, as_of: AsOf) -> Vec<Completeness> {
    let needs_cases = COLUMNS
        .iter()
        .any(|rule| rule.only == Only::ChildrenUnderBarnetsLov && sources.has(rule.table));
    let env = Env {
        as_of,
        cases: &s.cases,
        case_rows: if needs_cases {
            id_map(s.cases.iter().map(|c| c.case_id.as_str()))
        } else {
            IdMap::default()
        },
    };
    let mut out = Vec::with_capacity(COLUMNS.len());
    // The rules of a table are listed together: one pass over each supplied table.
    for rules in COLUMNS.chunk_by(|a, b| a.table == b.table) {
        let table = rules[0].table;
        if !sources.has(table) {
            continue;
        }
        out.extend(match table {
            "notifications" => count(&s.notifications, rules, &env),
            "investigations" => count(&s.investigations, rules, &env),
            "measures" => count(&s.measures, rules, &env),
            "payments" => count(&s.payments, rules, &env),
            "budgets" => count(&s.budgets, rules, &env),
            "staff" => count(&s.staff, rules, &env),
            "cases" => count(&s.cases, rules, &env),
            "complaints" => count(&s.complaints, rules, &env),
            "risk_assessments" => count(&s.risk_assessments, rules, &env),
            "followups" => count(&s.followups, rules, &env),
            table => unreachable!("no completeness rules for `{table}`"),
        });
    }
    out
}
