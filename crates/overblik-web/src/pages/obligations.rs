//! The obligations list ("Frister"): the drill-down behind every red number. Filters by status,
//! rule, caseworker and horizon; only cases the user may see; audited with the persons listed.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use overblik_domain::access::Capability;
use overblik_domain::figures::deadlines::Holder;
use overblik_domain::obligations::{Obligation, Status};
use overblik_domain::rules::RuleId;
use overblik_report::number;
use serde::{Deserialize, Serialize};

use super::{audit_read, freshness, staff_name};
use crate::auth::CurrentUser;
use crate::data::Data;
use crate::error::AppError;
use crate::input::Params;
use crate::scope::{CaseScope, visible_cases};

use crate::state::AppState;
use crate::view::{Layout, Link, Page, ViewCell, ViewTable, render, url_encode};

/// Rows shown on one page of the list.
const PAGE_SIZE: usize = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// `overdue` (default: the red numbers), `open`, `lapsed`, or `all`.
    pub status: Option<String>,
    /// A rule id (legal-rules.md).
    pub rule: Option<String>,
    /// Only this caseworker's obligations (`none`: cases without a caseworker; `nocase`:
    /// notifications without a case).
    pub staff: Option<String>,
    /// Open obligations due within this many days.
    pub days: Option<u32>,
    /// 1-based page.
    pub page: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObligationRow {
    pub rule: &'static str,
    pub rule_title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub due: chrono::NaiveDate,
    pub days_overdue: Option<i64>,
    /// Why a `lapsed` obligation can no longer be met (code, e.g. `case_closed`).
    pub lapse: Option<&'static str>,
    #[serde(skip)]
    pub lapse_reason: &'static str,
    pub case_id: Option<String>,
    pub staff_id: Option<String>,
    pub caseworker: String,
    #[serde(skip)]
    pub person_id: String,
}

#[derive(Debug, Serialize)]
pub struct ObligationList {
    pub total: usize,
    pub page: usize,
    pub page_size: usize,
    pub rows: Vec<ObligationRow>,
}

/// Which obligations a status filter lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    /// The red numbers: overdue, and late with a preliminary assessment and not completed.
    Red,
    Open,
    Lapsed,
    All,
}

impl Listed {
    fn lists(self, o: &Obligation) -> bool {
        match self {
            Listed::Red => o.is_red(),
            Listed::Open => o.status == Status::Open,
            Listed::Lapsed => o.status == Status::Lapsed,
            Listed::All => true,
        }
    }
}

/// The checked filter: which statuses, rule and caseworker.
struct Checked {
    listed: Listed,
    rule: Option<RuleId>,
    staff: Option<Holder>,
    days: Option<u32>,
    page: usize,
}

/// The staff row of `id`.
fn staff_row(data: &Data, id: &str) -> Option<u32> {
    data.snapshot
        .staff
        .iter()
        .position(|x| x.staff_id.as_str() == id)
        .map(|row| row as u32)
}

fn check(filter: &Filter, data: &Data) -> Result<Checked, AppError> {
    let listed = match filter.status.as_deref().unwrap_or("overdue") {
        "overdue" => Listed::Red,
        "open" => Listed::Open,
        "lapsed" => Listed::Lapsed,
        "all" => Listed::All,
        other => {
            return Err(AppError::bad_request(
                "status",
                format!(
                    "`{}` er ikke en kendt status; brug overdue, open, lapsed eller all",
                    other.chars().take(40).collect::<String>()
                ),
            ));
        }
    };
    let rule = match &filter.rule {
        None => None,
        Some(code) => Some(
            RuleId::from_id(code)
                .ok_or_else(|| AppError::bad_request("rule", "ukendt regel-id"))?,
        ),
    };
    let staff = match filter.staff.as_deref() {
        None => None,
        Some("none") => Some(Holder::WithoutCaseworker),
        Some("nocase") => Some(Holder::WithoutCase),
        Some(id) => Some(Holder::Caseworker(staff_row(data, id).ok_or_else(
            || AppError::bad_request("staff", "ukendt sagsbehandler-id"),
        )?)),
    };
    if filter.days.is_some_and(|d| d > 366) {
        return Err(AppError::bad_request("days", "højst 366 dage"));
    }
    Ok(Checked {
        listed,
        rule,
        staff,
        days: filter.days,
        page: filter.page.unwrap_or(1).max(1),
    })
}

/// The obligations `user` may see that pass `filter`, most overdue first.
/// The obligations `filter` selects among the user's cases, the read audited with the persons
/// listed before anything is returned: the page and the API alike.
async fn list(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    filter: &Filter,
) -> Result<(Arc<Data>, ObligationList), AppError> {
    let (data, list) = select(state, user, filter).await?;
    audit_read(
        state,
        user,
        client,
        "obligations.list",
        None,
        Some(describe(filter)),
        persons(&list),
    )
    .await?;
    Ok((data, list))
}

/// The obligations `filter` selects among the user's cases; the caller audits the read.
pub async fn select(
    state: &AppState,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<(Arc<Data>, ObligationList), AppError> {
    user.require(Capability::CaseLists)?;
    let data = state.data().await?;
    let checked = check(filter, &data)?;
    let visible = visible_obligations(&data, &CaseScope::of(user)).await;
    let rules = state.rules().clone();
    let t = data.date;
    let mut rows: Vec<ObligationRow> = visible
        .iter()
        .map(|&i| &data.evaluation.obligations[i as usize])
        .filter(|o| checked.listed.lists(o))
        .filter(|o| checked.rule.is_none_or(|r| r == o.rule))
        .filter(|o| checked.staff.is_none_or(|s| s == Holder::of(o)))
        .filter(|o| {
            checked
                .days
                .is_none_or(|d| o.due.date() <= t + chrono::Days::new(u64::from(d)))
        })
        .map(|o| {
            let due = o.due.date();
            ObligationRow {
                rule: o.rule.id(),
                rule_title: rules.rule(o.rule).title.clone(),
                status: o.status.code(),
                status_label: o.status.label_da(),
                due,
                days_overdue: o.is_red().then(|| (t - due).num_days()),
                lapse: o.lapse.map(|lapse| lapse.code()),
                lapse_reason: o.lapse.map_or("", |lapse| lapse.reason_da()),
                case_id: o
                    .case
                    .map(|c| data.snapshot.cases[c as usize].case_id.as_str().to_owned()),
                staff_id: o
                    .responsible
                    .map(|r| data.snapshot.staff[r as usize].staff_id.as_str().to_owned()),
                caseworker: staff_name(&data, o.responsible),
                person_id: data.snapshot.persons[o.person as usize]
                    .person_id
                    .as_str()
                    .to_owned(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.case_id.cmp(&b.case_id)));
    let total = rows.len();
    // A page within range: page 1 always exists (it may be empty).
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    if checked.page > pages {
        return Err(AppError::bad_request(
            "page",
            format!("siden findes ikke; listen har {pages} sider"),
        ));
    }
    let rows: Vec<ObligationRow> = rows
        .into_iter()
        .skip((checked.page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let list = ObligationList {
        total,
        page: checked.page,
        page_size: PAGE_SIZE,
        rows,
    };
    Ok((data, list))
}

/// The indices of the obligations of the cases `scope` may see, computed once per data
/// version: a large municipality has ~10^6 obligations, a caseworker ~10^2. A notification
/// without a case belongs to the unit of a case of the same person (as in the figures), so a
/// leader can act on every red number «uden sag» they are shown; a caseworker holds none.
async fn visible_obligations(data: &Arc<Data>, scope: &CaseScope) -> Arc<Vec<u32>> {
    let visible = visible_cases(data, scope).await;
    data.cached(format!("obligations:{scope:?}"), move |data| {
        data.evaluation
            .obligations
            .iter()
            .enumerate()
            .filter(|(_, o)| match o.case {
                Some(c) => visible[c as usize],
                None => visible.person_without_case(o.person),
            })
            .map(|(i, _)| i as u32)
            .collect()
    })
    .await
}

fn persons(list: &ObligationList) -> Vec<String> {
    let mut persons: Vec<String> = list.rows.iter().map(|r| r.person_id.clone()).collect();
    persons.sort();
    persons.dedup();
    persons
}

fn describe(filter: &Filter) -> String {
    format!(
        "status={} rule={} staff={} days={} page={}",
        filter.status.as_deref().unwrap_or("overdue"),
        filter.rule.as_deref().unwrap_or("-"),
        filter.staff.as_deref().unwrap_or("-"),
        filter.days.map(|d| d.to_string()).unwrap_or("-".into()),
        filter.page.unwrap_or(1)
    )
}

/// GET /frister
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Params(filter): Params<Filter>,
) -> Result<Response, AppError> {
    let (data, list) = list(&state, &user, client, &filter).await?;
    let status = filter.status.as_deref().unwrap_or("overdue");
    let title = match status {
        "open" => "Kommende frister",
        "lapsed" => "Frister, der ikke længere kan nås",
        "all" => "Alle frister",
        _ => "Overskredne frister",
    };
    let mut page = Page::new(Layout::new(&user, title, "/frister", freshness(&data)));
    page.intro.push(match &filter.staff {
        Some(id) if id == "none" => {
            "Frister i sager, der ikke har en sagsbehandler i dag.".to_owned()
        }
        Some(id) if id == "nocase" => {
            "Frister i underretninger, der ikke hører til en sag.".to_owned()
        }
        Some(id) => format!("Sagsbehandler: {}", staff_name(&data, staff_row(&data, id))),
        None => "Alle sager, du har adgang til.".to_owned(),
    });
    page.intro.push(match status {
        "lapsed" => "Disse frister blev ikke overholdt og kan ikke længere nås (sagen er lukket, afgørelsen truffet, indsatsen ophørt, den unge fyldt 18 …). De tæller som ikke overholdt i opgørelserne, men er ikke røde tal.".to_owned(),
        "open" => "Frister, der endnu ikke er nået.".to_owned(),
        "all" => "Alle frister med deres status.".to_owned(),
        _ => "Røde tal: frister, der er overskredet, og som der stadig kan handles på.".to_owned(),
    });
    let mut table = ViewTable::new(
        title,
        &[
            ("Frist", false),
            ("Regel", false),
            ("Status", false),
            ("Dage over", true),
            ("Kan ikke nås, fordi", false),
            ("Sag", false),
            ("Sagsbehandler", false),
        ],
    );
    table.empty = "Ingen frister matcher.".into();
    for row in &list.rows {
        table.rows.push(vec![
            ViewCell::text(number::date(row.due)),
            ViewCell::text(&row.rule_title),
            ViewCell::text(row.status_label).alert_if(row.days_overdue.is_some()),
            ViewCell::number(row.days_overdue.map(|d| d.to_string()).unwrap_or_default()),
            ViewCell::text(row.lapse_reason),
            ViewCell::case(row.case_id.as_deref()),
            ViewCell::text(&row.caseworker),
        ]);
    }
    let shown_to = ((list.page - 1) * list.page_size + list.rows.len()).min(list.total);
    table.note = Some(format!(
        "Viser {}–{} af {} frister.",
        if list.rows.is_empty() {
            0
        } else {
            (list.page - 1) * list.page_size + 1
        },
        shown_to,
        list.total
    ));
    page.tables.push(table);
    let base = format!(
        "/frister?status={}{}{}",
        status,
        filter
            .rule
            .as_ref()
            .map(|r| format!("&rule={}", url_encode(r)))
            .unwrap_or_default(),
        filter
            .staff
            .as_ref()
            .map(|s| format!("&staff={}", url_encode(s)))
            .unwrap_or_default(),
    );
    if shown_to < list.total {
        page.links.push(Link::new(
            format!("{base}&page={}", list.page + 1),
            "Næste side",
        ));
    }
    if status != "open" {
        page.links.push(Link::new(
            "/frister?status=open&days=14",
            "Frister de næste 14 dage",
        ));
    }
    if status != "overdue" {
        page.links
            .push(Link::new("/frister?status=overdue", "Overskredne frister"));
    }
    if status != "lapsed" {
        page.links.push(Link::new(
            "/frister?status=lapsed",
            "Frister, der ikke længere kan nås",
        ));
    }
    Ok(render(&page))
}

/// GET /api/v1/obligations
pub async fn api(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Params(filter): Params<Filter>,
) -> Result<Json<ObligationList>, AppError> {
    let (_, list) = list(&state, &user, client, &filter).await?;
    Ok(Json(list))
}
