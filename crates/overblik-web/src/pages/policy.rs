//! Political goals (F16): the committee's children's policy as themes → annual goals →
//! indicators bound to key figures, with each indicator's value, target, trend and status for
//! a year. The head of department or an administrator sets them; everyone who works under the
//! policy sees them (committee and director suppressed, as every aggregate audience). The
//! annual report (`report::goals_report`, the same document as `overblik report goals`) is
//! computed once per data version, year and audience, shown, and downloaded as XLSX.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use overblik_domain::Value;
use overblik_domain::access::Capability;
use overblik_domain::codes::{IndicatorDirection, IndicatorFigure, ReportingFrequency};
use overblik_domain::field::{Field, NonNegative, Year};
use overblik_domain::ids::{AnnualGoalId, IndicatorId, PolicyThemeId};
use overblik_domain::obligations::{AsOf, Evaluation};
use overblik_domain::policy::{Status, check_target};
use overblik_domain::report::{self, Audience, Cell, ColumnKind, Document};
use overblik_domain::tables::{
    ANNUAL_GOALS, AnnualGoal, INDICATORS, Indicator, POLICY_THEMES, PolicyTheme,
};
use overblik_report::{Format, number};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::reports::{attachment, audit_report};
use super::{EnteredWrite, checked_year, freshness, new_id, text_field, write_entered};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Form, FormField, Input, Layout, Link, Page, ViewCell, ViewTable, render};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 1000;
/// The seed's advice (S1 ch. 2): a few annual goals the committee follows every month.
const ADVISED_GOALS: usize = 5;

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

fn year_of(query: &YearQuery, data: &Data) -> Result<i32, AppError> {
    checked_year("year", query.year.unwrap_or(data.date.year()).into())
}

/// The annual report of `year` for `user`'s audience, computed once per data version.
async fn annual_report(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
) -> Result<(Arc<Data>, Arc<Document>), AppError> {
    user.require(Capability::PoliticalGoals)?;
    let data = state.data().await?;
    let t = report::goals_as_of(year, data.date)
        .map_err(|message| AppError::bad_request("year", message))?;
    let suppressed = Audience::of(user.role) == Audience::AggregatesOnly;
    let rules = state.rules().clone();
    let document = data
        .cached_result(
            format!("goals:{year}:{suppressed}"),
            move |data| -> Result<Document, String> {
                // Today's evaluation serves values as of today; other dates are evaluated by
                // the report for the indicators that read deadlines.
                let today = t == data.date;
                let none = Evaluation::default();
                let evaluation = if today { &data.evaluation } else { &none };
                let ctx = data
                    .context_at(None, AsOf::end_of(t), evaluation)
                    .map_err(|error| error.to_string())?;
                Ok(report::goals_report(&ctx, &rules, today, year, suppressed))
            },
        )
        .await
        .map_err(AppError::Internal)?;
    Ok((data, document))
}

/// The report's status table as a page table; a status off track is marked.
fn status_view(doc: &Document) -> Option<ViewTable> {
    let table = doc
        .sections
        .iter()
        .flat_map(|s| &s.tables)
        .find(|t| t.id == "political_goals_status")?;
    let columns: Vec<(&str, bool)> = table
        .columns
        .iter()
        .map(|c| (c.title.as_str(), c.kind != ColumnKind::Text))
        .collect();
    let mut view = ViewTable::new(table.title.clone(), &columns);
    for row in &table.rows {
        view.rows.push(
            row.iter()
                .zip(&table.columns)
                .map(|(cell, column)| {
                    let off = matches!(cell, Cell::Text(t) if t == Status::OffTrack.label_da());
                    ViewCell::text(number::cell_text(cell, column.kind)).alert_if(off)
                })
                .collect(),
        );
    }
    view.note = table.footnotes.first().cloned();
    Some(view)
}

/// GET /maal: the year's goals with their status, the themes, and the forms to set them.
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    user.require(Capability::PoliticalGoals)?;
    let data = state.data().await?;
    let year = year_of(&query, &data)?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Politiske mål {year}"),
        "/maal",
        freshness(&data),
    ));
    page.intro.push(
        "Børne- og ungepolitikken som temaer, årsmål og indikatorer. Hver indikator er bundet til et nøgletal for en enhed, med en målværdi, en retning og en opgørelsesfrekvens, og udvalget følger status hver måned."
            .into(),
    );
    let goals: Vec<&AnnualGoal> = data
        .entered
        .annual_goals
        .iter()
        .filter(|g| *g.year.get() == i64::from(year))
        .collect();
    if year <= data.date.year() && !goals.is_empty() {
        let (_, doc) = annual_report(&state, &user, year).await?;
        page.suppressed_notice = doc.suppressed;
        if let Some(view) = status_view(&doc) {
            page.tables.push(view);
        }
        page.links.push(Link::new(
            format!("/maal/rapport?year={year}"),
            format!("Årsrapport for {year} (til udskrift)"),
        ));
        page.downloads.push(Link::new(
            format!("/maal/rapport/xlsx?year={year}"),
            format!("Hent årsrapporten for {year} som regneark (XLSX)"),
        ));
    }
    page.tables.push(goals_table(&data, year, &goals));
    if user.role.may(Capability::SetPoliticalGoals) {
        page.forms.extend(forms(&data, year, &goals));
    }
    page.links.push(Link::new(
        format!("/maal?year={}", year - 1),
        format!("Politiske mål {}", year - 1),
    ));
    page.links.push(Link::new(
        format!("/maal?year={}", year + 1),
        format!("Politiske mål {}", year + 1),
    ));
    Ok(render(&page))
}

fn theme<'a>(data: &'a Data, id: &PolicyThemeId) -> Option<&'a PolicyTheme> {
    data.entered
        .policy_themes
        .iter()
        .find(|t| &t.theme_id == id)
}

/// Every theme with the year's goals under it, and the goals' indicators.
fn goals_table(data: &Data, year: i32, goals: &[&AnnualGoal]) -> ViewTable {
    let mut table = ViewTable::new(
        format!("Temaer og årsmål {year}"),
        &[("Tema", false), ("Årsmål", false), ("Indikatorer", false)],
    );
    let mut themes: Vec<&PolicyTheme> = data.entered.policy_themes.iter().collect();
    themes.sort_by(|a, b| a.title.cmp(&b.title));
    for t in themes {
        let mut of_theme: Vec<&&AnnualGoal> =
            goals.iter().filter(|g| g.theme_id == t.theme_id).collect();
        of_theme.sort_by(|a, b| a.title.cmp(&b.title));
        if of_theme.is_empty() {
            table.rows.push(vec![
                ViewCell::text(&t.title),
                ViewCell::text("Ingen årsmål i året"),
                ViewCell::text(""),
            ]);
        }
        for g in of_theme {
            let indicators: Vec<String> = data
                .entered
                .indicators
                .iter()
                .filter(|i| i.annual_goal_id == g.annual_goal_id)
                .map(|i| {
                    format!(
                        "{} {} ({})",
                        i.figure.code(),
                        report::target_text(i),
                        i.frequency.label_da().to_lowercase()
                    )
                })
                .collect();
            table.rows.push(vec![
                ViewCell::text(&t.title),
                ViewCell::text(&g.title),
                ViewCell::text(if indicators.is_empty() {
                    "Ingen indikator endnu".to_owned()
                } else {
                    indicators.join("; ")
                }),
            ]);
        }
    }
    table.empty = "Udvalget har ingen temaer i børne- og ungepolitikken endnu.".into();
    if goals.len() > ADVISED_GOALS {
        table.note = Some(format!(
            "{} årsmål i {year}. Kommuner, der følger op med succes, vælger 3-5 årsmål om året.",
            goals.len()
        ));
    }
    table
}

fn forms(data: &Data, year: i32, goals: &[&AnnualGoal]) -> Vec<Form> {
    let mut out = Vec::new();
    let mut theme_form = Form::new(
        "/maal/temaer",
        "Nyt tema i børne- og ungepolitikken",
        "Tilføj temaet",
    );
    // Named apart from the goal form's fields: both forms are on the page (ids must differ).
    theme_form.fields.push(FormField::new(
        "theme_title",
        "Tema",
        Input::text(MAX_TITLE),
    ));
    theme_form.fields.push(FormField::new(
        "theme_description",
        "Beskrivelse af temaet",
        Input::TextArea {
            value: String::new(),
            max: MAX_DESCRIPTION,
        },
    ));
    out.push(theme_form);
    if !data.entered.policy_themes.is_empty() {
        let mut form = Form::new("/maal/aarsmaal", "Nyt årsmål", "Tilføj årsmålet");
        form.fields.push(FormField::new(
            "theme_id",
            "Tema",
            Input::Select {
                options: data
                    .entered
                    .policy_themes
                    .iter()
                    .map(|t| (t.theme_id.as_str().to_owned(), t.title.clone(), false))
                    .collect(),
            },
        ));
        form.fields.push(FormField::new(
            "year",
            "År",
            Input::Number {
                value: year.to_string(),
                min: 2000,
                max: 2100,
            },
        ));
        form.fields.push(
            FormField::new("title", "Årsmål", Input::text(MAX_TITLE))
                .hint("Et konkret mål for året, fx «Flere underretninger vurderes inden 24 timer». Typisk 3-5 årsmål om året."),
        );
        form.fields.push(FormField::new(
            "description",
            "Beskrivelse: effekt og indsatser",
            Input::TextArea {
                value: String::new(),
                max: MAX_DESCRIPTION,
            },
        ));
        out.push(form);
    }
    if !goals.is_empty() {
        let mut form = Form::new("/maal/indikatorer", "Ny indikator", "Tilføj indikatoren");
        form.fields.push(FormField::new(
            "annual_goal_id",
            "Årsmål",
            Input::Select {
                options: goals
                    .iter()
                    .map(|g| (g.annual_goal_id.as_str().to_owned(), g.title.clone(), false))
                    .collect(),
            },
        ));
        form.fields.push(
            FormField::new(
                "figure",
                "Nøgletal",
                Input::Select {
                    options: IndicatorFigure::ALL
                        .iter()
                        .map(|f| {
                            (
                                f.code().to_owned(),
                                format!("{} {} ({})", f.code(), f.label_da(), f.unit().label_da()),
                                false,
                            )
                        })
                        .collect(),
                },
            )
            .hint("Definitionerne står i nøgletalskataloget; en andel angives i procent."),
        );
        let mut units = vec![(String::new(), "Hele kommunen".to_owned(), true)];
        units.extend(
            data.snapshot
                .org_units
                .iter()
                .map(|u| (u.unit_id.as_str().to_owned(), u.name.clone(), false)),
        );
        form.fields.push(FormField::new(
            "unit_id",
            "Enhed",
            Input::Select { options: units },
        ));
        form.fields.push(
            FormField::new("target", "Målværdi", Input::text(20))
                .hint("I nøgletallets enhed, fx 95 for 95 % eller 10 for 10 frister."),
        );
        form.fields.push(FormField::new(
            "direction",
            "Retning",
            Input::codes(
                IndicatorDirection::ALL
                    .iter()
                    .map(|d| (d.code(), d.label_da())),
                None,
            ),
        ));
        form.fields.push(FormField::new(
            "frequency",
            "Opgøres",
            Input::codes(
                ReportingFrequency::ALL
                    .iter()
                    .map(|f| (f.code(), f.label_da())),
                Some(ReportingFrequency::Monthly.code()),
            ),
        ));
        form.fields.push(
            FormField::new("tolerance", "Tolerance (valgfri)", Input::text(20))
                .hint("Hvor langt fra målet status stadig er «I risiko». Tom: 10 % af målværdien."),
        );
        out.push(form);
    }
    out
}

/// GET /maal/rapport: the annual report on screen (printable).
pub async fn report_page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    user.require(Capability::PoliticalGoals)?;
    let year = year_of(&query, &*state.data().await?)?;
    let (data, doc) = annual_report(&state, &user, year).await?;
    audit_report(&state, &user, client, &data, &doc, "report.read", "html").await?;
    let mut page = Page::new(Layout::new(
        &user,
        doc.title.clone(),
        "/maal",
        freshness(&data),
    ));
    page.intro.push(doc.subtitle.clone());
    page.suppressed_notice = doc.suppressed;
    page.downloads.push(Link::new(
        format!("/maal/rapport/xlsx?year={year}"),
        "Hent årsrapporten som regneark (XLSX)",
    ));
    page.report_html = Some(
        overblik_report::html_sections(&doc)
            .map_err(|error| AppError::Internal(error.to_string()))?,
    );
    page.links
        .push(Link::new(format!("/maal?year={year}"), "Politiske mål"));
    Ok(render(&page))
}

/// GET /maal/rapport/xlsx: the annual report as a workbook, audited as an export.
pub async fn report_xlsx(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    user.require(Capability::PoliticalGoals)?;
    let year = year_of(&query, &*state.data().await?)?;
    let (data, doc) = annual_report(&state, &user, year).await?;
    let bytes = overblik_report::render(&doc, Format::Xlsx)
        .map_err(|error| AppError::Internal(error.to_string()))?;
    audit_report(&state, &user, client, &data, &doc, "report.export", "xlsx").await?;
    Ok(attachment(
        Format::Xlsx,
        &format!("politiske-maal-{year}.xlsx"),
        bytes,
    ))
}

/// Back to the year's goals.
fn to_year(year: i32) -> Response {
    Redirect::to(&format!("/maal?year={year}")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct ThemeRequest {
    theme_title: String,
    theme_description: String,
}

/// POST /maal/temaer
pub async fn add_theme(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<ThemeRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::SetPoliticalGoals)?;
    let data = state.data().await?;
    let title = text_field("theme_title", &form.theme_title, MAX_TITLE, true)?.unwrap_or_default();
    let description = text_field(
        "theme_description",
        &form.theme_description,
        MAX_DESCRIPTION,
        false,
    )?;
    let id: PolicyThemeId = new_id("PT");
    let row = PolicyTheme {
        theme_id: id.clone(),
        title,
        description,
    }
    .to_row();
    let year = data.date.year();
    write_entered(
        &state,
        &user,
        client,
        "goals.theme",
        ("policy_theme", id.as_str()),
        String::new(),
        Vec::new(),
        EnteredWrite::Insert(&POLICY_THEMES, row),
    )
    .await?;
    Ok(to_year(year))
}

#[derive(Debug, Deserialize)]
pub struct GoalRequest {
    theme_id: String,
    year: String,
    title: String,
    description: String,
}

/// POST /maal/aarsmaal
pub async fn add_goal(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<GoalRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::SetPoliticalGoals)?;
    let data = state.data().await?;
    let theme = PolicyThemeId::parse(form.theme_id.trim())
        .ok()
        .and_then(|id| theme(&data, &id))
        .ok_or_else(|| AppError::bad_request("theme_id", "er ikke et tema i politikken"))?;
    let year = checked_year(
        "year",
        form.year
            .trim()
            .parse()
            .map_err(|_| AppError::bad_request("year", "skal være et år mellem 2000 og 2100"))?,
    )?;
    let title = text_field("title", &form.title, MAX_TITLE, true)?.unwrap_or_default();
    let description = text_field("description", &form.description, MAX_DESCRIPTION, false)?;
    let id: AnnualGoalId = new_id("AG");
    let row = AnnualGoal {
        annual_goal_id: id.clone(),
        theme_id: theme.theme_id.clone(),
        year: Year::from_value(&Value::Int(year.into())).expect("checked above"),
        title,
        description,
    }
    .to_row();
    write_entered(
        &state,
        &user,
        client,
        "goals.annual_goal",
        ("annual_goal", id.as_str()),
        format!("year={year}"),
        Vec::new(),
        EnteredWrite::Insert(&ANNUAL_GOALS, row),
    )
    .await?;
    Ok(to_year(year))
}

#[derive(Debug, Deserialize)]
pub struct IndicatorRequest {
    annual_goal_id: String,
    figure: String,
    unit_id: String,
    target: String,
    direction: String,
    frequency: String,
    tolerance: String,
}

/// A decimal as a user types it ("95", "12,5", "12.5").
fn decimal(field: &'static str, text: &str) -> Result<Decimal, AppError> {
    text.trim()
        .replace(',', ".")
        .parse::<Decimal>()
        .map_err(|_| AppError::bad_request(field, "skal være et tal, fx 95 eller 12,5"))
}

/// The key figure of `code`, or why it cannot be bound to an indicator.
fn figure(code: &str) -> Result<IndicatorFigure, AppError> {
    let code = code.trim().to_uppercase();
    IndicatorFigure::from_code(&code).ok_or_else(|| {
        let catalogue = code
            .strip_prefix("KF")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| (1..=23).contains(&n));
        let why = if catalogue {
            format!("{code} har ikke én værdi pr. enhed og periode og kan ikke bindes til et mål")
        } else {
            format!("«{code}» er ikke et nøgletal i nøgletalskataloget (KF01-KF23)")
        };
        AppError::bad_request(
            "figure",
            format!("{why}; vælg blandt {}", IndicatorFigure::CODES.join(", ")),
        )
    })
}

/// POST /maal/indikatorer
pub async fn add_indicator(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<IndicatorRequest>,
) -> Result<Response, AppError> {
    user.require(Capability::SetPoliticalGoals)?;
    let data = state.data().await?;
    let goal = data
        .entered
        .annual_goals
        .iter()
        .find(|g| g.annual_goal_id.as_str() == form.annual_goal_id.trim())
        .ok_or_else(|| AppError::bad_request("annual_goal_id", "er ikke et årsmål"))?;
    let figure = figure(&form.figure)?;
    let unit_id = match form.unit_id.trim() {
        "" => None,
        id => Some(
            data.snapshot
                .org_units
                .iter()
                .find(|u| u.unit_id.as_str() == id)
                .map(|u| u.unit_id.clone())
                .ok_or_else(|| AppError::bad_request("unit_id", "er ikke en enhed i data"))?,
        ),
    };
    let target = decimal("target", &form.target)?;
    if let Some(message) = check_target(figure, target) {
        return Err(AppError::bad_request("target", message));
    }
    let direction = IndicatorDirection::from_code(form.direction.trim()).ok_or_else(|| {
        AppError::bad_request(
            "direction",
            "skal være higher (højere er bedre) eller lower",
        )
    })?;
    let frequency = ReportingFrequency::from_code(form.frequency.trim()).ok_or_else(|| {
        AppError::bad_request("frequency", "skal være monthly, quarterly eller yearly")
    })?;
    let tolerance = match form.tolerance.trim() {
        "" => None,
        text => Some(
            NonNegative::from_value(&Value::Decimal(decimal("tolerance", text)?))
                .ok_or_else(|| AppError::bad_request("tolerance", "kan ikke være negativ"))?,
        ),
    };
    let id: IndicatorId = new_id("IN");
    let year = *goal.year.get() as i32;
    let row = Indicator {
        indicator_id: id.clone(),
        annual_goal_id: goal.annual_goal_id.clone(),
        figure,
        unit_id: unit_id.clone(),
        target,
        direction,
        frequency,
        tolerance,
    }
    .to_row();
    write_entered(
        &state,
        &user,
        client,
        "goals.indicator",
        ("indicator", id.as_str()),
        format!(
            "figure={} unit={} target={target}",
            figure.code(),
            unit_id.as_ref().map_or("-", |u| u.as_str())
        ),
        Vec::new(),
        EnteredWrite::Insert(&INDICATORS, row),
    )
    .await?;
    Ok(to_year(year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_outside_the_catalogue_and_one_that_cannot_be_bound_are_told_apart() {
        let message = |code: &str| match figure(code) {
            Err(AppError::BadRequest { field, message }) => {
                assert_eq!(field, "figure");
                message
            }
            other => panic!("{other:?}"),
        };
        assert!(message("KF99").starts_with("«KF99» er ikke et nøgletal"));
        assert!(message("KF09").starts_with("KF09 har ikke én værdi"));
        assert_eq!(figure("kf06").unwrap(), IndicatorFigure::Kf06);
    }
}
