//! The page models the templates render (askama: compiled, type-checked, HTML-escaped by
//! default) and the small pieces every page shares: the layout with its role-based menu,
//! tables with optional links, key-figure cards.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use overblik_domain::access::Capability;

use crate::auth::CurrentUser;

/// Renders `page`; a template error is a 500 (it cannot happen for well-formed models, but it
/// must not panic the server).
pub fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Der skete en fejl.").into_response()
        }
    }
}

/// Percent-encodes `text` for a query parameter value.
pub fn url_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|encoded| encoded.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// One menu entry.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What every logged-in page shows around its content.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// "Data opgjort ved udgangen af …, senest indlæst …": shown on every page.
    pub freshness: String,
    /// The case search box (roles that may open cases).
    pub can_search: bool,
}

impl Layout {
    pub fn new(
        user: &CurrentUser,
        title: impl Into<String>,
        current: &str,
        freshness: String,
    ) -> Layout {
        let menu: [(&str, &str, Option<Capability>); 15] = [
            ("/oversigt", "Overblik", None),
            ("/frister", "Frister", Some(Capability::CaseLists)),
            ("/sagsstamme", "Sagsstamme", Some(Capability::CaseLists)),
            ("/fordeling", "Fordeling", Some(Capability::DistributeCases)),
            (
                "/overdragelser",
                "Overdragelser",
                Some(Capability::HandOverCases),
            ),
            ("/tilsyn", "Tilsyn", Some(Capability::Supervise)),
            ("/resultater", "Resultater", Some(Capability::UnitFigures)),
            (
                "/gennemgang",
                "Gennemgang",
                Some(Capability::ReviewCaseloads),
            ),
            ("/rapporter", "Rapporter", None),
            ("/oekonomi", "Økonomi", Some(Capability::EconomyCases)),
            ("/kvalitet", "Datakvalitet", Some(Capability::DataQuality)),
            ("/maal", "Politik", Some(Capability::PoliticalGoals)),
            ("/admin/brugere", "Brugere", Some(Capability::ManageUsers)),
            ("/revision", "Revisionslog", Some(Capability::ReadAuditLog)),
            ("/api/v1/openapi.json", "API", None),
        ];
        let nav = menu
            .into_iter()
            .filter(|(href, _, capability)| {
                capability.is_none_or(|c| user.role.may(c))
                    && (*href != "/rapporter" || user.role.may_any_report())
            })
            .map(|(href, label, _)| NavItem {
                href,
                label,
                current: href == current,
            })
            .collect();
        Layout {
            title: title.into(),
            user_name: user.display_name.clone(),
            role_label: user.role.label_da(),
            csrf: user.csrf.clone(),
            nav,
            freshness,
            can_search: user.role.may(Capability::CaseTimeline),
        }
    }
}

/// A key figure as a card: label, value, an explanation, and where it drills down to.
pub struct Headline {
    pub label: String,
    pub value: String,
    pub note: String,
    pub href: Option<String>,
    /// A red number: something is overdue.
    pub alert: bool,
}

/// A table cell: text, optionally a link; numbers are right-aligned.
pub struct ViewCell {
    pub text: String,
    pub href: Option<String>,
    pub numeric: bool,
    pub alert: bool,
}

impl ViewCell {
    pub fn text(text: impl Into<String>) -> ViewCell {
        ViewCell {
            text: text.into(),
            href: None,
            numeric: false,
            alert: false,
        }
    }

    pub fn number(value: impl ToString) -> ViewCell {
        ViewCell {
            numeric: true,
            ..ViewCell::text(value.to_string())
        }
    }

    pub fn link(mut self, href: impl Into<String>) -> ViewCell {
        self.href = Some(href.into());
        self
    }

    /// A case id linking to its page, or a dash for an obligation without a case.
    pub fn case(case_id: Option<&str>) -> ViewCell {
        match case_id {
            Some(id) => ViewCell::text(id).link(case_href(id)),
            None => ViewCell::text("–"),
        }
    }

    pub fn alert_if(mut self, alert: bool) -> ViewCell {
        self.alert = alert;
        self
    }
}

pub struct ViewTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<ViewCell>>,
    /// Shown instead of the rows when there are none.
    pub empty: String,
    /// Shown below the table (e.g. "200 af 1.234 vist").
    pub note: Option<String>,
}

impl ViewTable {
    pub fn new(caption: impl Into<String>, columns: &[(&str, bool)]) -> ViewTable {
        ViewTable {
            caption: caption.into(),
            columns: columns.iter().map(|(c, _)| (*c).to_owned()).collect(),
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
            empty: "Ingen rækker.".into(),
            note: None,
        }
    }
}

pub struct Link {
    pub href: String,
    pub label: String,
}

impl Link {
    pub fn new(href: impl Into<String>, label: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            label: label.into(),
        }
    }
}

/// The case page of `case_id`.
pub fn case_href(case_id: &str) -> String {
    format!("/sager/{}", url_encode(case_id))
}

/// The general page: an introduction, key-figure cards, tables, links, and optionally an
/// embedded report (already escaped markup from `overblik-report`).
#[derive(Template)]
#[template(path = "page.html")]
pub struct Page {
    pub layout: Layout,
    pub intro: Vec<String>,
    pub headlines: Vec<Headline>,
    pub tables: Vec<ViewTable>,
    pub links: Vec<Link>,
    pub downloads: Vec<Link>,
    pub report_html: Option<String>,
    pub suppressed_notice: bool,
    /// The audit log's search forms (auditor).
    pub audit_form: Option<AuditForm>,
    /// The user administration forms (administrator).
    pub user_admin: bool,
    /// A message shown once, e.g. a generated password.
    pub notice: Option<String>,
    /// A confirmation button posting to `action`.
    pub confirm: Option<Confirm>,
    /// The case's complexity flags as checkboxes (leaders, on the case page).
    pub flag_form: Option<FlagForm>,
    /// Assign a case to one of the suggested caseworkers (distribution).
    pub assign_form: Option<AssignForm>,
    /// A caseload review's cases with their adjustment and note (F9).
    pub review_form: Option<ReviewForm>,
    /// A caseworker's competences and districts (leaders, on the caseload page).
    pub profile_form: Option<ProfileForm>,
    /// Forms of labelled fields (handover checklists, supervision), after the tables.
    pub forms: Vec<Form>,
}

/// A form of labelled fields, posted to `action` with the CSRF token and `hidden` fields
/// (e.g. the version it was opened at). Read-only forms show their values disabled.
pub struct Form {
    pub action: String,
    pub title: String,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<FormField>,
    pub submit: String,
    pub read_only: bool,
}

pub struct FormField {
    /// The posted name; also the element id (`f-<name>`).
    pub name: String,
    pub label: String,
    /// A line under the label: what the field is prefilled from, its scale.
    pub hint: String,
    pub input: Input,
}

pub enum Input {
    Text {
        value: String,
        max: usize,
    },
    TextArea {
        value: String,
        max: usize,
    },
    Number {
        value: String,
        min: i64,
        max: i64,
    },
    /// (value, label, selected)
    Select {
        options: Vec<(String, String, bool)>,
    },
    Checkbox {
        checked: bool,
    },
}

impl Input {
    /// An empty text field.
    pub fn text(max: usize) -> Input {
        Input::Text {
            value: String::new(),
            max,
        }
    }

    /// A choice of codes (code, label), `selected` chosen (else the first).
    pub fn codes<'a>(
        options: impl IntoIterator<Item = (&'a str, &'a str)>,
        selected: Option<&str>,
    ) -> Input {
        Input::Select {
            options: options
                .into_iter()
                .map(|(code, label)| (code.to_owned(), label.to_owned(), Some(code) == selected))
                .collect(),
        }
    }
}

impl FormField {
    pub fn new(name: impl Into<String>, label: impl Into<String>, input: Input) -> FormField {
        FormField {
            name: name.into(),
            label: label.into(),
            hint: String::new(),
            input,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> FormField {
        self.hint = hint.into();
        self
    }
}

impl Form {
    pub fn new(
        action: impl Into<String>,
        title: impl Into<String>,
        submit: impl Into<String>,
    ) -> Form {
        Form {
            action: action.into(),
            title: title.into(),
            hidden: Vec::new(),
            fields: Vec::new(),
            submit: submit.into(),
            read_only: false,
        }
    }
}

/// A caseworker's competences (checkboxes, posted as `competence`) and districts (text).
pub struct ProfileForm {
    pub action: String,
    /// (code, label, checked)
    pub competences: Vec<(String, String, bool)>,
    pub districts: String,
}

/// A caseload review: one row per case, saved together with the version it was opened at.
pub struct ReviewForm {
    pub action: String,
    pub version: i64,
    /// Read-only once the review is closed.
    pub closed: bool,
    pub note: String,
    pub rows: Vec<ReviewFormRow>,
}

pub struct ReviewFormRow {
    pub case_id: String,
    pub href: String,
    pub weight: String,
    pub phase: &'static str,
    pub next_due: String,
    pub overdue: u64,
    pub last_followup: String,
    pub progress: String,
    /// (code, label, selected)
    pub adjustments: Vec<(&'static str, &'static str, bool)>,
    pub note: String,
}

/// A choice of caseworker, posted to `action` as `staff_id`.
pub struct AssignForm {
    pub action: String,
    /// (staff id, label), best suggestion first.
    pub options: Vec<(String, String)>,
}

/// Complexity flags of a case, posted to `action` (one `flag` per checked box).
pub struct FlagForm {
    pub action: String,
    pub options: Vec<FlagOption>,
}

pub struct FlagOption {
    pub code: String,
    pub label: String,
    pub points: String,
    pub checked: bool,
}

pub struct Confirm {
    pub action: String,
    pub label: String,
}

/// The values of the audit search form, to show them again.
#[derive(Default)]
pub struct AuditForm {
    pub user: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub case: String,
    pub refused: bool,
}

impl Page {
    pub fn new(layout: Layout) -> Page {
        Page {
            layout,
            intro: Vec::new(),
            headlines: Vec::new(),
            tables: Vec::new(),
            links: Vec::new(),
            downloads: Vec::new(),
            report_html: None,
            suppressed_notice: false,
            audit_form: None,
            user_admin: false,
            notice: None,
            confirm: None,
            flag_form: None,
            assign_form: None,
            review_form: None,
            profile_form: None,
            forms: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub csrf: &'a str,
    pub next: &'a str,
    pub username: &'a str,
    pub error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub status: u16,
    pub show_login: bool,
}
