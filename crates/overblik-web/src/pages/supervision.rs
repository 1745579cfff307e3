//! Management supervision (ledelsestilsyn, F10): the head of department plans an annual wheel
//! of themes, each with a checklist; a leader runs a round for their unit — a reproducible
//! sample (seed stored, re-drawn and checked on the round's page), a checklist per sampled
//! case with legality items prefilled from the deadline engine and quality items scored —
//! and the round sums up per team, with learning points, next to the trend across rounds.
//! Rounds are saved with their version (two reviewers saving the same round are detected).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use overblik_domain::access::Capability;
use overblik_domain::codes::{Area, ChecklistKind, ReviewStatus, SamplePopulation, Strata};
use overblik_domain::figures::Context;
use overblik_domain::ids::{ItemId, RoundId, ThemeId};
use overblik_domain::obligations::AsOf;
use overblik_domain::report::month_label;
use overblik_domain::rules::RuleId;
use overblik_domain::supervision::{self, Tally, finding_met, prefill, tally};
use overblik_domain::tables::{
    CHECKLIST_ITEMS, ChecklistItem, SUPERVISION_CASES, SUPERVISION_FINDINGS, SUPERVISION_ROUNDS,
    SUPERVISION_THEMES, SupervisionCase, SupervisionFinding, SupervisionRound, SupervisionTheme,
};
use overblik_domain::{Row, YearMonth};
use overblik_report::number;
use serde::Deserialize;

use super::{audit_read, change_audited, freshness, new_id, percent_or_dash, version};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::figures_unit;
use crate::state::AppState;
use crate::view::{
    Form, FormField, Input, Layout, Link, Page, ViewCell, ViewTable, case_href, render, url_encode,
};

const MAX_TEXT: usize = 300;
const MAX_NOTE: usize = 1000;
const MAX_SAMPLE: i64 = 500;

fn context<'a>(user: &CurrentUser, data: &'a Data) -> Result<Context<'a>, AppError> {
    data.context(figures_unit(user, data).as_deref())
        .map_err(|error| AppError::Internal(error.to_string()))
}

fn theme<'a>(data: &'a Data, id: &str) -> Option<&'a SupervisionTheme> {
    data.entered
        .supervision_themes
        .iter()
        .find(|t| t.theme_id.as_str() == id)
}

/// A theme's checklist in order.
fn items<'a>(data: &'a Data, theme: &ThemeId) -> Vec<&'a ChecklistItem> {
    let mut items: Vec<&ChecklistItem> = data
        .entered
        .checklist_items
        .iter()
        .filter(|i| i.theme_id == *theme)
        .collect();
    items.sort_by_key(|i| (*i.position.get(), i.item_id.clone()));
    items
}

fn round_cases<'a>(data: &'a Data, round: &RoundId) -> Vec<&'a SupervisionCase> {
    data.entered
        .supervision_cases
        .iter()
        .filter(|c| c.round_id == *round)
        .collect()
}

fn round_findings<'a>(data: &'a Data, round: &RoundId) -> Vec<&'a SupervisionFinding> {
    data.entered
        .supervision_findings
        .iter()
        .filter(|f| f.round_id == *round)
        .collect()
}

/// The rounds of units in the user's scope, oldest first.
fn rounds<'a>(data: &'a Data, ctx: &Context<'_>) -> Vec<&'a SupervisionRound> {
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

fn unit_name(data: &Data, id: Option<&str>) -> String {
    id.and_then(|id| {
        data.snapshot
            .org_units
            .iter()
            .find(|u| u.unit_id.as_str() == id)
    })
    .map_or_else(|| "Uden team".to_owned(), |u| u.name.clone())
}

/// Legality and quality shares of a round in all.
fn round_shares(data: &Data, round: &SupervisionRound) -> (Tally, Tally) {
    let items = items(data, &round.theme_id);
    let tallies = tally(
        &items,
        &round_cases(data, &round.round_id),
        &round_findings(data, &round.round_id),
    );
    let mut legality = Tally::default();
    let mut quality = Tally::default();
    for t in tallies {
        match t.kind {
            ChecklistKind::Legality => legality.merge(t.total),
            ChecklistKind::Quality => quality.merge(t.total),
        }
    }
    (legality, quality)
}

#[derive(Debug, Deserialize)]
pub struct WheelQuery {
    year: Option<i32>,
}

/// GET /tilsyn: the year's wheel, the rounds with their trend, and the forms to plan a theme
/// (head) and draw a round (leaders).
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<WheelQuery>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let ctx = context(&user, &data)?;
    let year = query.year.unwrap_or(data.date.year());
    if !(2000..=2100).contains(&year) {
        return Err(AppError::bad_request(
            "year",
            "skal ligge mellem 2000 og 2100",
        ));
    }
    let mut page = Page::new(Layout::new(
        &user,
        "Ledelsestilsyn",
        "/tilsyn",
        freshness(&data),
    ));
    page.intro.push(
        "Ledelsestilsynet følger årshjulet: hvert tema får en stikprøve af sager, som gennemgås efter temaets tjekliste — lovlighed ud fra fristerne og faglig kvalitet vurderet af lederen."
            .into(),
    );
    let mut wheel = ViewTable::new(
        format!("Årshjul {year}"),
        &[
            ("Måned", false),
            ("Tema", false),
            ("Sager", false),
            ("Punkter", true),
        ],
    );
    let mut themes: Vec<&SupervisionTheme> = data
        .entered
        .supervision_themes
        .iter()
        .filter(|t| t.month.year() == year)
        .collect();
    themes.sort_by_key(|t| (t.month, t.theme_id.clone()));
    for t in &themes {
        wheel.rows.push(vec![
            ViewCell::text(month_label(t.month)),
            ViewCell::text(&t.title)
                .link(format!("/tilsyn/tema/{}", url_encode(t.theme_id.as_str()))),
            ViewCell::text(format!(
                "{}{}",
                t.population.label_da(),
                t.area
                    .map(|a| format!(" ({})", a.label_da().to_lowercase()))
                    .unwrap_or_default()
            )),
            ViewCell::number(items(&data, &t.theme_id).len()),
        ]);
    }
    wheel.empty = format!("Ingen temaer planlagt for {year}.");
    page.tables.push(wheel);

    let mut trend = ViewTable::new(
        "Tilsynsrunder og udvikling",
        &[
            ("Trukket", false),
            ("Tema", false),
            ("Enhed", false),
            ("Sager", true),
            ("Lovlighed opfyldt", true),
            ("Faglig kvalitet opfyldt", true),
            ("Status", false),
        ],
    );
    for r in rounds(&data, &ctx) {
        let (legality, quality) = round_shares(&data, r);
        trend.rows.push(vec![
            ViewCell::text(number::date(r.drawn_on))
                .link(format!("/tilsyn/runde/{}", url_encode(r.round_id.as_str()))),
            ViewCell::text(theme(&data, r.theme_id.as_str()).map_or("", |t| t.title.as_str())),
            ViewCell::text(unit_name(&data, Some(r.unit_id.as_str()))),
            ViewCell::number(*r.size.get()),
            ViewCell::number(percent_or_dash(legality.share())),
            ViewCell::number(percent_or_dash(quality.share())),
            ViewCell::text(r.status.label_da()),
        ]);
    }
    trend.empty = "Ingen tilsynsrunder endnu.".into();
    trend.note = Some(
        "Andelen af de vurderede punkter, der er opfyldt. Et kvalitetspunkt er opfyldt med en score i den øverste halvdel af skalaen.".into(),
    );
    page.tables.push(trend);

    let all_themes: Vec<&SupervisionTheme> = {
        let mut all: Vec<&SupervisionTheme> = data.entered.supervision_themes.iter().collect();
        all.sort_by_key(|t| std::cmp::Reverse(t.month));
        all
    };
    if !all_themes.is_empty() {
        let mut form = Form::new(
            "/tilsyn/runder",
            "Træk en stikprøve til en ny tilsynsrunde",
            "Træk stikprøven",
        );
        form.fields.push(FormField::new(
            "theme_id",
            "Tema",
            Input::Select {
                options: all_themes
                    .iter()
                    .map(|t| {
                        (
                            t.theme_id.as_str().to_owned(),
                            format!("{} ({})", t.title, t.month),
                            false,
                        )
                    })
                    .collect(),
            },
        ));
        form.fields.push(FormField::new(
            "size",
            "Antal sager i stikprøven",
            Input::Number {
                value: "5".into(),
                min: 1,
                max: MAX_SAMPLE,
            },
        ));
        form.fields.push(FormField::new(
            "strata",
            "Fordeling",
            Input::codes(
                Strata::ALL.iter().map(|s| (s.code(), s.label_da())),
                Some(Strata::Caseworker.code()),
            ),
        ));
        form.fields.push(
            FormField::new("seed", "Seed (tom: et tilfældigt)", Input::text(18))
                .hint("Samme seed og samme data giver samme stikprøve; seedet gemmes med runden."),
        );
        page.forms.push(form);
    }
    if user.role.may(Capability::PlanSupervision) {
        let mut form = Form::new(
            "/tilsyn/temaer",
            "Planlæg et tema i årshjulet",
            "Tilføj temaet",
        );
        form.fields.push(FormField::new(
            "month",
            "Måned (ÅÅÅÅ-MM)",
            Input::Text {
                value: format!("{year}-{:02}", data.date.month()),
                max: 7,
            },
        ));
        form.fields
            .push(FormField::new("title", "Tema", Input::text(MAX_TEXT)));
        let mut areas = vec![(String::new(), "Alle områder".to_owned(), true)];
        areas.extend(
            Area::ALL
                .iter()
                .map(|a| (a.code().to_owned(), a.label_da().to_owned(), false)),
        );
        form.fields.push(FormField::new(
            "area",
            "Område",
            Input::Select { options: areas },
        ));
        form.fields.push(FormField::new(
            "population",
            "Stikprøven trækkes blandt",
            Input::codes(
                SamplePopulation::ALL
                    .iter()
                    .map(|p| (p.code(), p.label_da())),
                None,
            ),
        ));
        form.fields.push(FormField::new(
            "description",
            "Beskrivelse",
            Input::TextArea {
                value: String::new(),
                max: MAX_NOTE,
            },
        ));
        page.forms.push(form);
    }
    page.links.push(Link::new(
        format!("/tilsyn?year={}", year - 1),
        format!("Årshjul {}", year - 1),
    ));
    page.links.push(Link::new(
        format!("/tilsyn?year={}", year + 1),
        format!("Årshjul {}", year + 1),
    ));
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct ThemeRequest {
    month: String,
    title: String,
    area: String,
    population: String,
    description: String,
}

fn text_field(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::bad_request(field, "skal udfyldes"));
    }
    if value.chars().count() > max {
        return Err(AppError::bad_request(
            field,
            format!("er længere end {max} tegn"),
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// POST /tilsyn/temaer: a theme of the wheel (head).
pub async fn add_theme(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<ThemeRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::PlanSupervision)?;
    let month = YearMonth::parse(form.month.trim())
        .ok_or_else(|| AppError::bad_request("month", "skal være en måned som 2026-03"))?;
    let title = text_field("title", &form.title, MAX_TEXT, true)?.unwrap_or_default();
    let area = match form.area.as_str() {
        "" => None,
        code => Some(
            Area::from_code(code)
                .ok_or_else(|| AppError::bad_request("area", "er ikke et kendt område"))?,
        ),
    };
    let population = SamplePopulation::from_code(&form.population)
        .ok_or_else(|| AppError::bad_request("population", "er ikke en kendt population"))?;
    let description = text_field("description", &form.description, MAX_NOTE, false)?;
    let id: ThemeId = new_id("T");
    let row = SupervisionTheme {
        theme_id: id.clone(),
        month,
        title,
        area,
        population,
        description,
    }
    .to_row();
    change_audited(
        &state,
        &user,
        client,
        "supervision.theme",
        ("supervision_theme", id.as_str()),
        format!("month={month}"),
        Vec::new(),
        move |store| {
            store
                .insert_entered_row(&SUPERVISION_THEMES, &row)
                .map(|()| true)
        },
    )
    .await?;
    state.refresh_entered().await?;
    Ok(Redirect::to(&format!("/tilsyn/tema/{}", id.as_str())).into_response())
}

/// GET /tilsyn/tema/{theme_id}: the theme and its checklist; the head adds items.
pub async fn theme_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(theme_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let t = theme(&data, &theme_id).ok_or_else(|| user.forbidden("unknown_theme"))?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Tema: {}", t.title),
        "/tilsyn",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{} · stikprøve blandt: {}{}",
        month_label(t.month),
        t.population.label_da().to_lowercase(),
        t.area
            .map(|a| format!(" ({})", a.label_da().to_lowercase()))
            .unwrap_or_default()
    ));
    if let Some(d) = &t.description {
        page.intro.push(d.clone());
    }
    let mut table = ViewTable::new(
        "Tjekliste",
        &[
            ("Nr.", true),
            ("Type", false),
            ("Punkt", false),
            ("Udfyldes fra", false),
        ],
    );
    let rules = state.rules();
    for (n, item) in items(&data, &t.theme_id).iter().enumerate() {
        let source = match (item.kind, item.rule.as_deref().and_then(RuleId::from_id)) {
            (ChecklistKind::Legality, Some(rule)) => {
                format!("Fristen «{}»", rules.rule(rule).title)
            }
            (ChecklistKind::Legality, None) => "Lederens vurdering (ja/nej)".into(),
            (ChecklistKind::Quality, _) => format!(
                "Score 1-{}",
                item.scale_max.as_ref().map_or(4, |m| *m.get())
            ),
        };
        table.rows.push(vec![
            ViewCell::number(n + 1),
            ViewCell::text(item.kind.label_da()),
            ViewCell::text(&item.text),
            ViewCell::text(source),
        ]);
    }
    table.empty = "Temaet har ingen punkter endnu.".into();
    page.tables.push(table);
    if user.role.may(Capability::PlanSupervision) {
        let mut form = Form::new(
            format!("/tilsyn/tema/{}", url_encode(&theme_id)),
            "Tilføj et punkt",
            "Tilføj punktet",
        );
        form.fields.push(FormField::new(
            "kind",
            "Type",
            Input::codes(
                ChecklistKind::ALL.iter().map(|k| (k.code(), k.label_da())),
                None,
            ),
        ));
        form.fields
            .push(FormField::new("text", "Punkt", Input::text(MAX_TEXT)));
        let mut rule_options = vec![(String::new(), "Ingen (lederens vurdering)".to_owned(), true)];
        rule_options.extend(
            RuleId::ALL
                .iter()
                .map(|r| (r.id().to_owned(), rules.rule(*r).title.clone(), false)),
        );
        form.fields.push(
            FormField::new(
                "rule",
                "Lovlighed: udfyld fra fristen",
                Input::Select {
                    options: rule_options,
                },
            )
            .hint(
                "Punktet er opfyldt, når alle forfaldne frister efter reglen i sagen er overholdt.",
            ),
        );
        form.fields.push(
            FormField::new(
                "scale_max",
                "Faglig kvalitet: skalaens maksimum",
                Input::Number {
                    value: "4".into(),
                    min: 2,
                    max: 10,
                },
            )
            .hint("Skalaen går fra 1; en score i den øverste halvdel tæller som opfyldt."),
        );
        page.forms.push(form);
    }
    page.links.push(Link::new(
        format!("/tilsyn?year={}", t.month.year()),
        "Årshjulet",
    ));
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct ItemRequest {
    kind: String,
    text: String,
    rule: String,
    scale_max: String,
}

/// POST /tilsyn/tema/{theme_id}: adds an item to the theme's checklist (head).
pub async fn add_item(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(theme_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<ItemRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::PlanSupervision)?;
    let data = state.data().await?;
    let t = theme(&data, &theme_id).ok_or_else(|| user.forbidden("unknown_theme"))?;
    let kind = ChecklistKind::from_code(&form.kind)
        .ok_or_else(|| AppError::bad_request("kind", "skal være legality eller quality"))?;
    let text = text_field("text", &form.text, MAX_TEXT, true)?.unwrap_or_default();
    let (rule, scale_max) = match kind {
        ChecklistKind::Legality => {
            let rule = match form.rule.as_str() {
                "" => None,
                id => Some(
                    RuleId::from_id(id)
                        .ok_or_else(|| AppError::bad_request("rule", "er ikke en kendt frist"))?
                        .id()
                        .to_owned(),
                ),
            };
            (rule, None)
        }
        ChecklistKind::Quality => {
            let max: i64 = form
                .scale_max
                .trim()
                .parse()
                .ok()
                .filter(|m| (2..=10).contains(m))
                .ok_or_else(|| {
                    AppError::bad_request("scale_max", "skal være et helt tal mellem 2 og 10")
                })?;
            (None, Some(version(max)))
        }
    };
    let existing = items(&data, &t.theme_id);
    let position = existing
        .iter()
        .map(|i| *i.position.get())
        .max()
        .unwrap_or(0)
        + 1;
    let item = ChecklistItem {
        theme_id: t.theme_id.clone(),
        item_id: ItemId::parse(&format!("I{position}"))
            .map_err(|e| AppError::Internal(e.to_string()))?,
        kind,
        text,
        rule,
        scale_max,
        position: version(position),
    };
    let row = item.to_row();
    change_audited(
        &state,
        &user,
        client,
        "supervision.item",
        ("supervision_theme", &theme_id),
        format!("kind={}", kind.code()),
        Vec::new(),
        move |store| {
            store
                .insert_entered_row(&CHECKLIST_ITEMS, &row)
                .map(|()| true)
        },
    )
    .await?;
    state.refresh_entered().await?;
    Ok(Redirect::to(&format!("/tilsyn/tema/{}", url_encode(&theme_id))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DrawRequest {
    theme_id: String,
    size: String,
    strata: String,
    seed: String,
}

/// The sample of `round`'s theme in `ctx` (the unit at the day of drawing).
fn draw_sample(
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

/// POST /tilsyn/runder: draws the sample of a new round for the user's unit.
pub async fn draw(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<DrawRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let t = theme(&data, &form.theme_id)
        .ok_or_else(|| AppError::bad_request("theme_id", "er ikke et tema i årshjulet"))?
        .clone();
    let size: i64 = form
        .size
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=MAX_SAMPLE).contains(n))
        .ok_or_else(|| {
            AppError::bad_request(
                "size",
                format!("skal være et helt tal mellem 1 og {MAX_SAMPLE}"),
            )
        })?;
    let strata = Strata::from_code(&form.strata)
        .ok_or_else(|| AppError::bad_request("strata", "er ikke en kendt fordeling"))?;
    let seed: i64 = match form.seed.trim() {
        "" => i64::from(rand::random::<u32>()),
        text => text
            .parse()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| AppError::bad_request("seed", "skal være et helt tal fra 0"))?,
    };
    let Some(unit) = figures_unit(&user, &data) else {
        return Err(user.forbidden("supervision_without_unit"));
    };
    let ctx = context(&user, &data)?;
    let sample = draw_sample(&ctx, &t, size as usize, seed as u64, strata)
        .map_err(|error| AppError::bad_request("size", error.to_string()))?;
    let s = &data.snapshot;
    let round_id: RoundId = new_id("SR");
    let round = SupervisionRound {
        round_id: round_id.clone(),
        theme_id: t.theme_id.clone(),
        unit_id: overblik_domain::ids::OrgUnitId::parse(&unit)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        drawn_on: data.date,
        seed: version(seed),
        size: version(size),
        strata,
        leader: user.username.clone(),
        status: ReviewStatus::Open,
        learning_points: None,
        version: version(0),
    };
    let cases: Vec<Row> = sample
        .iter()
        .map(|m| {
            SupervisionCase {
                round_id: round_id.clone(),
                case_id: s.cases[m.case as usize].case_id.clone(),
                staff_id: m.caseworker.map(|w| s.staff[w as usize].staff_id.clone()),
                team_id: m.team.map(|u| s.org_units[u as usize].unit_id.clone()),
            }
            .to_row()
        })
        .collect();
    let persons = sample
        .iter()
        .map(|m| s.cases[m.case as usize].person_id.as_str().to_owned())
        .collect();
    let head = round.to_row();
    change_audited(
        &state,
        &user,
        client,
        "supervision.draw",
        ("supervision_round", round_id.as_str()),
        format!(
            "theme={} size={size} seed={seed} strata={}",
            t.theme_id,
            strata.code()
        ),
        persons,
        move |store| {
            store.save_versioned(
                &SUPERVISION_ROUNDS,
                None,
                &head,
                &[(&SUPERVISION_CASES, cases)],
            )
        },
    )
    .await?;
    state.refresh_entered().await?;
    Ok(Redirect::to(&format!("/tilsyn/runde/{}", round_id.as_str())).into_response())
}

/// The round `id` if it is of a unit in the user's scope (the same refusal either way).
fn round_of(
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

/// GET /tilsyn/runde/{round_id}: the sample (checked by drawing it again), the summary per
/// team and item, and the learning points.
pub async fn round_page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(round_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let ctx = context(&user, &data)?;
    let round = round_of(&data, &ctx, &user, &round_id)?;
    let cases = round_cases(&data, &round.round_id);
    let findings = round_findings(&data, &round.round_id);
    let s = &data.snapshot;
    audit_read(
        &state,
        &user,
        client,
        "supervision.read",
        Some(("supervision_round", round_id.clone())),
        Some(format!("cases={}", cases.len())),
        cases
            .iter()
            .filter_map(|c| s.cases.iter().find(|x| x.case_id == c.case_id))
            .map(|c| c.person_id.as_str().to_owned())
            .collect(),
    )
    .await?;
    let t = theme(&data, round.theme_id.as_str()).cloned();
    let title = t
        .as_ref()
        .map_or("(tema slettet)".to_owned(), |t| t.title.clone());
    let mut page = Page::new(Layout::new(
        &user,
        format!("Tilsyn: {title}"),
        "/tilsyn",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{} · trukket {} af {} · {} sager, {} · seed {} · {}",
        unit_name(&data, Some(round.unit_id.as_str())),
        number::date(round.drawn_on),
        round.leader,
        round.size.get(),
        round.strata.label_da().to_lowercase(),
        round.seed.get(),
        round.status.label_da()
    ));
    if let Some(t) = &t {
        page.intro
            .push(resample_check(&state, &data, &round, t, &cases).await);
    }
    let items = t
        .as_ref()
        .map(|t| items(&data, &t.theme_id))
        .unwrap_or_default();
    let mut sample = ViewTable::new(
        "Sagerne i stikprøven",
        &[
            ("Sag", false),
            ("Sagsbehandler", false),
            ("Team", false),
            ("Vurderet", true),
            ("Opfyldt", true),
        ],
    );
    for c in &cases {
        let mine: Vec<&&SupervisionFinding> =
            findings.iter().filter(|f| f.case_id == c.case_id).collect();
        let mut met = Tally::default();
        for item in &items {
            if let Some(m) = mine
                .iter()
                .find(|f| f.item_id == item.item_id)
                .and_then(|f| finding_met(item, f))
            {
                met.add(m);
            }
        }
        sample.rows.push(vec![
            ViewCell::text(c.case_id.as_str()).link(format!(
                "/tilsyn/runde/{}/{}",
                url_encode(&round_id),
                url_encode(c.case_id.as_str())
            )),
            ViewCell::text(
                c.staff_id
                    .as_ref()
                    .and_then(|id| s.staff.iter().find(|x| x.staff_id == *id))
                    .map_or("Ingen".to_owned(), |x| x.name.get().clone()),
            ),
            ViewCell::text(unit_name(&data, c.team_id.as_ref().map(|u| u.as_str()))),
            ViewCell::text(format!("{} af {}", mine.len(), items.len())),
            ViewCell::text(format!("{} af {}", met.met, met.assessed)),
        ]);
    }
    sample.note = Some("Klik på sagen for at udfylde tjeklisten.".into());
    page.tables.push(sample);
    let tallies = tally(&items, &cases, &findings);
    let teams: Vec<Option<String>> = {
        let mut teams: Vec<Option<String>> = cases
            .iter()
            .map(|c| c.team_id.as_ref().map(|u| u.as_str().to_owned()))
            .collect();
        teams.sort();
        teams.dedup();
        teams
    };
    let team_names: Vec<String> = teams
        .iter()
        .map(|t| unit_name(&data, t.as_deref()))
        .collect();
    let mut columns: Vec<(&str, bool)> = vec![("Punkt", false), ("Type", false)];
    columns.extend(team_names.iter().map(|n| (n.as_str(), true)));
    columns.push(("I alt", true));
    let mut summary = ViewTable::new("Opfyldt pr. punkt og team", &columns);
    for (item, t) in items.iter().zip(&tallies) {
        let mut row = vec![
            ViewCell::text(&item.text),
            ViewCell::text(item.kind.label_da()),
        ];
        for team in &teams {
            let tally = t.per_team.get(team).copied().unwrap_or_default();
            row.push(ViewCell::number(share_text(tally)));
        }
        row.push(ViewCell::number(share_text(t.total)));
        summary.rows.push(row);
    }
    summary.empty = "Temaet har ingen punkter.".into();
    summary.note =
        Some("Opfyldt af de vurderede sager; ikke relevante punkter tæller ikke med.".into());
    page.tables.push(summary);
    let mut form = Form::new(
        format!("/tilsyn/runde/{}", url_encode(&round_id)),
        "Læringspunkter",
        "Gem",
    );
    form.hidden
        .push(("version", round.version.get().to_string()));
    form.read_only = round.status == ReviewStatus::Closed;
    form.fields.push(FormField::new(
        "learning_points",
        "Hvad tager teamet med fra tilsynet?",
        Input::TextArea {
            value: round.learning_points.clone().unwrap_or_default(),
            max: MAX_NOTE * 2,
        },
    ));
    form.fields.push(FormField::new(
        "close",
        "Afslut runden (kan derefter ikke ændres)",
        Input::Checkbox { checked: false },
    ));
    page.forms.push(form);
    page.links.push(Link::new("/tilsyn", "Årshjul og runder"));
    Ok(render(&page))
}

fn share_text(tally: Tally) -> String {
    match tally.share() {
        Some(share) => format!(
            "{} ({} af {})",
            number::percent(share),
            tally.met,
            tally.assessed
        ),
        None => "–".into(),
    }
}

/// "Stikprøven er trukket igen …": the sample drawn again from the seed and the data at the
/// day of drawing, compared with the stored cases (cached per data version).
async fn resample_check(
    state: &AppState,
    data: &Arc<Data>,
    round: &SupervisionRound,
    theme: &SupervisionTheme,
    stored: &[&SupervisionCase],
) -> String {
    let _ = state;
    let (r, t) = (round.clone(), theme.clone());
    let again = data
        .cached_result(format!("resample:{}", round.round_id), move |data| {
            let ctx = data
                .context_at(
                    Some(r.unit_id.as_str()),
                    AsOf::end_of(r.drawn_on),
                    &data.evaluation,
                )
                .map_err(|e| e.to_string())?;
            let sample = draw_sample(
                &ctx,
                &t,
                *r.size.get() as usize,
                *r.seed.get() as u64,
                r.strata,
            )
            .map_err(|e| e.to_string())?;
            let mut ids: Vec<String> = sample
                .iter()
                .map(|m| {
                    data.snapshot.cases[m.case as usize]
                        .case_id
                        .as_str()
                        .to_owned()
                })
                .collect();
            ids.sort();
            Ok(ids)
        })
        .await;
    let mut stored: Vec<&str> = stored.iter().map(|c| c.case_id.as_str()).collect();
    stored.sort_unstable();
    match again {
        Ok(ids) if ids.iter().map(String::as_str).eq(stored.iter().copied()) => format!(
            "Kontrol: stikprøven er trukket igen fra seedet og data pr. {}, og det gav de samme {} sager.",
            number::date(round.drawn_on),
            stored.len()
        ),
        Ok(ids) => format!(
            "Kontrol: stikprøven trukket igen fra seedet gav {} andre sager end de gemte — data for {} er ændret siden (rettet eller indlæst igen).",
            ids.iter()
                .filter(|id| !stored.contains(&id.as_str()))
                .count(),
            number::date(round.drawn_on)
        ),
        Err(error) => format!("Kontrol: stikprøven kunne ikke trækkes igen ({error})."),
    }
}

/// POST /tilsyn/runde/{round_id}: learning points, and closing the round.
pub async fn save_round(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(round_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let ctx = context(&user, &data)?;
    let round = round_of(&data, &ctx, &user, &round_id)?;
    let fields = Fields::parse(form, &["learning_points", "close"])?;
    let learning = text_field(
        "learning_points",
        fields.get("learning_points"),
        MAX_NOTE * 2,
        false,
    )?;
    let saved = SupervisionRound {
        learning_points: learning,
        status: if fields.has("close") {
            ReviewStatus::Closed
        } else {
            ReviewStatus::Open
        },
        ..round.clone()
    };
    save(
        &state,
        &user,
        client,
        &data,
        round,
        fields.version,
        saved,
        None,
        "supervision.round",
    )
    .await?;
    Ok(Redirect::to(&format!("/tilsyn/runde/{}", url_encode(&round_id))).into_response())
}

/// A posted form: the version it was opened at and the other fields by name, unknown names
/// refused (by their field name, never echoing a value).
struct Fields {
    version: i64,
    values: BTreeMap<String, String>,
}

impl Fields {
    fn parse(form: Vec<(String, String)>, known: &[&str]) -> Result<Fields, AppError> {
        Fields::parse_with(form, |name| known.contains(&name))
    }

    fn parse_with(
        form: Vec<(String, String)>,
        known: impl Fn(&str) -> bool,
    ) -> Result<Fields, AppError> {
        let mut version = None;
        let mut values = BTreeMap::new();
        for (name, value) in form {
            match name.as_str() {
                "csrf" => {}
                "version" => {
                    version = Some(value.parse::<i64>().map_err(|_| {
                        AppError::bad_request("version", "mangler eller er ikke et tal")
                    })?)
                }
                other if known(other) => {
                    values.insert(name, value);
                }
                other => {
                    return Err(AppError::bad_request(
                        crate::input::shown_name(other),
                        "er ikke et felt i formularen",
                    ));
                }
            }
        }
        Ok(Fields {
            version: version.ok_or_else(|| AppError::bad_request("version", "mangler"))?,
            values,
        })
    }

    fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

/// Saves the round with its version bumped — and, with `findings`, one case's findings in place
/// of its stored ones — if the stored version is still `opened`; else 409 and nothing saved.
#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    data: &Data,
    round: SupervisionRound,
    opened: i64,
    saved: SupervisionRound,
    findings: Option<(String, Vec<SupervisionFinding>)>,
    action: &'static str,
) -> Result<(), AppError> {
    if round.status == ReviewStatus::Closed {
        return Err(AppError::bad_request(
            "runde",
            "er afsluttet og kan ikke ændres",
        ));
    }
    let id = round.round_id.clone();
    let cases: Vec<Row> = round_cases(data, &id).iter().map(|c| c.to_row()).collect();
    let (person, detail) = match &findings {
        Some((case, rows)) => (
            data.snapshot
                .cases
                .iter()
                .find(|c| c.case_id.as_str() == case)
                .map(|c| c.person_id.as_str().to_owned()),
            format!("case={case} findings={}", rows.len()),
        ),
        None => (None, format!("status={}", saved.status.code())),
    };
    let (replaced, new_rows) = findings.unzip();
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
        version: version(opened + 1),
        ..saved
    }
    .to_row();
    let written = change_audited(
        state,
        user,
        client,
        action,
        ("supervision_round", id.as_str()),
        detail,
        person.into_iter().collect(),
        move |store| {
            store.save_versioned(
                &SUPERVISION_ROUNDS,
                Some(opened),
                &head,
                &[
                    (&SUPERVISION_CASES, cases),
                    (&SUPERVISION_FINDINGS, all_findings),
                ],
            )
        },
    )
    .await?;
    if !written {
        return Err(AppError::Conflict(
            "Runden er gemt af en anden, siden du åbnede den.".into(),
        ));
    }
    state.refresh_entered().await?;
    Ok(())
}

/// GET /tilsyn/runde/{round_id}/{case_id}: the checklist for one sampled case.
pub async fn case_page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path((round_id, case_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let ctx = context(&user, &data)?;
    let round = round_of(&data, &ctx, &user, &round_id)?;
    let (row, person) = sampled_case(&data, &user, &round, &case_id)?;
    audit_read(
        &state,
        &user,
        client,
        "supervision.case",
        Some(("case", case_id.clone())),
        Some(format!("round={round_id}")),
        vec![person],
    )
    .await?;
    let t = theme(&data, round.theme_id.as_str()).ok_or_else(|| user.forbidden("unknown_theme"))?;
    let findings: Vec<&SupervisionFinding> = round_findings(&data, &round.round_id)
        .into_iter()
        .filter(|f| f.case_id.as_str() == case_id)
        .collect();
    let mut page = Page::new(Layout::new(
        &user,
        format!("Tilsyn med sag {case_id}"),
        "/tilsyn",
        freshness(&data),
    ));
    page.intro
        .push(format!("Tema: {} · {}", t.title, round.status.label_da()));
    let mut form = Form::new(
        format!(
            "/tilsyn/runde/{}/{}",
            url_encode(&round_id),
            url_encode(&case_id)
        ),
        "Tjekliste",
        "Gem vurderingen",
    );
    form.hidden
        .push(("version", round.version.get().to_string()));
    form.read_only = round.status == ReviewStatus::Closed;
    let rules = state.rules();
    for item in items(&data, &t.theme_id) {
        let id = item.item_id.as_str();
        let stored = findings.iter().find(|f| f.item_id == item.item_id);
        match item.kind {
            ChecklistKind::Legality => {
                let engine = item
                    .rule
                    .as_deref()
                    .and_then(RuleId::from_id)
                    .map(|rule| (rule, prefill(&data.evaluation, row, rule)));
                let value = match (stored, &engine) {
                    (Some(f), _) => f.met,
                    (None, Some((_, p))) => p.met,
                    (None, None) => None,
                };
                let mut field = FormField::new(
                    format!("met_{id}"),
                    format!("Lovlighed: {}", item.text),
                    Input::Select {
                        options: [
                            ("ja", "Opfyldt", Some(true)),
                            ("nej", "Ikke opfyldt", Some(false)),
                            ("", "Ikke relevant", None),
                        ]
                        .iter()
                        .map(|(code, label, v)| (code.to_string(), label.to_string(), *v == value))
                        .collect(),
                    },
                );
                if let Some((rule, p)) = &engine {
                    field = field.hint(format!(
                        "Fra fristerne («{}»): {}",
                        rules.rule(*rule).title,
                        p.basis
                    ));
                }
                form.fields.push(field);
            }
            ChecklistKind::Quality => {
                let max = item.scale_max.as_ref().map_or(4, |m| *m.get());
                form.fields.push(
                    FormField::new(
                        format!("score_{id}"),
                        format!("Faglig kvalitet: {}", item.text),
                        Input::Number {
                            value: stored
                                .and_then(|f| f.score.as_ref())
                                .map(|s| s.get().to_string())
                                .unwrap_or_default(),
                            min: 1,
                            max,
                        },
                    )
                    .hint(format!(
                        "Score fra 1 (ikke opfyldt) til {max} (fuldt opfyldt); tom: ikke vurderet."
                    )),
                );
            }
        }
        form.fields.push(FormField::new(
            format!("note_{id}"),
            format!("Bemærkning: {}", item.text),
            Input::Text {
                value: stored.and_then(|f| f.note.clone()).unwrap_or_default(),
                max: MAX_NOTE,
            },
        ));
    }
    page.forms.push(form);
    page.links.push(Link::new(case_href(&case_id), "Sagen"));
    page.links.push(Link::new(
        format!("/tilsyn/runde/{}", url_encode(&round_id)),
        "Runden",
    ));
    Ok(render(&page))
}

/// The case row and person of `case_id` if it is in `round`'s sample.
fn sampled_case(
    data: &Data,
    user: &CurrentUser,
    round: &SupervisionRound,
    case_id: &str,
) -> Result<(u32, String), AppError> {
    let in_sample = round_cases(data, &round.round_id)
        .iter()
        .any(|c| c.case_id.as_str() == case_id);
    data.snapshot
        .cases
        .iter()
        .position(|c| c.case_id.as_str() == case_id)
        .filter(|_| in_sample)
        .map(|row| {
            (
                row as u32,
                data.snapshot.cases[row].person_id.as_str().to_owned(),
            )
        })
        .ok_or_else(|| user.forbidden("case_not_in_sample"))
}

/// POST /tilsyn/runde/{round_id}/{case_id}: the findings for one case.
pub async fn save_case(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path((round_id, case_id)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let ctx = context(&user, &data)?;
    let round = round_of(&data, &ctx, &user, &round_id)?;
    sampled_case(&data, &user, &round, &case_id)?;
    let t = theme(&data, round.theme_id.as_str()).ok_or_else(|| user.forbidden("unknown_theme"))?;
    let items = items(&data, &t.theme_id);
    let known = |name: &str| {
        ["met_", "score_", "note_"].iter().any(|prefix| {
            name.strip_prefix(prefix)
                .is_some_and(|id| items.iter().any(|i| i.item_id.as_str() == id))
        })
    };
    let fields = Fields::parse_with(form, known)?;
    let case = overblik_domain::ids::CaseId::parse(&case_id)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut rows = Vec::new();
    for item in &items {
        let id = item.item_id.as_str();
        let note = text_field("note", fields.get(&format!("note_{id}")), MAX_NOTE, false)?;
        let (met, score) = match item.kind {
            ChecklistKind::Legality => {
                let met = match fields.get(&format!("met_{id}")) {
                    "ja" => Some(true),
                    "nej" => Some(false),
                    "" => None,
                    _ => {
                        return Err(AppError::bad_request(
                            format!("met_{id}"),
                            "skal være ja, nej eller tom",
                        ));
                    }
                };
                (met, None)
            }
            ChecklistKind::Quality => {
                let max = item.scale_max.as_ref().map_or(4, |m| *m.get());
                let score = match fields.get(&format!("score_{id}")).trim() {
                    "" => None,
                    text => Some(
                        text.parse::<i64>()
                            .ok()
                            .filter(|s| (1..=max).contains(s))
                            .ok_or_else(|| {
                                AppError::bad_request(
                                    format!("score_{id}"),
                                    format!("skal ligge på skalaen fra 1 til {max}"),
                                )
                            })?,
                    ),
                };
                (None, score.map(version))
            }
        };
        if met.is_none() && score.is_none() && note.is_none() {
            continue;
        }
        rows.push(SupervisionFinding {
            round_id: round.round_id.clone(),
            case_id: case.clone(),
            item_id: item.item_id.clone(),
            met,
            score,
            note,
            recorded_on: data.date,
            recorded_by: user.username.clone(),
        });
    }
    save(
        &state,
        &user,
        client,
        &data,
        round.clone(),
        fields.version,
        round,
        Some((case_id.clone(), rows)),
        "supervision.findings",
    )
    .await?;
    Ok(Redirect::to(&format!("/tilsyn/runde/{}", url_encode(&round_id))).into_response())
}
