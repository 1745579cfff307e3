//! Reports: the document model (`document`) and the assembly of the four reports from key
//! figures: weekly, committee, budget and caseload. Each report function returns its
//! document and the rows its figures had to leave out; [`with_quality`] appends the data
//! quality section every report ends with.

mod budget;
pub(crate) mod build;
mod caseload;
mod committee;
pub mod document;
mod goals;
mod weekly;

pub use budget::budget;
pub use caseload::{CaseStatus, caseload};
pub use committee::{committee, month_end_on_or_before};
pub use document::*;
pub use goals::{goals_as_of, goals_of_year, goals_report, target_text};
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

/// "marts 2026".
pub fn month_label(month: YearMonth) -> String {
    format!("{} {}", MONTHS[month.month() as usize - 1], month.year())
}

fn month_short(month: YearMonth) -> String {
    format!(
        "{}. {}",
        &MONTHS[month.month() as usize - 1][..3],
        month.year()
    )
}

/// The four reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Weekly,
    Committee,
    Budget,
    Caseload,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Weekly, Kind::Committee, Kind::Budget, Kind::Caseload];

    /// The code on the command line and in the API.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Weekly => "weekly",
            Kind::Committee => "committee",
            Kind::Budget => "budget",
            Kind::Caseload => "caseload",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn label_da(self) -> &'static str {
        match self {
            Kind::Weekly => "Ugerapport",
            Kind::Committee => "Udvalgsrapport",
            Kind::Budget => "Budgetopfølgning",
            Kind::Caseload => "Sagsstammegennemgang",
        }
    }

    /// Whether the report lists single cases (personal data) rather than aggregates only.
    pub fn lists_cases(self) -> bool {
        self == Kind::Caseload
    }

    /// Whether the report reads the obligations (the legal deadlines at T). The committee
    /// report does not (KF01, KF12-KF14), so it needs no evaluation at its month end.
    pub fn reads_obligations(self) -> bool {
        self != Kind::Committee
    }

    /// T for this report when asked for `date`: the committee report is as of a month end.
    pub fn as_of_for(self, date: chrono::NaiveDate) -> chrono::NaiveDate {
        match self {
            Kind::Committee => month_end_on_or_before(date),
            _ => date,
        }
    }
}

/// Who reads a report: decides whether small counts are suppressed and whether the data
/// quality section may point at single rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Readers of the cases (caseworkers, leaders, the operator at the command line): example
    /// row ids shown, nothing suppressed.
    CaseReaders,
    /// Inside the organisation without access to the cases (the controller): no example row
    /// ids, figures not suppressed (key-figures.md: views inside the organisation are not).
    Organisation,
    /// Aggregates only (director, committee): no example row ids, small counts suppressed.
    AggregatesOnly,
}

impl Audience {
    pub fn of(role: crate::access::Role) -> Audience {
        use crate::access::Capability;
        if role.sees_suppressed_figures() {
            Audience::AggregatesOnly
        } else if role.may(Capability::CaseLists) {
            Audience::CaseReaders
        } else {
            Audience::Organisation
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Audience::CaseReaders => "cases",
            Audience::Organisation => "organisation",
            Audience::AggregatesOnly => "aggregates",
        }
    }
}

/// The complete report of `kind` for the context's unit and T and for `audience`, ending with
/// its data quality section. The committee report is suppressed for every audience; the
/// weekly and caseload reports are for readers inside the organisation only (the caller
/// checks access).
pub fn complete(
    ctx: &Context<'_>,
    rules: &crate::rules::RuleSet,
    kind: Kind,
    audience: Audience,
) -> Document {
    let (document, exclusions) = match kind {
        Kind::Weekly => weekly(ctx, rules),
        Kind::Committee => committee(ctx, rules),
        Kind::Budget => budget(ctx, audience == Audience::AggregatesOnly),
        Kind::Caseload => caseload(ctx),
    };
    let mut quality = crate::quality::assess(ctx.snapshot, ctx.sources, ctx.as_of);
    if audience != Audience::CaseReaders {
        for c in &mut quality.contradictions {
            c.examples.clear();
        }
    }
    with_quality(document, quality, &exclusions)
}
