//! The "Datakvalitet" section every report ends with (and `overblik quality` prints).

use chrono_tz::Europe::Copenhagen;

use super::{COLUMNS, Quality, contradiction_kinds};
use crate::figures::Exclusion;
use crate::report::{Cell, Column, ColumnKind, Section, Table};

fn column(title: &str, kind: ColumnKind) -> Column {
    Column {
        title: title.to_owned(),
        kind,
    }
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

fn count(value: u64) -> Cell {
    Cell::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

fn table(id: &str, title: &str, columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> Table {
    Table {
        id: id.to_owned(),
        title: title.to_owned(),
        columns,
        rows,
        chart: None,
        footnotes: Vec::new(),
    }
}

/// A Danish label starts with a capital letter in a table cell.
fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The data-quality section: freshness, completeness, contradictions and, per figure, the rows
/// it left out (`exclusions`: figure id and the exclusions that figure reported).
pub fn section(quality: &Quality, exclusions: &[(&'static str, Vec<Exclusion>)]) -> Section {
    let as_of = quality.as_of.format("%d-%m-%Y");

    let mut freshness = table(
        "quality_freshness",
        "Aktualitet",
        vec![
            column("Tabel", ColumnKind::Text),
            column("Indlæst", ColumnKind::Text),
            column("Rækker", ColumnKind::Integer),
        ],
        quality
            .freshness
            .iter()
            .map(|f| {
                let imported = match (f.present, f.last_imported_at) {
                    (false, _) => text("ikke leveret"),
                    (true, Some(at)) => Cell::Text(
                        at.with_timezone(&Copenhagen)
                            .format("%d-%m-%Y kl. %H.%M")
                            .to_string(),
                    ),
                    (true, None) => Cell::NotAvailable,
                };
                vec![text(f.table), imported, count(f.rows)]
            })
            .collect(),
    );
    freshness.footnotes.push(
        "Indlæst: seneste indlæsning af filen (dansk tid); – betyder, at tidspunktet ikke er kendt."
            .to_owned(),
    );

    let mut completeness = table(
        "quality_completeness",
        "Udfyldelse",
        vec![
            column("Tabel", ColumnKind::Text),
            column("Felt", ColumnKind::Text),
            column("Bruges til", ColumnKind::Text),
            column("Udfyldt", ColumnKind::Integer),
            column("Rækker", ColumnKind::Integer),
            column("Andel", ColumnKind::Percent),
        ],
        quality
            .completeness
            .iter()
            .map(|c| {
                let share = if c.rows == 0 {
                    Cell::NotAvailable
                } else {
                    Cell::Share {
                        numerator: c.filled,
                        denominator: c.rows,
                    }
                };
                vec![
                    text(c.table),
                    text(c.column),
                    Cell::Text(c.needed_by.join(", ")),
                    count(c.filled),
                    count(c.rows),
                    share,
                ]
            })
            .collect(),
    );
    completeness.footnotes.extend(
        COLUMNS
            .iter()
            .filter(|rule| {
                quality
                    .completeness
                    .iter()
                    .any(|c| c.table == rule.table && c.column == rule.column)
            })
            .map(|rule| format!("{}.{}: {}.", rule.table, rule.column, rule.rows_da)),
    );

    let mut contradictions = table(
        "quality_contradictions",
        "Modstridende data",
        vec![
            column("Art", ColumnKind::Text),
            column("Tabel", ColumnKind::Text),
            column("Rækker", ColumnKind::Integer),
            column("Eksempler", ColumnKind::Text),
        ],
        quality
            .contradictions
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(capitalised(c.label_da)),
                    text(c.table),
                    count(c.rows),
                    Cell::Text(c.examples.join(", ")),
                ]
            })
            .collect(),
    );
    contradictions
        .footnotes
        .push(if quality.contradictions.is_empty() {
            "Ingen modstridende data fundet.".to_owned()
        } else {
            "Eksempler: op til 5 id'er fra kildesystemet.".to_owned()
        });

    let mut excluded = table(
        "quality_exclusions",
        "Rækker udeladt af nøgletal",
        vec![
            column("Nøgletal", ColumnKind::Text),
            column("Tabel", ColumnKind::Text),
            column("Årsag", ColumnKind::Text),
            column("Rækker", ColumnKind::Integer),
        ],
        exclusions
            .iter()
            .flat_map(|(figure, list)| {
                list.iter().filter(|e| e.rows > 0).map(move |e| {
                    vec![
                        text(figure),
                        text(e.table),
                        Cell::Text(capitalised(e.label_da)),
                        count(e.rows),
                    ]
                })
            })
            .collect(),
    );
    if excluded.rows.is_empty() {
        excluded
            .footnotes
            .push("Ingen nøgletal har udeladt rækker.".to_owned());
    }

    Section {
        id: "quality",
        title: "Datakvalitet".to_owned(),
        notes: vec![
            format!(
                "Opgjort pr. {as_of}: kun oplysninger dateret senest denne dag tæller. \
                 En fil, der ikke er leveret, vurderes ikke; nøgletal, der bruger den, vises \
                 som ikke tilgængelige."
            ),
            "Udfyldelse: andelen af rækker, hvor et felt, som nøgletallene bruger, er udfyldt. \
             Et felt tælles kun på rækker, hvor det burde være udfyldt på opgørelsesdagen \
             (se fodnoterne)."
                .to_owned(),
            format!(
                "Modstridende data: rækker, hvor datoer eller henvisninger ikke kan passe \
                 sammen ({} kontroller).",
                contradiction_kinds().count()
            ),
        ],
        tables: vec![freshness, completeness, contradictions, excluded],
    }
}
