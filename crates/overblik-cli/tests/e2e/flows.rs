//! Each role's main flow in the real browser, on the demo municipality: log in, see the landing
//! figures, drill from a red number to the list and on to the case (where the role may),
//! download a report as XLSX, be refused a page of another role, log out. Every page visited
//! must load without a console error or failed request (no missing asset), and the main pages
//! must pass axe-core's WCAG 2.1 A and AA rules.
//!
//! With `OVERBLIK_SCREENSHOTS=<folder>` (the README's pictures: `docs/screenshots`), the pages
//! in [`SCREENSHOTS`] are also saved there as PNG, the top [`SCREENSHOT_HEIGHT`] pixels of each.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::harness::{Browser, DEMO_YEARS, Page, Server, describe};

/// The pages photographed for the README (names as given to [`check`]).
const SCREENSHOTS: &[&str] = &[
    "login",
    "sagsbehandler-landing",
    "sagsbehandler-frister",
    "sagsbehandler-sag",
    "teamleder-landing",
    "teamleder-rapport-caseload",
    "teamleder-sagsstamme",
    "teamleder-sagsstamme-sagsbehandler",
    "teamleder-sag-kompleksitet",
    "teamleder-fordeling",
    "teamleder-fordeling-sag",
    "teamleder-gennemgang",
    "teamleder-gennemgang-sager",
    "teamleder-overdragelse",
    "fagchef-tilsyn",
    "fagchef-tilsyn-runde",
    "fagchef-maal",
    "fagchef-landing",
    "fagchef-rapport-budget",
    "direktoer-landing",
    "udvalgsmedlem-landing",
    "controller-oekonomi",
    "administrator-landing",
    "revisor-landing",
];

/// CSS pixels from the top of a page in a README screenshot.
const SCREENSHOT_HEIGHT: u32 = 1400;

/// One role's flow.
struct Flow {
    username: &'static str,
    /// Where the role lands after logging in.
    landing: &'static str,
    /// The report whose XLSX the role downloads, if any.
    report: Option<&'static str>,
    /// Whether the role may drill from a red number to the list and the case.
    drills: bool,
    /// A page of another role: refused with 403.
    refused: &'static str,
    /// Further main pages checked with axe (and photographed).
    more: &'static [&'static str],
}

const FLOWS: &[Flow] = &[
    Flow {
        username: "sagsbehandler",
        landing: "/oversigt",
        report: Some("weekly"),
        drills: true,
        refused: "/revision",
        more: &[],
    },
    Flow {
        username: "teamleder",
        landing: "/oversigt",
        report: Some("caseload"),
        drills: true,
        refused: "/admin/brugere",
        more: &["/kvalitet", "/resultater"],
    },
    Flow {
        username: "fagchef",
        landing: "/oversigt",
        report: Some("budget"),
        drills: true,
        refused: "/oekonomi",
        more: &["/rapporter"],
    },
    Flow {
        username: "direktoer",
        landing: "/oversigt",
        report: Some("committee"),
        drills: false,
        refused: "/rapporter/weekly",
        more: &[],
    },
    Flow {
        username: "udvalgsmedlem",
        landing: "/rapporter/committee",
        report: Some("committee"),
        drills: false,
        refused: "/frister",
        more: &[],
    },
    Flow {
        username: "controller",
        landing: "/rapporter/budget",
        report: Some("budget"),
        drills: false,
        refused: "/frister",
        more: &["/oekonomi"],
    },
    Flow {
        username: "administrator",
        landing: "/admin/brugere",
        report: None,
        drills: false,
        refused: "/rapporter",
        more: &[],
    },
    Flow {
        username: "revisor",
        landing: "/revision",
        report: None,
        drills: false,
        refused: "/frister",
        more: &[],
    },
];

#[test]
fn every_role_logs_in_drills_down_downloads_is_refused_and_logs_out() {
    let server = Server::shared_demo();
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let login_page = browser.page(server.base_url());
    login_page.goto("/login");
    check(&login_page, shots.as_deref(), "login");
    for flow in FLOWS {
        let page = browser.page(server.base_url());
        run(&page, flow, shots.as_deref());
    }
}

fn run(page: &Page<'_>, flow: &Flow, shots: Option<&Path>) {
    let user = flow.username;
    log_in(page, user);
    assert_eq!(page.current_path(), flow.landing, "{user} lands elsewhere");
    check(page, shots, &format!("{user}-landing"));
    landing_figures(page, flow);

    if flow.drills {
        drill_from_red_number(page, user, shots);
    } else {
        assert!(
            !page.exists("a[href^=\"/sager/\"]") && !page.exists("a[href^=\"/frister\"]"),
            "{user} may not drill down to cases, but the landing page links to them"
        );
    }
    if let Some(kind) = flow.report {
        download_report(page, user, kind, shots);
    }
    for path in flow.more {
        page.goto(path);
        assert_eq!(page.status(), 200, "{user} {path}");
        check(page, shots, &format!("{user}{}", path.replace('/', "-")));
    }

    page.goto(flow.refused);
    assert_eq!(
        page.status(),
        403,
        "{user} must be refused {}",
        flow.refused
    );
    assert_eq!(
        page.text_of("h1"),
        "Ingen adgang",
        "{user} {}",
        flow.refused
    );
    // The refusal answers 403 on purpose: not a page problem.
    page.take_problems();

    page.goto(flow.landing);
    page.click(".portal-info .log-off");
    assert_eq!(page.current_path(), "/login", "{user}: logging out");
    page.goto(flow.landing);
    assert_eq!(
        page.current_path(),
        "/login",
        "{user}: after logging out, {} must ask for a login",
        flow.landing
    );
    assert_eq!(page.take_problems(), Vec::<String>::new(), "{user}");
}

fn log_in(page: &Page<'_>, user: &str) {
    page.goto("/login")
        .fill("#username", user)
        .fill("#password", &format!("demo-{user}"))
        .click(".login-form button[type=submit]");
    assert!(
        page.exists(".portal-user .user"),
        "{user}: not logged in, at {}",
        page.current_path()
    );
    assert!(
        page.text_of(".portal-user .user").contains("Demo"),
        "{user}"
    );
}

/// The landing page shows the role's figures: cards for the leaders, the report for the
/// others, and always the data's freshness.
fn landing_figures(page: &Page<'_>, flow: &Flow) {
    let user = flow.username;
    assert!(
        page.text_of(".freshness").starts_with("Opgjort"),
        "{user}: no data freshness on the landing page"
    );
    if flow.landing == "/oversigt" {
        let cards = page.evaluate("document.querySelectorAll('.card-row .headline').length");
        assert!(
            cards.as_u64().unwrap_or(0) >= 3,
            "{user}: {cards} key figure cards"
        );
        for value in page
            .evaluate(
                "Array.from(document.querySelectorAll('.headline-value')).map(e => e.innerText)",
            )
            .as_array()
            .expect("card values")
        {
            let value = value.as_str().unwrap_or_default();
            assert!(
                value.chars().any(|c| c.is_ascii_digit()) || value == "<5",
                "{user}: card value `{value}` is not a figure"
            );
        }
    } else {
        assert!(
            page.exists("table"),
            "{user}: no figures on {}",
            flow.landing
        );
    }
    if user == "direktoer" {
        assert!(
            page.text_of(".page-content").contains("Diskretionering"),
            "the director's figures must say they are suppressed"
        );
    }
}

/// From the first red card to the list behind it, then to the first case of the list and its
/// timeline.
fn drill_from_red_number(page: &Page<'_>, user: &str, shots: Option<&Path>) {
    let red = ".headline-alert .headline-value a[href^=\"/frister\"]";
    assert!(
        page.exists(red),
        "{user}: no red number linking to its deadlines on the landing page"
    );
    let figure: u64 = page
        .text_of(red)
        .split_whitespace()
        .next()
        .and_then(|n| n.replace('.', "").parse().ok())
        .expect("a count");
    assert!(figure > 0, "{user}: a red number of 0");
    page.click(red);
    assert_eq!(page.current_path(), "/frister", "{user}");
    check(page, shots, &format!("{user}-frister"));
    let rows = page.evaluate("document.querySelectorAll('tbody tr').length");
    assert!(
        rows.as_u64().unwrap_or(0) > 0,
        "{user}: the list behind {figure} is empty"
    );

    let case_link = "td a[href^=\"/sager/\"]";
    let case_id = page.text_of(case_link);
    page.click(case_link);
    assert!(
        page.current_path().starts_with("/sager/"),
        "{user}: at {}",
        page.current_path()
    );
    assert_eq!(page.text_of("h1"), format!("Sag {case_id}"), "{user}");
    let captions =
        page.evaluate("Array.from(document.querySelectorAll('caption')).map(c => c.innerText)");
    let captions = captions.to_string();
    assert!(
        captions.contains("Frister i sagen") && captions.contains("Tidslinje"),
        "{user}: the case page lacks its deadlines or timeline: {captions}"
    );
    check(page, shots, &format!("{user}-sag"));
}

/// Opens the report page and downloads its XLSX; the file is a workbook with the report's
/// title on its first sheet.
fn download_report(page: &Page<'_>, user: &str, kind: &str, shots: Option<&Path>) {
    page.goto(&format!("/rapporter/{kind}"));
    assert_eq!(page.status(), 200, "{user} report {kind}");
    check(page, shots, &format!("{user}-rapport-{kind}"));
    let title = page.text_of("h1");
    let link = format!(".downloads a[download][href=\"/rapporter/{kind}/xlsx\"]");
    let file = page.download(&link);
    assert!(
        file.extension().is_some_and(|e| e == "xlsx"),
        "{user}: downloaded {}",
        file.display()
    );
    let mut workbook: Xlsx<_> = open_workbook(&file)
        .unwrap_or_else(|error| panic!("{user}: {} is no workbook: {error}", file.display()));
    let sheets = workbook.sheet_names();
    assert!(sheets.len() >= 2, "{user}: sheets {sheets:?}");
    let about = workbook.worksheet_range(&sheets[0]).expect("first sheet");
    let texts: Vec<String> = about
        .cells()
        .filter_map(|(_, _, cell)| match cell {
            Data::String(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| title.contains(t.as_str()) || t.contains(&title)),
        "{user}: the workbook's first sheet does not name the report `{title}`: {texts:?}"
    );
}

/// No console error or failed request since the last check, no axe violation, and a
/// screenshot when asked for.
#[track_caller]
fn check(page: &Page<'_>, shots: Option<&Path>, name: &str) {
    assert_eq!(
        page.take_problems(),
        Vec::<String>::new(),
        "{name}: problems on {}",
        page.current_path()
    );
    let violations = page.axe_violations();
    assert!(
        violations.is_empty(),
        "{name}: axe finds WCAG 2.1 A/AA violations on {}:\n{}",
        page.current_path(),
        describe(&violations)
    );
    if let Some(folder) = shots.filter(|_| SCREENSHOTS.contains(&name)) {
        page.screenshot_up_to(folder.join(format!("{name}.png")), SCREENSHOT_HEIGHT);
    }
}

fn screenshot_folder() -> Option<PathBuf> {
    let folder = std::env::var_os("OVERBLIK_SCREENSHOTS")?;
    let folder = PathBuf::from(folder);
    // Relative to the repository's root, not to the test's working folder (the crate).
    Some(if folder.is_relative() {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(folder)
    } else {
        folder
    })
}

/// F6 in the browser: a team leader opens the caseload, drills from a caseworker's points to
/// the cases and why each weighs what it does, opens a case and sets a complexity flag; the
/// case's weight goes up by the flag's points, and clearing it takes it back.
#[test]
fn a_team_leader_weighs_the_caseload_and_flags_a_case() {
    let server = Server::shared_demo();
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let page = browser.page(server.base_url());
    log_in(&page, "teamleder");
    page.click_link_text("Sagsstamme");
    assert_eq!(page.current_path(), "/sagsstamme");
    check(&page, shots.as_deref(), "teamleder-sagsstamme");

    let points = "td a[href^=\"/sagsstamme/\"]";
    assert!(page.exists(points), "no caseworker to drill into");
    page.click(points);
    assert!(page.current_path().starts_with("/sagsstamme/"));
    assert!(
        page.text_of("caption").contains("Sagerne og deres vægt"),
        "{}",
        page.text_of("h1")
    );
    assert!(
        page.text_of("tbody").contains("Sag ("),
        "the reasons of the weights are missing"
    );
    check(
        &page,
        shots.as_deref(),
        "teamleder-sagsstamme-sagsbehandler",
    );

    page.click("td a[href^=\"/sager/\"]");
    let weight = |page: &Page<'_>| -> f64 {
        let caption = page.evaluate(
            "Array.from(document.querySelectorAll('caption')).map(c => c.innerText).find(t => t.startsWith('Sagsvægt'))",
        );
        caption
            .as_str()
            .and_then(|c| c.split_whitespace().nth(1))
            .and_then(|n| n.replace(',', ".").parse().ok())
            .unwrap_or_else(|| panic!("no weight caption: {caption}"))
    };
    let before = weight(&page);
    check(&page, shots.as_deref(), "teamleder-sag-kompleksitet");
    page.click_in_page("#flag-violence");
    page.click(".flag-form button[type=submit]");
    assert!(page.current_path().starts_with("/sager/"));
    let after = weight(&page);
    let model = overblik_domain::workload::WeightModel::default();
    let violence: f64 = model
        .flag("violence")
        .expect("a built-in flag")
        .points
        .to_string()
        .parse()
        .expect("points");
    assert!(
        (after - before - violence).abs() < 1e-9,
        "{before} -> {after}"
    );
    assert_eq!(
        page.evaluate("document.querySelector('#flag-violence').checked"),
        serde_json::json!(true)
    );
    page.click_in_page("#flag-violence");
    page.click(".flag-form button[type=submit]");
    assert!((weight(&page) - before).abs() < 1e-9);

    page.goto("/sagsvaegte");
    assert_eq!(page.status(), 200);
    check(&page, shots.as_deref(), "teamleder-sagsvaegte");
}

/// F7 in the browser: the team leader opens the cases without a caseworker, sees the ranked
/// suggestions with reasons, assigns the first case with one action and lands on the case (or
/// its handover, when it had a caseworker before) with its new caseworker; the case has left
/// the list.
#[test]
fn a_team_leader_distributes_a_case() {
    let server = Server::shared_demo();
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let page = browser.page(server.base_url());
    log_in(&page, "teamleder");
    page.click_link_text("Fordeling");
    assert_eq!(page.current_path(), "/fordeling");
    check(&page, shots.as_deref(), "teamleder-fordeling");
    let first = "td a[href^=\"/fordeling/\"]";
    if !page.exists(first) {
        // A day the synthetic team has no case without a caseworker: the page says so (the
        // HTTP test `a_leader_distributes_a_case_without_a_caseworker` assigns on any day).
        assert!(
            page.text_of(".page-content")
                .contains("Alle åbne sager har en sagsbehandler"),
            "{}",
            page.text_of(".page-content")
        );
        return;
    }
    let case = page.text_of(first);
    page.click(first);
    assert!(
        page.text_of("h1").ends_with(&case),
        "{}",
        page.text_of("h1")
    );
    assert!(page.text_of(".page-content").contains("Ledig kapacitet"));
    check(&page, shots.as_deref(), "teamleder-fordeling-sag");
    let chosen = page.evaluate(
        "(() => { const s = document.querySelector('#assign-staff'); return s.options[s.selectedIndex].text; })()",
    );
    let name = chosen
        .as_str()
        .and_then(|t| t.split(" (").next())
        .expect("a caseworker is suggested")
        .to_owned();
    page.click(".assign-form button[type=submit]");
    // A case that had a caseworker before lands on its handover checklist.
    if page.current_path().starts_with("/overdragelser/H") {
        assert!(
            page.text_of(".font-lead").contains(&format!("til {name}")),
            "{}",
            page.text_of(".font-lead")
        );
        page.goto(&format!("/sager/{case}"));
    }
    assert_eq!(page.current_path(), format!("/sager/{case}"));
    assert!(
        page.text_of(".font-lead")
            .contains(&format!("sagsbehandler: {name}")),
        "{}",
        page.text_of(".font-lead")
    );
    page.goto("/fordeling");
    assert!(
        !page.exists(&format!("td a[href=\"/fordeling/{case}\"]")),
        "the assigned case is still to be distributed"
    );
}

/// F9 in the browser: the team leader starts the monthly review of a caseworker, sets an
/// adjustment and a note on the first case, saves, and closes the review; the list counts it.
#[test]
fn a_team_leader_holds_a_monthly_caseload_review() {
    let server = Server::shared_demo();
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let page = browser.page(server.base_url());
    log_in(&page, "teamleder");
    page.click_link_text("Gennemgang");
    assert_eq!(page.current_path(), "/gennemgang");
    check(&page, shots.as_deref(), "teamleder-gennemgang");
    page.click("td a[href^=\"/gennemgang/ny/\"]");
    page.click("form[action^=\"/gennemgang/ny/\"] button[type=submit]");
    assert!(
        page.current_path().starts_with("/gennemgang/R"),
        "{}",
        page.current_path()
    );
    assert!(
        page.exists(".review-form select"),
        "the caseworker has no open cases to review"
    );
    // The first case, by its id: another test may assign a case to the same caseworker.
    let case = page
        .evaluate("document.querySelector('.review-form select').id.slice(4)")
        .as_str()
        .expect("a select id")
        .to_owned();
    let (select, note) = (format!("#adj-{case}"), format!("#note-{case}"));
    page.select_option(&select, "up");
    page.fill(&note, "Ny handleplan aftalt");
    check(&page, shots.as_deref(), "teamleder-gennemgang-sager");
    page.click(".review-form button[type=submit]");
    assert_eq!(
        page.evaluate(&format!("document.querySelector('{select}').value")),
        serde_json::json!("up")
    );
    assert_eq!(
        page.evaluate(&format!("document.querySelector('{note}').value")),
        serde_json::json!("Ny handleplan aftalt")
    );
    page.click_in_page("#review-close");
    page.click(".review-form button[type=submit]");
    assert!(
        page.text_of(".font-lead").contains("Afsluttet"),
        "{}",
        page.text_of(".font-lead")
    );
    assert!(!page.exists(".review-form button[type=submit]"));
    page.goto("/gennemgang");
    assert!(page.text_of(".page-content").contains("Afsluttet"));
}

/// F8 in the browser: the team leader reassigns a case from its caseworker, lands on the new
/// handover checklist, ticks an item with a note and saves, then ticks the rest: the handover
/// is complete, read-only, and on the case's timeline. On a server of its own: it moves a case.
#[test]
fn a_team_leader_reassigns_a_case_and_follows_the_handover() {
    // 8,000 inhabitants: the 3,000 of the shared demo give a children's team of one.
    let server = Server::start_demo(8000, DEMO_YEARS);
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let page = browser.page(server.base_url());
    log_in(&page, "teamleder");
    page.click_link_text("Sagsstamme");
    page.click("td a[href^=\"/sagsstamme/\"]");
    page.click("td a[href^=\"/sager/\"]");
    let case = page.current_path().trim_start_matches("/sager/").to_owned();
    page.click_link_text("Omfordel sagen til en anden sagsbehandler");
    assert!(
        page.text_of(".page-content").contains("Sagen har i dag"),
        "{}",
        page.text_of(".page-content")
    );
    assert!(
        page.exists("#assign-staff option"),
        "the demo team has no other caseworker to take the case"
    );
    page.click(".assign-form button[type=submit]");
    assert!(
        page.current_path().starts_with("/overdragelser/H"),
        "{}",
        page.current_path()
    );
    assert_eq!(page.text_of("h1"), format!("Overdragelse af sag {case}"));
    check(&page, shots.as_deref(), "teamleder-overdragelse");
    page.click_in_page("#f-done_deadlines");
    page.fill("#f-note_deadlines", "Gennemgået på overdragelsesmødet");
    page.click(".entry-form button[type=submit]");
    assert_eq!(
        page.evaluate("document.querySelector('#f-done_deadlines').checked"),
        serde_json::json!(true)
    );
    assert_eq!(
        page.evaluate("document.querySelector('#f-note_deadlines').value"),
        serde_json::json!("Gennemgået på overdragelsesmødet")
    );
    page.evaluate(
        "document.querySelectorAll('.entry-form input[type=checkbox]').forEach(b => b.checked = true)",
    );
    page.click(".entry-form button[type=submit]");
    assert!(
        page.text_of(".font-lead").contains("afsluttet"),
        "{}",
        page.text_of(".font-lead")
    );
    assert!(!page.exists(".entry-form button[type=submit]"));
    page.click_link_text("Overdragelser");
    check(&page, shots.as_deref(), "teamleder-overdragelser");
    assert!(page.text_of("tbody").contains("Afsluttet"));
    page.goto(&format!("/sager/{case}"));
    assert!(
        page.text_of("tbody").contains("Overdragelsen afsluttet")
            || page
                .text_of(".page-content")
                .contains("Overdragelsen afsluttet")
    );
}

/// F10 in the browser: the head plans a theme of the wheel with a legality item (from the
/// deadlines) and a quality item, draws a stratified sample with a seed, fills the checklist
/// of the first sampled case, and sees the summary; the round is closed with a learning point.
#[test]
fn a_head_plans_a_theme_and_runs_a_supervision_round() {
    let server = Server::shared_demo();
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let page = browser.page(server.base_url());
    log_in(&page, "fagchef");
    page.click_link_text("Tilsyn");
    assert_eq!(page.current_path(), "/tilsyn");
    check(&page, shots.as_deref(), "fagchef-tilsyn");
    let year = page
        .evaluate("document.querySelector('#f-month').value.slice(0, 4)")
        .as_str()
        .expect("the month field")
        .to_owned();
    page.fill("#f-month", &format!("{year}-03"));
    page.fill("#f-title", "Børnefaglige undersøgelser i browseren");
    page.select_option("#f-area", "children");
    page.click("form[action=\"/tilsyn/temaer\"] button[type=submit]");
    assert!(page.current_path().starts_with("/tilsyn/tema/T"));
    page.select_option("#f-kind", "legality");
    page.fill("#f-text", "Første opfølgning holdt til tiden");
    page.select_option("#f-rule", "followup_first");
    page.click(".entry-form button[type=submit]");
    page.select_option("#f-kind", "quality");
    page.fill("#f-text", "Barnets perspektiv er beskrevet");
    page.click(".entry-form button[type=submit]");
    assert!(page.text_of("tbody").contains("Score 1-4"));
    check(&page, shots.as_deref(), "fagchef-tilsyn-tema");

    page.goto("/tilsyn");
    let theme = page.current_path();
    assert_eq!(theme, "/tilsyn");
    page.select_option(
        "#f-theme_id",
        page.evaluate(
            "Array.from(document.querySelector('#f-theme_id').options).find(o => o.text.startsWith('Børnefaglige undersøgelser i browseren')).value",
        )
        .as_str()
        .expect("the new theme is offered"),
    );
    page.fill("#f-size", "2");
    page.fill("#f-seed", "2026");
    page.click("form[action=\"/tilsyn/runder\"] button[type=submit]");
    assert!(
        page.current_path().starts_with("/tilsyn/runde/SR"),
        "{}",
        page.current_path()
    );
    assert!(page.text_of(".page-content").contains("de samme 2 sager"));
    page.click("td a[href^=\"/tilsyn/runde/\"]");
    check(&page, shots.as_deref(), "fagchef-tilsyn-sag");
    page.select_option("#f-met_I1", "ja");
    page.fill("#f-score_I2", "3");
    page.click(".entry-form button[type=submit]");
    assert!(page.current_path().starts_with("/tilsyn/runde/SR"));
    assert!(
        page.text_of(".page-content").contains("100,0 % (1 af 1)"),
        "{}",
        page.text_of(".page-content")
    );
    page.fill("#f-learning_points", "Skriv barnets perspektiv tydeligt");
    page.click_in_page("#f-close");
    page.click(".entry-form button[type=submit]");
    assert!(page.text_of(".font-lead").contains("Afsluttet"));
    check(&page, shots.as_deref(), "fagchef-tilsyn-runde");
}

/// F16 in the browser: the head adds a policy theme, an annual goal and an indicator bound to
/// a key figure (a share above 100 % is refused first, naming the field), and sees the
/// indicator's status and the annual report.
#[test]
fn a_head_sets_a_political_goal_and_follows_its_indicator() {
    let server = Server::shared_demo();
    let browser = Browser::launch();
    let shots = screenshot_folder();
    let page = browser.page(server.base_url());
    log_in(&page, "fagchef");
    // "Politik" sits in the menu's overflow for the head: opened by its address.
    page.goto("/maal");
    page.fill("#f-theme_title", "Rettidig sagsbehandling");
    page.click("form[action=\"/maal/temaer\"] button[type=submit]");
    page.select_option(
        "#f-theme_id",
        page.evaluate(
            "Array.from(document.querySelector('#f-theme_id').options).find(o => o.text === 'Rettidig sagsbehandling').value",
        )
        .as_str()
        .expect("the new theme is offered"),
    );
    page.fill("#f-title", "Frister holdes i browseren");
    page.click("form[action=\"/maal/aarsmaal\"] button[type=submit]");
    assert!(
        page.text_of(".page-content")
            .contains("Frister holdes i browseren")
    );
    page.select_option("#f-figure", "KF15");
    page.fill("#f-target", "120");
    page.select_option("#f-direction", "higher");
    page.click("form[action=\"/maal/indikatorer\"] button[type=submit]");
    let refused = page.text_of(".page-content");
    assert!(
        refused.contains("target") && refused.contains("ligger uden for området for KF15"),
        "{refused}"
    );
    page.take_problems();
    page.goto("/maal");
    page.select_option("#f-figure", "KF15");
    page.fill("#f-target", "90");
    page.select_option("#f-direction", "higher");
    page.select_option("#f-frequency", "quarterly");
    page.click("form[action=\"/maal/indikatorer\"] button[type=submit]");
    let status = page.text_of("table");
    assert!(
        status.contains("Frister holdes i browseren")
            && status.contains("KF15 Opfølgninger til tiden"),
        "{status}"
    );
    assert!(status.contains("≥ 90 %"), "{status}");
    check(&page, shots.as_deref(), "fagchef-maal");
    page.click_link_text(&format!(
        "Årsrapport for {} (til udskrift)",
        page.evaluate("document.querySelector('#f-year').value")
            .as_str()
            .expect("the year field")
    ));
    assert!(
        page.text_of("h1")
            .starts_with("Årsrapport for politiske mål")
    );
    check(&page, shots.as_deref(), "fagchef-maal-rapport");
}
