//! The political goals (F16) in reports: the status of every indicator of a year's goals (a
//! section of the committee report) and the annual report of goal attainment (`overblik
//! report goals --year Y`), with each indicator's values per reporting period. Both are for
//! the committee: every value is suppressed as key-figures.md says, and a status or trend is
//! hidden with the value it comes from.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::build::*;
use super::document::{Cell, ColumnKind as K, Document, Section, Table};
use crate::codes::{IndicatorDirection, ReportingFrequency};
use crate::figures::Context;
use crate::policy::{self, FigureUnit, IndicatorResult, Measured, PeriodValue};
use crate::rules::RuleSet;
use crate::tables::{AnnualGoal, Indicator, PolicyTheme};

/// The rule, as the reports and the page state it.
pub const STATUS_RULE: &str = "Status for den seneste afsluttede periode (eller året til dato, før den første er afsluttet): «På sporet», når målet er nået; «I risiko», når værdien højst afviger fra målet med indikatorens tolerance (uden tolerance: 10 % af målet); ellers «Ikke på sporet». Tendensen sammenligner med perioden før. Små tal er diskretioneret: «<5» er 1-4 personer, «×» en andel af under 5 eller et tal, der ellers kunne udledes.";

/// One indicator of a year's goal with its results.
pub struct GoalRow<'a> {
    pub theme: Option<&'a PolicyTheme>,
    pub goal: &'a AnnualGoal,
    pub result: IndicatorResult<'a>,
}

/// The annual goals of `year` in theme and title order.
pub fn goals_of_year<'a>(ctx: &Context<'a>, year: i32) -> Vec<&'a AnnualGoal> {
    let mut goals: Vec<&'a AnnualGoal> = ctx
        .entered
        .annual_goals
        .iter()
        .filter(|g| i64::from(year) == *g.year.get())
        .collect();
    goals.sort_by_cached_key(|g| {
        (
            theme_title(ctx, g),
            g.title.as_str(),
            g.annual_goal_id.as_str(),
        )
    });
    goals
}

fn theme_of<'a>(ctx: &Context<'a>, goal: &AnnualGoal) -> Option<&'a PolicyTheme> {
    ctx.entered
        .policy_themes
        .iter()
        .find(|t| t.theme_id == goal.theme_id)
}

fn theme_title<'a>(ctx: &Context<'a>, goal: &AnnualGoal) -> &'a str {
    theme_of(ctx, goal).map_or("", |t| t.title.as_str())
}

/// Every indicator of `year`'s goals with its values at the context's T (`has_obligations`:
/// the context's evaluation is of T, so it serves the values as of T).
pub fn goal_rows<'a>(
    ctx: &Context<'a>,
    rules: &RuleSet,
    has_obligations: bool,
    year: i32,
) -> Vec<GoalRow<'a>> {
    // Each goal's indicators in id order, kept with their goal.
    let pairs: Vec<(&'a AnnualGoal, &'a Indicator)> = goals_of_year(ctx, year)
        .into_iter()
        .flat_map(|g| {
            let mut of_goal: Vec<&'a Indicator> = ctx
                .entered
                .indicators
                .iter()
                .filter(|i| i.annual_goal_id == g.annual_goal_id)
                .collect();
            of_goal.sort_by(|a, b| a.indicator_id.cmp(&b.indicator_id));
            of_goal.into_iter().map(move |i| (g, i))
        })
        .collect();
    let indicators: Vec<&'a Indicator> = pairs.iter().map(|&(_, i)| i).collect();
    // `year_results` answers in the order it was given.
    policy::year_results(ctx, rules, has_obligations, &indicators, year)
        .into_iter()
        .zip(pairs)
        .map(|(result, (goal, _))| GoalRow {
            theme: theme_of(ctx, goal),
            goal,
            result,
        })
        .collect()
}

/// "≥ 95 %", "≤ 12,5 dage": the target with its direction and unit.
pub fn target_text(indicator: &Indicator) -> String {
    let op = match indicator.direction {
        IndicatorDirection::Higher => "≥",
        IndicatorDirection::Lower => "≤",
    };
    let unit = indicator.figure.unit();
    let number = decimal_da(indicator.target);
    match unit {
        FigureUnit::Count => format!("{op} {number}"),
        _ => format!("{op} {number} {}", unit.label_da()),
    }
}

fn decimal_da(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

/// The unit an indicator is computed for.
pub fn unit_text(ctx: &Context<'_>, indicator: &Indicator) -> String {
    match &indicator.unit_id {
        None => "Hele kommunen".to_owned(),
        Some(id) => match ctx.lookup.unit(id.as_str()) {
            Some(u) => ctx.snapshot.org_units[u as usize].name.clone(),
            None => format!("{} (findes ikke i data)", id.as_str()),
        },
    }
}

/// The label of the period the status is judged on.
pub fn period_text(result: &IndicatorResult<'_>) -> String {
    match result.current() {
        Some(p) if p.complete => p.label.clone(),
        Some(p) => format!("{} (til dato)", p.label),
        None => "–".to_owned(),
    }
}

/// A value's cell: shown, suppressed for an aggregate audience, or not available.
fn value_cell(value: Option<Measured>, suppressed: bool) -> Cell {
    match value {
        None => Cell::NotAvailable,
        Some(m) => match m.suppression().filter(|_| suppressed) {
            Some(reason) => Cell::Suppressed(reason),
            None => Cell::Number(m.value),
        },
    }
}

/// Whether `value` is hidden for this audience (what is derived from it is hidden too).
fn hidden(value: Option<Measured>, suppressed: bool) -> Option<Cell> {
    let reason = value?.suppression().filter(|_| suppressed)?;
    Some(Cell::Suppressed(reason))
}

fn status_cells(result: &IndicatorResult<'_>, suppressed: bool) -> [Cell; 3] {
    let value = result.value();
    let previous = result.before_current().and_then(|p| p.value);
    let trend = match (value, previous, result.trend()) {
        (Some(_), Some(_), Some(trend)) => hidden(value, suppressed)
            .or_else(|| hidden(previous, suppressed))
            .unwrap_or_else(|| text(trend.label_da())),
        _ => Cell::NotAvailable,
    };
    let status = hidden(value, suppressed).unwrap_or_else(|| text(result.status().label_da()));
    [value_cell(value, suppressed), trend, status]
}

/// The status table: one row per indicator.
fn status_table(ctx: &Context<'_>, rows: &[GoalRow<'_>], suppressed: bool) -> Table {
    let mut out = table(
        "political_goals_status",
        "Status for de politiske mål",
        &[
            ("Tema", K::Text),
            ("Årsmål", K::Text),
            ("Indikator", K::Text),
            ("Enhed", K::Text),
            ("Periode", K::Text),
            ("Mål", K::Text),
            ("Værdi", K::Decimal(1)),
            ("Tendens", K::Text),
            ("Status", K::Text),
        ],
    );
    for row in rows {
        let i = row.result.indicator;
        let mut cells = vec![
            text(row.theme.map_or("", |t| t.title.as_str())),
            text(&row.goal.title),
            text(format!("{} {}", i.figure.code(), i.figure.label_da())),
            text(unit_text(ctx, i)),
            text(period_text(&row.result)),
            text(target_text(i)),
        ];
        cells.extend(status_cells(&row.result, suppressed));
        out.rows.push(cells);
    }
    out.footnotes.push(STATUS_RULE.to_owned());
    out
}

/// The section of the committee report: the status of every indicator of the year of T.
pub fn committee_section(ctx: &Context<'_>, rules: &RuleSet, has_obligations: bool) -> Section {
    let year = chrono::Datelike::year(&ctx.as_of.date);
    let rows = goal_rows(ctx, rules, has_obligations, year);
    let mut notes = Vec::new();
    if rows.is_empty() {
        notes.push(format!(
            "Der er ikke sat politiske mål med indikatorer for {year}."
        ));
    }
    let tables = if rows.is_empty() {
        Vec::new()
    } else {
        vec![status_table(ctx, &rows, true)]
    };
    Section {
        notes,
        ..section(
            "political_goals",
            &format!("Politiske mål {year}"),
            &[],
            tables,
        )
    }
}

/// The columns of a series table for `frequency` in `year`.
fn series_columns(year: i32, frequency: ReportingFrequency) -> Vec<String> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).expect("year in range");
    let (previous, all) = policy::periods(year, frequency, year_end);
    previous
        .into_iter()
        .map(|(label, _)| label)
        .chain(all.into_iter().map(|(label, _, _)| label))
        .collect()
}

/// One table per reporting frequency: each indicator's value per period, with the period
/// before the year first.
fn series_tables(
    ctx: &Context<'_>,
    rows: &[GoalRow<'_>],
    year: i32,
    suppressed: bool,
) -> Vec<Table> {
    let mut tables = Vec::new();
    for frequency in ReportingFrequency::ALL {
        let of_frequency: Vec<&GoalRow<'_>> = rows
            .iter()
            .filter(|r| r.result.indicator.frequency == *frequency)
            .collect();
        if of_frequency.is_empty() {
            continue;
        }
        let labels = series_columns(year, *frequency);
        let mut columns: Vec<(&str, K)> = vec![("Indikator", K::Text), ("Enhed", K::Text)];
        columns.extend(labels.iter().map(|l| (l.as_str(), K::Decimal(1))));
        let mut out = table(
            &format!("political_goals_{}", frequency.code()),
            &format!(
                "Udvikling, {} opgørelse",
                frequency.label_da().to_lowercase()
            ),
            &columns,
        );
        for row in of_frequency {
            let i = row.result.indicator;
            let by_label = |label: &str| -> Cell {
                let all = row.result.previous.iter().chain(&row.result.series);
                all.filter(|p: &&PeriodValue| p.label == label)
                    .map(|p| value_cell(p.value, suppressed))
                    .next()
                    .unwrap_or(Cell::Empty)
            };
            let mut cells = vec![
                text(format!("{} {}", i.figure.code(), i.figure.label_da())),
                text(unit_text(ctx, i)),
            ];
            cells.extend(labels.iter().map(|l| by_label(l)));
            out.rows.push(cells);
        }
        out.footnotes.push(
            "Hver værdi er opgjort for perioden og pr. periodens sidste dag; en løbende periode er opgjort til dato. Tomme felter: perioden er ikke begyndt.".to_owned(),
        );
        tables.push(out);
    }
    tables
}

/// T of the annual report for `year`: the end of a past year, `today` for the running year;
/// an error in Danish for a year not begun or outside 2000-2100.
pub fn goals_as_of(year: i32, today: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if !(2000..=2100).contains(&year) {
        return Err(format!("året {year} skal ligge mellem 2000 og 2100"));
    }
    if year > today.year() {
        return Err(format!("året {year} er ikke begyndt (i dag er {today})"));
    }
    Ok(if year == today.year() {
        today
    } else {
        NaiveDate::from_ymd_opt(year, 12, 31).expect("year in range")
    })
}

/// The annual report of goal attainment for `year` at the context's T (the year's end, or
/// today for the running year), ending with the data quality section. `suppressed` for the
/// committee and any aggregate audience (always from the command line: it is the committee's
/// report); leaders inside the organisation see the values unsuppressed.
pub fn goals_report(
    ctx: &Context<'_>,
    rules: &RuleSet,
    has_obligations: bool,
    year: i32,
    suppressed: bool,
) -> Document {
    let rows = goal_rows(ctx, rules, has_obligations, year);
    let goals = goals_of_year(ctx, year);
    let mut overview = table(
        "political_goals_overview",
        "Årsmål",
        &[
            ("Tema", K::Text),
            ("Årsmål", K::Text),
            ("Beskrivelse", K::Text),
            ("Indikatorer", K::Integer),
        ],
    );
    for g in &goals {
        overview.rows.push(vec![
            text(theme_title(ctx, g)),
            text(&g.title),
            g.description.as_ref().map_or(Cell::Empty, text),
            count(
                rows.iter()
                    .filter(|r| r.goal.annual_goal_id == g.annual_goal_id)
                    .count() as u64,
            ),
        ]);
    }
    let mut sections = vec![section(
        "political_goals",
        &format!("Målopfyldelse {year}"),
        &[],
        vec![overview, status_table(ctx, &rows, suppressed)],
    )];
    let series = series_tables(ctx, &rows, year, suppressed);
    if !series.is_empty() {
        sections.push(section(
            "political_goals_series",
            "Udvikling pr. periode",
            &[],
            series,
        ));
    }
    let detail = format!("år {year}");
    let document = Document {
        suppressed,
        ..super::document(
            ctx,
            "goals",
            &format!("Årsrapport for politiske mål {year}"),
            detail,
            sections,
        )
    };
    // When suppressed, the quality section leaves out the example rows.
    let quality = crate::quality::assess(ctx.snapshot, ctx.sources, ctx.as_of);
    super::with_quality(document, quality, &[])
}
