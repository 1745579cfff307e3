//! Caseload and capacity (F6): each caseworker's open cases weighed by content, against what
//! they can carry, per caseworker and per team, with the cases behind each number; and the
//! case-weight model itself. The figures are KF09's (`figures::caseload::kf09`), so the landing
//! page, the caseload report and this page agree.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use overblik_domain::access::{Capability, Role};
use overblik_domain::figures::Period;
use overblik_domain::figures::caseload::{Kf11, kf11, open_cases_of};
use overblik_domain::tables::{STAFF_PROFILES, StaffProfile};
use overblik_domain::workload::Weighted;
use overblik_domain::workload::distribute::{NEEDS, list};
use overblik_report::number;

use super::landing::{CaseworkerLine, summary};
use super::{
    EnteredWrite, absence_label, audit_read, freshness, percent_or_dash, points, write_entered,
};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::{CaseScope, figures_unit, visible_cases};
use crate::state::AppState;
use crate::view::{Layout, Link, Page, ProfileForm, ViewCell, ViewTable, render, url_encode};

/// GET /sagsstamme
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Capability::CaseLists)?;
    let data = state.data().await?;
    let s = summary(&data, figures_unit(&user, &data)).await?;
    let mut page = Page::new(Layout::new(
        &user,
        "Sagsstamme",
        "/sagsstamme",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{}: hver sagsbehandlers åbne sager vægtet efter indhold, mod kapaciteten (point × årsværk).",
        s.unit_name
    ));
    let mut table = ViewTable::new(
        "Sagsstamme pr. sagsbehandler",
        &[
            ("Sagsbehandler", false),
            ("Åbne sager", true),
            ("Point", true),
            ("Kapacitet", true),
            ("Ledig kapacitet", true),
            ("Belastning", true),
            ("Fravær", false),
        ],
    );
    for c in &s.caseworkers {
        let cases = caseworker_href(c);
        table.rows.push(vec![
            ViewCell::text(&c.name),
            ViewCell::number(c.open_cases).link(cases.clone()),
            ViewCell::number(number::decimal(c.points, 1)).link(cases),
            ViewCell::number(number::decimal(c.capacity, 1)),
            // An absent caseworker takes no new cases, whatever the points say.
            if c.absent == Some(true) {
                ViewCell::number("0 (fravær)")
            } else {
                ViewCell::number(number::decimal(c.capacity - c.points, 1))
                    .alert_if(c.capacity < c.points)
            },
            ViewCell::number(percent_or_dash(c.utilisation))
                .alert_if(c.utilisation.is_some_and(|u| u > 1.0)),
            ViewCell::text(absence_label(c.absent)),
        ]);
    }
    table.empty = "Ingen sagsbehandlere med sager i enheden.".into();
    table.note = Some(
        "Belastning = point ÷ kapacitet. Klik på antal eller point for at se sagerne og hvorfor de vejer det, de gør."
            .into(),
    );
    page.tables.push(table);
    let mut changes = Vec::new();
    for team in &s.teams {
        changes.push(team_changes(&data, &team.unit_id).await?);
    }
    page.tables.push(team_table(&s.teams, &changes));
    page.links
        .push(Link::new("/sagsvaegte", "Sådan vægtes sagerne"));
    Ok(render(&page))
}

pub fn caseworker_href(c: &CaseworkerLine) -> String {
    format!("/sagsstamme/{}", url_encode(&c.staff_id))
}

/// KF11 of `unit` over the last 12 months up to T: caseworker changes, and per 100 cases
/// (computed once per data version and unit).
async fn team_changes(data: &Arc<Data>, unit: &str) -> Result<Arc<Kf11>, AppError> {
    let unit = unit.to_owned();
    data.cached_result(format!("kf11:{unit}"), move |data| {
        let ctx = data
            .context(Some(&unit))
            .map_err(|error| error.to_string())?;
        let to = data.date;
        let from = to
            .checked_sub_months(chrono::Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to);
        let period = Period::new(from, to).map_err(|error| error.to_string())?;
        Ok(kf11(&ctx, period))
    })
    .await
    .map_err(AppError::Internal)
}

/// Points and capacity summed per team (utilisation of the team = Σ points ÷ Σ capacity), and
/// the team's caseworker changes (KF11, continuity).
fn team_table(teams: &[super::landing::TeamLine], changes: &[Arc<Kf11>]) -> ViewTable {
    let mut table = ViewTable::new(
        "Pr. team",
        &[
            ("Team", false),
            ("Sagsbehandlere", true),
            ("Åbne sager", true),
            ("Point", true),
            ("Kapacitet", true),
            ("Belastning", true),
            ("Sagsbehandlerskift, 12 mdr.", true),
            ("Skift pr. 100 sager", true),
        ],
    );
    table.note = Some(
        "Sagsbehandlerskift (KF11): tildelinger i de seneste 12 måneder til en sag, der havde en sagsbehandler før."
            .into(),
    );
    for (team, kf11) in teams.iter().zip(changes) {
        let (points, capacity) = (team.points, team.capacity);
        let utilisation = (capacity > 0.0).then(|| points / capacity);
        table.rows.push(vec![
            ViewCell::text(&team.name),
            ViewCell::number(team.caseworkers),
            ViewCell::number(team.open_cases),
            ViewCell::number(number::decimal(points, 1)),
            ViewCell::number(number::decimal(capacity, 1)),
            ViewCell::number(percent_or_dash(utilisation))
                .alert_if(utilisation.is_some_and(|u| u > 1.0)),
            ViewCell::number(kf11.changes),
            ViewCell::number(
                kf11.per_100_cases
                    .map_or("–".into(), |v| number::decimal(v, 1)),
            ),
        ]);
    }
    table
}

/// GET /sagsstamme/{staff_id}: the open cases of one caseworker with their weight and why.
pub async fn caseworker(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(staff_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::CaseLists)?;
    let data = state.data().await?;
    let s = summary(&data, figures_unit(&user, &data)).await?;
    let line = s
        .caseworkers
        .iter()
        .find(|c| c.staff_id == staff_id)
        .cloned();
    // A caseworker sees their own cases only; a leader those of their unit's caseworkers.
    let allowed = match user.role {
        Role::Caseworker => user.staff_id.as_deref() == Some(staff_id.as_str()),
        _ => line.is_some(),
    };
    let Some(line) = line.filter(|_| allowed) else {
        return Err(user.forbidden("caseload_of_other_staff"));
    };
    let visible = visible_cases(&data, &CaseScope::of(&user)).await;
    let id = staff_id.clone();
    let all = data
        .cached_result(format!("caseload:{staff_id}"), move |data| {
            cases_of(data, &id)
        })
        .await
        .map_err(AppError::Internal)?;
    let cases: Vec<&WeighedCase> = all.iter().filter(|c| visible[c.row as usize]).collect();
    audit_read(
        &state,
        &user,
        client,
        "caseload.read",
        Some(("staff", staff_id.clone())),
        Some(format!("cases={}", cases.len())),
        cases.iter().map(|c| c.person_id.clone()).collect(),
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Sagsstamme: {}", line.name),
        "/sagsstamme",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{} åbne sager, {} point af kapacitet {} ({}).",
        line.open_cases,
        number::decimal(line.points, 1),
        number::decimal(line.capacity, 1),
        percent_or_dash(line.utilisation)
    ));
    let mut table = ViewTable::new(
        "Sagerne og deres vægt",
        &[
            ("Sag", false),
            ("Område", false),
            ("Point", true),
            ("Hvorfor", false),
            ("Kompleksitet", false),
            ("Sagsbehandlerskift", true),
        ],
    );
    for c in cases {
        table.rows.push(vec![
            ViewCell::case(Some(&c.case_id)),
            ViewCell::text(c.area),
            ViewCell::number(points(c.weight.points)),
            ViewCell::text(reasons(&c.weight)),
            ViewCell::text(c.flags.join(", ")),
            ViewCell::number(c.changes).alert_if(c.changes >= 3),
        ]);
    }
    table.empty = "Ingen åbne sager.".into();
    page.tables.push(table);
    if user.role.may(Capability::DistributeCases) {
        page.profile_form = Some(profile_form(&data, &staff_id));
    }
    page.links
        .push(Link::new("/sagsstamme", "Tilbage til sagsstammen"));
    page.links
        .push(Link::new("/sagsvaegte", "Sådan vægtes sagerne"));
    Ok(render(&page))
}

struct WeighedCase {
    row: u32,
    /// Changes of caseworker on the case up to T (assignments after the first).
    changes: u64,
    case_id: String,
    person_id: String,
    area: &'static str,
    weight: Weighted,
    flags: Vec<String>,
}

/// The open cases assigned to `staff_id` at T, heaviest first (computed once per data version
/// and caseworker; the caller keeps those the user may see).
fn cases_of(data: &Data, staff_id: &str) -> Result<Vec<WeighedCase>, String> {
    let ctx = data.context(None).map_err(|error| error.to_string())?;
    let Some(staff) = ctx.lookup.staff_row(staff_id) else {
        return Ok(Vec::new());
    };
    let model = data.weight_model();
    let t = data.date;
    let mut assignments = vec![0u64; data.snapshot.cases.len()];
    for a in &data.snapshot.assignments {
        if a.from_date <= t
            && let Some(c) = ctx.lookup.case(a.case_id.as_str())
        {
            assignments[c as usize] += 1;
        }
    }
    let mut cases: Vec<WeighedCase> = open_cases_of(&ctx, staff)
        .map(|row| {
            let case = &data.snapshot.cases[row as usize];
            let weight = ctx.weights().of(row).clone();
            let flags = weight
                .flags
                .iter()
                .map(|code| model.flag(code).map_or(code.clone(), |f| f.label.clone()))
                .collect();
            WeighedCase {
                row,
                changes: assignments[row as usize].saturating_sub(1),
                case_id: case.case_id.as_str().to_owned(),
                person_id: case.person_id.as_str().to_owned(),
                area: case.area.label_da(),
                weight,
                flags,
            }
        })
        .collect();
    cases.sort_by(|a, b| {
        b.weight
            .points
            .cmp(&a.weight.points)
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    Ok(cases)
}

/// "Sag (børn og unge) 1 · Anbragt 1 · …", and where the case system's weight was used.
pub fn reasons(weight: &Weighted) -> String {
    let parts: Vec<String> = weight
        .parts
        .iter()
        .map(|p| format!("{} {}", p.label, points(p.points)))
        .collect();
    let parts = parts.join(" · ");
    if weight.imported {
        format!("Vægt fra sagssystemet (modellen ville give: {parts})")
    } else {
        parts
    }
}

/// The competences a caseworker may have: the needs of `workload::distribute` and the
/// complexity flags of the model in force.
fn competence_choices(data: &Data) -> Vec<(String, String)> {
    let model = data.weight_model();
    NEEDS
        .iter()
        .map(|(code, label)| ((*code).to_owned(), (*label).to_owned()))
        .chain(
            model
                .flags()
                .iter()
                .map(|f| (f.code.clone(), f.label.clone())),
        )
        .collect()
}

fn profile_form(data: &Data, staff_id: &str) -> ProfileForm {
    let profile = data
        .entered
        .staff_profiles
        .iter()
        .find(|p| p.staff_id.as_str() == staff_id);
    let has: Vec<&str> = profile
        .and_then(|p| p.competences.as_deref())
        .map(|c| list(Some(c)).collect())
        .unwrap_or_default();
    ProfileForm {
        action: format!("/sagsstamme/{}/profil", url_encode(staff_id)),
        competences: competence_choices(data)
            .into_iter()
            .map(|(code, label)| {
                let checked = has.contains(&code.as_str());
                (code, label, checked)
            })
            .collect(),
        districts: profile
            .and_then(|p| p.districts.clone())
            .unwrap_or_default(),
    }
}

/// POST /sagsstamme/{staff_id}/profil: a leader sets a caseworker of the unit's competences
/// (`competence`, once per checked box) and districts (`;`-separated); audited.
pub async fn set_profile(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(staff_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::DistributeCases)?;
    let data = state.data().await?;
    let s = summary(&data, figures_unit(&user, &data)).await?;
    if !s.caseworkers.iter().any(|c| c.staff_id == staff_id) {
        return Err(user.forbidden("profile_of_other_staff"));
    }
    let known: Vec<String> = competence_choices(&data)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let mut competences: Vec<String> = Vec::new();
    let mut districts = String::new();
    for (name, value) in form {
        match name.as_str() {
            "csrf" => {}
            "competence" if known.contains(&value) => {
                if !competences.contains(&value) {
                    competences.push(value);
                }
            }
            "competence" => {
                return Err(AppError::bad_request(
                    "competence",
                    "er ikke en kendt kompetence",
                ));
            }
            "districts" => districts = value,
            other => {
                return Err(AppError::bad_request(
                    crate::input::shown_name(other),
                    "er ikke en kendt parameter",
                ));
            }
        }
    }
    let districts: Vec<&str> = list(Some(&districts)).collect();
    if districts
        .iter()
        .map(|d| d.chars().count() + 1)
        .sum::<usize>()
        > 500
    {
        return Err(AppError::bad_request("districts", "er for lang"));
    }
    let staff_row = data
        .snapshot
        .staff
        .iter()
        .find(|x| x.staff_id.as_str() == staff_id)
        .ok_or_else(|| user.forbidden("profile_of_other_staff"))?;
    let row = StaffProfile {
        staff_id: staff_row.staff_id.clone(),
        competences: (!competences.is_empty()).then(|| competences.join(";")),
        districts: (!districts.is_empty()).then(|| districts.join(";")),
    }
    .to_row();
    let detail = format!(
        "competences={} districts={}",
        competences.join(","),
        districts.len()
    );
    write_entered(
        &state,
        &user,
        client,
        "staff.profile",
        ("staff", &staff_id),
        detail,
        Vec::new(),
        EnteredWrite::Replace {
            spec: &STAFF_PROFILES,
            filter: Some(("staff_id", staff_id.clone())),
            rows: vec![row],
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/sagsstamme/{}", url_encode(&staff_id))).into_response())
}
