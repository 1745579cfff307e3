//! Reports: the document model (`document`) and the assembly of the four reports from key
//! figures: weekly, committee, budget and caseload. Each report function returns its
//! document and the rows its figures had to leave out; [`with_quality`] appends the data
//! quality section every report ends with.

mod budget;
pub(crate) mod build;
mod caseload;
mod committee;
pub mod document;
mod weekly;

pub use budget::budget;
pub use caseload::caseload;
pub use committee::{committee, month_end_on_or_before};
pub use document::*;
pub use weekly::{weekly, weeks};

use crate::YearMonth;
use crate::figures::{Context, Exclusion};
use crate::quality::Quality;

/// Appends the data quality section. For an aggregate audience (`suppressed`), the example
/// row ids are left out: they point at single cases.
pub fn with_quality(
    mut document: Document,
    mut quality: Quality,
    exclusions: &[(&'static str, Vec<Exclusion>)],
) -> Document {
    if document.suppressed {
        for c in &mut quality.contradictions {
            c.examples.clear();
        }
    }
    let exclusions: Vec<(&'static str, Vec<Exclusion>)> = exclusions
        .iter()
        .filter(|(_, list)| !list.is_empty())
        .cloned()
        .collect();
    document
        .sections
        .push(crate::quality::section(&quality, &exclusions));
    document
}

/// A report's document for the context's unit and T; the subtitle is "<unit> · <detail>".
fn document(
    ctx: &Context<'_>,
    kind: &'static str,
    title: &str,
    detail: String,
    sections: Vec<Section>,
) -> Document {
    Document {
        kind,
        title: title.to_owned(),
        subtitle: format!("{} · {detail}", unit_name(ctx)),
        as_of: ctx.as_of.date,
        unit: unit_ref(ctx),
        suppressed: false,
        sections,
    }
}

fn unit_name(ctx: &Context<'_>) -> String {
    match ctx.scope.unit {
        Some(u) => ctx.snapshot.org_units[u as usize].name.clone(),
        None => "Hele kommunen".to_owned(),
    }
}

fn unit_ref(ctx: &Context<'_>) -> Option<UnitRef> {
    ctx.scope.unit.map(|u| {
        let unit = &ctx.snapshot.org_units[u as usize];
        UnitRef {
            id: unit.unit_id.as_str().to_owned(),
            name: unit.name.clone(),
        }
    })
}

fn unit_label(ctx: &Context<'_>, unit_id: &str) -> String {
    ctx.lookup
        .unit(unit_id)
        .map(|u| ctx.snapshot.org_units[u as usize].name.clone())
        .unwrap_or_else(|| unit_id.to_owned())
}

fn staff_name(ctx: &Context<'_>, staff_id: &str) -> String {
    ctx.lookup
        .staff_row(staff_id)
        .map(|s| ctx.snapshot.staff[s as usize].name.get().clone())
        .unwrap_or_else(|| staff_id.to_owned())
}

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

fn month_label(month: YearMonth) -> String {
    format!("{} {}", MONTHS[month.month() as usize - 1], month.year())
}

fn month_short(month: YearMonth) -> String {
    format!(
        "{}. {}",
        &MONTHS[month.month() as usize - 1][..3],
        month.year()
    )
}
