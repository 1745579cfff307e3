//! The calibration check: each calibrated figure computed from a snapshot, next to its published
//! target from statistics.md. Tables of several municipalities add up (numerators, denominators
//! and sums of squares), so a national folder is checked as one.
//!
//! A figure is judged within the sampling noise of the data's size: it passes when its two-sided
//! 99 % interval overlaps the target ± [`MODEL_TOLERANCE`]. The interval's model ([`Noise`]) is
//! chosen per row by what the figure counts: Poisson for counts of events or distinct persons per
//! fixed population, compound Poisson for counts and kroner that cluster on the same child,
//! Wilson for shares and a normal interval for the one mean (caseload). Shares whose cases can
//! repeat a person across the window's years (repeat notifications, exits from care) are treated
//! as independent: the repeats are few and the interval a little too narrow, not too wide.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use overblik_domain::calendar::{self, local_date};

use crate::interval::{self, Interval, Z_99};
use crate::util::age_on;
use overblik_domain::Snapshot;
use overblik_domain::codes::{
    AppealOutcome, DecisionKind, DecisionSubject, MeasureType, NotifierType, StaffRole, TeamType,
};
use overblik_domain::tables::Measure;

/// The period the data covers: `years` whole years ending on `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub end: NaiveDate,
    pub years: u32,
}

impl Window {
    pub fn start(&self) -> NaiveDate {
        crate::window_start(self.end, self.years)
    }

    /// The window of generated data: it ends on the day of the last notification, and its
    /// payments begin in the month it starts.
    pub fn infer(snapshot: &Snapshot) -> Option<Window> {
        let end = snapshot
            .notifications
            .iter()
            .map(|n| local_date(n.received_at))
            .chain(snapshot.cases.iter().map(|c| c.opened_at))
            .max()?;
        let years = match snapshot.payments.iter().map(|p| p.month).min() {
            Some(first) => {
                let days = (end - first.first_day()).num_days() as f64;
                (days / 365.25).round().max(1.0) as u32
            }
            None => {
                let years = snapshot
                    .population
                    .iter()
                    .map(|p| *p.year.get())
                    .collect::<Vec<_>>();
                let (min, max) = (years.iter().min()?, years.iter().max()?);
                ((max - min) as u32).max(1)
            }
        };
        Some(Window { end, years })
    }
}

/// How far the generator's expected value may lie from a published target, as a share of the
/// target (±10 %). The targets are national figures of other years and definitions (age ranges,
/// counting days) than a synthetic municipality's, and the behavioural parameters were tuned to
/// them only this well; sampling noise comes on top (see [`CheckRow::passes`]).
pub const MODEL_TOLERANCE: f64 = 0.10;

/// How a figure's sampling noise is modelled, chosen per row by what its numerator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noise {
    /// Events, or a stock of distinct persons, over a fixed exposure (children × years,
    /// inhabitants, caseworker-years), each unit counted once: Poisson.
    Count,
    /// A count or an amount that clusters in independent units, the children (one child's
    /// notifications, placements, payments): compound Poisson with the observed dispersion, see
    /// [`interval::clustered_count`].
    Clustered,
    /// `numerator` of `denominator` independent cases: binomial, Wilson score interval.
    Share,
    /// The mean of observations (`numerator` their sum, `denominator` their number): normal, with
    /// the standard error from the observations' spread.
    Mean,
}

impl Noise {
    /// The model's name in the table (Danish).
    fn name(self) -> &'static str {
        match self {
            Noise::Count => "Poisson",
            Noise::Clustered => "Poisson, klynger",
            Noise::Share => "binomial",
            Noise::Mean => "normal",
        }
    }

    /// How the model forms its interval (Danish), for the notes under the table.
    fn explanation(self) -> &'static str {
        match self {
            Noise::Count => {
                "et antal hændelser eller personer i en kendt befolkning; Poisson-grænser (Byars tilnærmelse til de eksakte)"
            }
            Noise::Clustered => {
                "et antal eller beløb, der samler sig om det samme barn; Poisson-grænser for det effektive antal (summen² ÷ summen af hvert barns bidrag²), skaleret tilbage"
            }
            Noise::Share => "en andel k af n uafhængige tilfælde; Wilson-interval",
            Noise::Mean => {
                "et gennemsnit af observationer; gennemsnittet ± 2,576 × standardafvigelsen ÷ √antal"
            }
        }
    }
}

/// How a figure is shown: the ratio numerator/denominator times `scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    PerThousand,
    Percent,
    Plain,
    Kroner,
}

impl Unit {
    fn scale(self) -> f64 {
        match self {
            Unit::PerThousand => 1000.0,
            Unit::Percent => 100.0,
            Unit::Plain | Unit::Kroner => 1.0,
        }
    }

    fn format(self, value: f64) -> String {
        match self {
            Unit::PerThousand => format!("{value:.1} ‰"),
            Unit::Percent => format!("{value:.1} %"),
            Unit::Plain => format!("{value:.1}"),
            Unit::Kroner => format!("{} kr.", thousands(value.round() as i64)),
        }
    }

    /// An interval in this unit, e.g. `118.8–145.2 ‰`.
    fn range(self, interval: Interval) -> String {
        let (low, high) = (interval.low, interval.high);
        match self {
            Unit::PerThousand => format!("{low:.1}–{high:.1} ‰"),
            Unit::Percent => format!("{low:.1}–{high:.1} %"),
            Unit::Plain => format!("{low:.1}–{high:.1}"),
            Unit::Kroner => format!(
                "{}–{} kr.",
                thousands(low.round() as i64),
                thousands(high.round() as i64)
            ),
        }
    }
}

fn thousands(value: i64) -> String {
    let digits = value.abs().to_string();
    let mut out = String::new();
    for (index, ch) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if value < 0 { format!("-{out}") } else { out }
}

/// One calibrated figure.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub key: &'static str,
    /// The figure (Danish).
    pub label: &'static str,
    /// What is compared (Danish): the numerator and denominator.
    pub basis: &'static str,
    /// The section of statistics.md the target is from.
    pub source: &'static str,
    pub target: f64,
    unit: Unit,
    pub noise: Noise,
    pub numerator: f64,
    pub denominator: f64,
    /// What the noise model needs besides the ratio: for [`Noise::Clustered`] the sum over units
    /// of each unit's share of the numerator squared, for [`Noise::Mean`] the sum of the
    /// observations squared (the numerator for [`Noise::Count`], 0 for [`Noise::Share`]). Adds up
    /// across municipalities like the numerator, as their units are independent.
    pub squares: f64,
}

impl CheckRow {
    /// The generated value in the unit of the target; `None` without a denominator.
    pub fn generated(&self) -> Option<f64> {
        (self.denominator > 0.0).then(|| self.numerator / self.denominator * self.unit.scale())
    }

    /// Relative deviation from the target (0.05 = 5 % above).
    pub fn deviation(&self) -> Option<f64> {
        self.generated().map(|value| value / self.target - 1.0)
    }

    /// The published target widened by the model tolerance, in the target's unit.
    pub fn allowed(&self) -> Interval {
        Interval {
            low: self.target * (1.0 - MODEL_TOLERANCE),
            high: self.target * (1.0 + MODEL_TOLERANCE),
        }
    }

    /// The two-sided 99 % interval of the figure's sampling noise at this data's size, in the
    /// target's unit; `None` without a denominator.
    pub fn interval(&self) -> Option<Interval> {
        if self.denominator <= 0.0 {
            return None;
        }
        let scale = self.unit.scale();
        let per_exposure = scale / self.denominator;
        Some(match self.noise {
            Noise::Count => interval::poisson(self.numerator, Z_99).scaled(per_exposure),
            Noise::Clustered => {
                interval::clustered_count(self.numerator, self.squares, Z_99).scaled(per_exposure)
            }
            Noise::Share => interval::wilson(self.numerator, self.denominator, Z_99).scaled(scale),
            Noise::Mean => {
                interval::mean(self.numerator, self.squares, self.denominator, Z_99).scaled(scale)
            }
        })
    }

    /// Whether the figure is consistent with its published target: its 99 % sampling interval
    /// overlaps the target ± [`MODEL_TOLERANCE`]. Equivalently: for some value within 10 % of the
    /// target, a two-sided test at the 1 % level would not reject that the data came from it. A
    /// figure without data never passes.
    pub fn passes(&self) -> bool {
        self.interval()
            .is_some_and(|interval| interval.overlaps(self.allowed()))
    }

    /// The target in counts for this data (target × denominator).
    pub fn expected_count(&self) -> f64 {
        self.target / self.unit.scale() * self.denominator
    }
}

/// The calibration table of one municipality or of several added together.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckTable {
    pub rows: Vec<CheckRow>,
    pub municipalities: u32,
}

impl CheckTable {
    /// Adds another municipality's figures (same rows, same order).
    pub fn merge(&mut self, other: &CheckTable) {
        for (row, add) in self.rows.iter_mut().zip(&other.rows) {
            debug_assert_eq!(row.key, add.key);
            row.numerator += add.numerator;
            row.denominator += add.denominator;
            row.squares += add.squares;
        }
        self.municipalities += other.municipalities;
    }

    /// The rows inconsistent with their target.
    pub fn failures(&self) -> Vec<&CheckRow> {
        self.rows.iter().filter(|row| !row.passes()).collect()
    }

    pub fn row(&self, key: &str) -> Option<&CheckRow> {
        self.rows.iter().find(|row| row.key == key)
    }
}

/// Columns of the table that are left-aligned (text); the others are numbers.
const TEXT_COLUMNS: [usize; 3] = [0, 1, 8];

impl fmt::Display for CheckTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const COLUMNS: usize = 11;
        let tolerance = MODEL_TOLERANCE * 100.0;
        let allowed = format!("Tilladt (mål ±{tolerance:.0} %)");
        let header = [
            "Nøgletal",
            "Kilde",
            "Offentliggjort mål",
            allowed.as_str(),
            "Forventet antal",
            "Genereret antal",
            "Genereret",
            "99 %-interval",
            "Model",
            "Afvigelse",
            "",
        ];
        let mut lines: Vec<[String; COLUMNS]> = vec![header.map(str::to_owned)];
        for row in &self.rows {
            let counts = row.unit != Unit::Kroner;
            lines.push([
                row.label.to_owned(),
                row.source.to_owned(),
                row.unit.format(row.target),
                row.unit.range(row.allowed()),
                if counts {
                    thousands(row.expected_count().round() as i64)
                } else {
                    String::new()
                },
                if counts {
                    thousands(row.numerator.round() as i64)
                } else {
                    String::new()
                },
                row.generated()
                    .map_or("–".to_owned(), |v| row.unit.format(v)),
                row.interval().map_or("–".to_owned(), |i| row.unit.range(i)),
                row.noise.name().to_owned(),
                row.deviation()
                    .map_or("–".to_owned(), |d| format!("{:+.1} %", d * 100.0)),
                if row.passes() { "ok" } else { "AFVIGER" }.to_owned(),
            ]);
        }
        let mut widths = [0usize; COLUMNS];
        for line in &lines {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for (index, line) in lines.iter().enumerate() {
            let mut text = String::new();
            for (column, cell) in line.iter().enumerate() {
                let pad = widths[column] - cell.chars().count();
                if TEXT_COLUMNS.contains(&column) {
                    text.push_str(cell);
                    text.push_str(&" ".repeat(pad));
                } else {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                }
                if column + 1 < line.len() {
                    text.push_str(" | ");
                }
            }
            writeln!(f, "{}", text.trim_end())?;
            if index == 0 {
                writeln!(f, "{}", "-".repeat(text.trim_end().chars().count()))?;
            }
        }
        writeln!(f)?;
        writeln!(
            f,
            "Et nøgletal er ok, når dets 99 %-interval for tilfældig variation ved denne datamængde \
             overlapper det offentliggjorte mål ±{tolerance:.0} % (modellens tolerance)."
        )?;
        writeln!(f, "Modeller:")?;
        for noise in [Noise::Count, Noise::Clustered, Noise::Share, Noise::Mean] {
            writeln!(f, "  {}: {}", noise.name(), noise.explanation())?;
        }
        writeln!(f)?;
        writeln!(f, "Grundlag for hvert nøgletal:")?;
        for row in &self.rows {
            writeln!(f, "  {}: {} ({})", row.label, row.basis, row.noise.name())?;
        }
        Ok(())
    }
}

fn active(measure: &Measure, on: NaiveDate) -> bool {
    measure.start_date <= on && measure.end_date.is_none_or(|end| on <= end)
}

fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    calendar::add_months(date, -12 * years as i32)
}

/// What a row measured, with what its noise model needs.
struct Sample {
    noise: Noise,
    numerator: f64,
    denominator: f64,
    squares: f64,
}

impl Sample {
    /// `events` over a fixed `exposure`, each unit counted once.
    fn count(events: usize, exposure: f64) -> Sample {
        let events = events as f64;
        Sample {
            noise: Noise::Count,
            numerator: events,
            denominator: exposure,
            squares: events,
        }
    }

    /// A total made of each independent unit's part (a count or an amount), over a fixed
    /// `exposure`.
    fn clustered(per_unit: impl IntoIterator<Item = f64>, exposure: f64) -> Sample {
        let (total, squares) = per_unit
            .into_iter()
            .fold((0.0, 0.0), |(total, squares), part| {
                (total + part, squares + part * part)
            });
        Sample {
            noise: Noise::Clustered,
            numerator: total,
            denominator: exposure,
            squares,
        }
    }

    /// `part` of `whole` independent cases.
    fn share(part: f64, whole: f64) -> Sample {
        Sample {
            noise: Noise::Share,
            numerator: part,
            denominator: whole,
            squares: 0.0,
        }
    }

    /// The mean of `values`.
    fn mean(values: impl IntoIterator<Item = f64>) -> Sample {
        let (n, sum, squares) = values
            .into_iter()
            .fold((0.0, 0.0, 0.0), |(n, sum, squares), value| {
                (n + 1.0, sum + value, squares + value * value)
            });
        Sample {
            noise: Noise::Mean,
            numerator: sum,
            denominator: n,
            squares,
        }
    }
}

/// How many of each key: the per-unit parts of a clustered count (ordered, so that sums of
/// squares are added in the same order on every run).
fn tally<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, f64> {
    let mut counts = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1.0;
    }
    counts
}

struct Builder {
    rows: Vec<CheckRow>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        key: &'static str,
        label: &'static str,
        basis: &'static str,
        source: &'static str,
        target: f64,
        unit: Unit,
        sample: Sample,
    ) {
        self.rows.push(CheckRow {
            key,
            label,
            basis,
            source,
            target,
            unit,
            noise: sample.noise,
            numerator: sample.numerator,
            denominator: sample.denominator,
            squares: sample.squares,
        });
    }
}

/// The calibrated figures of one municipality's data over `window`.
pub fn check(snapshot: &Snapshot, window: &Window) -> CheckTable {
    let end = window.end;
    let start = window.start();
    let years = window.years.max(1);
    let in_window = |d: NaiveDate| start <= d && d <= end;
    let year_of_end = end.year() as i64;

    // Population: children 0-17 and 0-22, mean over the window's years and in the last year.
    let mut children_by_year: HashMap<i64, f64> = HashMap::new();
    let mut young_by_year: HashMap<i64, f64> = HashMap::new();
    for p in &snapshot.population {
        let count = *p.count.get() as f64;
        *young_by_year.entry(*p.year.get()).or_default() += count;
        if *p.age.get() < 18 {
            *children_by_year.entry(*p.year.get()).or_default() += count;
        }
    }
    let mean = |map: &HashMap<i64, f64>| {
        let values: Vec<f64> = (start.year() as i64..=year_of_end)
            .filter_map(|y| map.get(&y).copied())
            .collect();
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    let children = mean(&children_by_year);
    let young = mean(&young_by_year);
    let children_at_end = children_by_year
        .get(&year_of_end)
        .copied()
        .unwrap_or(children);
    let young_at_end = young_by_year.get(&year_of_end).copied().unwrap_or(young);
    let child_years = children * f64::from(years);

    let mut b = Builder { rows: Vec::new() };

    // §2: notifications.
    let notifications: Vec<_> = snapshot
        .notifications
        .iter()
        .filter(|n| in_window(local_date(n.received_at)))
        .collect();
    b.add(
        "notifications",
        "Underretninger pr. 1.000 børn pr. år",
        "underretninger modtaget i perioden ÷ år ÷ børn 0-17 (population.csv)",
        "§10 (§2.1: 152.700 i 2022)",
        132.0,
        Unit::PerThousand,
        // A child's notifications come in bursts: clustered by child.
        Sample::clustered(
            tally(notifications.iter().map(|n| n.person_id.as_str())).into_values(),
            child_years,
        ),
    );
    let mut distinct = 0usize;
    let mut repeated = 0usize;
    let mut notified_years: BTreeMap<&str, f64> = BTreeMap::new();
    for slice in 0..years {
        let to = years_before(end, slice);
        let from = years_before(end, slice + 1);
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for n in &notifications {
            let d = local_date(n.received_at);
            if from < d && d <= to {
                *counts.entry(n.person_id.as_str()).or_default() += 1;
            }
        }
        distinct += counts.len();
        repeated += counts.values().filter(|c| **c >= 2).count();
        for person in counts.keys() {
            *notified_years.entry(person).or_default() += 1.0;
        }
    }
    b.add(
        "notified_children",
        "Børn med underretning pr. 1.000 børn pr. år",
        "forskellige personer med underretning i hvert år af perioden ÷ børn 0-17",
        "§10 (§2.1: 85.300 i 2022)",
        74.0,
        Unit::PerThousand,
        // A child notified in several years of the window counts in each: clustered by child.
        Sample::clustered(notified_years.into_values(), child_years),
    );
    b.add(
        "repeat_share",
        "Andel underrettede børn med 2+ underretninger i året",
        "børn med mindst 2 underretninger i året ÷ børn med underretning i året",
        "§2.2 (2018: 34 %)",
        34.0,
        Unit::Percent,
        Sample::share(repeated as f64, distinct as f64),
    );
    let total = notifications.len() as f64;
    for (key, label, source, notifier, target) in [
        (
            "notifier_school",
            "Underretter: skole",
            "§2.3 (2022)",
            NotifierType::School,
            21.0,
        ),
        (
            "notifier_health",
            "Underretter: sundhedsvæsen",
            "§2.3 (2022)",
            NotifierType::Health,
            19.6,
        ),
        (
            "notifier_police",
            "Underretter: politi",
            "§2.3 (2022)",
            NotifierType::Police,
            12.5,
        ),
        (
            "notifier_daycare",
            "Underretter: dagtilbud",
            "§2.3 (2019)",
            NotifierType::Daycare,
            5.7,
        ),
        (
            "notifier_anonymous",
            "Underretter: anonym",
            "§2.3 (2019)",
            NotifierType::Anonymous,
            6.6,
        ),
    ] {
        let count = notifications
            .iter()
            .filter(|n| n.notifier_type == notifier)
            .count();
        b.add(
            key,
            label,
            "underretninger fra underretter-typen ÷ alle underretninger i perioden",
            source,
            target,
            Unit::Percent,
            Sample::share(count as f64, total),
        );
    }
    let end_instant = calendar::start_of_local_day(end + chrono::Days::new(1));
    let due_by_end: Vec<_> = notifications
        .iter()
        .filter(|n| n.received_at + chrono::TimeDelta::hours(24) <= end_instant)
        .collect();
    let assessed = due_by_end
        .iter()
        .filter(|n| {
            n.assessed_at
                .is_some_and(|a| a <= n.received_at + chrono::TimeDelta::hours(24))
        })
        .count();
    b.add(
        "assessed_24h",
        "Underretninger vurderet inden 24 timer",
        "underretninger med assessed_at ≤ received_at + 24 t ÷ underretninger i perioden (fristen udløbet)",
        "§2.6 / §9 (87-88 %)",
        88.0,
        Unit::Percent,
        Sample::share(assessed as f64, due_by_end.len() as f64),
    );

    // §3: placements.
    let persons: HashMap<&str, NaiveDate> = snapshot
        .persons
        .iter()
        .map(|p| (p.person_id.as_str(), p.birth_date))
        .collect();
    let case_person: HashMap<&str, &str> = snapshot
        .cases
        .iter()
        .map(|c| (c.case_id.as_str(), c.person_id.as_str()))
        .collect();
    let birth_of_case = |case: &str| case_person.get(case).and_then(|p| persons.get(p)).copied();
    let placements: Vec<&Measure> = snapshot
        .measures
        .iter()
        .filter(|m| m.measure_type.is_placement())
        .collect();
    let placed_at = |on: NaiveDate| -> Vec<&Measure> {
        placements
            .iter()
            .copied()
            .filter(|m| active(m, on))
            .collect()
    };
    let placed_end = placed_at(end);
    let placed_children = placed_end
        .iter()
        .filter(|m| birth_of_case(m.case_id.as_str()).is_some_and(|b| age_on(b, end) < 18))
        .map(|m| case_person[m.case_id.as_str()])
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    b.add(
        "placed_children",
        "Anbragte 0-17-årige pr. 1.000 børn (periodens slutning)",
        "personer under 18 med aktiv anbringelse på slutdatoen ÷ børn 0-17 i slutåret",
        "§10 / §3.1 (≈11.500 i 2023)",
        10.0,
        Unit::PerThousand,
        // Distinct children in the stock: a plain count.
        Sample::count(placed_children, children_at_end),
    );
    let started = tally(
        placements
            .iter()
            .filter(|m| in_window(m.start_date))
            .map(|m| case_person[m.case_id.as_str()]),
    );
    b.add(
        "placements_started",
        "Anbringelser iværksat pr. 1.000 børn pr. år",
        "anbringelser (indsatser af anbringelsestype) startet i perioden ÷ år ÷ børn 0-17",
        "§10 / §3.3 (≈3.400 i 2023)",
        2.9,
        Unit::PerThousand,
        // A child can be placed again or moved: clustered by child.
        Sample::clustered(started.into_values(), child_years),
    );
    let stock = placed_end.len() as f64;
    let group = |types: &[MeasureType]| {
        placed_end
            .iter()
            .filter(|m| types.contains(&m.measure_type))
            .count() as f64
    };
    for (key, label, types, target) in [
        (
            "mix_foster",
            "Anbragte i plejefamilie",
            &[
                MeasureType::PlacementKinshipFoster,
                MeasureType::PlacementFosterFamily,
                MeasureType::PlacementMunicipalFoster,
            ][..],
            63.0,
        ),
        (
            "mix_institution",
            "Anbragte på døgninstitution",
            &[MeasureType::PlacementResidentialInstitution][..],
            17.0,
        ),
        (
            "mix_home",
            "Anbragte på opholdssted",
            &[MeasureType::PlacementSocioEducational][..],
            14.0,
        ),
        (
            "mix_other",
            "Anbragte på eget værelse, efterskole mv.",
            &[
                MeasureType::PlacementOwnRoom,
                MeasureType::PlacementBoardingSchool,
            ][..],
            6.0,
        ),
    ] {
        b.add(
            key,
            label,
            "aktive anbringelser af typen på slutdatoen ÷ alle aktive anbringelser",
            "§3.2 (2018)",
            target,
            Unit::Percent,
            Sample::share(group(types), stock),
        );
    }
    let consent_of: HashMap<&str, bool> = snapshot
        .decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Grant && d.subject == Some(DecisionSubject::Placement))
        .filter_map(|d| Some((d.measure_id.as_ref()?.as_str(), d.consent?)))
        .collect();
    let known: Vec<bool> = placed_end
        .iter()
        .filter_map(|m| consent_of.get(m.measure_id.as_str()).copied())
        .collect();
    b.add(
        "without_consent",
        "Anbragte uden samtykke",
        "aktive anbringelser på slutdatoen, hvis afgørelse har consent = false ÷ dem med kendt samtykke",
        "§3.4 (≈20-24 %)",
        22.0,
        Unit::Percent,
        Sample::share(
            known.iter().filter(|c| !**c).count() as f64,
            known.len() as f64,
        ),
    );
    let (mut placed_first, mut left) = (0usize, 0usize);
    for slice in 0..years {
        let to = years_before(end, slice);
        let from = years_before(end, slice + 1);
        let before: std::collections::BTreeSet<&str> = placed_at(from)
            .iter()
            .map(|m| case_person[m.case_id.as_str()])
            .collect();
        let after: std::collections::BTreeSet<&str> = placed_at(to)
            .iter()
            .map(|m| case_person[m.case_id.as_str()])
            .collect();
        placed_first += before.len();
        left += before.difference(&after).count();
    }
    b.add(
        "exit_rate",
        "Anbragte ved årets start, der ikke er anbragt ved årets slutning",
        "personer anbragt på en årsdag, men ikke et år senere ÷ personer anbragt på årsdagen",
        "§3.6 (2017: 16 %)",
        16.0,
        Unit::Percent,
        Sample::share(left as f64, placed_first as f64),
    );

    // §4: supportive interventions.
    let support_started = tally(
        snapshot
            .measures
            .iter()
            .filter(|m| !m.measure_type.is_placement() && in_window(m.start_date))
            .map(|m| case_person[m.case_id.as_str()]),
    );
    b.add(
        "support_started",
        "Støttende indsatser iværksat pr. 1.000 børn pr. år",
        "indsatser, der ikke er anbringelser, startet i perioden ÷ år ÷ børn 0-17",
        "§10 / §4.1 (60.300 i 2023)",
        52.0,
        Unit::PerThousand,
        // A child often gets several measures: clustered by child.
        Sample::clustered(support_started.into_values(), child_years),
    );
    let supported: std::collections::BTreeSet<&str> = snapshot
        .measures
        .iter()
        .filter(|m| !m.measure_type.is_placement() && active(m, end))
        .filter(|m| birth_of_case(m.case_id.as_str()).is_some_and(|b| age_on(b, end) <= 22))
        .map(|m| case_person[m.case_id.as_str()])
        .collect();
    b.add(
        "supported_share",
        "0-22-årige med støttende indsats (periodens slutning)",
        "personer 0-22 med en aktiv indsats, der ikke er anbringelse, på slutdatoen ÷ 0-22-årige",
        "§4.1 (3,0 % i 2023)",
        3.0,
        Unit::Percent,
        Sample::share(supported.len() as f64, young_at_end),
    );

    // §9: case handling.
    let investigations_due: Vec<_> = snapshot
        .investigations
        .iter()
        .filter_map(|i| {
            let due = calendar::add_months(i.aware_at, 4);
            in_window(due).then_some((i, due))
        })
        .collect();
    let on_time = investigations_due
        .iter()
        .filter(|(i, due)| i.completed_at.is_some_and(|c| c <= *due))
        .count();
    b.add(
        "investigations_on_time",
        "Børnefaglige undersøgelser afsluttet inden 4 mdr.",
        "undersøgelser med frist (aware_at + 4 mdr.) i perioden, afsluttet senest på fristen ÷ alle med frist i perioden",
        "§9 (2024: 50 %)",
        50.0,
        Unit::Percent,
        Sample::share(on_time as f64, investigations_due.len() as f64),
    );
    let decisions: Vec<_> = snapshot
        .decisions
        .iter()
        .filter(|d| in_window(d.decided_at) && d.kind != DecisionKind::Refusal)
        .collect();
    let talked = decisions
        .iter()
        .filter(|d| d.child_conversation_at.is_some_and(|c| c <= d.decided_at))
        .count();
    b.add(
        "child_conversation",
        "Børnesamtale før afgørelsen",
        "afgørelser (bevilling, ændring, ophør) i perioden med child_conversation_at ≤ decided_at ÷ alle",
        "§9 (2024: 65 %)",
        65.0,
        Unit::Percent,
        Sample::share(talked as f64, decisions.len() as f64),
    );
    let mut followups: HashMap<&str, Vec<(NaiveDate, Option<&str>)>> = HashMap::new();
    for f in &snapshot.followups {
        followups
            .entry(f.case_id.as_str())
            .or_default()
            .push((f.held_at, f.measure_id.as_ref().map(|m| m.as_str())));
    }
    let (mut first_due, mut first_met) = (0usize, 0usize);
    for m in &snapshot.measures {
        let due = calendar::add_months(m.start_date, 3);
        if !in_window(m.start_date) || due > end {
            continue;
        }
        first_due += 1;
        let met = followups.get(m.case_id.as_str()).is_some_and(|list| {
            list.iter().any(|(held, measure)| {
                m.start_date <= *held
                    && *held <= due
                    && measure.is_none_or(|id| id == m.measure_id.as_str())
            })
        });
        first_met += usize::from(met);
    }
    b.add(
        "first_followup",
        "Første opfølgning inden 3 mdr.",
        "indsatser startet i perioden med en opfølgning senest 3 mdr. efter start ÷ indsatser med frist i perioden",
        "§9 (2024: 75 %)",
        75.0,
        Unit::Percent,
        Sample::share(first_met as f64, first_due as f64),
    );

    // §7: caseload and turnover of the children's caseworkers.
    let child_units: std::collections::BTreeSet<&str> = snapshot
        .org_units
        .iter()
        .filter(|u| {
            matches!(
                u.team_type,
                Some(
                    TeamType::Reception
                        | TeamType::Investigation
                        | TeamType::Children
                        | TeamType::Youth
                        | TeamType::Disability
                        | TeamType::Placement
                )
            )
        })
        .map(|u| u.unit_id.as_str())
        .collect();
    let caseworkers: Vec<_> = snapshot
        .staff
        .iter()
        .filter(|s| s.role == StaffRole::Caseworker && child_units.contains(s.unit_id.as_str()))
        .collect();
    let children_cases: HashMap<&str, &overblik_domain::tables::Case> = snapshot
        .cases
        .iter()
        .filter(|c| c.area == overblik_domain::codes::Area::Children)
        .map(|c| (c.case_id.as_str(), c))
        .collect();
    // One observation per caseworker employed on each anniversary: the open cases on them.
    let mut caseloads: Vec<f64> = Vec::new();
    for slice in 0..years {
        let on = years_before(end, slice);
        let cases_of = tally(
            snapshot
                .assignments
                .iter()
                .filter(|a| a.from_date <= on && a.to_date.is_none_or(|t| on <= t))
                .filter(|a| {
                    children_cases.get(a.case_id.as_str()).is_some_and(|c| {
                        c.opened_at <= on && c.closed_at.is_none_or(|closed| on < closed)
                    })
                })
                .map(|a| a.staff_id.as_str()),
        );
        caseloads.extend(
            caseworkers
                .iter()
                .filter(|s| {
                    s.start_date.is_none_or(|d| d <= on) && s.end_date.is_none_or(|d| on <= d)
                })
                .map(|s| cases_of.get(s.staff_id.as_str()).copied().unwrap_or(0.0)),
        );
    }
    let headcount = caseloads.len();
    b.add(
        "caseload",
        "Sager pr. sagsbehandler (børn og unge)",
        "gennemsnit over de ansatte sagsbehandlere i børneteams på hver årsdag af slutdatoen af deres åbne børnesager",
        "§7 (DS 2023: 31)",
        31.0,
        Unit::Plain,
        // A mean over caseworkers, not a count: its noise is the spread between them.
        Sample::mean(caseloads),
    );
    let leavers = caseworkers
        .iter()
        .filter(|s| s.end_date.is_some_and(|d| start <= d && d <= end))
        .count();
    b.add(
        "turnover",
        "Personaleomsætning, sagsbehandlere (pr. år)",
        "sagsbehandlere i børneteams med end_date i perioden ÷ år ÷ gennemsnitligt antal ansatte på årsdagene",
        "§7 (VIVE 2024: knap hver fjerde)",
        23.0,
        Unit::Percent,
        // Each caseworker leaves once: a plain count over caseworker-years.
        Sample::count(leavers, headcount as f64),
    );

    // §6: placement spending.
    let first_month = start.with_day(1).expect("day 1");
    let person_of_placement: HashMap<&str, &str> = placements
        .iter()
        .map(|m| (m.measure_id.as_str(), case_person[m.case_id.as_str()]))
        .collect();
    let mut spend_by_child: BTreeMap<&str, f64> = BTreeMap::new();
    for p in &snapshot.payments {
        let Some(child) = p
            .measure_id
            .as_ref()
            .and_then(|m| person_of_placement.get(m.as_str()))
        else {
            continue;
        };
        if p.month.first_day() >= first_month && p.month.first_day() <= end {
            *spend_by_child.entry(child).or_default() += f64::try_from(p.amount).unwrap_or(0.0);
        }
    }
    let paid_years = ((end - first_month).num_days() + 1) as f64 / 365.25;
    b.add(
        "placement_spending",
        "Udgifter til anbringelser pr. 0-22-årig pr. år",
        "betalinger på anbringelser i periodens måneder ÷ år ÷ 0-22-årige (population.csv)",
        "§6.1 (2019: 6.380 kr.)",
        6380.0,
        Unit::Kroner,
        // A few long, costly placements dominate: the kroner cluster by child.
        Sample::clustered(spend_by_child.into_values(), young * paid_years),
    );

    // §8: appeals decided on their merits.
    let decision_of: HashMap<&str, &overblik_domain::tables::Decision> = snapshot
        .decisions
        .iter()
        .map(|d| (d.decision_id.as_str(), d))
        .collect();
    let (mut merits, mut changed, mut remitted) = (0usize, 0usize, 0usize);
    let (mut forced_merits, mut forced_reversed) = (0usize, 0usize);
    for c in &snapshot.complaints {
        if !in_window(c.received_at) {
            continue;
        }
        let Some(outcome) = c.appeal_outcome else {
            continue;
        };
        if outcome == AppealOutcome::Dismissed {
            continue;
        }
        let forced = decision_of
            .get(c.decision_id.as_str())
            .is_some_and(|d| d.consent == Some(false));
        let reversed = matches!(outcome, AppealOutcome::Changed | AppealOutcome::Remitted);
        if forced {
            forced_merits += 1;
            forced_reversed += usize::from(reversed);
        } else {
            merits += 1;
            changed += usize::from(outcome == AppealOutcome::Changed);
            remitted += usize::from(outcome == AppealOutcome::Remitted);
        }
    }
    b.add(
        "reversal_rate",
        "Omgørelsesprocent i Ankestyrelsen",
        "klager med appeal_outcome ændret eller hjemvist ÷ realitetsbehandlede (stadfæstet, ændret, hjemvist); uden tvangsanbringelser",
        "§8 (2022: 37,5 %)",
        37.5,
        Unit::Percent,
        Sample::share((changed + remitted) as f64, merits as f64),
    );
    b.add(
        "appeal_changed",
        "Heraf ændret",
        "klager med appeal_outcome ændret ÷ realitetsbehandlede; uden tvangsanbringelser",
        "§8 (2022: 9,0 %)",
        9.0,
        Unit::Percent,
        Sample::share(changed as f64, merits as f64),
    );
    b.add(
        "appeal_remitted",
        "Heraf hjemvist",
        "klager med appeal_outcome hjemvist ÷ realitetsbehandlede; uden tvangsanbringelser",
        "§8 (2022: 28,5 %)",
        28.5,
        Unit::Percent,
        Sample::share(remitted as f64, merits as f64),
    );
    b.add(
        "forced_reversal",
        "Omgørelse af anbringelser uden samtykke",
        "klager over afgørelser med consent = false, ændret eller hjemvist ÷ realitetsbehandlede",
        "§8 (2018: 1 %)",
        1.0,
        Unit::Percent,
        Sample::share(forced_reversed as f64, forced_merits as f64),
    );
    CheckTable {
        rows: b.rows,
        municipalities: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> Window {
        Window {
            end: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            years: 2,
        }
    }

    /// The row `key` of an empty table with the given sample.
    fn row(key: &str, sample: Sample) -> CheckRow {
        let mut row = check(&Snapshot::default(), &window())
            .row(key)
            .unwrap()
            .clone();
        assert_eq!(row.noise, sample.noise, "{key}");
        row.numerator = sample.numerator;
        row.denominator = sample.denominator;
        row.squares = sample.squares;
        row
    }

    #[test]
    fn tables_add_up_with_their_sums_of_squares() {
        let empty = check(&Snapshot::default(), &window());
        assert!(empty.rows.iter().all(|r| r.generated().is_none()));
        assert!(
            empty.rows.iter().all(|r| !r.passes()),
            "no data never passes"
        );
        let mut one = empty.clone();
        one.rows[0] = row("notifications", Sample::clustered([1.0, 2.0], 10.0));
        let mut sum = one.clone();
        sum.merge(&one);
        assert_eq!(sum.municipalities, 2);
        let notifications = sum.row("notifications").unwrap();
        assert_eq!(
            (
                notifications.numerator,
                notifications.denominator,
                notifications.squares
            ),
            (6.0, 20.0, 10.0)
        );
        assert_eq!(thousands(1_234_567), "1.234.567");
    }

    #[test]
    fn a_share_passes_within_its_noise_and_fails_when_the_data_could_not_come_from_the_target() {
        // 12 of 14 against 75 %: +14 %, but 14 cases say little (Wilson 99 %: 51-97 %).
        let small = row("first_followup", Sample::share(12.0, 14.0));
        assert!(small.deviation().unwrap() > MODEL_TOLERANCE);
        assert!(small.passes(), "{:?}", small.interval());
        // The same share of 1,400: 83-88 %, clear of 67.5-82.5 %.
        let large = row("first_followup", Sample::share(1200.0, 1400.0));
        assert!(!large.passes(), "{:?}", large.interval());
        // Within ±10 % passes however large the data.
        assert!(row("first_followup", Sample::share(80_000.0, 100_000.0)).passes());
    }

    #[test]
    fn a_count_is_judged_by_poisson_noise_widened_by_its_clustering() {
        // 132 ‰ is the target: 1,600 notifications on 10,000 child-years (+21 %) are too many
        // when each child has one, ...
        let single = row(
            "notifications",
            Sample::clustered(vec![1.0; 1600], 10_000.0),
        );
        assert!(!single.passes(), "{:?}", single.interval());
        // ... but not when they come from 400 children with 4 each: the effective count is 400.
        let bursts = row("notifications", Sample::clustered(vec![4.0; 400], 10_000.0));
        assert!(bursts.passes(), "{:?}", bursts.interval());
        // A plain count: 93 placed children among 9,700 (9.6 ‰ against 10 ‰).
        assert!(row("placed_children", Sample::count(93, 9700.0)).passes());
        assert!(!row("placed_children", Sample::count(50, 9700.0)).passes());
    }

    #[test]
    fn a_mean_is_judged_by_the_spread_of_its_observations() {
        // Caseloads around 36 against 31 (allowed up to 34.1).
        let spread = row("caseload", Sample::mean([20.0, 52.0, 24.0, 48.0]));
        assert!(spread.passes(), "{:?}", spread.interval());
        let tight = row("caseload", Sample::mean(vec![36.0; 60]));
        assert!(!tight.passes(), "{:?}", tight.interval());
    }

    #[test]
    fn the_table_shows_the_allowed_range_the_interval_and_the_model() {
        let mut table = check(&Snapshot::default(), &window());
        table.rows[0] = row("notifications", Sample::clustered(vec![1.0; 132], 1000.0));
        let text = table.to_string();
        assert!(text.contains("Tilladt (mål ±10 %)"), "{text}");
        assert!(text.contains("118.8–145.2 ‰"), "{text}");
        assert!(text.contains("99 %-interval"), "{text}");
        assert!(text.contains("Poisson, klynger"), "{text}");
        assert!(text.contains("Wilson-interval"), "{text}");
    }
}
