//! A supervision round (F10): drawing the sample, the round's page with the re-drawn check,
//! the summary per item and team, and the learning points.

use super::*;

#[derive(Debug, Deserialize)]
pub struct DrawRequest {
    theme_id: String,
    size: String,
    strata: String,
    seed: String,
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
    let ctx = unit_context(&user, &data)?;
    let Some(unit) = ctx.scope.unit else {
        return Err(user.forbidden("supervision_without_unit"));
    };
    let sample = draw_sample(&ctx, &t, size as usize, seed as u64, strata)
        .map_err(|error| AppError::bad_request("size", error.to_string()))?;
    let s = &data.snapshot;
    let round_id: RoundId = new_id("SR");
    let round = SupervisionRound {
        round_id: round_id.clone(),
        theme_id: t.theme_id.clone(),
        unit_id: s.org_units[unit as usize].unit_id.clone(),
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
    write_entered(
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
        Versioned {
            head_spec: &SUPERVISION_ROUNDS,
            expected: None,
            head,
            children: vec![(&SUPERVISION_CASES, cases)],
            conflict: CONFLICT,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/tilsyn/runde/{}", round_id.as_str())).into_response())
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
    let ctx = unit_context(&user, &data)?;
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
            .filter_map(|c| ctx.lookup.case(c.case_id.as_str()))
            .map(|row| s.cases[row as usize].person_id.as_str().to_owned())
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
            .push(resample_check(&data, &round, t, &cases).await);
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
        let mine: Vec<&SupervisionFinding> = findings
            .iter()
            .filter(|f| f.case_id == c.case_id)
            .copied()
            .collect();
        let met = case_share(&items, &mine);
        sample.rows.push(vec![
            ViewCell::text(c.case_id.as_str()).link(format!(
                "/tilsyn/runde/{}/{}",
                url_encode(&round_id),
                url_encode(c.case_id.as_str())
            )),
            ViewCell::text(super::super::staff_name_of(
                &data,
                c.staff_id.as_ref(),
                "Ingen",
            )),
            ViewCell::text(unit_name(&data, c.team_id.as_ref().map(|u| u.as_str()))),
            ViewCell::text(format!("{} af {}", mine.len(), items.len())),
            ViewCell::text(format!("{} af {}", met.numerator, met.denominator)),
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

/// "Stikprøven er trukket igen …": the sample drawn again from the seed and the data at the
/// day of drawing, compared with the stored cases (cached per data version).
async fn resample_check(
    data: &Arc<Data>,
    round: &SupervisionRound,
    theme: &SupervisionTheme,
    stored: &[&SupervisionCase],
) -> String {
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
    let ctx = unit_context(&user, &data)?;
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
