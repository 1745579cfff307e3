//! Goal scores recorded at a follow-up (F11): at the follow-up meeting the caseworker scores
//! each open goal of the child's plans from 0 (no progress) to 10 (reached). The scores are
//! kept beside the case system's `goal_scores` (which win for the same goal and follow-up)
//! and count in KF21 and the case's «Mål og fremgang» at once.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use overblik_domain::Value;
use overblik_domain::access::Capability;
use overblik_domain::field::{Field, Score};
use overblik_domain::figures::case_goals::case_goals;
use overblik_domain::figures::results::ScoreAt;
use overblik_domain::tables::{FOLLOWUP_SCORES, FollowupScore, Goal};
use overblik_report::number;

use super::cases::authorised_case;
use super::{EnteredWrite, Fields, audit_read, freshness, write_entered};
use crate::auth::{CsrfForm, CurrentUser};
use crate::data::Data;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Form, FormField, Input, Layout, Link, Page, case_href, render, url_encode};

/// The case's follow-ups held by today, newest first: (row, id, held).
fn followups(data: &Data, case_id: &str) -> Vec<(usize, String, chrono::NaiveDate)> {
    let mut out: Vec<(usize, String, chrono::NaiveDate)> = data
        .snapshot
        .followups
        .iter()
        .enumerate()
        .filter(|(_, f)| f.case_id.as_str() == case_id && f.held_at <= data.date)
        .map(|(row, f)| (row, f.followup_id.as_str().to_owned(), f.held_at))
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    out
}

/// An open goal of the case's plans at today, with its plan's date and its scores so far.
struct OpenGoal<'a> {
    goal: &'a Goal,
    plan_date: chrono::NaiveDate,
    scores: Vec<ScoreAt>,
}

/// The open goals of case row `row` (`case_goals`: the same goals and scores the case page
/// shows), oldest plan first.
fn open_goals(data: &Data, row: usize) -> Vec<OpenGoal<'_>> {
    let s = &data.snapshot;
    case_goals(s, &data.entered.followup_scores, row as u32, data.date)
        .into_iter()
        .flat_map(|plan| {
            let plan_date = s.plans[plan.plan as usize].created_at;
            plan.goals
                .into_iter()
                .filter(|g| g.open)
                .map(move |g| OpenGoal {
                    goal: &s.goals[g.goal as usize],
                    plan_date,
                    scores: g.scores,
                })
        })
        .collect()
}

fn href(case_id: &str) -> String {
    format!("/sager/{}/maalscorer", url_encode(case_id))
}

/// GET /sager/{case_id}/maalscorer: the form to score the goals at a follow-up.
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Capability::ScoreGoals)?;
    let (data, row) = authorised_case(&state, &user, &case_id).await?;
    let case = &data.snapshot.cases[row];
    audit_read(
        &state,
        &user,
        client,
        "goals.score_form",
        Some(("case", case_id.clone())),
        None,
        vec![case.person_id.as_str().to_owned()],
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Scor målene i sag {case_id}"),
        "/frister",
        freshness(&data),
    ));
    page.intro.push(
        "Ved opfølgningen scores hvert åbent mål fra 0 (ingen fremgang) til 10 (målet er nået). Scorerne tæller straks med i sagens mål og i resultatopgørelsen; sagssystemets egne scorer for samme opfølgning går forud."
            .into(),
    );
    let followups = followups(&data, &case_id);
    let goals = open_goals(&data, row);
    if followups.is_empty() || goals.is_empty() {
        page.intro.push(if followups.is_empty() {
            "Sagen har ingen afholdte opfølgninger fra sagssystemet endnu; en score hører til en opfølgning.".into()
        } else {
            "Sagen har ingen åbne mål i en plan.".into()
        });
    } else {
        let mut form = Form::new(href(&case_id), "Scorer ved opfølgningen", "Gem scorerne");
        form.fields.push(FormField::new(
            "followup_id",
            "Opfølgning",
            Input::Select {
                options: followups
                    .iter()
                    .enumerate()
                    .map(|(n, (_, id, held))| {
                        (
                            id.clone(),
                            format!("Opfølgning {}", number::date(*held)),
                            n == 0,
                        )
                    })
                    .collect(),
            },
        ));
        // Prefilled with what the newest follow-up (selected) already has.
        let newest = followups[0].0 as u32;
        let existing = |goal: &OpenGoal<'_>| -> String {
            goal.scores
                .iter()
                .find(|s| s.followup == newest)
                .map(|s| s.score.to_string())
                .unwrap_or_default()
        };
        for open in &goals {
            form.fields.push(
                FormField::new(
                    format!("score_{}", open.goal.goal_id.as_str()),
                    format!(
                        "{} (plan fra {})",
                        open.goal.category.label_da(),
                        number::date(open.plan_date)
                    ),
                    Input::Number {
                        value: existing(open),
                        min: 0,
                        max: 10,
                    },
                )
                .hint("0-10; tom: ikke scoret ved denne opfølgning"),
            );
        }
        page.forms.push(form);
    }
    page.links
        .push(Link::new(case_href(&case_id), "Tilbage til sagen"));
    Ok(render(&page))
}

/// POST /sager/{case_id}/maalscorer: replaces the scores recorded at the chosen follow-up.
pub async fn save(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path(case_id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Capability::ScoreGoals)?;
    let (data, row) = authorised_case(&state, &user, &case_id).await?;
    let goals = open_goals(&data, row);
    let fields = Fields::parse_unversioned(form, |name| {
        name == "followup_id"
            || name
                .strip_prefix("score_")
                .is_some_and(|id| goals.iter().any(|g| g.goal.goal_id.as_str() == id))
    })?;
    let followup = followups(&data, &case_id)
        .into_iter()
        .find(|(_, id, _)| id == fields.get("followup_id"))
        .ok_or_else(|| {
            AppError::bad_request("followup_id", "er ikke en afholdt opfølgning i sagen")
        })?;
    let mut rows = Vec::new();
    for OpenGoal { goal, .. } in &goals {
        let field = format!("score_{}", goal.goal_id.as_str());
        let text = fields.get(&field).trim();
        if text.is_empty() {
            continue;
        }
        let score = text
            .parse::<i64>()
            .ok()
            .and_then(|n| Score::from_value(&Value::Int(n)))
            .ok_or_else(|| AppError::bad_request(field, "skal være et helt tal fra 0 til 10"))?;
        rows.push(
            FollowupScore {
                goal_id: goal.goal_id.clone(),
                followup_id: data.snapshot.followups[followup.0].followup_id.clone(),
                score,
                recorded_on: data.date,
                recorded_by: user.username.clone(),
            }
            .to_row(),
        );
    }
    let followup_id = followup.1.clone();
    // Scores of goals not in the form (closed since) stay as they were.
    rows.extend(
        data.entered
            .followup_scores
            .iter()
            .filter(|fs| {
                fs.followup_id.as_str() == followup_id
                    && !goals.iter().any(|g| g.goal.goal_id == fs.goal_id)
            })
            .map(|fs| fs.to_row()),
    );
    let person = data.snapshot.cases[row].person_id.as_str().to_owned();
    write_entered(
        &state,
        &user,
        client,
        "goals.score",
        ("case", &case_id),
        format!("followup={followup_id} scores={}", rows.len()),
        vec![person],
        EnteredWrite::Replace {
            spec: &FOLLOWUP_SCORES,
            filter: Some(("followup_id", followup_id.clone())),
            rows,
        },
    )
    .await?;
    Ok(Redirect::to(&case_href(&case_id)).into_response())
}
