//! The monthly committee report (S1 Ex 16) at the last day of a month: full-year persons by
//! measure type for each of the last 12 months, the waiting list, notifications by notifier
//! and severity over 12 months, placed children per 1,000, and the status of the year's
//! political goals (F16). For an aggregate audience:
//! every table is suppressed (primary and complementary, key-figures.md).

use chrono::NaiveDate;

use super::build::*;
use super::document::{Cell, ColumnKind as K, Document, Section, Suppression};
use crate::YearMonth;
use crate::calendar::add_months;
use crate::codes::{MeasureType, NotifierType, Severity};
use crate::figures::activity::{kf12, kf13};
use crate::figures::notifications::kf01;
use crate::figures::waiting::kf14;
use crate::figures::{Context, Exclusion, Period};
use crate::suppression::{self, CountTable, Released};

/// T of the committee report for a requested date: that day when it ends a month, else the
/// last day of the month before.
pub fn month_end_on_or_before(date: NaiveDate) -> NaiveDate {
    let next = date.succ_opt().unwrap_or(date);
    if YearMonth::of(next) != YearMonth::of(date) {
        date
    } else {
        YearMonth::of(date)
            .first_day()
            .pred_opt()
            .expect("date in range")
    }
}

/// The 12 months ending with the month of T.
fn last_12_months(t: NaiveDate) -> Period {
    let first = add_months(YearMonth::of(t).first_day(), -11);
    Period::new(first, t).expect("ordered")
}

pub fn committee(
    ctx: &Context<'_>,
    rules: &crate::rules::RuleSet,
) -> (Document, Vec<(&'static str, Vec<Exclusion>)>) {
    let t = ctx.as_of.date;
    let months = last_12_months(t);
    let mut exclusions = Vec::new();
    let sections = vec![
        full_year_persons(ctx, months, &mut exclusions),
        notifications(ctx, months),
        waiting_and_rate(ctx, &mut exclusions),
        // The committee report's context has no obligations: the goals' section evaluates
        // them for the dates its indicators need.
        super::goals::committee_section(ctx, rules, false),
    ];
    let detail = super::month_label(YearMonth::of(t));
    let document = Document {
        suppressed: true,
        ..super::document(
            ctx,
            "committee",
            "Månedsrapport til udvalget",
            detail,
            sections,
        )
    };
    (document, exclusions)
}

fn cell(released: Released, decimals: bool) -> Cell {
    match released {
        Released::Shown(v) if decimals => Cell::Number(v),
        Released::Shown(v) => Cell::Integer(v.round() as i64),
        Released::Suppressed(reason) => Cell::Suppressed(reason),
    }
}

fn full_year_persons(
    ctx: &Context<'_>,
    months: Period,
    exclusions: &mut Vec<(&'static str, Vec<Exclusion>)>,
) -> Section {
    let month_list: Vec<YearMonth> = months.months().into_iter().map(|(m, _)| m).collect();
    let mut columns: Vec<(String, K)> = vec![("Indsats".to_owned(), K::Text)];
    columns.extend(
        month_list
            .iter()
            .map(|m| (super::month_short(*m), K::Decimal(1))),
    );
    let columns: Vec<(&str, K)> = columns.iter().map(|(t, k)| (t.as_str(), *k)).collect();
    let mut out = table(
        "full_year_persons",
        "Helårspersoner pr. indsatstype (KF12)",
        &columns,
    );
    let Some(k) = kf12(ctx, months) else {
        out.footnotes.push(ABSENT_FILE.to_owned());
        return section(
            "full_year_persons",
            "Aktivitet: helårspersoner",
            &[],
            vec![out],
        );
    };
    exclusions.push(("KF12", k.excluded.list().to_vec()));
    let values = |v: &crate::figures::activity::MonthlyValue| -> Vec<f64> {
        month_list
            .iter()
            .map(|m| round1(v.by_month.get(&m.to_string()).copied().unwrap_or(0.0)))
            .collect()
    };
    // Placements with their total ("Anbragte i alt") as one protected table: the total is
    // nearly their sum, so it is treated as one.
    let placements: Vec<MeasureType> = MeasureType::ALL
        .iter()
        .copied()
        .filter(|m| m.is_placement())
        .collect();
    let others: Vec<MeasureType> = MeasureType::ALL
        .iter()
        .copied()
        .filter(|m| !m.is_placement())
        .collect();
    let placed = CountTable {
        cells: placements
            .iter()
            .map(|m| values(&k.by_measure_type[m.code()]))
            .collect(),
        row_totals: None,
        column_totals: Some(values(&k.placements_total)),
        grand_total: None,
    }
    .protect()
    .expect("rectangular table");
    for (m, row) in placements.iter().zip(&placed.cells) {
        out.rows.push(labelled(m.label_da(), row, true));
    }
    out.rows.push(labelled(
        "Anbragte i alt",
        placed.column_totals.as_ref().expect("set above"),
        true,
    ));
    let rest = CountTable {
        cells: others
            .iter()
            .map(|m| values(&k.by_measure_type[m.code()]))
            .collect(),
        ..CountTable::default()
    }
    .protect()
    .expect("rectangular table");
    for (m, row) in others.iter().zip(&rest.cells) {
        out.rows.push(labelled(m.label_da(), row, true));
    }
    out.footnotes.push(
        "Helårspersoner: gennemsnitligt antal personer pr. dag med en aktiv indsats af typen i måneden.".to_owned(),
    );
    section(
        "full_year_persons",
        "Aktivitet: helårspersoner",
        &[],
        vec![out],
    )
}

fn labelled(label: &str, row: &[Released], decimals: bool) -> Vec<Cell> {
    std::iter::once(text(label))
        .chain(row.iter().map(|r| cell(*r, decimals)))
        .collect()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn notifications(ctx: &Context<'_>, months: Period) -> Section {
    let mut columns: Vec<(&str, K)> = vec![("Underretter", K::Text)];
    columns.extend(Severity::ALL.iter().map(|s| (s.label_da(), K::Integer)));
    columns.push(("I alt", K::Integer));
    let mut out = table(
        "notifications_by_notifier",
        "Underretninger de seneste 12 måneder efter underretter og alvor (KF01)",
        &columns,
    );
    let Some(k) = kf01(ctx, months) else {
        out.footnotes.push(ABSENT_FILE.to_owned());
        return section("notifications", "Underretninger", &[], vec![out]);
    };
    let cells: Vec<Vec<f64>> = NotifierType::ALL
        .iter()
        .map(|n| {
            Severity::ALL
                .iter()
                .map(|s| k.by_notifier_type_and_severity[n.code()][s.code()] as f64)
                .collect()
        })
        .collect();
    let table_in = CountTable {
        row_totals: Some(cells.iter().map(|r| r.iter().sum()).collect()),
        column_totals: Some(
            (0..Severity::ALL.len())
                .map(|j| cells.iter().map(|r| r[j]).sum())
                .collect(),
        ),
        grand_total: Some(k.total as f64),
        cells,
    };
    let protected = table_in.protect().expect("rectangular table");
    let row_totals = protected.row_totals.as_ref().expect("set above");
    for ((n, row), total) in NotifierType::ALL
        .iter()
        .zip(&protected.cells)
        .zip(row_totals)
    {
        let mut cells = labelled(n.label_da(), row, false);
        cells.push(cell(*total, false));
        out.rows.push(cells);
    }
    let mut totals = labelled(
        "I alt",
        protected.column_totals.as_ref().expect("set above"),
        false,
    );
    totals.push(cell(protected.grand_total.expect("set above"), false));
    out.rows.push(totals);
    section("notifications", "Underretninger", &[], vec![out])
}

fn waiting_and_rate(
    ctx: &Context<'_>,
    exclusions: &mut Vec<(&'static str, Vec<Exclusion>)>,
) -> Section {
    let mut waiting = table(
        "waiting_list",
        "Venteliste i dag (KF14)",
        &[("Tilbud", K::Text), ("Ventende", K::Integer)],
    );
    let mut stats = table(
        "waiting_days",
        "Ventetid i dage (KF14)",
        &[("Nøgletal", K::Text), ("Dage", K::Decimal(0))],
    );
    match kf14(ctx) {
        None => waiting.footnotes.push(ABSENT_FILE.to_owned()),
        Some(k) => {
            let offers: Vec<&String> = k.by_offer_type.keys().collect();
            let protected = CountTable {
                cells: k.by_offer_type.values().map(|v| vec![*v as f64]).collect(),
                column_totals: Some(vec![k.waiting as f64]),
                ..CountTable::default()
            }
            .protect()
            .expect("rectangular table");
            for (offer, row) in offers.iter().zip(&protected.cells) {
                waiting.rows.push(labelled(offer, row, false));
            }
            waiting.rows.push(labelled(
                "I alt",
                protected.column_totals.as_ref().expect("set above"),
                false,
            ));
            // No median or maximum of fewer than 5 (security.md SDC-3).
            let allowed = suppression::statistic_allowed(k.waiting_days.n);
            let stat = |v: Option<f64>| {
                if allowed {
                    number(v)
                } else {
                    Cell::Suppressed(Suppression::SmallDenominator)
                }
            };
            stats
                .rows
                .push(vec![text("Median"), stat(k.waiting_days.median)]);
            stats
                .rows
                .push(vec![text("Længste"), stat(k.waiting_days.max)]);
        }
    }
    let mut rate = table(
        "placement_rate",
        "Anbragte børn og unge 0-17 år (KF13)",
        &[("Nøgletal", K::Text), ("Værdi", K::Decimal(1))],
    );
    match kf13(ctx) {
        None => rate.footnotes.push(ABSENT_FILE.to_owned()),
        Some(k) => {
            exclusions.push(("KF13", k.excluded.list().to_vec()));
            let small = suppression::is_small(k.placed_0_17 as f64);
            rate.rows.push(vec![
                text("Anbragte 0-17 år i dag"),
                if small {
                    Cell::Suppressed(Suppression::Primary)
                } else {
                    Cell::Number(k.placed_0_17 as f64)
                },
            ]);
            rate.rows.push(vec![
                text("Anbragte pr. 1.000 0-17-årige"),
                if small {
                    Cell::Suppressed(Suppression::Complementary)
                } else {
                    number(k.placements_per_1000_0_17)
                },
            ]);
        }
    }
    section(
        "waiting_and_rate",
        "Venteliste og anbringelser",
        &[ABSENT_FILE],
        vec![waiting, stats, rate],
    )
}
