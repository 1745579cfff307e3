//! Result follow-up across cases (F11, KF21): the progress of the plans' goals by measure type,
//! by provider of the same measure type, and by team, each with the number of goals behind it —
//! so a leader can see which measures and providers move children forward. Aggregates of the
//! user's unit without case ids; the per-case goals are on the case page.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use overblik_domain::access::Capability;
use overblik_domain::codes::MeasureType;
use overblik_domain::figures::results::{Kf21, kf21_groups};
use overblik_report::number;

use super::{freshness, percent_or_dash};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::scope::unit_context;
use crate::state::AppState;
use crate::view::{Layout, Page, ViewCell, ViewTable, render};

/// GET /resultater
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Capability::UnitFigures)?;
    let data = state.data().await?;
    let ctx = unit_context(&user, &data)?;
    let mut page = Page::new(Layout::new(
        &user,
        "Resultater",
        "/resultater",
        freshness(&data),
    ));
    page.intro.push(
        "Fremgang i målene i børnenes planer (score 0-10 ved hver opfølgning): gennemsnitlig fremgang fra første til seneste score, og hvor mange åbne mål der ikke har flyttet sig efter mindst to opfølgninger."
            .into(),
    );
    let Some(groups) = kf21_groups(&ctx) else {
        page.intro.push(
            "Kommunen har ikke leveret mål, scorer og opfølgninger (goals, goal_scores, followups)."
                .into(),
        );
        return Ok(render(&page));
    };
    let s = &data.snapshot;
    let type_label = |code: &str| {
        MeasureType::from_code(code)
            .map_or("Plan uden indsats".to_owned(), |t| t.label_da().to_owned())
    };
    let provider_name = |id: &str| {
        s.providers
            .iter()
            .find(|p| p.provider_id.as_str() == id)
            .map_or("Ingen leverandør".to_owned(), |p| p.name.clone())
    };
    let unit_name = |id: &str| {
        s.org_units
            .iter()
            .find(|u| u.unit_id.as_str() == id)
            .map_or("Uden sagsbehandler".to_owned(), |u| u.name.clone())
    };
    page.tables.push(table(
        "Pr. indsatstype",
        &["Indsatstype"],
        &groups.by_measure_type,
        |key| vec![type_label(key)],
    ));
    page.tables.push(table(
        "Pr. leverandør af samme indsatstype",
        &["Indsatstype", "Leverandør"],
        &groups.by_provider,
        |key| {
            let (kind, provider) = key.split_once('/').unwrap_or((key, "none"));
            vec![type_label(kind), provider_name(provider)]
        },
    ));
    page.tables
        .push(table("Pr. team", &["Team"], &groups.by_team, |key| {
            vec![unit_name(key)]
        }));
    Ok(render(&page))
}

/// One table of KF21 figures, a row per group, labelled by `label`.
fn table(
    caption: &str,
    key_columns: &[&'static str],
    groups: &BTreeMap<String, Kf21>,
    label: impl Fn(&str) -> Vec<String>,
) -> ViewTable {
    let mut columns: Vec<(&str, bool)> = key_columns.iter().map(|c| (*c, false)).collect();
    columns.extend([
        ("Mål med score", true),
        ("Gns. fremgang", true),
        ("Ingen fremgang", true),
        ("Af åbne mål med 2+ scorer", true),
    ]);
    let mut table = ViewTable::new(caption, &columns);
    for (key, kf21) in groups {
        let mut row: Vec<ViewCell> = label(key).into_iter().map(ViewCell::text).collect();
        let no_progress = kf21.no_progress.value();
        row.extend([
            ViewCell::number(kf21.goals_scored),
            ViewCell::number(
                kf21.mean_progress
                    .map_or("–".into(), |p| number::decimal(p, 1)),
            ),
            ViewCell::number(percent_or_dash(no_progress))
                .alert_if(no_progress.is_some_and(|v| v >= 0.5)),
            ViewCell::number(kf21.no_progress.denominator),
        ]);
        table.rows.push(row);
    }
    table.empty = "Ingen mål med score.".into();
    table
}
