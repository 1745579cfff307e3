//! Management supervision (ledelsestilsyn, F10): the head of department plans an annual wheel
//! of themes, each with a checklist; a leader runs a round for their unit — a reproducible
//! sample (seed stored, re-drawn and checked on the round's page), a checklist per sampled
//! case with legality items prefilled from the deadline engine and quality items scored —
//! and the round sums up per team, with learning points, next to the trend across rounds.
//! Rounds are saved with their version (two reviewers saving the same round are detected).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use overblik_domain::access::Capability;
use overblik_domain::codes::{Area, ChecklistKind, ReviewStatus, SamplePopulation, Strata};
use overblik_domain::figures::Context;
use overblik_domain::figures::Share;
use overblik_domain::ids::{ItemId, RoundId, ThemeId};
use overblik_domain::obligations::AsOf;
use overblik_domain::report::month_label;
use overblik_domain::rules::RuleId;
use overblik_domain::supervision::{self, case_share, prefill, tally};
use overblik_domain::tables::{
    CHECKLIST_ITEMS, ChecklistItem, SUPERVISION_CASES, SUPERVISION_FINDINGS, SUPERVISION_ROUNDS,
    SUPERVISION_THEMES, SupervisionCase, SupervisionFinding, SupervisionRound, SupervisionTheme,
};
use overblik_domain::{Row, YearMonth};
use overblik_report::number;
use serde::Deserialize;

use super::{
    EnteredWrite, Fields, Versioned, audit_read, checked_year, freshness, new_id, percent_or_dash,
    text_field, version, write_entered,
};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::unit_context;
use crate::state::AppState;
use crate::view::{
    Form, FormField, Input, Layout, Link, Page, ViewCell, ViewTable, case_href, render, url_encode,
};

mod checklist;
mod round;
mod wheel;

pub use checklist::{case_page, save_case};
pub use round::{draw, round_page, save_round};
pub use wheel::{add_item, add_theme, page, theme_page};

pub(super) const MAX_TEXT: usize = 300;
pub(super) const MAX_NOTE: usize = 1000;
pub(super) const MAX_SAMPLE: i64 = 500;

pub(super) fn theme<'a>(data: &'a Data, id: &str) -> Option<&'a SupervisionTheme> {
    data.entered
        .supervision_themes
        .iter()
        .find(|t| t.theme_id.as_str() == id)
}

/// A theme's checklist in order.
pub(super) fn items<'a>(data: &'a Data, theme: &ThemeId) -> Vec<&'a ChecklistItem> {
    let mut items: Vec<&ChecklistItem> = data
        .entered
        .checklist_items
        .iter()
        .filter(|i| i.theme_id == *theme)
        .collect();
    items.sort_by_key(|i| (*i.position.get(), i.item_id.clone()));
    items
}

pub(super) fn round_cases<'a>(data: &'a Data, round: &RoundId) -> Vec<&'a SupervisionCase> {
    data.entered
        .supervision_cases
        .iter()
        .filter(|c| c.round_id == *round)
        .collect()
}

pub(super) fn round_findings<'a>(data: &'a Data, round: &RoundId) -> Vec<&'a SupervisionFinding> {
    data.entered
        .supervision_findings
        .iter()
        .filter(|f| f.round_id == *round)
        .collect()
}

/// The rounds of units in the user's scope, oldest first.
pub(super) fn rounds<'a>(data: &'a Data, ctx: &Context<'_>) -> Vec<&'a SupervisionRound> {
    let mut rounds: Vec<&SupervisionRound> = data
        .entered
        .supervision_rounds
        .iter()
        .filter(|r| {
            ctx.lookup
                .units
                .get(r.unit_id.as_str())
                .is_some_and(|&u| ctx.scope.has_unit(u))
        })
        .collect();
    rounds.sort_by_key(|r| (r.drawn_on, r.round_id.clone()));
    rounds
}

pub(super) fn unit_name(data: &Data, id: Option<&str>) -> String {
    id.and_then(|id| {
        data.snapshot
            .org_units
            .iter()
            .find(|u| u.unit_id.as_str() == id)
    })
    .map_or_else(|| "Uden team".to_owned(), |u| u.name.clone())
}

/// Legality and quality shares of a round in all.
pub(super) fn round_shares(data: &Data, round: &SupervisionRound) -> (Share, Share) {
    let items = items(data, &round.theme_id);
    let tallies = tally(
        &items,
        &round_cases(data, &round.round_id),
        &round_findings(data, &round.round_id),
    );
    let mut legality = Share::default();
    let mut quality = Share::default();
    for t in tallies {
        match t.kind {
            ChecklistKind::Legality => legality.merge(t.total),
            ChecklistKind::Quality => quality.merge(t.total),
        }
    }
    (legality, quality)
}

/// The sample of `round`'s theme in `ctx` (the unit at the day of drawing).
pub(super) fn draw_sample(
    ctx: &Context<'_>,
    theme: &SupervisionTheme,
    size: usize,
    seed: u64,
    strata: Strata,
) -> Result<Vec<supervision::Stratum>, supervision::SampleError> {
    let population = supervision::population(ctx, theme);
    let drawn = supervision::draw(&population, size, seed, strata)?;
    Ok(drawn.into_iter().map(|p| population[p].clone()).collect())
}

/// The round `id` if it is of a unit in the user's scope (the same refusal either way).
pub(super) fn round_of(
    data: &Data,
    ctx: &Context<'_>,
    user: &CurrentUser,
    id: &str,
) -> Result<SupervisionRound, AppError> {
    rounds(data, ctx)
        .into_iter()
        .find(|r| r.round_id.as_str() == id)
        .cloned()
        .ok_or_else(|| user.forbidden("round_outside_scope"))
}

pub(super) fn share_text(tally: Share) -> String {
    match tally.value() {
        Some(share) => format!(
            "{} ({} af {})",
            number::percent(share),
            tally.numerator,
            tally.denominator
        ),
        None => "–".into(),
    }
}

/// Saves the round with its version bumped — and, with `findings`, one case's findings in place
/// of its stored ones — if the stored version is still `opened`; else 409 and nothing saved.
#[allow(clippy::too_many_arguments)]
pub(super) async fn save(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    data: &Data,
    round: SupervisionRound,
    opened: i64,
    saved: SupervisionRound,
    // The case id and person whose findings `rows` replace the stored ones.
    findings: Option<(String, String, Vec<SupervisionFinding>)>,
    action: &'static str,
) -> Result<(), AppError> {
    if round.status == ReviewStatus::Closed {
        return Err(AppError::bad_request(
            "runde",
            "er afsluttet og kan ikke ændres",
        ));
    }
    // The rows written are rebuilt from the data held here: it must be the version the form
    // was opened at, or a newer save would be overwritten.
    if *round.version.get() != opened {
        return Err(AppError::Conflict(CONFLICT.into()));
    }
    let id = round.round_id.clone();
    let cases: Vec<Row> = round_cases(data, &id).iter().map(|c| c.to_row()).collect();
    let (replaced, person, new_rows) = match findings {
        Some((case, person, rows)) => (Some(case), Some(person), Some(rows)),
        None => (None, None, None),
    };
    let detail = match (&replaced, &new_rows) {
        (Some(case), Some(rows)) => format!("case={case} findings={}", rows.len()),
        _ => format!("status={}", saved.status.code()),
    };
    let all_findings: Vec<Row> = round_findings(data, &id)
        .into_iter()
        .filter(|f| {
            replaced
                .as_ref()
                .is_none_or(|case| f.case_id.as_str() != case)
        })
        .cloned()
        .chain(new_rows.into_iter().flatten())
        .map(|f| f.to_row())
        .collect();
    let head = SupervisionRound {
        version: version(opened.saturating_add(1)),
        ..saved
    }
    .to_row();
    write_entered(
        state,
        user,
        client,
        action,
        ("supervision_round", id.as_str()),
        detail,
        person.into_iter().collect(),
        Versioned {
            head_spec: &SUPERVISION_ROUNDS,
            expected: Some(opened),
            head,
            children: vec![
                (&SUPERVISION_CASES, cases),
                (&SUPERVISION_FINDINGS, all_findings),
            ],
            conflict: CONFLICT,
        },
    )
    .await
}

pub(super) const CONFLICT: &str = "Runden er gemt af en anden, siden du åbnede den.";

/// The case row and person of `case_id` if it is in `round`'s sample.
pub(super) fn sampled_case(
    data: &Data,
    ctx: &Context<'_>,
    user: &CurrentUser,
    round: &SupervisionRound,
    case_id: &str,
) -> Result<(u32, String), AppError> {
    let in_sample = round_cases(data, &round.round_id)
        .iter()
        .any(|c| c.case_id.as_str() == case_id);
    ctx.lookup
        .case(case_id)
        .filter(|_| in_sample)
        .map(|row| {
            (
                row,
                data.snapshot.cases[row as usize]
                    .person_id
                    .as_str()
                    .to_owned(),
            )
        })
        .ok_or_else(|| user.forbidden("case_not_in_sample"))
}
