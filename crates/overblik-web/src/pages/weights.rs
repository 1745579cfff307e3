//! The case-weight model (F6): the points in force, and the head of department's form to set
//! them — every factor's points and the complexity flags, a new flag included. Saved as the
//! entered table `weight_points` (the same file a municipality may import) with its audit
//! entry; every weight, caseload and suggestion follows at once.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Redirect, Response};
use overblik_domain::access::Capability;
use overblik_domain::codes::WeightFactor;
use overblik_domain::field::{Field, NonNegative};
use overblik_domain::tables::{WEIGHT_POINTS, WeightPoint};
use overblik_domain::workload::WeightModel;
use overblik_domain::{Row, Value};
use rust_decimal::Decimal;

use super::{EnteredWrite, freshness, points, write_entered};
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Form, FormField, Input, Layout, Page, ViewCell, ViewTable, render};

/// No single fact should weigh more than this many average children's cases (1 point each in
/// the built-in model).
const MAX_POINTS: i64 = 20;
const MAX_LABEL: usize = 100;

/// GET /sagsvaegte: the case-weight model in force (and, for the head, the form to set it).
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Capability::CaseLists)?;
    let data = state.data().await?;
    let model = data.weight_model();
    let mut page = Page::new(Layout::new(
        &user,
        "Sådan vægtes sagerne",
        "/sagsstamme",
        freshness(&data),
    ));
    page.intro.push(format!(
        "En sags vægt er summen af de punkter, der gælder for den på opgørelsesdagen. Overbliks standardpoint er sat, så en gennemsnitlig åben børnesag vejer 1 point. En sagsbehandlers kapacitet er kapacitetspoint × årsværk; uden kapacitetspoint i data er det {} point pr. fuldtidsansat (Dansk Socialrådgiverforening anbefaler 20-30 børnesager).",
        data.settings
            .default_capacity_points
            .normalize()
            .to_string()
            .replace('.', ",")
    ));
    let mut table = ViewTable::new(
        "Point efter sagens indhold",
        &[("Hvad", false), ("Værdi", false), ("Point", true)],
    );
    for (factor, value, p) in model.table() {
        table.rows.push(vec![
            ViewCell::text(factor.label_da()),
            ViewCell::text(value_label(factor, value)),
            ViewCell::number(points(p)),
        ]);
    }
    page.tables.push(table);
    let mut flags = ViewTable::new(
        "Kompleksitet, som lederen sætter på sagen",
        &[("Kode", false), ("Kompleksitet", false), ("Point", true)],
    );
    for flag in model.flags() {
        flags.rows.push(vec![
            ViewCell::text(&flag.code),
            ViewCell::text(&flag.label),
            ViewCell::number(points(flag.points)),
        ]);
    }
    flags.note = Some(if data.entered.weight_points.is_empty() {
        "Kommunen bruger overbliks standardpoint. Fagchefen kan ændre dem her, eller de kan indlæses som filen weight_points (se docs/interchange-format.md).".into()
    } else {
        "Kommunens egne point (weight_points) gælder, hvor de er sat; ellers standardpointene."
            .into()
    });
    page.tables.push(flags);
    if user.role.may(Capability::ConfigureWork) {
        page.forms.push(form(&model));
    }
    Ok(render(&page))
}

/// The form: one points field per factor value (`w:<factor>:<value>`) and per flag
/// (`f:<code>`), named by their codes so that a model changed meanwhile (an import) cannot put
/// points on the wrong line; and a new flag.
fn form(model: &WeightModel) -> Form {
    let mut form = Form::new("/sagsvaegte", "Ret pointene", "Gem pointene");
    for (factor, value, p) in model.table() {
        form.fields.push(FormField::new(
            factor_field(factor, value),
            format!("{}: {}", factor.label_da(), value_label(factor, value)),
            Input::Text {
                value: points(p),
                max: 6,
            },
        ));
    }
    for flag in model.flags() {
        form.fields.push(FormField::new(
            format!("f:{}", flag.code),
            format!("Kompleksitet: {}", flag.label),
            Input::Text {
                value: points(flag.points),
                max: 6,
            },
        ));
    }
    form.fields.push(
        FormField::new(
            "new_label",
            "Ny kompleksitet (navn)",
            Input::text(MAX_LABEL),
        )
        .hint("Tom: ingen ny. Den kan derefter sættes på sager og vælges som kompetence."),
    );
    form.fields.push(FormField::new(
        "new_points",
        "Ny kompleksitet (point)",
        Input::text(6),
    ));
    form
}

/// Points as typed ("1,5" or "1.5"), between 0 and [`MAX_POINTS`].
fn parse_points(text: &str, what: &str) -> Result<NonNegative, AppError> {
    let parsed: Option<Decimal> = text.trim().replace(',', ".").parse().ok();
    parsed
        .filter(|p| *p >= Decimal::ZERO && *p <= Decimal::from(MAX_POINTS))
        .and_then(|p| NonNegative::from_value(&Value::Decimal(p)))
        .ok_or_else(|| {
            AppError::bad_request(
                "points",
                format!("«{what}» skal være et tal mellem 0 og {MAX_POINTS} (fx 0,5)"),
            )
        })
}

/// Points in force, kept as they are when their field is not posted.
fn kept(points: Decimal) -> NonNegative {
    NonNegative::from_value(&Value::Decimal(points)).expect("the model's points are not negative")
}

/// POST /sagsvaegte: the model's points (head of department).
pub async fn store(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::ConfigureWork)?;
    let data = state.data().await?;
    let model = data.weight_model();
    let value = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let known = |name: &str| {
        matches!(name, "csrf" | "new_label" | "new_points")
            || name.starts_with("w:")
            || name.starts_with("f:")
    };
    if let Some((unknown, _)) = form.iter().find(|(name, _)| !known(name)) {
        return Err(AppError::bad_request(
            crate::input::shown_name(unknown),
            "er ikke et felt i formularen",
        ));
    }
    let mut rows: Vec<WeightPoint> = Vec::new();
    for (factor, code, current) in model.table() {
        let what = format!("{}: {}", factor.label_da(), value_label(factor, code));
        let points = match value(&factor_field(factor, code)) {
            Some(text) => parse_points(text, &what)?,
            None => kept(current),
        };
        rows.push(WeightPoint {
            factor,
            value: code.to_owned(),
            points,
            label: None,
        });
    }
    for flag in model.flags() {
        let points = match value(&format!("f:{}", flag.code)) {
            Some(text) => parse_points(text, &flag.label)?,
            None => kept(flag.points),
        };
        rows.push(WeightPoint {
            factor: WeightFactor::Flag,
            value: flag.code.clone(),
            points,
            label: Some(flag.label.clone()),
        });
    }
    let label = value("new_label").unwrap_or_default().trim();
    if !label.is_empty() {
        if label.chars().count() > MAX_LABEL {
            return Err(AppError::bad_request(
                "new_label",
                format!("er længere end {MAX_LABEL} tegn"),
            ));
        }
        if model.flags().iter().any(|f| f.label == label) {
            return Err(AppError::bad_request("new_label", "findes allerede"));
        }
        let code = (1..)
            .map(|n| format!("flag{n}"))
            .find(|code| model.flag(code).is_none())
            .expect("a free code");
        rows.push(WeightPoint {
            factor: WeightFactor::Flag,
            value: code,
            points: parse_points(value("new_points").unwrap_or_default(), label)?,
            label: Some(label.to_owned()),
        });
    }
    let detail = format!("rows={}", rows.len());
    let rows: Vec<Row> = rows.iter().map(WeightPoint::to_row).collect();
    write_entered(
        &state,
        &user,
        client,
        "weights.model",
        ("weight_points", "all"),
        detail,
        Vec::new(),
        EnteredWrite::Replace {
            spec: &WEIGHT_POINTS,
            filter: None,
            rows,
        },
    )
    .await?;
    Ok(Redirect::to("/sagsvaegte").into_response())
}

/// The form field of a factor's value.
fn factor_field(factor: WeightFactor, value: &str) -> String {
    format!("w:{}:{value}", factor.code())
}

fn value_label(factor: WeightFactor, value: &str) -> String {
    match (factor, value) {
        (WeightFactor::Area, code) => overblik_domain::codes::Area::from_code(code)
            .map_or(code.to_owned(), |a| a.label_da().to_owned()),
        (WeightFactor::AgeBand, band) => format!("{band} år"),
        (WeightFactor::ActiveMeasure, _) => "pr. indsats".into(),
        (_, "yes") => "ja".into(),
        (_, other) => other.to_owned(),
    }
}
