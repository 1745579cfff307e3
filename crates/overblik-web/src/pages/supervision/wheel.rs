//! The annual wheel (F10): the year's themes, the rounds and their trend, and the head's
//! forms to plan a theme and its checklist.

use super::*;

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
    let ctx = unit_context(&user, &data)?;
    let year = checked_year("year", query.year.unwrap_or(data.date.year()).into())?;
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
            ViewCell::number(percent_or_dash(legality.value())),
            ViewCell::number(percent_or_dash(quality.value())),
            ViewCell::text(r.status.label_da()),
        ]);
    }
    trend.empty = "Ingen tilsynsrunder endnu.".into();
    trend.note = Some(
        "Andelen af de vurderede punkter, der er opfyldt. Et kvalitetspunkt er opfyldt med en score i den øverste halvdel af skalaen (midten af en ulige skala tæller ikke).".into(),
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
    write_entered(
        &state,
        &user,
        client,
        "supervision.theme",
        ("supervision_theme", id.as_str()),
        format!("month={month}"),
        Vec::new(),
        EnteredWrite::Insert(&SUPERVISION_THEMES, row),
    )
    .await?;
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
            (ChecklistKind::Quality, _) => format!("Score 1-{}", item.scale_top()),
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
                    value: supervision::summary::DEFAULT_SCALE_MAX.to_string(),
                    min: 2,
                    max: 10,
                },
            )
            .hint("Skalaen går fra 1; en score i den øverste halvdel tæller som opfyldt (midten af en ulige skala tæller ikke)."),
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
    write_entered(
        &state,
        &user,
        client,
        "supervision.item",
        ("supervision_theme", &theme_id),
        format!("kind={}", kind.code()),
        Vec::new(),
        EnteredWrite::Insert(&CHECKLIST_ITEMS, row),
    )
    .await?;
    Ok(Redirect::to(&format!("/tilsyn/tema/{}", url_encode(&theme_id))).into_response())
}
