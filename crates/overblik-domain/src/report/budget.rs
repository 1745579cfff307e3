//! The budget follow-up (S1 ch. 7, S2) for the year of T: per account and measure type the
//! budget, spend to date, forecast, deviation split into activity and price, unit prices and
//! planned vs. forecast full-year persons. Economy tied to activity, in one table.

use chrono::Datelike;

use super::build::*;
use super::document::{Cell, ChartKind, ColumnKind as K, Document, Section, Suppression};
use crate::codes::MeasureType;
use crate::figures::economy::{kf17, kf18_to_kf20};
use crate::figures::{Context, Exclusion, Period};

fn measure_label(code: Option<&str>) -> String {
    match code.and_then(MeasureType::from_code) {
        Some(m) => m.label_da().to_owned(),
        None if code.is_some() => "Ukendt indsats".to_owned(),
        None => "Alle indsatser".to_owned(),
    }
}

/// Full-year persons (and what reveals them) for a reader without access to the cases: under
/// 5 the count is shown as "<5" (key-figures.md). A unit price is spend ÷ persons and the
/// activity effect is (persons − planned) × a budget price, so both would give the hidden
/// count back and go with it; the price effect is the deviation minus the activity effect.
struct Persons {
    suppressed: bool,
}

impl Persons {
    fn hides(&self, persons: Option<f64>) -> bool {
        self.suppressed && persons.is_some_and(crate::suppression::is_small)
    }

    fn count(&self, persons: Option<f64>) -> Cell {
        if self.hides(persons) {
            Cell::Suppressed(Suppression::Primary)
        } else {
            number(persons)
        }
    }

    /// A money cell derived from `persons`.
    fn derived(&self, persons: Option<f64>, value: Option<rust_decimal::Decimal>) -> Cell {
        if self.hides(persons) {
            Cell::Suppressed(Suppression::Complementary)
        } else {
            maybe_money(value)
        }
    }
}

/// The budget follow-up. `suppressed` is for an aggregate audience (the director): small
/// counts of full-year persons are hidden with what would reveal them ([`Persons`]). Money
/// itself is not a count of persons and stays.
pub fn budget(
    ctx: &Context<'_>,
    suppressed: bool,
) -> (Document, Vec<(&'static str, Vec<Exclusion>)>) {
    let persons = Persons { suppressed };
    let t = ctx.as_of.date;
    let year_to_date = Period::new(Period::year(t.year()).from, t).expect("ordered");
    let (kf18, kf19, kf20) = kf18_to_kf20(ctx);
    let mut exclusions = Vec::new();
    let mut lines = table(
        "budget_lines",
        "Budget, forbrug og prognose pr. konto og indsats (KF17, KF18, KF20)",
        &[
            ("Konto", K::Text),
            ("Indsats", K::Text),
            ("Enhed", K::Text),
            ("Budget", K::Money),
            ("Prognose", K::Money),
            ("Afvigelse", K::Money),
            ("Heraf aktivitet", K::Money),
            ("Heraf pris", K::Money),
            ("Budgetterede helårspersoner", K::Decimal(1)),
            ("Forventede helårspersoner", K::Decimal(1)),
        ],
    );
    match kf20 {
        None => lines.footnotes.push(ABSENT_FILE.to_owned()),
        Some(k) => {
            exclusions.push(("KF20", k.excluded.list().to_vec()));
            for l in &k.lines {
                lines.rows.push(vec![
                    text(l.account.clone()),
                    text(measure_label(l.measure_type)),
                    text(super::unit_label(ctx, &l.unit_id)),
                    money(l.budget),
                    money(l.forecast),
                    money(l.deviation),
                    persons.derived(l.forecast_full_year_persons, l.activity_effect),
                    persons.derived(l.forecast_full_year_persons, l.price_effect),
                    number(l.planned_full_year_persons),
                    persons.count(l.forecast_full_year_persons),
                ]);
            }
        }
    }
    let mut forecast = table(
        "forecast",
        "Forventet regnskab pr. konto og indsats (KF18)",
        &[
            ("Konto", K::Text),
            ("Indsats", K::Text),
            ("Forbrug før denne måned", K::Money),
            ("Rest efter dagstakst", K::Money),
            ("Rest efter betalinger", K::Money),
            ("Prognose i alt", K::Money),
        ],
    );
    match kf18 {
        None => forecast.footnotes.push(ABSENT_FILE.to_owned()),
        Some(k) => {
            exclusions.push(("KF18", k.excluded.list().to_vec()));
            for l in &k.lines {
                forecast.rows.push(vec![
                    text(l.account.clone()),
                    text(measure_label(Some(l.measure_type))),
                    money(l.spent_before_month),
                    money(l.rate_based_rest),
                    money(l.payment_based_rest),
                    money(l.total),
                ]);
            }
            forecast.rows.push(vec![
                text("I alt"),
                Cell::Empty,
                money(k.spent_before_month),
                money(k.rate_based_rest),
                money(k.payment_based_rest),
                money(k.total),
            ]);
        }
    }
    let mut prices = table(
        "unit_prices",
        "Enhedspris pr. helårsperson (KF19)",
        &[
            ("Indsats", K::Text),
            ("Forbrug", K::Money),
            ("Helårspersoner", K::Decimal(1)),
            ("Enhedspris", K::Money),
        ],
    );
    match kf19 {
        None => prices.footnotes.push(ABSENT_FILE.to_owned()),
        Some(k) => {
            exclusions.push(("KF19", k.excluded.list().to_vec()));
            if let Some(span) = k.span {
                prices.footnotes.push(format!(
                    "Opgjort for {} – {} (til og med seneste hele måned).",
                    span.from, span.to
                ));
            }
            for m in MeasureType::ALL {
                let l = &k.by_measure_type[m.code()];
                prices.rows.push(vec![
                    text(m.label_da()),
                    money(l.spend),
                    persons.count(Some(l.full_year_persons)),
                    persons.derived(Some(l.full_year_persons), l.unit_price),
                ]);
            }
        }
    }
    let mut spend = with_chart(
        table(
            "spend_by_account",
            "Forbrug år til dato pr. konto (KF17)",
            &[("Konto", K::Text), ("Forbrug", K::Money)],
        ),
        ChartKind::Bar,
        &[1],
    );
    match kf17(ctx, year_to_date) {
        None => spend.footnotes.push(ABSENT_FILE.to_owned()),
        Some(k) => {
            exclusions.push(("KF17", k.excluded.list().to_vec()));
            for (account, amount) in &k.by_account {
                spend.rows.push(vec![text(account.clone()), money(*amount)]);
            }
            spend.rows.push(vec![text("I alt"), money(k.total)]);
        }
    }
    let sections: Vec<Section> = vec![
        section(
            "budget",
            "Budgetopfølgning",
            &[
                "Afvigelse = prognose − budget (positiv = merforbrug). Aktivitetseffekt = (forventede − budgetterede helårspersoner) × budgetteret pris pr. helårsperson; priseffekt = afvigelse − aktivitetseffekt.",
                ABSENT_FILE,
            ],
            vec![lines, forecast],
        ),
        section(
            "unit_prices",
            "Enhedspriser og forbrug",
            &[],
            vec![prices, spend],
        ),
    ];
    let detail = format!("{} pr. {}", t.year(), t);
    let mut document = super::document(ctx, "budget", "Budgetopfølgning", detail, sections);
    document.suppressed = suppressed;
    (document, exclusions)
}
