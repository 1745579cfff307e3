//! The case timeline: every event of one case in order (notifications, investigations,
//! decisions, measures, plans, follow-ups, visits, applications, caseworker changes), with
//! its obligations and their status. Opening it is a read of personal data: audited with the
//! person. A case outside the user's scope and a case that does not exist get the same 403,
//! so the answer does not tell whether a case id exists.
//!
//! The search (POST, so the CPR number never appears in a URL or a server log) finds a case by
//! its id or by the person's CPR number (through the store's keyed hash).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use overblik_domain::Cpr;
use overblik_domain::access::Capability;
use overblik_domain::tables::{CASE_FLAGS, CaseFlag};
use overblik_report::number;
use serde::{Deserialize, Serialize};

use super::{EnteredWrite, audit_read, freshness, points, staff_name, write_entered};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::scope::{CaseScope, visible_cases};
use crate::state::AppState;
use crate::view::{
    FlagForm, FlagOption, Layout, Link, Page, ViewCell, ViewTable, case_href, render, url_encode,
};
use overblik_domain::figures::case_goals::case_goals;
use overblik_domain::supervision::case_share;
use overblik_domain::tables::{SupervisionFinding, SupervisionRound};

#[derive(Debug, Serialize)]
pub struct TimelineEvent {
    pub date: NaiveDate,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct CaseObligation {
    pub rule: &'static str,
    pub rule_title: String,
    pub due: NaiveDate,
    pub status: &'static str,
    pub status_label: &'static str,
    pub met_on: Option<NaiveDate>,
    /// A red number at T: overdue and still possible to meet.
    pub red: bool,
    /// Why a `lapsed` obligation can no longer be met (code, e.g. `case_closed`).
    pub lapse: Option<&'static str>,
    /// What the status means for this obligation, in Danish.
    pub explanation: String,
}

#[derive(Debug, Serialize)]
pub struct CaseView {
    pub case_id: String,
    pub person_id: String,
    /// Only with the store's key; shown on the case page, never in a URL or log.
    pub cpr: Option<String>,
    pub birth_date: NaiveDate,
    pub area: &'static str,
    pub opened_at: NaiveDate,
    pub closed_at: Option<NaiveDate>,
    pub caseworker: String,
    pub events: Vec<TimelineEvent>,
    pub obligations: Vec<CaseObligation>,
}

/// The case row of `case_id` if `user` may open it; otherwise the same refusal either way.
pub(crate) async fn authorised_case(
    state: &AppState,
    user: &CurrentUser,
    case_id: &str,
) -> Result<(std::sync::Arc<Data>, usize), AppError> {
    user.require(Capability::CaseTimeline)?;
    let data = state.data().await?;
    let visible = visible_cases(&data, &CaseScope::of(user)).await;
    let row = data
        .snapshot
        .cases
        .iter()
        .position(|c| c.case_id.as_str() == case_id)
        .filter(|row| visible[*row]);
    match row {
        Some(row) => Ok((data, row)),
        None => Err(user.forbidden("case_outside_scope")),
    }
}

fn timeline(data: &Data, row: usize, rules: &overblik_domain::rules::RuleSet) -> CaseView {
    let s = &data.snapshot;
    let case = &s.cases[row];
    let id = case.case_id.as_str();
    let person = s
        .persons
        .iter()
        .find(|p| p.person_id == case.person_id)
        .expect("a case's person exists (checked on import)");
    let mut events = vec![TimelineEvent {
        date: case.opened_at,
        kind: "Sag",
        text: format!("Sagen oprettet ({})", case.area.label_da()),
    }];
    let t = data.date;
    let mut push = |date: NaiveDate, kind: &'static str, text: String| {
        if date <= t {
            events.push(TimelineEvent { date, kind, text });
        }
    };
    for n in s
        .notifications
        .iter()
        .filter(|n| n.case_id.as_ref().is_some_and(|c| c.as_str() == id))
    {
        push(
            overblik_domain::calendar::local_date(n.received_at),
            "Underretning",
            format!(
                "Modtaget fra {} ({})",
                n.notifier_type.label_da(),
                n.severity.label_da()
            ),
        );
        if let Some(at) = n.assessed_at {
            push(
                overblik_domain::calendar::local_date(at),
                "Underretning",
                "Vurderet".into(),
            );
        }
    }
    for i in s.investigations.iter().filter(|i| i.case_id.as_str() == id) {
        push(
            i.aware_at,
            "Undersøgelse",
            "Kommunen blev opmærksom på behovet".into(),
        );
        if let Some(d) = i.decided_at {
            push(
                d,
                "Undersøgelse",
                "Afgørelse om børnefaglig undersøgelse".into(),
            );
        }
        if let Some(d) = i.child_conversation_at {
            push(d, "Undersøgelse", "Børnesamtale".into());
        }
        if let Some(d) = i.completed_at {
            push(d, "Undersøgelse", "Undersøgelsen afsluttet".into());
        }
    }
    for d in s.decisions.iter().filter(|d| d.case_id.as_str() == id) {
        push(
            d.decided_at,
            "Afgørelse",
            format!("{} ({})", d.kind.label_da(), d.legal_basis),
        );
    }
    for m in s.measures.iter().filter(|m| m.case_id.as_str() == id) {
        push(
            m.start_date,
            "Indsats",
            format!("{} iværksat", m.measure_type.label_da()),
        );
        if let Some(end) = m.end_date {
            push(
                end,
                "Indsats",
                format!("{} ophørt", m.measure_type.label_da()),
            );
        }
    }
    for p in s.plans.iter().filter(|p| p.case_id.as_str() == id) {
        push(p.created_at, "Plan", "Plan udarbejdet".into());
    }
    for f in s.followups.iter().filter(|f| f.case_id.as_str() == id) {
        push(f.held_at, "Opfølgning", "Opfølgning holdt".into());
    }
    for v in s.visits.iter().filter(|v| v.case_id.as_str() == id) {
        push(
            v.visited_at,
            "Tilsyn",
            if v.child_conversation {
                "Tilsynsbesøg med samtale".into()
            } else {
                "Tilsynsbesøg".into()
            },
        );
    }
    for a in s.applications.iter().filter(|a| a.case_id.as_str() == id) {
        push(
            a.received_at,
            "Ansøgning",
            format!("Ansøgning modtaget ({})", a.legal_basis),
        );
        if let Some(d) = a.decided_at {
            push(d, "Ansøgning", "Ansøgning afgjort".into());
        }
    }
    for a in s.assignments.iter().filter(|a| a.case_id.as_str() == id) {
        let name = super::staff_name_of(data, Some(&a.staff_id), "");
        push(
            a.from_date,
            "Sagsbehandler",
            format!("{name} overtager sagen"),
        );
    }
    for h in data
        .entered
        .handovers
        .iter()
        .filter(|h| h.case_id.as_str() == id)
    {
        push(
            h.created_on,
            "Overdragelse",
            "Overdragelse oprettet (tjekliste)".into(),
        );
        if let Some(done) = h.completed_on {
            push(done, "Overdragelse", "Overdragelsen afsluttet".into());
        }
    }
    for (round, findings) in supervision_findings(data, id) {
        push(
            findings
                .iter()
                .map(|f| f.recorded_on)
                .max()
                .unwrap_or(round.drawn_on),
            "Ledelsestilsyn",
            supervision_event(data, round, &findings),
        );
    }
    if let Some(closed) = case.closed_at {
        push(closed, "Sag", "Sagen lukket".into());
    }
    events.sort_by_key(|e| e.date);
    let mut obligations: Vec<CaseObligation> = data
        .evaluation
        .obligations
        .iter()
        .filter(|o| o.case == Some(row as u32))
        .map(|o| CaseObligation {
            rule: o.rule.id(),
            rule_title: rules.rule(o.rule).title.clone(),
            due: o.due.date(),
            status: o.status.code(),
            status_label: o.status.label_da(),
            met_on: o.met_by.map(|e| e.at.date()),
            red: o.is_red(),
            lapse: o.lapse.map(|lapse| lapse.code()),
            explanation: explain(o, t),
        })
        .collect();
    obligations.sort_by_key(|o| o.due);
    let responsible = s
        .assignments
        .iter()
        .filter(|a| {
            a.case_id.as_str() == id && a.from_date <= t && a.to_date.is_none_or(|to| t <= to)
        })
        .find_map(|a| s.staff.iter().position(|x| x.staff_id == a.staff_id))
        .map(|r| r as u32);
    CaseView {
        case_id: id.to_owned(),
        person_id: person.person_id.as_str().to_owned(),
        cpr: None,
        birth_date: person.birth_date,
        area: case.area.label_da(),
        opened_at: case.opened_at,
        closed_at: case.closed_at,
        caseworker: staff_name(data, responsible),
        events,
        obligations,
    }
}

/// The findings of the supervision rounds that sampled case `id`, per round (one pass over
/// the findings).
fn supervision_findings<'a>(
    data: &'a Data,
    id: &str,
) -> Vec<(&'a SupervisionRound, Vec<&'a SupervisionFinding>)> {
    let mut by_round: BTreeMap<&str, Vec<&SupervisionFinding>> = BTreeMap::new();
    for f in data
        .entered
        .supervision_findings
        .iter()
        .filter(|f| f.case_id.as_str() == id)
    {
        by_round.entry(f.round_id.as_str()).or_default().push(f);
    }
    data.entered
        .supervision_rounds
        .iter()
        .filter_map(|round| Some((round, by_round.remove(round.round_id.as_str())?)))
        .collect()
}

/// "Ledelsestilsyn «tema»: 3 af 4 vurderede punkter opfyldt".
fn supervision_event(
    data: &Data,
    round: &SupervisionRound,
    findings: &[&SupervisionFinding],
) -> String {
    let title = super::supervision::theme(data, round.theme_id.as_str());
    let items = super::supervision::items(data, &round.theme_id);
    let share = case_share(&items, findings);
    format!(
        "Tilsyn «{}»: {} af {} vurderede punkter opfyldt",
        title.map_or("", |t| t.title.as_str()),
        share.numerator,
        share.denominator
    )
}

async fn load_case(
    state: &AppState,
    user: &CurrentUser,
    client: SocketAddr,
    case_id: &str,
) -> Result<(std::sync::Arc<Data>, usize, CaseView), AppError> {
    let (data, row) = authorised_case(state, user, case_id).await?;
    let mut view = timeline(&data, row, state.rules());
    audit_read(
        state,
        user,
        client,
        "case.read",
        Some(("case", view.case_id.clone())),
        None,
        vec![view.person_id.clone()],
    )
    .await?;
    let person = view.person_id.clone();
    view.cpr = state
        .pool()
        .run(move |store| store.person_cpr(&person))
        .await
        .ok()
        .flatten()
        .map(|cpr| format!("{}-{}", &cpr.digits()[..6], &cpr.digits()[6..]));
    Ok((data, row, view))
}

/// GET /sager/{case_id}
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
) -> Result<Response, AppError> {
    let (data, row, view) = load_case(&state, &user, client, &case_id).await?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Sag {}", view.case_id),
        "",
        freshness(&data),
    ));
    page.intro.push(format!(
        "{} · født {} · CPR {} · oprettet {}{} · sagsbehandler: {}",
        view.area,
        number::date(view.birth_date),
        view.cpr.as_deref().unwrap_or("ikke registreret"),
        number::date(view.opened_at),
        view.closed_at
            .map(|d| format!(", lukket {}", number::date(d)))
            .unwrap_or_default(),
        view.caseworker
    ));
    let mut obligations = ViewTable::new(
        "Frister i sagen",
        &[
            ("Frist", false),
            ("Regel", false),
            ("Status", false),
            ("Opfyldt", false),
            ("Forklaring", false),
        ],
    );
    for o in &view.obligations {
        obligations.rows.push(vec![
            ViewCell::text(number::date(o.due)),
            ViewCell::text(&o.rule_title),
            ViewCell::text(o.status_label).alert_if(o.red),
            ViewCell::text(o.met_on.map(number::date).unwrap_or_else(|| "–".into())),
            ViewCell::text(&o.explanation),
        ]);
    }
    obligations.empty = "Sagen har ingen frister.".into();
    let mut events = ViewTable::new(
        "Tidslinje",
        &[("Dato", false), ("Hvad", false), ("Hændelse", false)],
    );
    for e in &view.events {
        events.rows.push(vec![
            ViewCell::text(number::date(e.date)),
            ViewCell::text(e.kind),
            ViewCell::text(&e.text),
        ]);
    }
    page.tables.push(weight_table(&data, row));
    if user.role.may(Capability::SetCaseFlags) {
        page.flag_form = Some(flag_form(&data, &case_id));
    }
    page.tables.push(obligations);
    page.tables.push(goals_table(&data, row));
    page.tables.push(events);
    if user.role.may(Capability::ScoreGoals) && view.closed_at.is_none() {
        page.links.push(Link::new(
            format!("/sager/{}/maalscorer", url_encode(&case_id)),
            "Scor målene ved en opfølgning",
        ));
    }
    if user.role.may(Capability::DistributeCases) && view.closed_at.is_none() {
        page.links.push(Link::new(
            format!("/fordeling/{}", url_encode(&case_id)),
            "Omfordel sagen til en anden sagsbehandler",
        ));
    }
    for h in data
        .entered
        .handovers
        .iter()
        .filter(|h| h.case_id.as_str() == case_id)
    {
        page.links.push(Link::new(
            format!("/overdragelser/{}", url_encode(h.handover_id.as_str())),
            format!("Overdragelse oprettet {}", number::date(h.created_on)),
        ));
    }
    page.links
        .push(Link::new("/frister", "Tilbage til fristerne"));
    Ok(render(&page))
}

/// The goals of the case's plans with their scores at the follow-ups (F11), the signal of no
/// progress, and the plans' warnings.
fn goals_table(data: &Data, row: usize) -> ViewTable {
    let s = &data.snapshot;
    let mut table = ViewTable::new(
        "Mål og fremgang",
        &[
            ("Plan", false),
            ("Mål", false),
            ("Scorer ved opfølgning", false),
            ("Signal", false),
        ],
    );
    let mut warnings = Vec::new();
    for plan in case_goals(s, &data.entered.followup_scores, row as u32, data.date) {
        let created = number::date(s.plans[plan.plan as usize].created_at);
        for w in &plan.warnings {
            warnings.push(format!("Planen fra {created}: {}.", w.label_da()));
        }
        for goal in &plan.goals {
            let scores: Vec<String> = goal.scores.iter().map(|s| s.score.to_string()).collect();
            let signal = if goal.no_progress() {
                "Ingen fremgang efter to opfølgninger: overvej indsatsen"
            } else if !goal.open {
                "Afsluttet"
            } else {
                ""
            };
            table.rows.push(vec![
                ViewCell::text(&created),
                ViewCell::text(goal.category.label_da()),
                ViewCell::text(if scores.is_empty() {
                    "ikke scoret endnu".to_owned()
                } else {
                    scores.join(" → ")
                }),
                ViewCell::text(signal).alert_if(goal.no_progress()),
            ]);
        }
    }
    table.empty = "Sagen har ingen mål i en plan.".into();
    if !warnings.is_empty() {
        table.note = Some(warnings.join(" "));
    }
    table
}

/// The case's weight at T and the parts it is made of.
fn weight_table(data: &Data, row: usize) -> ViewTable {
    let weights = data.weights();
    let weight = weights.of(row as u32);
    let total = points(weight.points);
    let mut table = ViewTable::new(
        format!("Sagsvægt: {total} point"),
        &[("Hvorfor", false), ("Point", true)],
    );
    for part in &weight.parts {
        table.rows.push(vec![
            ViewCell::text(&part.label),
            ViewCell::number(points(part.points)),
        ]);
    }
    if weight.imported {
        table.note = Some(format!(
            "Sagssystemet har angivet sagens vægt; kompleksitet sat af lederen lægges oveni (i alt {total}). Tabellen viser, hvad vægtmodellen ville give."
        ));
    }
    table
}

/// The complexity flags as checkboxes, the case's own checked.
fn flag_form(data: &Data, case_id: &str) -> FlagForm {
    let model = data.weight_model();
    let set: Vec<&str> = data
        .entered
        .case_flags
        .iter()
        .filter(|f| f.case_id.as_str() == case_id)
        .map(|f| f.flag.as_str())
        .collect();
    FlagForm {
        action: format!("{}/kompleksitet", case_href(case_id)),
        options: model
            .flags()
            .iter()
            .map(|flag| FlagOption {
                code: flag.code.clone(),
                label: flag.label.clone(),
                points: points(flag.points),
                checked: set.contains(&flag.code.as_str()),
            })
            .collect(),
    }
}

/// POST /sager/{case_id}/kompleksitet: the leader's complexity flags of the case (`flag` once
/// per checked flag). Replaces the case's flags and writes the audit entry in one transaction;
/// a flag that stays keeps when and by whom it was first set.
pub async fn set_flags(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::SetCaseFlags)?;
    let (data, row) = authorised_case(&state, &user, &case_id).await?;
    let model = data.weight_model();
    let mut chosen: Vec<String> = Vec::new();
    for (name, value) in form {
        match name.as_str() {
            "csrf" => {}
            "flag" if model.flag(&value).is_some() => {
                if !chosen.contains(&value) {
                    chosen.push(value);
                }
            }
            "flag" => {
                return Err(AppError::bad_request(
                    "flag",
                    "er ikke en kendt kompleksitet",
                ));
            }
            _ => {
                return Err(AppError::bad_request(
                    crate::input::shown_name(&name),
                    "er ikke en kendt parameter",
                ));
            }
        }
    }
    chosen.sort();
    let case = &data.snapshot.cases[row];
    let now = chrono::Utc::now();
    let rows: Vec<overblik_domain::Row> = chosen
        .iter()
        .map(|code| {
            data.entered
                .case_flags
                .iter()
                .find(|f| f.case_id == case.case_id && &f.flag == code)
                .cloned()
                .unwrap_or_else(|| CaseFlag {
                    case_id: case.case_id.clone(),
                    flag: code.clone(),
                    set_at: now,
                    set_by: user.username.clone(),
                })
                .to_row()
        })
        .collect();
    let person = case.person_id.as_str().to_owned();
    let detail = format!(
        "flags={}",
        if chosen.is_empty() {
            "-".to_owned()
        } else {
            chosen.join(",")
        }
    );
    write_entered(
        &state,
        &user,
        client,
        "case.flags",
        ("case", &case_id),
        detail,
        vec![person],
        EnteredWrite::Replace {
            spec: &CASE_FLAGS,
            filter: Some(("case_id", case_id.clone())),
            rows,
        },
    )
    .await?;
    Ok(Redirect::to(&case_href(&case_id)).into_response())
}

/// GET /api/v1/cases/{case_id}
pub async fn api(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
) -> Result<Json<CaseView>, AppError> {
    let (_, _, view) = load_case(&state, &user, client, &case_id).await?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
pub struct SearchForm {
    q: String,
}

/// POST /soeg: a case id or a CPR number. The search is audited with its term (a CPR number
/// as the person it resolves to, never the number itself).
pub async fn search(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<SearchForm>,
) -> Result<Response, AppError> {
    user.require(Capability::CaseTimeline)?;
    let q = form.q.trim().replace('-', "");
    if q.is_empty() || q.len() > 40 {
        return Err(AppError::bad_request(
            "søg",
            "skriv et sags-id eller et CPR-nummer (10 cifre)",
        ));
    }
    let data = state.data().await?;
    let visible = visible_cases(&data, &CaseScope::of(&user)).await;
    let (term, person) = if q.len() == 10 && q.bytes().all(|b| b.is_ascii_digit()) {
        let cpr = Cpr::parse(&q)
            .ok_or_else(|| AppError::bad_request("søg", "ikke et gyldigt CPR-nummer"))?;
        let person = state
            .pool()
            .run(move |store| store.person_id_by_cpr(&cpr))
            .await?;
        (
            format!("cpr→person:{}", person.as_deref().unwrap_or("ingen")),
            person,
        )
    } else {
        (format!("case_id:{q}"), None)
    };
    let found: Vec<usize> = data
        .snapshot
        .cases
        .iter()
        .enumerate()
        .filter(|(row, c)| {
            visible[*row]
                && match &person {
                    Some(p) => c.person_id.as_str() == p,
                    None => c.case_id.as_str() == q,
                }
        })
        .map(|(row, _)| row)
        .collect();
    let persons: Vec<String> = found
        .iter()
        .map(|r| data.snapshot.cases[*r].person_id.as_str().to_owned())
        .collect();
    audit_read(
        &state,
        &user,
        client,
        "case.search",
        None,
        Some(term),
        persons,
    )
    .await?;
    if let [row] = found.as_slice() {
        let id = data.snapshot.cases[*row].case_id.as_str();
        return Ok(Redirect::to(&case_href(id)).into_response());
    }
    let mut page = Page::new(Layout::new(&user, "Søgeresultat", "", freshness(&data)));
    let mut table = ViewTable::new(
        "Sager",
        &[("Sag", false), ("Område", false), ("Oprettet", false)],
    );
    table.empty = "Ingen sag i dit ansvarsområde matcher søgningen.".into();
    for row in found {
        let c = &data.snapshot.cases[row];
        table.rows.push(vec![
            ViewCell::text(c.case_id.as_str()).link(case_href(c.case_id.as_str())),
            ViewCell::text(c.area.label_da()),
            ViewCell::text(number::date(c.opened_at)),
        ]);
    }
    page.tables.push(table);
    Ok(render(&page))
}

/// What an obligation's status means at T, worded for the case page: how late a red number
/// is and that someone can still act, or why a lapsed one can no longer be met.
fn explain(o: &overblik_domain::obligations::Obligation, t: NaiveDate) -> String {
    use overblik_domain::obligations::Status;
    let days = |n: i64| {
        if n == 1 {
            "1 dag".to_owned()
        } else {
            format!("{n} dage")
        }
    };
    match (o.status, o.lapse) {
        (Status::Lapsed, Some(lapse)) => format!(
            "Ikke overholdt. Kan ikke længere nås, fordi {}; tæller som ikke overholdt i opgørelserne.",
            lapse.reason_da()
        ),
        _ if o.is_red() => format!(
            "Overskredet med {} og kan stadig nås: skal handles nu.",
            days((t - o.due.date()).num_days())
        ),
        (Status::LateWithPreliminary, _) => {
            "Afsluttet for sent; foreløbig vurdering forelå inden fristen.".to_owned()
        }
        (Status::Open, _) => format!("Frist om {}.", days((o.due.date() - t).num_days())),
        _ => String::new(),
    }
}
