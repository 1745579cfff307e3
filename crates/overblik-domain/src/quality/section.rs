//! The "Datakvalitet" section every report ends with (and `overblik quality` prints).

use chrono_tz::Europe::Copenhagen;

use super::{COLUMNS, Freshness, MAX_EXAMPLES, Quality, contradiction_kinds};
use crate::figures::{Exclusion, Share};
use crate::report::build::{self, count, share, text};
use crate::report::{Cell, ColumnKind as K, Section, Table};

const TABLE: (&str, K) = ("Tabel", K::Text);
const ROWS: (&str, K) = ("Rækker", K::Integer);

/// A table of `rows` with its `footnotes`.
fn table(
    id: &str,
    title: &str,
    columns: &[(&str, K)],
    rows: impl IntoIterator<Item = Vec<Cell>>,
    footnotes: impl IntoIterator<Item = String>,
) -> Table {
    let mut out = build::table(id, title, columns);
    out.rows.extend(rows);
    out.footnotes.extend(footnotes);
    out
}

/// A Danish label starts with a capital letter in a table cell.
fn capitalised(label: &str) -> Cell {
    let mut chars = label.chars();
    text(chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    }))
}

/// When a table was last imported, in Danish time.
fn imported(f: &Freshness) -> Cell {
    match (f.present, f.last_imported_at) {
        (false, _) => text("ikke leveret"),
        (true, Some(at)) => text(
            at.with_timezone(&Copenhagen)
                .format("%d-%m-%Y kl. %H.%M")
                .to_string(),
        ),
        (true, None) => Cell::NotAvailable,
    }
}

fn freshness(quality: &Quality) -> Table {
    table(
        "quality_freshness",
        "Aktualitet",
        &[TABLE, ("Indlæst", K::Text), ROWS],
        quality.freshness.iter().map(|f| vec![text(f.table), imported(f), count(f.rows)]),
        ["Indlæst: seneste indlæsning af filen (dansk tid); – betyder, at tidspunktet ikke er kendt."
            .to_owned()],
    )
}

fn completeness(quality: &Quality) -> Table {
    table(
        "quality_completeness",
        "Udfyldelse",
        &[
            TABLE,
            ("Felt", K::Text),
            ("Bruges til", K::Text),
            ("Udfyldt", K::Integer),
            ROWS,
            ("Andel", K::Percent),
        ],
        quality.completeness.iter().map(|c| {
            vec![
                text(c.table),
                text(c.column),
                text(c.needed_by.join(", ")),
                count(c.filled),
                count(c.rows),
                share(Share {
                    numerator: c.filled,
                    denominator: c.rows,
                }),
            ]
        }),
        COLUMNS
            .iter()
            .filter(|rule| {
                quality
                    .completeness
                    .iter()
                    .any(|c| c.table == rule.table && c.column == rule.column)
            })
            .map(|rule| format!("{}.{}: {}.", rule.table, rule.column, rule.rows_da)),
    )
}

fn contradictions(quality: &Quality) -> Table {
    table(
        "quality_contradictions",
        "Modstridende data",
        &[("Art", K::Text), TABLE, ROWS, ("Eksempler", K::Text)],
        quality.contradictions.iter().map(|c| {
            vec![
                capitalised(c.label_da),
                text(c.table),
                count(c.rows),
                text(c.examples.join(", ")),
            ]
        }),
        [if quality.contradictions.is_empty() {
            "Ingen modstridende data fundet.".to_owned()
        } else {
            format!("Eksempler: op til {MAX_EXAMPLES} id'er fra kildesystemet.")
        }],
    )
}

fn excluded(exclusions: &[(&'static str, Vec<Exclusion>)]) -> Table {
    let mut out = table(
        "quality_exclusions",
        "Rækker udeladt af nøgletal",
        &[("Nøgletal", K::Text), TABLE, ("Årsag", K::Text), ROWS],
        exclusions.iter().flat_map(|(figure, list)| {
            list.iter().filter(|e| e.rows > 0).map(move |e| {
                vec![
                    text(*figure),
                    text(e.table),
                    capitalised(e.label_da),
                    count(e.rows),
                ]
            })
        }),
        [],
    );
    if out.rows.is_empty() {
        out.footnotes
            .push("Ingen nøgletal har udeladt rækker.".to_owned());
    }
    out
}

/// The data-quality section: freshness, completeness, contradictions and, per figure, the rows
/// it left out (`exclusions`: figure id and the exclusions that figure reported).
pub fn section(quality: &Quality, exclusions: &[(&'static str, Vec<Exclusion>)]) -> Section {
    let as_of = quality.as_of.format("%d-%m-%Y");
    build::section(
        "quality",
        "Datakvalitet",
        &[
            &format!(
                "Opgjort pr. {as_of}: kun oplysninger dateret senest denne dag tæller. \
                 En fil, der ikke er leveret, vurderes ikke; nøgletal, der bruger den, vises \
                 som ikke tilgængelige."
            ),
            "Udfyldelse: andelen af rækker, hvor et felt, som nøgletallene bruger, er udfyldt. \
             Et felt tælles kun på rækker, hvor det burde være udfyldt på opgørelsesdagen \
             (se fodnoterne).",
            &format!(
                "Modstridende data: rækker, hvor datoer eller henvisninger ikke kan passe \
                 sammen ({} kontroller).",
                contradiction_kinds().count()
            ),
        ],
        vec![
            freshness(quality),
            completeness(quality),
            contradictions(quality),
            excluded(exclusions),
        ],
    )
}
