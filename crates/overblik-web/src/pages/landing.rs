//! The landing page ("Overblik"): each role's few figures. Caseworker: own caseload, overdue
//! and upcoming obligations. Team leader: red numbers and caseload per caseworker, cases
//! without a caseworker. Head: the teams side by side and budget against forecast. Director:
//! the same for the municipality, suppressed, without drill-down. Committee: the committee
//! report. Controller: the budget report. Administrator: users and data freshness. Auditor:
//! recent refused accesses.
//!
//! The figures behind a page are computed once per data version and unit ([`summary`]), so
//! a page view costs a cache lookup and rendering.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Redirect, Response};
use overblik_domain::access::{Capability, Role};
use overblik_domain::figures::Period;
use overblik_domain::figures::WITHOUT_CASEWORKER;
use overblik_domain::figures::caseload::kf09;
use overblik_domain::figures::caseload::kf10;
use overblik_domain::figures::deadlines::{Holder, WITHOUT_CASE, in_scope, kf16};
use overblik_domain::figures::economy::kf18_to_kf20;
use overblik_domain::obligations::Status;
use overblik_domain::report::Kind;
use overblik_domain::suppression::{Relation, protect};
use overblik_report::number;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::{absence_label, freshness, obligations, percent_or_dash};
use crate::auth::CurrentUser;
use crate::data::Data;
use crate::error::AppError;
use crate::scope::figures_unit;
use crate::state::AppState;
use crate::view::{Headline, Layout, Link, Page, ViewCell, ViewTable, render, url_encode};

/// Days ahead counted as "upcoming".
const UPCOMING_DAYS: u64 = 14;

#[derive(Debug, Clone, Serialize)]
pub struct CaseworkerLine {
    pub staff_id: String,
    pub name: String,
    pub unit_id: String,
    pub open_cases: u64,
    pub points: f64,
    pub capacity: f64,
    pub utilisation: Option<f64>,
    pub absent: Option<bool>,
    pub overdue: u64,
    pub upcoming: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamLine {
    pub unit_id: String,
    pub name: String,
    pub caseworkers: u64,
    pub open_cases: u64,
    pub overdue: u64,
    /// Σ of the caseworkers' points and capacity (KF09).
    pub points: f64,
    pub capacity: f64,
}

/// The red numbers and upcoming deadlines nobody holds: in cases without a caseworker at T
/// («uden sagsbehandler», with those cases) and in notifications without a case («uden sag»).
/// They are rows of the tables under every headline, so each headline is the sum of its rows.
#[derive(Debug, Clone, Serialize)]
pub struct UnownedLine {
    /// `none` or `nocase`: the `staff` filter of `/frister` that lists them.
    pub key: &'static str,
    pub label: &'static str,
    pub open_cases: u64,
    pub overdue: u64,
    pub upcoming: u64,
}

/// The figures of one unit's landing page.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub unit: Option<String>,
    pub unit_name: String,
    pub open_cases: u64,
    pub overdue: u64,
    pub upcoming: u64,
    pub without_caseworker: u64,
    pub caseworkers: Vec<CaseworkerLine>,
    /// «Uden sagsbehandler» and «uden sag», each shown when it has anything.
    pub unowned: Vec<UnownedLine>,
    pub teams: Vec<TeamLine>,
    /// Budget and forecast of the year (KF20 summed), when budgets were supplied.
    pub budget: Option<(f64, f64)>,
}

fn compute(data: &Data, unit: Option<&str>) -> Result<Summary, String> {
    let ctx = data.context(unit).map_err(|e| e.to_string())?;
    let s = &data.snapshot;
    let loads = kf09(&ctx);
    // Only the red numbers at T are shown here, so the period of the lapsed ones is T alone.
    let today = Period::new(data.date, data.date).map_err(|e| e.to_string())?;
    let overdue = kf16(&ctx, today);
    let without = kf10(&ctx);
    let horizon = data.date + chrono::Days::new(UPCOMING_DAYS);
    let mut upcoming: BTreeMap<Holder, u64> = BTreeMap::new();
    for o in &data.evaluation.obligations {
        if o.status == Status::Open && o.due.date() <= horizon && in_scope(&ctx, o) {
            *upcoming.entry(Holder::of(o)).or_default() += 1;
        }
    }
    let upcoming_of = |holder| upcoming.get(&holder).copied().unwrap_or(0);
    // Every caseworker with a load, a red number or an upcoming deadline in the unit: the
    // rows must add up to the headlines.
    let mut staff_ids: Vec<&str> = loads.by_caseworker.keys().map(String::as_str).collect();
    staff_ids.extend(
        overdue
            .by_caseworker
            .keys()
            .map(String::as_str)
            .filter(|id| *id != WITHOUT_CASEWORKER && *id != WITHOUT_CASE),
    );
    staff_ids.extend(
        upcoming
            .keys()
            .filter(|holder| matches!(holder, Holder::Caseworker(_)))
            .map(|holder| holder.key(s)),
    );
    staff_ids.sort_unstable();
    staff_ids.dedup();
    let mut caseworkers: Vec<CaseworkerLine> = staff_ids
        .into_iter()
        .map(|staff_id| {
            let row = ctx.lookup.staff_row(staff_id);
            let staff = row.map(|r| &s.staff[r as usize]);
            let load = loads.by_caseworker.get(staff_id);
            CaseworkerLine {
                staff_id: staff_id.to_owned(),
                name: staff.map(|x| x.name.get().clone()).unwrap_or_default(),
                unit_id: load.map(|l| l.unit_id.clone()).unwrap_or_else(|| {
                    staff
                        .map(|x| x.unit_id.as_str().to_owned())
                        .unwrap_or_default()
                }),
                open_cases: load.map_or(0, |l| l.open_cases),
                points: load.map_or(0.0, |l| l.points),
                capacity: load.map_or(0.0, |l| l.capacity),
                utilisation: load.and_then(|l| l.utilisation),
                absent: load.and_then(|l| l.absent),
                overdue: overdue.by_caseworker.get(staff_id).copied().unwrap_or(0),
                upcoming: row.map_or(0, |r| upcoming_of(Holder::Caseworker(r))),
            }
        })
        .collect();
    let red_of = |key: &str| overdue.by_caseworker.get(key).copied().unwrap_or(0);
    let unowned: Vec<UnownedLine> = [
        UnownedLine {
            key: "none",
            label: "Uden sagsbehandler",
            open_cases: without.without_caseworker,
            overdue: red_of(WITHOUT_CASEWORKER),
            upcoming: upcoming_of(Holder::WithoutCaseworker),
        },
        UnownedLine {
            key: "nocase",
            label: "Uden sag (underretninger)",
            open_cases: 0,
            overdue: red_of(WITHOUT_CASE),
            upcoming: upcoming_of(Holder::WithoutCase),
        },
    ]
    .into_iter()
    .filter(|line| line.open_cases + line.overdue + line.upcoming > 0)
    .collect();
    caseworkers.sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| a.name.cmp(&b.name)));
    let mut teams: BTreeMap<String, TeamLine> = BTreeMap::new();
    for line in &caseworkers {
        let team = teams
            .entry(line.unit_id.clone())
            .or_insert_with(|| TeamLine {
                unit_id: line.unit_id.clone(),
                name: s
                    .org_units
                    .iter()
                    .find(|u| u.unit_id.as_str() == line.unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                caseworkers: 0,
                open_cases: 0,
                overdue: 0,
                points: 0.0,
                capacity: 0.0,
            });
        team.caseworkers += 1;
        team.open_cases += line.open_cases;
        team.overdue += line.overdue;
        team.points += line.points;
        team.capacity += line.capacity;
    }
    let (_, _, kf20) = kf18_to_kf20(&ctx);
    let budget = kf20.map(|k| {
        k.lines.iter().fold((0.0, 0.0), |(b, f), line| {
            (
                b + line.budget.to_f64().unwrap_or(0.0),
                f + line.forecast.to_f64().unwrap_or(0.0),
            )
        })
    });
    Ok(Summary {
        unit: unit.map(str::to_owned),
        unit_name: match ctx.scope.unit {
            Some(u) => s.org_units[u as usize].name.clone(),
            None => "Hele kommunen".into(),
        },
        open_cases: caseworkers.iter().map(|c| c.open_cases).sum::<u64>()
            + without.without_caseworker,
        overdue: overdue.total,
        upcoming: upcoming.values().sum(),
        without_caseworker: without.without_caseworker,
        caseworkers,
        unowned,
        teams: teams.into_values().collect(),
        budget: budget.filter(|(b, _)| *b > 0.0),
    })
}

/// The landing figures of `unit`, computed once per data version.
pub async fn summary(data: &Arc<Data>, unit: Option<String>) -> Result<Arc<Summary>, AppError> {
    let key = format!("landing:{}", unit.as_deref().unwrap_or("-"));
    data.cached_result(key, move |data| compute(data, unit.as_deref()))
        .await
        .map_err(AppError::Internal)
}

fn headline(
    label: &str,
    value: impl ToString,
    note: &str,
    href: Option<String>,
    alert: bool,
) -> Headline {
    Headline {
        label: label.into(),
        value: value.to_string(),
        note: note.into(),
        href,
        alert,
    }
}

/// Overdue obligations nobody is responsible for: in cases without a caseworker, and
/// notifications not yet tied to a case. They are in the unit's overdue count but on no
/// caseworker's list, so a leader must act on them.
fn unowned_headline(summary: &Summary) -> Headline {
    let overdue: u64 = summary.unowned.iter().map(|line| line.overdue).sum();
    headline(
        "Frister uden ansvarlig",
        overdue,
        "Overskredne frister i sager uden sagsbehandler og i underretninger uden sag (rækkerne nederst i tabellen)",
        None,
        overdue > 0,
    )
}

fn budget_headline(summary: &Summary) -> Option<Headline> {
    summary.budget.map(|(budget, forecast)| {
        let deviation = forecast - budget;
        headline(
            "Forventet regnskab",
            number::money(forecast),
            &format!(
                "Budget {} · afvigelse {}{}",
                number::money(budget),
                if deviation > 0.0 { "+" } else { "" },
                number::money(deviation)
            ),
            None,
            deviation > 0.0,
        )
    })
}

/// GET /
pub async fn root() -> Redirect {
    Redirect::to("/oversigt")
}

/// GET /oversigt
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let data = state.data().await?;
    let mut page = Page::new(Layout::new(
        &user,
        "Overblik",
        "/oversigt",
        freshness(&data),
    ));
    match user.role {
        Role::Caseworker => caseworker(&state, &user, client, &data, &mut page).await?,
        Role::TeamLeader => team_leader(&user, &data, &mut page).await?,
        Role::Head => head(&user, &data, &mut page, false).await?,
        Role::Director => head(&user, &data, &mut page, true).await?,
        Role::Committee | Role::Controller => {
            let kind = if user.role == Role::Committee {
                Kind::Committee
            } else {
                Kind::Budget
            };
            return Ok(Redirect::to(&format!("/rapporter/{}", kind.code())).into_response());
        }
        Role::Administrator => return Ok(Redirect::to("/admin/brugere").into_response()),
        Role::Auditor => return Ok(Redirect::to("/revision").into_response()),
    }
    Ok(render(&page))
}

async fn caseworker(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    data: &Arc<Data>,
    page: &mut Page,
) -> Result<(), AppError> {
    let team = summary(data, figures_unit(user, data)).await?;
    let own = user
        .staff_id
        .as_ref()
        .and_then(|id| team.caseworkers.iter().find(|c| &c.staff_id == id));
    page.intro.push(format!(
        "Dine sager og frister. Dit team: {}.",
        team.unit_name
    ));
    if let Some(own) = own {
        page.headlines.push(headline(
            "Mine åbne sager",
            own.open_cases,
            &format!(
                "{} point af kapacitet {}",
                number::decimal(own.points, 1),
                number::decimal(own.capacity, 1)
            ),
            None,
            false,
        ));
        page.headlines.push(headline(
            "Min belastning",
            percent_or_dash(own.utilisation),
            "Sagsvægt i forhold til kapacitet",
            None,
            own.utilisation.is_some_and(|u| u > 1.0),
        ));
        page.headlines.push(headline(
            "Mine overskredne frister",
            own.overdue,
            "Frister, der er overskredet og ikke opfyldt",
            Some("/frister?status=overdue".into()),
            own.overdue > 0,
        ));
        page.headlines.push(headline(
            "Mine frister de næste 14 dage",
            own.upcoming,
            "Åbne frister med forfald inden for 14 dage",
            Some("/frister?status=open&days=14".into()),
            false,
        ));
    } else {
        page.intro.push("Du har ingen åbne sager i data.".into());
    }
    page.headlines.push(headline(
        "Teamets overskredne frister",
        team.overdue,
        &format!("{} i teamet", caseworkers_da(team.caseworkers.len())),
        None,
        team.overdue > 0,
    ));
    // The most urgent of the user's own overdue obligations, with their cases: a read of
    // personal data, audited below with the persons shown.
    let filter = obligations::Filter {
        status: Some("overdue".into()),
        ..Default::default()
    };
    let (_, list) = obligations::select(state, user, &filter).await?;
    let mut table = ViewTable::new(
        "Mine ældste overskredne frister",
        &[
            ("Frist", false),
            ("Regel", false),
            ("Dage over", true),
            ("Sag", false),
        ],
    );
    table.empty = "Ingen overskredne frister. Godt gået.".into();
    for row in list.rows.iter().take(10) {
        table.rows.push(vec![
            ViewCell::text(number::date(row.due)),
            ViewCell::text(&row.rule_title),
            ViewCell::number(row.days_overdue.unwrap_or(0)).alert_if(true),
            ViewCell::case(row.case_id.as_deref()),
        ]);
    }
    let persons: Vec<String> = list
        .rows
        .iter()
        .take(10)
        .map(|r| r.person_id.clone())
        .collect();
    super::audit_read(
        state,
        user,
        client,
        "landing.read",
        None,
        Some("own overdue obligations".into()),
        persons,
    )
    .await?;
    page.tables.push(table);
    page.links.push(Link::new(
        "/frister?status=overdue",
        "Alle mine overskredne frister",
    ));
    page.links
        .push(Link::new("/rapporter/weekly", "Teamets ugerapport"));
    Ok(())
}

async fn team_leader(
    user: &CurrentUser,
    data: &Arc<Data>,
    page: &mut Page,
) -> Result<(), AppError> {
    let s = summary(data, figures_unit(user, data)).await?;
    page.intro.push(format!(
        "{}: røde tal, sagsstamme og kapacitet pr. sagsbehandler.",
        s.unit_name
    ));
    page.headlines.push(headline(
        "Overskredne frister",
        s.overdue,
        "I teamets sager",
        Some("/frister?status=overdue".into()),
        s.overdue > 0,
    ));
    page.headlines.push(headline(
        "Frister de næste 14 dage",
        s.upcoming,
        "Åbne frister i teamets sager",
        Some("/frister?status=open&days=14".into()),
        false,
    ));
    page.headlines.push(headline(
        "Sager uden sagsbehandler",
        s.without_caseworker,
        "Åbne sager uden aktiv sagsbehandler (KF10)",
        None,
        s.without_caseworker > 0,
    ));
    page.headlines.push(unowned_headline(&s));
    page.headlines.push(headline(
        "Åbne sager",
        s.open_cases,
        &caseworkers_da(s.caseworkers.len()),
        None,
        false,
    ));
    page.tables.push(caseworker_table(&s));
    page.links
        .push(Link::new("/rapporter/weekly", "Ugerapporten"));
    page.links
        .push(Link::new("/rapporter/caseload", "Sagsstammegennemgang"));
    Ok(())
}

fn caseworker_table(s: &Summary) -> ViewTable {
    let mut table = ViewTable::new(
        "Røde tal og sagsstamme pr. sagsbehandler",
        &[
            ("Sagsbehandler", false),
            ("Overskredne frister", true),
            ("Frister 14 dage", true),
            ("Åbne sager", true),
            ("Point", true),
            ("Kapacitet", true),
            ("Belastning", true),
            ("Fravær", false),
        ],
    );
    for c in &s.caseworkers {
        let list = format!("/frister?status=overdue&staff={}", url_encode(&c.staff_id));
        table.rows.push(vec![
            ViewCell::text(&c.name),
            ViewCell::number(c.overdue)
                .link(list)
                .alert_if(c.overdue > 0),
            ViewCell::number(c.upcoming).link(format!(
                "/frister?status=open&days=14&staff={}",
                url_encode(&c.staff_id)
            )),
            ViewCell::number(c.open_cases).link(super::caseload::caseworker_href(c)),
            ViewCell::number(number::decimal(c.points, 1))
                .link(super::caseload::caseworker_href(c)),
            ViewCell::number(number::decimal(c.capacity, 1)),
            ViewCell::number(percent_or_dash(c.utilisation))
                .alert_if(c.utilisation.is_some_and(|u| u > 1.0)),
            ViewCell::text(absence_label(c.absent)),
        ]);
    }
    // The rows nobody holds and the total have no load: the last four columns stay empty.
    let with_blank_load = |mut cells: Vec<ViewCell>| {
        cells.extend(std::iter::repeat_with(|| ViewCell::text("")).take(4));
        cells
    };
    for line in &s.unowned {
        let list = |status: &str| format!("/frister?status={status}&staff={}", line.key);
        table.rows.push(with_blank_load(vec![
            ViewCell::text(line.label),
            ViewCell::number(line.overdue)
                .link(list("overdue"))
                .alert_if(line.overdue > 0),
            ViewCell::number(line.upcoming).link(format!("{}&days=14", list("open"))),
            ViewCell::number(line.open_cases),
        ]));
    }
    if !s.caseworkers.is_empty() || !s.unowned.is_empty() {
        table.rows.push(with_blank_load(vec![
            ViewCell::text("I alt"),
            ViewCell::number(s.overdue),
            ViewCell::number(s.upcoming),
            ViewCell::number(s.open_cases),
        ]));
    }
    table.empty = "Ingen sagsbehandlere med sager i enheden.".into();
    table
}

async fn head(
    user: &CurrentUser,
    data: &Arc<Data>,
    page: &mut Page,
    suppressed: bool,
) -> Result<(), AppError> {
    let unit = if suppressed {
        None
    } else {
        figures_unit(user, data)
    };
    let s = summary(data, unit).await?;
    page.suppressed_notice = suppressed;
    page.intro.push(format!(
        "{}: teamene side om side, og budget mod forventet regnskab.",
        s.unit_name
    ));
    let drill = |href: &str| (!suppressed).then(|| href.to_owned());
    page.headlines.push(headline(
        "Overskredne frister",
        shown(s.overdue, suppressed),
        "Alle sager i enheden",
        drill("/frister?status=overdue"),
        s.overdue > 0,
    ));
    page.headlines.push(headline(
        "Sager uden sagsbehandler",
        shown(s.without_caseworker, suppressed),
        "Åbne sager uden aktiv sagsbehandler (KF10)",
        None,
        s.without_caseworker > 0,
    ));
    if !suppressed {
        page.headlines.push(unowned_headline(&s));
    }
    page.headlines.push(headline(
        "Åbne sager",
        shown(s.open_cases, suppressed),
        &match s.teams.len() {
            1 => "1 team".to_owned(),
            n => format!("{n} teams"),
        },
        None,
        false,
    ));
    if let Some(budget) = budget_headline(&s) {
        page.headlines.push(budget);
    }
    let mut table = ViewTable::new(
        "Teamene",
        &[
            ("Team", false),
            ("Sagsbehandlere", true),
            ("Åbne sager", true),
            ("Overskredne frister", true),
        ],
    );
    // The teams, then what nobody holds, so each column adds up to its headline.
    let rows: Vec<(&str, u64, u64, u64)> = s
        .teams
        .iter()
        .map(|t| (t.name.as_str(), t.caseworkers, t.open_cases, t.overdue))
        .chain(
            s.unowned
                .iter()
                .map(|line| (line.label, 0, line.open_cases, line.overdue)),
        )
        .collect();
    // Director: the team table is suppressed column by column against the shown totals.
    let columns: [Vec<f64>; 3] = [
        rows.iter().map(|r| r.1 as f64).collect(),
        rows.iter().map(|r| r.2 as f64).collect(),
        rows.iter().map(|r| r.3 as f64).collect(),
    ];
    let released: Vec<Vec<bool>> = columns
        .iter()
        .map(|values| {
            if !suppressed {
                return vec![true; values.len()];
            }
            let mut with_total = values.clone();
            with_total.push(values.iter().sum());
            let relation = Relation::new(values.len(), (0..values.len()).collect());
            protect(&with_total, &[relation])
                .into_iter()
                .take(values.len())
                .map(|s| s.is_none())
                .collect()
        })
        .collect();
    for (i, (name, caseworkers, open_cases, overdue_count)) in rows.iter().copied().enumerate() {
        let cell = |column: usize, value: u64| {
            if released[column][i] {
                ViewCell::number(value)
            } else {
                ViewCell::number(if overblik_domain::suppression::is_small(value as f64) {
                    "<5"
                } else {
                    "·"
                })
            }
        };
        let mut overdue = cell(2, overdue_count);
        if !suppressed {
            overdue = overdue.alert_if(overdue_count > 0);
        }
        table.rows.push(vec![
            ViewCell::text(name),
            cell(0, caseworkers),
            cell(1, open_cases),
            overdue,
        ]);
    }
    if !rows.is_empty() {
        table.rows.push(vec![
            ViewCell::text("I alt"),
            ViewCell::number(shown(s.caseworkers.len() as u64, suppressed)),
            ViewCell::number(shown(s.open_cases, suppressed)),
            ViewCell::number(shown(s.overdue, suppressed)),
        ]);
    }
    if suppressed {
        table.note =
            Some("«<5»: under 5. «·»: skjult, så et lille tal ikke kan regnes tilbage.".into());
    }
    page.tables.push(table);
    if !suppressed {
        page.tables.push(caseworker_table(&s));
    }
    for kind in [Kind::Weekly, Kind::Committee, Kind::Budget] {
        if user.role.may(Capability::for_report(kind)) {
            page.links.push(Link::new(
                format!("/rapporter/{}", kind.code()),
                kind.label_da(),
            ));
        }
    }
    Ok(())
}

/// "1 sagsbehandler", "3 sagsbehandlere".
fn caseworkers_da(n: usize) -> String {
    match n {
        1 => "1 sagsbehandler".to_owned(),
        n => format!("{n} sagsbehandlere"),
    }
}

/// A whole-unit count for an aggregate-only reader: small counts are never shown.
fn shown(value: u64, suppressed: bool) -> String {
    if suppressed && overblik_domain::suppression::is_small(value as f64) {
        "<5".into()
    } else {
        number::integer(value as i64)
    }
}
