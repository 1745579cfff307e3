//! The calibration check: each calibrated figure computed from a snapshot, next to its published
//! target from statistics.md. Tables of several municipalities add up (numerators and
//! denominators), so a national folder is checked as one.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use overblik_domain::calendar::{self, local_date};

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

/// How far a generated figure may lie from its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// A share of the target (0.10 = ±10 %).
    Relative(f64),
    /// Percentage points, for small shares.
    Points(f64),
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
    pub tolerance: Tolerance,
    pub numerator: f64,
    pub denominator: f64,
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

    pub fn within_tolerance(&self) -> bool {
        match (self.generated(), self.tolerance) {
            (None, _) => false,
            (Some(value), Tolerance::Relative(share)) => (value / self.target - 1.0).abs() <= share,
            (Some(value), Tolerance::Points(points)) => (value - self.target).abs() <= points,
        }
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
        }
        self.municipalities += other.municipalities;
    }

    /// The rows outside their tolerance.
    pub fn failures(&self) -> Vec<&CheckRow> {
        self.rows
            .iter()
            .filter(|row| !row.within_tolerance())
            .collect()
    }

    pub fn row(&self, key: &str) -> Option<&CheckRow> {
        self.rows.iter().find(|row| row.key == key)
    }
}

impl fmt::Display for CheckTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = [
            "Nøgletal",
            "Kilde",
            "Offentliggjort mål",
            "Forventet antal",
            "Genereret antal",
            "Genereret",
            "Afvigelse",
            "",
        ];
        let mut lines: Vec<[String; 8]> = vec![header.map(str::to_owned)];
        for row in &self.rows {
            let generated = row.generated();
            lines.push([
                row.label.to_owned(),
                row.source.to_owned(),
                row.unit.format(row.target),
                if row.unit == Unit::Kroner {
                    String::new()
                } else {
                    thousands(row.expected_count().round() as i64)
                },
                if row.unit == Unit::Kroner {
                    String::new()
                } else {
                    thousands(row.numerator.round() as i64)
                },
                generated.map_or("–".to_owned(), |v| row.unit.format(v)),
                row.deviation()
                    .map_or("–".to_owned(), |d| format!("{:+.1} %", d * 100.0)),
                if row.within_tolerance() {
                    "ok"
                } else {
                    "AFVIGER"
                }
                .to_owned(),
            ]);
        }
        let mut widths = [0usize; 8];
        for line in &lines {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for (index, line) in lines.iter().enumerate() {
            let mut text = String::new();
            for (column, cell) in line.iter().enumerate() {
                let pad = widths[column] - cell.chars().count();
                if column == 0 || column == 1 {
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
        writeln!(f, "Grundlag for hvert nøgletal:")?;
        for row in &self.rows {
            let tolerance = match row.tolerance {
                Tolerance::Relative(share) => format!("±{:.0} %", share * 100.0),
                Tolerance::Points(points) => format!("±{points:.0} procentpoint"),
            };
            writeln!(f, "  {}: {} (tolerance {tolerance})", row.label, row.basis)?;
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
        numerator: f64,
        denominator: f64,
    ) {
        self.rows.push(CheckRow {
            key,
            label,
            basis,
            source,
            target,
            unit,
            tolerance: Tolerance::Relative(0.10),
            numerator,
            denominator,
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
        notifications.len() as f64,
        child_years,
    );
    let mut distinct = 0usize;
    let mut repeated = 0usize;
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
    }
    b.add(
        "notified_children",
        "Børn med underretning pr. 1.000 børn pr. år",
        "forskellige personer med underretning i hvert år af perioden ÷ børn 0-17",
        "§10 (§2.1: 85.300 i 2022)",
        74.0,
        Unit::PerThousand,
        distinct as f64,
        child_years,
    );
    b.add(
        "repeat_share",
        "Andel underrettede børn med 2+ underretninger i året",
        "børn med mindst 2 underretninger i året ÷ børn med underretning i året",
        "§2.2 (2018: 34 %)",
        34.0,
        Unit::Percent,
        repeated as f64,
        distinct as f64,
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
            count as f64,
            total,
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
        assessed as f64,
        due_by_end.len() as f64,
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
        placed_children as f64,
        children_at_end,
    );
    let started = placements
        .iter()
        .filter(|m| in_window(m.start_date))
        .count();
    b.add(
        "placements_started",
        "Anbringelser iværksat pr. 1.000 børn pr. år",
        "anbringelser (indsatser af anbringelsestype) startet i perioden ÷ år ÷ børn 0-17",
        "§10 / §3.3 (≈3.400 i 2023)",
        2.9,
        Unit::PerThousand,
        started as f64,
        child_years,
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
            group(types),
            stock,
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
        known.iter().filter(|c| !**c).count() as f64,
        known.len() as f64,
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
        left as f64,
        placed_first as f64,
    );

    // §4: supportive interventions.
    let support_started = snapshot
        .measures
        .iter()
        .filter(|m| !m.measure_type.is_placement() && in_window(m.start_date))
        .count();
    b.add(
        "support_started",
        "Støttende indsatser iværksat pr. 1.000 børn pr. år",
        "indsatser, der ikke er anbringelser, startet i perioden ÷ år ÷ børn 0-17",
        "§10 / §4.1 (60.300 i 2023)",
        52.0,
        Unit::PerThousand,
        support_started as f64,
        child_years,
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
        supported.len() as f64,
        young_at_end,
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
        on_time as f64,
        investigations_due.len() as f64,
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
        talked as f64,
        decisions.len() as f64,
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
        first_met as f64,
        first_due as f64,
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
    let (mut assigned_cases, mut headcount) = (0usize, 0usize);
    for slice in 0..years {
        let on = years_before(end, slice);
        headcount += caseworkers
            .iter()
            .filter(|s| s.start_date.is_none_or(|d| d <= on) && s.end_date.is_none_or(|d| on <= d))
            .count();
        assigned_cases += snapshot
            .assignments
            .iter()
            .filter(|a| a.from_date <= on && a.to_date.is_none_or(|t| on <= t))
            .filter(|a| {
                children_cases.get(a.case_id.as_str()).is_some_and(|c| {
                    c.opened_at <= on && c.closed_at.is_none_or(|closed| on < closed)
                })
            })
            .count();
    }
    b.add(
        "caseload",
        "Sager pr. sagsbehandler (børn og unge)",
        "åbne børnesager med aktiv sagsbehandler ÷ ansatte sagsbehandlere i børneteams, på hver årsdag af slutdatoen",
        "§7 (DS 2023: 31)",
        31.0,
        Unit::Plain,
        assigned_cases as f64,
        headcount as f64,
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
        leavers as f64,
        headcount as f64,
    );

    // §6: placement spending.
    let placement_ids: std::collections::BTreeSet<&str> =
        placements.iter().map(|m| m.measure_id.as_str()).collect();
    let first_month = start.with_day(1).expect("day 1");
    let spend: f64 = snapshot
        .payments
        .iter()
        .filter(|p| {
            p.measure_id
                .as_ref()
                .is_some_and(|m| placement_ids.contains(m.as_str()))
        })
        .filter(|p| p.month.first_day() >= first_month && p.month.first_day() <= end)
        .map(|p| f64::try_from(p.amount).unwrap_or(0.0))
        .sum();
    let paid_years = ((end - first_month).num_days() + 1) as f64 / 365.25;
    b.add(
        "placement_spending",
        "Udgifter til anbringelser pr. 0-22-årig pr. år",
        "betalinger på anbringelser i periodens måneder ÷ år ÷ 0-22-årige (population.csv)",
        "§6.1 (2019: 6.380 kr.)",
        6380.0,
        Unit::Kroner,
        spend,
        young * paid_years,
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
        (changed + remitted) as f64,
        merits as f64,
    );
    b.add(
        "appeal_changed",
        "Heraf ændret",
        "klager med appeal_outcome ændret ÷ realitetsbehandlede; uden tvangsanbringelser",
        "§8 (2022: 9,0 %)",
        9.0,
        Unit::Percent,
        changed as f64,
        merits as f64,
    );
    b.add(
        "appeal_remitted",
        "Heraf hjemvist",
        "klager med appeal_outcome hjemvist ÷ realitetsbehandlede; uden tvangsanbringelser",
        "§8 (2022: 28,5 %)",
        28.5,
        Unit::Percent,
        remitted as f64,
        merits as f64,
    );
    b.add(
        "forced_reversal",
        "Omgørelse af anbringelser uden samtykke",
        "klager over afgørelser med consent = false, ændret eller hjemvist ÷ realitetsbehandlede",
        "§8 (2018: 1 %)",
        1.0,
        Unit::Percent,
        forced_reversed as f64,
        forced_merits as f64,
    );
    if let Some(last) = b.rows.last_mut() {
        last.tolerance = Tolerance::Points(2.0);
    }
    CheckTable {
        rows: b.rows,
        municipalities: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_add_up_and_tolerances_apply() {
        let window = Window {
            end: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            years: 2,
        };
        let empty = check(&Snapshot::default(), &window);
        assert!(empty.rows.iter().all(|r| r.generated().is_none()));
        let mut sum = empty.clone();
        sum.merge(&empty);
        assert_eq!(sum.municipalities, 2);
        let mut row = empty.rows[0].clone();
        row.numerator = 140.0;
        row.denominator = 1000.0;
        assert!(row.within_tolerance());
        row.numerator = 150.0;
        assert!(!row.within_tolerance());
        assert_eq!(thousands(1_234_567), "1.234.567");
    }
}
