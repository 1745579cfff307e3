//! The checklist of one sampled case (F10): legality items prefilled from the deadlines,
//! quality items scored on their scale, saved with the round's version.

use super::*;

/// GET /tilsyn/runde/{round_id}/{case_id}: the checklist for one sampled case.
pub async fn case_page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path((round_id, case_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(Capability::Supervise)?;
    let data = state.data().await?;
    let ctx = unit_context(&user, &data)?;
    let round = round_of(&data, &ctx, &user, &round_id)?;
    let (row, person) = sampled_case(&data, &ctx, &user, &round, &case_id)?;
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
                let max = item.scale_top();
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
    let ctx = unit_context(&user, &data)?;
    let round = round_of(&data, &ctx, &user, &round_id)?;
    let (_, person) = sampled_case(&data, &ctx, &user, &round, &case_id)?;
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
    let stored: Vec<&SupervisionFinding> = round_findings(&data, &round.round_id)
        .into_iter()
        .filter(|f| f.case_id.as_str() == case_id)
        .collect();
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
                let max = item.scale_top();
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
        // A legality item answered "not relevant" is a finding too (else the prefill would
        // come back); a quality item not scored and without a note is not assessed.
        let answered = item.kind == ChecklistKind::Legality && fields.has(&format!("met_{id}"));
        if !answered && met.is_none() && score.is_none() && note.is_none() {
            continue;
        }
        // Unchanged findings keep who recorded them and when.
        let before = stored
            .iter()
            .find(|f| f.item_id == item.item_id)
            .filter(|f| f.met == met && f.score == score && f.note == note);
        rows.push(SupervisionFinding {
            round_id: round.round_id.clone(),
            case_id: case.clone(),
            item_id: item.item_id.clone(),
            met,
            score,
            note,
            recorded_on: before.map_or(data.date, |f| f.recorded_on),
            recorded_by: before.map_or_else(|| user.username.clone(), |f| f.recorded_by.clone()),
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
        Some((case_id.clone(), person, rows)),
        "supervision.findings",
    )
    .await?;
    Ok(Redirect::to(&format!("/tilsyn/runde/{}", url_encode(&round_id))).into_response())
}
