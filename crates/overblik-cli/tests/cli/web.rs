//! The web application's access rules and its handling of bad input, against the real server:
//! `overblik demo --no-serve` builds a demo municipality with one user per role, `overblik
//! serve` serves it on a free port, and the tests speak HTTP/1.1 to it by hand (one request per
//! connection, redirects never followed, cookies set explicitly), so every assertion sees the
//! exact status, headers and body the server sent.
//!
//! One server is shared by every test of this binary. Tests that change state use their own
//! sessions or users: the login lockout locks a user it creates itself.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::Duration;

use overblik_domain::access::{Capability, Role};
use serde_json::Value;

use crate::demo_server::Server;

/// Size of the demo municipality.
const INHABITANTS: u32 = 8000;
const YEARS: u32 = 2;
/// How long one request may take (a report is computed on first use).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The session cookie's name on plain http.
const COOKIE: &str = "overblik";

/// The demo users, one per role, in the column order of [`EXPECTED`]. Password
/// `demo-<username>`.
const USERS: [(&str, Role); 8] = [
    ("sagsbehandler", Role::Caseworker),
    ("teamleder", Role::TeamLeader),
    ("fagchef", Role::Head),
    ("controller", Role::Controller),
    ("direktoer", Role::Director),
    ("udvalgsmedlem", Role::Committee),
    ("administrator", Role::Administrator),
    ("revisor", Role::Auditor),
];

// ---------------------------------------------------------------------------------------------
// The server

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server::start_demo(INHABITANTS, YEARS))
}

/// The last lines the server printed, for failure messages.
fn server_logs() -> String {
    let logs = server().logs();
    let lines: Vec<&str> = logs.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// HTTP by hand

/// One response as the server sent it.
struct Reply {
    /// `METHOD path`, for failure messages.
    request: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// The first header called `name` (case-insensitive).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header called `name`.
    fn all_headers(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, or `null`.
    fn try_json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!("{}: not JSON ({error}): {}", self.request, self.short())
        })
    }

    #[track_caller]
    fn location(&self) -> &str {
        self.header("location")
            .unwrap_or_else(|| panic!("{}: no Location header: {}", self.request, self.short()))
    }

    /// The `Set-Cookie` of the session cookie, if any.
    fn session_cookie(&self) -> Option<&str> {
        self.all_headers("set-cookie")
            .into_iter()
            .find(|c| c.starts_with(&format!("{COOKIE}=")))
    }

    /// The token a `Set-Cookie` hands out (empty when it clears the cookie).
    fn session_token(&self) -> Option<String> {
        self.session_cookie().map(|c| {
            c[COOKIE.len() + 1..]
                .split(';')
                .next()
                .unwrap_or("")
                .to_owned()
        })
    }

    /// Status and the start of the body, for failure messages.
    fn short(&self) -> String {
        let text = self.text();
        let cut: String = text.chars().take(600).collect();
        let location = self
            .header("location")
            .map(|l| format!(" (Location: {l})"))
            .unwrap_or_default();
        format!("{} -> {}{location}: {cut}", self.request, self.status)
    }

    #[track_caller]
    fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{}", self.short());
        self
    }

    /// The body contains `needle`.
    #[track_caller]
    fn expect_text(&self, needle: &str) -> &Self {
        assert!(
            self.text().contains(needle),
            "{}: `{needle}` not in the body: {}",
            self.request,
            self.short()
        );
        self
    }

    /// A Danish error page with this status and title.
    #[track_caller]
    fn expect_error_page(&self, status: u16, title: &str) -> &Self {
        self.expect(status);
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{}: an error page should be HTML: {:?}",
            self.request,
            self.header("content-type")
        );
        self.expect_text(&format!("<h1>{title}</h1>"))
            .expect_text(&format!("Fejl {status}"))
    }

    /// A JSON error under `/api/` with this status.
    #[track_caller]
    fn expect_api_error(&self, status: u16) -> Value {
        self.expect(status);
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{}: an API error should be JSON: {:?}",
            self.request,
            self.header("content-type")
        );
        let json = self.json();
        assert_eq!(json["error"]["status"], status, "{}", self.short());
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}",
            self.short()
        );
        json
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer. A body is sent as a
/// form; it is written from another thread, so a server that answers before reading all of it
/// (413) does not dead-lock the test.
fn send(method: &str, path: &str, cookie: Option<&str>, body: Option<Vec<u8>>) -> Reply {
    let addr = server().base_url().trim_start_matches("http://");
    let request = format!("{method} {path}");
    let mut stream = TcpStream::connect(addr)
        .unwrap_or_else(|e| panic!("{request}: {e}; the server said:\n{}", server_logs()));
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(REQUEST_TIMEOUT)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = cookie {
        head.push_str(&format!("Cookie: {COOKIE}={token}\r\n"));
    }
    if let Some(body) = &body {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .unwrap_or_else(|e| panic!("{request}: {e}"));
    let writer = body.map(|body| {
        let mut stream = stream.try_clone().unwrap();
        // The server may close early (a too large body): that is for the response to show.
        std::thread::spawn(move || {
            let _ = stream.write_all(&body);
        })
    });
    let mut raw = Vec::new();
    if let Err(error) = stream.read_to_end(&mut raw) {
        // A reset after a complete answer (the server did not read the rest of a large body).
        assert!(
            !raw.is_empty(),
            "{request}: {error}; the server said:\n{}",
            server_logs()
        );
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    parse(request, &raw)
}

#[track_caller]
fn parse(request: String, raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("{request}: no complete response head"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{request}: bad status line `{status_line}`"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut reply = Reply {
        request,
        status,
        headers,
        body: Vec::new(),
    };
    let rest = &raw[split + 4..];
    reply.body = if reply
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        dechunk(&reply.request, rest)
    } else if let Some(length) = reply.header("content-length") {
        let length: usize = length.parse().expect("a numeric Content-Length");
        assert!(
            rest.len() >= length,
            "{}: body cut short ({} of {length} bytes)",
            reply.request,
            rest.len()
        );
        rest[..length].to_vec()
    } else {
        rest.to_vec()
    };
    reply
}

#[track_caller]
fn dechunk(request: &str, mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or_else(|| panic!("{request}: broken chunked body"));
        let size_text = String::from_utf8_lossy(&rest[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .unwrap_or_else(|_| panic!("{request}: bad chunk size `{size_text}`"));
        rest = &rest[end + 2..];
        if size == 0 {
            return body;
        }
        assert!(rest.len() >= size + 2, "{request}: chunk cut short");
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// `application/x-www-form-urlencoded`, as the server's `url_encode` writes it.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// 64 random hex characters: the shape of a session token.
fn random_hex() -> String {
    rand::random::<[u8; 32]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The value of the first hidden `csrf` input of a page.
#[track_caller]
fn csrf_of(reply: &Reply) -> String {
    let text = reply.text();
    let start = text
        .find(r#"name="csrf" value=""#)
        .unwrap_or_else(|| panic!("{}: no csrf field: {}", reply.request, reply.short()))
        + r#"name="csrf" value=""#.len();
    text[start..]
        .split('"')
        .next()
        .expect("a closing quote")
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// An anonymous session from `GET /login`: its token and the login form's CSRF token.
#[track_caller]
fn anonymous() -> (String, String) {
    let reply = send("GET", "/login", None, None);
    reply.expect(200);
    let token = reply
        .session_token()
        .unwrap_or_else(|| panic!("GET /login set no session cookie: {}", reply.short()));
    (token, csrf_of(&reply))
}

/// `POST /login` in the anonymous session `(token, csrf)`.
fn post_login(anonymous: &(String, String), username: &str, password: &str) -> Reply {
    send(
        "POST",
        "/login",
        Some(&anonymous.0),
        Some(form(&[
            ("csrf", &anonymous.1),
            ("username", username),
            ("password", password),
            ("next", "/oversigt"),
        ])),
    )
}

/// A logged-in user.
struct Session {
    username: String,
    token: String,
    csrf: String,
    /// The `Set-Cookie` that handed out the token at login.
    set_cookie: String,
}

impl Session {
    fn get(&self, path: &str) -> Reply {
        send("GET", path, Some(&self.token), None)
    }

    /// A form post with exactly `fields` (the caller adds `csrf` or leaves it out).
    fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        send("POST", path, Some(&self.token), Some(form(fields)))
    }
}

/// Logs in with `demo-<username>`.
#[track_caller]
fn login(username: &str) -> Session {
    login_with(username, &format!("demo-{username}"))
}

/// Logs in, then follows the landing page's redirects to a page that carries the new
/// session's CSRF token (a new session at login gets a new one).
#[track_caller]
fn login_with(username: &str, password: &str) -> Session {
    let anonymous = anonymous();
    let reply = post_login(&anonymous, username, password);
    reply.expect(303);
    assert_eq!(reply.location(), "/oversigt", "{}", reply.short());
    let token = reply
        .session_token()
        .filter(|t| t.len() == 64)
        .unwrap_or_else(|| panic!("login as {username} set no session: {}", reply.short()));
    assert_ne!(token, anonymous.0, "a login must start a new session");
    let set_cookie = reply.session_cookie().unwrap().to_owned();
    let mut path = "/oversigt".to_owned();
    for _ in 0..3 {
        let page = send("GET", &path, Some(&token), None);
        match page.status {
            200 => {
                return Session {
                    username: username.to_owned(),
                    csrf: csrf_of(&page),
                    token,
                    set_cookie,
                };
            }
            303 => path = page.location().to_owned(),
            _ => panic!("{username}: landing page failed: {}", page.short()),
        }
    }
    panic!("{username}: the landing page redirects in a loop");
}

/// Every obligation row `session` may see (all pages of `/api/v1/obligations?status=all`).
#[track_caller]
fn all_obligations(session: &Session) -> Vec<Value> {
    let mut rows = Vec::new();
    for page in 1.. {
        let reply = session.get(&format!("/api/v1/obligations?status=all&page={page}"));
        let json = reply.expect(200).json();
        let batch = json["rows"].as_array().expect("rows").clone();
        let total = json["total"].as_u64().expect("total") as usize;
        rows.extend(batch.iter().cloned());
        if batch.is_empty() || rows.len() >= total {
            break;
        }
    }
    rows
}

/// The demo caseworker's staff id.
#[track_caller]
fn staff_of(caseworker: &Session) -> String {
    caseworker.get("/api/v1/me").expect(200).json()["staff_id"]
        .as_str()
        .expect("the demo caseworker is linked to a staff id")
        .to_owned()
}

/// A case the demo caseworker is responsible for.
#[track_caller]
fn own_case(caseworker: &Session) -> String {
    let rows = all_obligations(caseworker);
    let staff = staff_of(caseworker);
    rows.iter()
        .find(|r| r["staff_id"] == staff.as_str())
        .or_else(|| rows.first())
        .and_then(|r| r["case_id"].as_str())
        .expect("the demo caseworker has cases with obligations")
        .to_owned()
}

/// The auditor's search of the audit log.
#[track_caller]
fn audit(query: &str) -> Vec<Value> {
    static AUDITOR: OnceLock<Session> = OnceLock::new();
    let auditor = AUDITOR.get_or_init(|| login("revisor"));
    let reply = auditor.get(&format!("/api/v1/audit?{query}"));
    reply
        .expect(200)
        .json()
        .as_array()
        .expect("an array")
        .clone()
}

// ---------------------------------------------------------------------------------------------
// 1. Route by route, role by role

/// What a user of one role gets from GET of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 200 with the content.
    Yes,
    /// 403, never 404: the answer does not tell what exists.
    No,
    /// 303 to the role's own landing page.
    To(&'static str),
}

use Expect::{No, To, Yes};

/// The routes, what each needs, and what each role gets, in the column order of [`USERS`]:
/// sagsbehandler, teamleder, fagchef, controller, direktoer, udvalgsmedlem, administrator,
/// revisor. Written out by hand from the issue's need-to-know: the caseworker sees own cases
/// and the team's aggregates; the team leader the team's cases; the head the department's; the
/// controller economy and budget but no case timeline; the director and the committee
/// aggregates only; the administrator users and data quality but no case content; the auditor
/// the audit log. `{case}` is a case of the demo caseworker's, `{staff}` the demo caseworker.
const EXPECTED: [(&str, Option<Need>, [Expect; 8]); 28] = [
    (
        "/oversigt",
        None,
        [
            Yes,
            Yes,
            Yes,
            To("/rapporter/budget"),
            Yes,
            To("/rapporter/committee"),
            To("/admin/brugere"),
            To("/revision"),
        ],
    ),
    (
        "/frister",
        Some(Need::One(Capability::CaseLists)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/sagsstamme",
        Some(Need::One(Capability::CaseLists)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/sagsstamme/{staff}",
        Some(Need::One(Capability::CaseLists)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/sagsvaegte",
        Some(Need::One(Capability::CaseLists)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/fordeling",
        Some(Need::One(Capability::DistributeCases)),
        [No, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/gennemgang",
        Some(Need::One(Capability::ReviewCaseloads)),
        [No, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/overdragelser",
        Some(Need::One(Capability::HandOverCases)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/tilsyn",
        Some(Need::One(Capability::Supervise)),
        [No, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/resultater",
        Some(Need::One(Capability::UnitFigures)),
        [Yes, Yes, Yes, Yes, No, No, No, No],
    ),
    (
        "/maal",
        Some(Need::One(Capability::PoliticalGoals)),
        [Yes, Yes, Yes, Yes, Yes, Yes, Yes, No],
    ),
    (
        "/rapporter",
        Some(Need::AnyReport),
        [Yes, Yes, Yes, Yes, Yes, Yes, No, No],
    ),
    (
        "/rapporter/weekly",
        Some(Need::One(Capability::WeeklyReport)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/rapporter/committee",
        Some(Need::One(Capability::CommitteeReport)),
        [No, No, Yes, No, Yes, Yes, No, No],
    ),
    (
        "/rapporter/budget",
        Some(Need::One(Capability::BudgetReport)),
        [No, No, Yes, Yes, Yes, No, No, No],
    ),
    (
        "/rapporter/caseload",
        Some(Need::One(Capability::CaseloadReport)),
        [No, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/rapporter/weekly/xlsx",
        Some(Need::One(Capability::WeeklyReport)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/oekonomi",
        Some(Need::One(Capability::EconomyCases)),
        [No, No, No, Yes, No, No, No, No],
    ),
    (
        "/kvalitet",
        Some(Need::One(Capability::DataQuality)),
        [No, Yes, Yes, Yes, Yes, No, Yes, No],
    ),
    (
        "/revision",
        Some(Need::One(Capability::ReadAuditLog)),
        [No, No, No, No, No, No, No, Yes],
    ),
    (
        "/admin/brugere",
        Some(Need::One(Capability::ManageUsers)),
        [No, No, No, No, No, No, Yes, No],
    ),
    ("/api/v1/me", None, [Yes, Yes, Yes, Yes, Yes, Yes, Yes, Yes]),
    (
        "/api/v1/figures",
        Some(Need::One(Capability::UnitFigures)),
        [Yes, Yes, Yes, Yes, No, No, No, No],
    ),
    (
        "/api/v1/obligations",
        Some(Need::One(Capability::CaseLists)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/api/v1/reports/committee",
        Some(Need::One(Capability::CommitteeReport)),
        [No, No, Yes, No, Yes, Yes, No, No],
    ),
    (
        "/api/v1/audit",
        Some(Need::One(Capability::ReadAuditLog)),
        [No, No, No, No, No, No, No, Yes],
    ),
    (
        "/sager/{case}",
        Some(Need::One(Capability::CaseTimeline)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
    (
        "/api/v1/cases/{case}",
        Some(Need::One(Capability::CaseTimeline)),
        [Yes, Yes, Yes, No, No, No, No, No],
    ),
];

/// The capability a route checks.
#[derive(Debug, Clone, Copy)]
enum Need {
    One(Capability),
    /// The report index: any of the four reports.
    AnyReport,
}

impl Need {
    fn granted(self, role: Role) -> bool {
        match self {
            Need::One(capability) => role.may(capability),
            Need::AnyReport => [
                Capability::WeeklyReport,
                Capability::CommitteeReport,
                Capability::BudgetReport,
                Capability::CaseloadReport,
            ]
            .into_iter()
            .any(|c| role.may(c)),
        }
    }
}

/// What a 200 page of `route` shows (besides not being an error page).
fn content_marker(route: &str, case: &str) -> String {
    match route {
        "/frister" => "Overskredne frister".into(),
        "/rapporter" => "Vælg en rapport".into(),
        "/rapporter/weekly" => "/rapporter/weekly/xlsx".into(),
        "/rapporter/committee" => "/rapporter/committee/xlsx".into(),
        "/rapporter/budget" => "/rapporter/budget/xlsx".into(),
        "/rapporter/caseload" => "/rapporter/caseload/xlsx".into(),
        "/oekonomi" => "Aktive indsatser".into(),
        "/kvalitet" => "<h1>Datakvalitet</h1>".into(),
        "/revision" => "<h1>Revisionslog</h1>".into(),
        "/admin/brugere" => "<h1>Brugere og data</h1>".into(),
        "/sager/{case}" => format!("<h1>Sag {case}</h1>"),
        "/sagsstamme" => "<h1>Sagsstamme</h1>".into(),
        "/sagsstamme/{staff}" => "Sagerne og deres vægt".into(),
        "/sagsvaegte" => "Point efter sagens indhold".into(),
        "/fordeling" => "<h1>Fordeling</h1>".into(),
        "/gennemgang" => "<h1>Gennemgang af sagsstammer</h1>".into(),
        "/overdragelser" => "<h1>Overdragelser</h1>".into(),
        "/tilsyn" => "<h1>Ledelsestilsyn</h1>".into(),
        "/resultater" => "<h1>Resultater</h1>".into(),
        "/maal" => "Temaer og årsmål".into(),
        _ => "<h1>Overblik</h1>".into(),
    }
}

#[test]
fn every_route_allows_and_refuses_by_role() {
    // The table agrees with the policy (`Role::may`): a change to either shows here.
    for (route, need, expected) in EXPECTED {
        let Some(need) = need else { continue };
        for ((username, role), expect) in USERS.iter().zip(expected) {
            assert_eq!(
                expect == Yes,
                need.granted(*role),
                "the table says {expect:?} for {username} on {route}, Role::may disagrees"
            );
        }
    }

    let sessions: Vec<Session> = USERS.iter().map(|(name, _)| login(name)).collect();
    let case = own_case(&sessions[0]);
    let staff = staff_of(&sessions[0]);
    let mut failures = Vec::new();
    for (route, _, expected) in EXPECTED {
        let path = route
            .replace("{case}", &encode(&case))
            .replace("{staff}", &encode(&staff));
        let api = path.starts_with("/api/");

        // Without a session: the login page (and back), or 401 under /api/.
        let reply = send("GET", &path, None, None);
        if api {
            reply.expect_api_error(401);
        } else {
            reply.expect(303);
            assert_eq!(
                reply.location(),
                format!("/login?next={}", encode(&path)),
                "{}",
                reply.short()
            );
        }

        for (session, expect) in sessions.iter().zip(expected) {
            let reply = session.get(&path);
            let who = &session.username;
            let ok = match expect {
                To(target) => reply.status == 303 && reply.header("location") == Some(target),
                No if api => {
                    reply.status == 403
                        && reply.try_json()["error"]["status"] == 403
                        && reply.header("content-type") == Some("application/json")
                }
                No => {
                    reply.status == 403
                        && reply.text().contains("<h1>Ingen adgang</h1>")
                        && reply.text().contains("registreret i revisionsloggen")
                }
                Yes if path.ends_with("/xlsx") => {
                    reply.status == 200
                        && reply.body.starts_with(b"PK")
                        && reply
                            .header("content-disposition")
                            .is_some_and(|d| d.starts_with("attachment"))
                }
                Yes if path == "/api/v1/me" => {
                    let me = reply.try_json();
                    reply.status == 200 && me["username"] == who.as_str()
                }
                Yes if path.starts_with("/api/v1/cases/") => {
                    reply.status == 200 && reply.try_json()["case_id"] == case.as_str()
                }
                Yes if api => {
                    reply.status == 200
                        && reply
                            .header("content-type")
                            .is_some_and(|t| t.starts_with("application/json"))
                        && (reply.try_json().is_object() || reply.try_json().is_array())
                }
                Yes => {
                    let text = reply.text();
                    reply.status == 200
                        && text.contains(&content_marker(route, &case))
                        && !text.contains("Ingen adgang")
                        && text.contains(&format!("name=\"{}\"", "csrf"))
                }
            };
            if !ok {
                failures.push(format!("{who} expected {expect:?}: {}", reply.short()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}\nthe server said:\n{}",
        failures.len(),
        EXPECTED.len() * USERS.len(),
        failures.join("\n"),
        server_logs()
    );
}

// ---------------------------------------------------------------------------------------------
// 2-4. Refusals and reads are on record; out of scope looks like missing

/// The full-year persons of the budget report (with the unit prices and effects derived from
/// them), per row: `(persons cell, derived cells)` of the tables that hold them.
fn budget_person_cells(report: &Value) -> Vec<(Value, Vec<Value>)> {
    // (table id, persons column, columns derived from the persons)
    let layout = [("budget_lines", 9, vec![6, 7]), ("unit_prices", 2, vec![3])];
    let mut cells = Vec::new();
    for section in report["sections"].as_array().expect("sections") {
        for table in section["tables"].as_array().expect("tables") {
            let Some((_, persons, derived)) = layout.iter().find(|(id, ..)| table["id"] == *id)
            else {
                continue;
            };
            for row in table["rows"].as_array().expect("rows") {
                let derived = derived.iter().map(|c| row[*c].clone()).collect();
                cells.push((row[*persons].clone(), derived));
            }
        }
    }
    assert!(!cells.is_empty(), "no budget tables in {report}");
    cells
}

fn small_number(cell: &Value) -> bool {
    cell["type"] == "number" && cell["value"].as_f64().is_some_and(|v| v > 0.0 && v < 5.0)
}

/// The director sees aggregates only, suppressed: in the budget report a full-year person
/// count under 5 is "<5", and the unit price and activity effect that would give it back are
/// hidden too. The controller, inside the organisation, sees the same rows unsuppressed.
#[test]
fn the_directors_budget_report_hides_small_person_counts() {
    let controller = budget_person_cells(
        &login("controller")
            .get("/api/v1/reports/budget")
            .expect(200)
            .json(),
    );
    let small = controller
        .iter()
        .filter(|(persons, _)| small_number(persons))
        .count();
    assert!(
        small > 0,
        "the demo data has no small full-year person counts to hide"
    );

    let director_report = login("direktoer")
        .get("/api/v1/reports/budget")
        .expect(200)
        .json();
    assert_eq!(director_report["suppressed"], true);
    let director = budget_person_cells(&director_report);
    assert_eq!(director.len(), controller.len());
    let mut hidden = 0;
    for ((persons, derived), (plain, _)) in director.iter().zip(&controller) {
        assert!(
            !small_number(persons),
            "a small count is shown to the director: {persons}"
        );
        if small_number(plain) {
            hidden += 1;
            assert_eq!(persons["type"], "suppressed", "{persons}");
            assert_eq!(persons["value"], "primary", "{persons}");
            for cell in derived {
                assert_ne!(cell["type"], "number", "{cell} gives a hidden count back");
            }
        }
    }
    assert_eq!(hidden, small);
}

/// The built-in points of the complexity flag `code`.
fn flag_points(code: &str) -> f64 {
    let model = overblik_domain::workload::WeightModel::default();
    let flag = model.flag(code).expect("a built-in flag");
    flag.points.to_string().parse().expect("points")
}

/// "Sagsvægt: 2,25 point" on a case page, as a number.
fn case_weight(page: &Reply) -> f64 {
    let text = page.text();
    let (_, rest) = text
        .split_once("Sagsvægt: ")
        .unwrap_or_else(|| panic!("no case weight on {}", page.short()));
    rest.split_whitespace()
        .next()
        .and_then(|n| n.replace('.', "").replace(',', ".").parse().ok())
        .expect("a weight")
}

/// F6: a leader sets complexity flags on a case; its weight, the caseload page and the audit
/// log follow, and bad posts change nothing.
#[test]
fn a_leader_flags_a_case_and_its_weight_follows() {
    let caseworker = login("sagsbehandler");
    let leader = login("teamleder");
    let case = own_case(&caseworker);
    let staff = staff_of(&caseworker);
    let path = format!("/sager/{}", encode(&case));
    let action = format!("{path}/kompleksitet");
    let before = case_weight(leader.get(&path).expect(200));
    assert!(
        leader
            .get(&path)
            .text()
            .contains(&format!("action=\"{action}\""))
    );
    // The caseworker sees the weight but no form, and may not post one.
    let own = caseworker.get(&path);
    assert_eq!(case_weight(own.expect(200)), before);
    assert!(!own.text().contains("kompleksitet\""), "{}", own.short());
    caseworker
        .post(&action, &[("csrf", &caseworker.csrf), ("flag", "violence")])
        .expect_error_page(403, "Ingen adgang");

    let set = leader.post(
        &action,
        &[
            ("csrf", &leader.csrf),
            ("flag", "violence"),
            ("flag", "interpreter"),
        ],
    );
    set.expect(303);
    assert_eq!(set.location(), path);
    let page = leader.get(&path);
    // The built-in points of the two flags (the demo keeps them).
    let flagged = flag_points("violence") + flag_points("interpreter");
    let after = case_weight(page.expect(200));
    let text = page.text();
    let start = text.find("Sagsvægt").unwrap_or(0);
    assert!(
        (after - (before + flagged)).abs() < 1e-9,
        "{before} -> {after}: {}",
        &text[start..(start + 1500).min(text.len())]
    );
    assert!(
        page.text().contains("value=\"violence\" checked"),
        "{}",
        page.short()
    );
    let list = leader.get(&format!("/sagsstamme/{}", encode(&staff)));
    list.expect(200)
        .expect_text("Tolk nødvendig, Vold eller overgreb");

    let entries = audit(&format!("action=case.flags&case={}", encode(&case)));
    let entry = entries.first().expect("the change is audited");
    assert_eq!(entry["detail"], "flags=interpreter,violence");
    assert_eq!(entry["user"], "teamleder");
    assert_eq!(entry["persons"].as_array().map(Vec::len), Some(1));

    // An unknown flag is refused and changes nothing.
    leader
        .post(&action, &[("csrf", &leader.csrf), ("flag", "made_up")])
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «flag»");
    assert!((case_weight(&leader.get(&path)) - (before + flagged)).abs() < 1e-9);

    // Clearing every box takes the case back to its weight from content alone.
    leader.post(&action, &[("csrf", &leader.csrf)]).expect(303);
    assert_eq!(case_weight(&leader.get(&path)), before);
}

/// Creates a user through the administrator's page; returns the one-time password shown.
#[track_caller]
fn create_user(username: &str, role: &str, unit_id: &str) -> String {
    let admin = login("administrator");
    let created = admin.post(
        "/admin/brugere",
        &[
            ("csrf", &admin.csrf),
            ("username", username),
            ("display_name", "Oprettet i testen"),
            ("role", role),
            ("unit_id", unit_id),
        ],
    );
    created
        .expect(200)
        .expect_text(&format!("Brugeren {username} er oprettet"));
    created
        .text()
        .split_once("Engangsadgangskode: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .expect("the one-time password is shown")
        .to_owned()
}

/// The first `attribute="…"` value after `marker` in `text`.
fn value_after(text: &str, marker: &str, attribute: &str) -> Option<String> {
    let rest = &text[text.find(marker)?..];
    let rest = &rest[rest.find(&format!("{attribute}=\""))? + attribute.len() + 2..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// F7: a leader sees the cases without a caseworker, gets ranked suggestions, and assigns one
/// with one action; the case leaves the list, has its caseworker, and the change is audited.
/// Someone outside the unit cannot be chosen, and a case cannot be assigned twice.
#[test]
fn a_leader_distributes_a_case_without_a_caseworker() {
    let _assignments = assignments_lock();
    // A head of the whole municipality: the demo team may have no case without a caseworker.
    let leader = municipality_head();
    let list = leader.get("/fordeling");
    list.expect(200).expect_text("Sager uden sagsbehandler");
    // A case without a caseworker; on a day the synthetic data has none, a case of an
    // absent caseworker, else any open case (each leads to the same suggestions and
    // assignment).
    let first_link = |caption: &str| {
        let html = list.text();
        let table = &html[html.find(&format!("<caption>{caption}"))?..];
        let table = &table[..table.find("</table>")?];
        value_after(table, "<tbody>", "href")
    };
    let href = first_link("Sager uden sagsbehandler")
        .or_else(|| {
            // That table links to the case page: its distribution page has the same id.
            let case = first_link("Sager hos fraværende sagsbehandlere")?;
            Some(format!("/fordeling/{}", case.rsplit('/').next()?))
        })
        .unwrap_or_else(|| {
            // Else any open case with a caseworker: a leader may reassign it too.
            let case: String = demo_db()
                .query_row(
                    "SELECT c.case_id FROM cases c JOIN assignments a
                       ON a.case_id = c.case_id AND a.to_date IS NULL
                     WHERE c.closed_at IS NULL ORDER BY c.case_id LIMIT 1",
                    [],
                    |row| row.get(0),
                )
                .expect("the demo has open cases");
            format!("/fordeling/{case}")
        });
    let case = href.trim_start_matches("/fordeling/").to_owned();
    let suggestions = leader.get(&href);
    suggestions
        .expect(200)
        .expect_text("Forslag, bedst egnede først")
        .expect_text("Ledig kapacitet");
    let staff = value_after(&suggestions.text(), "id=\"assign-staff\"", "value")
        .expect("at least one caseworker is suggested");

    login("sagsbehandler")
        .get("/fordeling")
        .expect_error_page(403, "Ingen adgang");
    leader
        .post(&href, &[("csrf", &leader.csrf), ("staff_id", "nobody")])
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «staff_id»");

    let done = leader.post(&href, &[("csrf", &leader.csrf), ("staff_id", &staff)]);
    done.expect(303);
    // To the case, or to its handover when it had a caseworker before.
    assert!(
        done.location() == format!("/sager/{case}")
            || done.location().starts_with("/overdragelser/H"),
        "{}",
        done.location()
    );
    let page = leader.get(&format!("/sager/{case}"));
    page.expect(200)
        .expect_text(&format!("<h1>Sag {}</h1>", case));
    assert!(
        !leader
            .get("/fordeling")
            .text()
            .contains(&format!("href=\"{href}\"")),
        "the assigned case is still listed"
    );
    let entries = audit(&format!("action=case.assign&case={case}"));
    let entry = entries.first().expect("the assignment is audited");
    assert_eq!(
        entry["detail"]
            .as_str()
            .map(|d| d.starts_with(&format!("staff={staff} "))),
        Some(true)
    );
    assert_eq!(entry["persons"].as_array().map(Vec::len), Some(1));
    // Assigned now: the same caseworker again is refused, and nothing is recorded twice.
    leader
        .post(&href, &[("csrf", &leader.csrf), ("staff_id", &staff)])
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("har allerede sagen");
    assert_eq!(audit(&format!("action=case.assign&case={case}")).len(), 1);
}

/// Held by the tests that move cases between caseworkers and by those that need the
/// assignments to stay put while they run (a supervision sample is drawn from them): the
/// tests share one server.
fn assignments_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A head of the whole municipality (a new user): sees every team, so a case can be moved
/// between caseworkers other than the demo users'.
fn municipality_head() -> &'static Session {
    static HEAD: OnceLock<Session> = OnceLock::new();
    HEAD.get_or_init(|| {
        let root: String = demo_db()
            .query_row(
                "SELECT unit_id FROM org_units WHERE parent_id IS NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        let username = format!("chef-{}", &random_hex()[..8]);
        let password = create_user(&username, "head", &root);
        login_with(&username, &password)
    })
}

/// The shared server's database, to find test cases with SQL (read only).
/// The demo database, with the server's "today" (its clock, not the wall clock) as the temp
/// table `server_clock`, so queries date their facts as the server does.
fn demo_db() -> rusqlite::Connection {
    let db = rusqlite::Connection::open(server().database_file()).unwrap();
    db.execute_batch(&format!(
        "CREATE TEMP TABLE server_clock (today TEXT NOT NULL); \
         INSERT INTO server_clock VALUES ('{}');",
        crate::demo_server::test_today()
    ))
    .unwrap();
    db
}

/// F8: a leader reassigns a case away from its caseworker; the current assignment ends, a
/// handover checklist is created and followed until complete, a stale save is refused (409)
/// with nothing saved, and every step is audited and on the case's timeline.
#[test]
fn a_reassignment_creates_a_handover_checklist_followed_until_complete() {
    let _assignments = assignments_lock();
    let caseworker = login("sagsbehandler");
    let own = staff_of(&caseworker);
    // Open cases held by someone other than the demo caseworker (other tests use theirs).
    let held: Vec<(String, String)> = {
        let db = demo_db();
        let mut query = db
            .prepare(
                "SELECT a.case_id, a.staff_id FROM assignments a JOIN cases c ON c.case_id = a.case_id \
                 JOIN staff s ON s.staff_id = a.staff_id \
                 WHERE a.to_date IS NULL AND c.closed_at IS NULL AND a.from_date < date((SELECT today FROM server_clock), '-2 days') \
                 AND a.staff_id <> ?1 ORDER BY c.area <> 'children', a.case_id LIMIT 40",
            )
            .unwrap();
        query
            .query_map([&own], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let leader = municipality_head();
    // The first of them with another caseworker to suggest (a team may have one caseworker).
    let (case, holder, href, to) = held
        .into_iter()
        .find_map(|(case, holder)| {
            let href = format!("/fordeling/{}", encode(&case));
            let page = leader.get(&href);
            page.expect(200).expect_text("Sagen har i dag");
            // Not to the demo caseworker either: other tests count their cases.
            let text = page.text();
            let select = text
                .split_once("id=\"assign-staff\"")?
                .1
                .split_once("</select>")?
                .0;
            let to = select
                .split("value=\"")
                .skip(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
                .find(|staff| *staff != own)?;
            Some((case, holder, href, to))
        })
        .expect("a case with another caseworker to take it over");
    assert_ne!(to, holder, "the current caseworker is not suggested");
    leader
        .get(&format!("/sager/{}", encode(&case)))
        .expect(200)
        .expect_text(&format!("href=\"{href}\""));
    let done = leader.post(&href, &[("csrf", &leader.csrf), ("staff_id", &to)]);
    done.expect(303);
    let handover = done.location().to_owned();
    assert!(handover.starts_with("/overdragelser/H"), "{handover}");
    let entry = audit(&format!("action=case.assign&case={case}"));
    assert!(
        entry[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("reassigned=true")),
        "{entry:?}"
    );

    let checklist = leader.get(&handover);
    checklist
        .expect(200)
        .expect_text("name=\"version\" value=\"0\"")
        .expect_text("name=\"done_deadlines\"")
        .expect_text("åbne frister");
    // The items in force when it was created (another test may change them meanwhile).
    let items: Vec<String> = checklist
        .text()
        .split("name=\"done_")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect();
    assert!(items.len() >= 2, "{items:?}");
    leader
        .get("/overdragelser")
        .expect(200)
        .expect_text(&format!("href=\"{handover}\""))
        .expect_text(&format!("0 af {}", items.len()));
    leader
        .post(
            &handover,
            &[
                ("csrf", &leader.csrf),
                ("version", "0"),
                ("done_deadlines", "1"),
                (
                    "note_deadlines",
                    "Gennemgået med den tidligere sagsbehandler",
                ),
            ],
        )
        .expect(303);
    // Someone who opened version 0 saves after that: refused, nothing saved.
    leader
        .post(
            &handover,
            &[("csrf", &leader.csrf), ("version", "0"), ("done_plan", "1")],
        )
        .expect_error_page(409, "Ændret af en anden");
    leader
        .post(
            &handover,
            &[
                ("csrf", &leader.csrf),
                ("version", "1"),
                ("done_nothing", "1"),
            ],
        )
        .expect_error_page(400, "Ugyldigt input");
    let page = leader.get(&handover);
    page.expect(200)
        .expect_text("Gennemgået med den tidligere sagsbehandler")
        .expect_text("name=\"version\" value=\"1\"");
    assert!(
        !page
            .text()
            .contains("name=\"done_plan\" value=\"1\" checked")
    );
    leader
        .get("/overdragelser")
        .expect_text(&format!("1 af {}", items.len()));

    let names: Vec<String> = items.iter().map(|item| format!("done_{item}")).collect();
    let mut fields = vec![("csrf", leader.csrf.as_str()), ("version", "1")];
    fields.extend(names.iter().map(|name| (name.as_str(), "1")));
    leader.post(&handover, &fields).expect(303);
    let closed = leader.get(&handover);
    closed.expect(200).expect_text("afsluttet");
    assert!(
        !closed.text().contains("Gem tjeklisten"),
        "a completed checklist is read-only"
    );
    leader
        .get(&format!("/sager/{}", encode(&case)))
        .expect_text("Overdragelsen afsluttet");
    let saves = audit("action=handover.save");
    assert!(
        saves.iter().any(|e| e["detail"].as_str()
            == Some(format!("done={0}/{0} completed=true", items.len()).as_str())
            && e["persons"].as_array().is_some_and(|p| p.len() == 1)),
        "{saves:#?}"
    );
    // The caseworker of another team does not see it.
    caseworker
        .get(&handover)
        .expect_error_page(403, "Ingen adgang");
}

/// F8: the head sets the checklist's items (the same for every team; a team leader may not);
/// new handovers get them, bad input is refused.
#[test]
fn the_head_sets_the_handover_checklist_items() {
    let leader = login("fagchef");
    leader
        .post(
            "/overdragelser/punkter",
            &[("csrf", &leader.csrf), ("items", "  \n ")],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «items»");
    let long = "x".repeat(201);
    leader
        .post(
            "/overdragelser/punkter",
            &[("csrf", &leader.csrf), ("items", &long)],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("linje 1");
    let team_leader = login("teamleder");
    team_leader
        .post(
            "/overdragelser/punkter",
            &[("csrf", &team_leader.csrf), ("items", "x")],
        )
        .expect_error_page(403, "Ingen adgang");
    assert_eq!(audit("action=handover.items").len(), 0);
    let page = leader.get("/overdragelser");
    let current = page
        .text()
        .split_once("name=\"items\"")
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once("</textarea>"))
        .map(|(items, _)| items.to_owned())
        .expect("the items form is shown");
    assert!(
        current.contains("Åbne frister gennemgået og overdraget"),
        "{current}"
    );
    // The same items plus one: the old ones keep their ids, the new one is added last.
    let items = format!("{current}\nSkolen orienteret");
    leader
        .post(
            "/overdragelser/punkter",
            &[("csrf", &leader.csrf), ("items", &items)],
        )
        .expect(303);
    leader
        .get("/overdragelser")
        .expect_text("Skolen orienteret");
    assert_eq!(audit("action=handover.items").len(), 1);
}

/// F9: a leader starts a monthly review of the demo caseworker, records an adjustment and a
/// note per case, and closes it; a save from a stale version (a second leader) is refused with
/// nothing saved, a bad adjustment too, and a closed review cannot be changed.
#[test]
fn a_leader_reviews_a_caseload_and_concurrent_saves_are_detected() {
    let caseworker = login("sagsbehandler");
    let staff = staff_of(&caseworker);
    caseworker
        .get("/gennemgang")
        .expect_error_page(403, "Ingen adgang");
    let leader = login("teamleder");
    let start = format!("/gennemgang/ny/{}", encode(&staff));
    leader
        .get("/gennemgang")
        .expect(200)
        .expect_text(&format!("href=\"{start}\""));
    leader
        .get(&start)
        .expect(200)
        .expect_text("Start gennemgangen");
    let started = leader.post(&start, &[("csrf", &leader.csrf)]);
    started.expect(303);
    let review = started.location().to_owned();
    assert!(review.starts_with("/gennemgang/R"), "{review}");
    let page = leader.get(&review);
    page.expect(200)
        .expect_text("Sagerne i gennemgangen")
        .expect_text("name=\"version\" value=\"0\"");
    let case = value_after(&page.text(), "<caption>Sagerne i gennemgangen", "href")
        .expect("the caseworker has open cases")
        .trim_start_matches("/sager/")
        .to_owned();
    let (adj, note) = (format!("adj_{case}"), format!("note_{case}"));

    let saved = leader.post(
        &review,
        &[
            ("csrf", &leader.csrf),
            ("version", "0"),
            (&adj, "up"),
            (&note, "Ny handleplan"),
        ],
    );
    saved.expect(303);
    let page = leader.get(&review);
    page.expect(200)
        .expect_text("<option value=\"up\" selected>")
        .expect_text("value=\"Ny handleplan\"")
        .expect_text("name=\"version\" value=\"1\"");

    // A second leader who opened version 0 saves after the first: refused, nothing changed.
    leader
        .post(
            &review,
            &[("csrf", &leader.csrf), ("version", "0"), (&adj, "close")],
        )
        .expect_error_page(409, "Ændret af en anden");
    leader
        .post(
            &review,
            &[("csrf", &leader.csrf), ("version", "1"), (&adj, "sideways")],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «justering»");
    leader
        .get(&review)
        .expect_text("<option value=\"up\" selected>")
        .expect_text("name=\"version\" value=\"1\"");

    leader
        .post(
            &review,
            &[
                ("csrf", &leader.csrf),
                ("version", "1"),
                (&adj, "up"),
                (&note, "Ny handleplan"),
                ("close", "1"),
            ],
        )
        .expect(303);
    leader.get(&review).expect_text("Afsluttet");
    leader
        .post(
            &review,
            &[("csrf", &leader.csrf), ("version", "2"), (&adj, "down")],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("afsluttet");
    let saves = audit("action=review.save");
    assert!(
        saves
            .iter()
            .any(|e| e["persons"].as_array().is_some_and(|p| !p.is_empty())),
        "{saves:#?}"
    );
}

/// The texts of the cells of the first body row of the table captioned `caption`.
fn first_row(html: &str, caption: &str) -> Vec<String> {
    rows(html, caption).into_iter().next().expect("a row")
}

/// The texts of the cells of every body row of the table captioned `caption`.
fn rows(html: &str, caption: &str) -> Vec<Vec<String>> {
    let table = &html[html
        .find(&format!("<caption>{caption}</caption>"))
        .expect("the table")..];
    let body = &table[table.find("<tbody>").expect("a body")..];
    let body = &body[..body.find("</tbody>").expect("the end of the body")];
    body.split("</tr>")
        .filter(|row| row.contains("<td"))
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').unwrap() + 1..];
                    let text = &text[..text.find("</td>").unwrap()];
                    // Drop a link around the value.
                    text.split('>')
                        .nth(1)
                        .map_or(text, |t| t.split('<').next().unwrap())
                        .to_owned()
                })
                .collect()
        })
        .collect()
}

/// F8 (continuity): the caseload page shows each team's caseworker changes over the last 12
/// months, and they are KF11 of the same period as the figures API gives it.
#[test]
fn the_caseload_shows_each_teams_caseworker_changes_as_kf11() {
    let leader = login("teamleder");
    let me = leader.get("/api/v1/me").expect(200).json();
    // T as the server counts it (its "today").
    let today: chrono::NaiveDate = leader.get("/api/v1/figures").expect(200).json()["as_of"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("as_of");
    let from = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap()
        .succ_opt()
        .unwrap();
    let changes = || {
        leader
            .get(&format!("/api/v1/figures?from={from}&to={today}"))
            .expect(200)
            .json()["figures"]["KF11"]["changes"]
            .as_u64()
            .expect("KF11 changes")
    };
    assert!(me["unit_id"].is_string());
    // Other tests reassign cases meanwhile: compare the page with the API when the API gives
    // the same figure before and after it.
    for _ in 0..5 {
        let before = changes();
        let page = leader.get("/sagsstamme");
        let cells = first_row(&page.expect(200).text(), "Pr. team");
        if changes() != before {
            continue;
        }
        assert!(
            before > 0,
            "the demo team has no caseworker changes to show"
        );
        assert_eq!(cells.len(), 8, "{cells:?}");
        assert_eq!(cells[6], before.to_string(), "{cells:?}");
        return;
    }
    panic!("the figures kept changing");
}

/// F7: a leader records a caseworker's competences and districts (what distribution matches
/// cases against); audited; unknown competences and other roles are refused.
#[test]
fn a_leader_records_a_caseworkers_competences_and_districts() {
    let caseworker = login("sagsbehandler");
    let staff = staff_of(&caseworker);
    let path = format!("/sagsstamme/{}", encode(&staff));
    let action = format!("{path}/profil");
    let leader = login("teamleder");
    leader
        .get(&path)
        .expect(200)
        .expect_text(&format!("action=\"{action}\""));
    assert!(!caseworker.get(&path).text().contains("profile-form"));
    caseworker
        .post(
            &action,
            &[("csrf", &caseworker.csrf), ("competence", "youth")],
        )
        .expect_error_page(403, "Ingen adgang");
    leader
        .post(
            &action,
            &[("csrf", &leader.csrf), ("competence", "astrology")],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «competence»");
    let saved = leader.post(
        &action,
        &[
            ("csrf", &leader.csrf),
            ("competence", "investigation"),
            ("competence", "youth"),
            ("districts", "Nord; Syd"),
        ],
    );
    saved.expect(303);
    leader
        .get(&path)
        .expect_text("value=\"investigation\" checked")
        .expect_text("value=\"youth\" checked")
        .expect_text("value=\"Nord;Syd\"");
    let entries = audit("action=staff.profile");
    assert!(
        entries
            .iter()
            .any(|e| e["detail"] == "competences=investigation,youth districts=2"),
        "{entries:#?}"
    );
}

/// The reports count the leader's complexity flags as the pages do: a case's weight in the
/// caseload report is the weight on its page, flag included.
#[test]
fn the_caseload_report_weighs_a_case_with_its_flags() {
    let caseworker = login("sagsbehandler");
    let leader = login("teamleder");
    // The last case of the caseworker's caseload (the flags test uses the first one).
    let list = leader.get(&format!("/sagsstamme/{}", encode(&staff_of(&caseworker))));
    let text = list.expect(200).text();
    let case = text
        .rsplit("href=\"/sager/")
        .next()
        .and_then(|rest| rest.split('"').next())
        .expect("a case")
        .to_owned();
    let path = format!("/sager/{case}");
    leader
        .post(
            &format!("{path}/kompleksitet"),
            &[("csrf", &leader.csrf), ("flag", "other_complex")],
        )
        .expect(303);
    let on_page = case_weight(&leader.get(&path));
    let report = leader.get("/api/v1/reports/caseload").expect(200).json();
    let row = report["sections"][0]["tables"][0]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row[1]["value"] == case.as_str())
        .cloned()
        .expect("the case is in the report");
    let in_report = row[3]["value"].as_f64().expect("a weight");
    assert!(
        (in_report - on_page).abs() < 1e-9,
        "report {in_report}, page {on_page}"
    );
    leader
        .post(&format!("{path}/kompleksitet"), &[("csrf", &leader.csrf)])
        .expect(303);
}

#[test]
fn refusals_are_audited() {
    let caseworker = login("sagsbehandler");
    // A path no other test uses, so the entry found is this one.
    let probe = format!("probe-{}", &random_hex()[..12]);
    let path = format!("/admin/brugere/{probe}/deaktiver");
    caseworker.get(&path).expect_error_page(403, "Ingen adgang");

    let entries = audit("refused=1&user=sagsbehandler");
    assert!(
        entries.iter().all(|e| e["outcome"] == "refused"),
        "refused=1 returned an allowed entry: {entries:#?}"
    );
    let entry = entries
        .iter()
        .find(|e| e["detail"].as_str().is_some_and(|d| d.contains(&probe)))
        .unwrap_or_else(|| panic!("no audit entry for GET {path}: {entries:#?}"));
    assert_eq!(entry["action"], "access.forbidden", "{entry:#}");
    assert_eq!(entry["user"], "sagsbehandler", "{entry:#}");
    assert_eq!(
        entry["detail"],
        format!("GET {path}; manage_users"),
        "{entry:#}"
    );
    assert_eq!(entry["client"], "127.0.0.1", "{entry:#}");
}

#[test]
fn a_case_outside_scope_and_a_missing_case_look_the_same() {
    let caseworker = login("sagsbehandler");
    let team_leader = login("teamleder");
    let staff = staff_of(&caseworker);
    let own: BTreeSet<String> = all_obligations(&caseworker)
        .iter()
        .filter_map(|r| r["case_id"].as_str().map(str::to_owned))
        .collect();
    let team = all_obligations(&team_leader);
    let other = team
        .iter()
        .filter(|r| r["staff_id"].as_str().is_some_and(|s| s != staff))
        .filter_map(|r| r["case_id"].as_str())
        .find(|case| !own.contains(*case))
        .expect("the team has cases of another caseworker")
        .to_owned();
    // The team leader may open it: it exists.
    team_leader
        .get(&format!("/sager/{}", encode(&other)))
        .expect(200)
        .expect_text(&format!("<h1>Sag {other}</h1>"));

    let outside = caseworker.get(&format!("/sager/{}", encode(&other)));
    let missing = caseworker.get("/sager/SAG-FINDES-IKKE-999999");
    outside.expect_error_page(403, "Ingen adgang");
    missing.expect_error_page(403, "Ingen adgang");
    assert_eq!(
        outside.text(),
        missing.text(),
        "a case outside the scope and a missing case must get the same page"
    );
    assert!(!outside.text().contains(&other), "the page names the case");

    let outside = caseworker.get(&format!("/api/v1/cases/{}", encode(&other)));
    let missing = caseworker.get("/api/v1/cases/SAG-FINDES-IKKE-999999");
    assert_eq!(
        outside.expect_api_error(403),
        missing.expect_api_error(403),
        "the same JSON either way"
    );
}

#[test]
fn reading_a_case_is_audited_with_its_person() {
    let caseworker = login("sagsbehandler");
    let case = own_case(&caseworker);
    caseworker
        .get(&format!("/sager/{}", encode(&case)))
        .expect(200)
        .expect_text(&format!("<h1>Sag {case}</h1>"))
        .expect_text("Tidslinje");
    let person = caseworker
        .get(&format!("/api/v1/cases/{}", encode(&case)))
        .expect(200)
        .json()["person_id"]
        .as_str()
        .expect("a person id")
        .to_owned();

    let entries = audit(&format!(
        "action=case.read&user=sagsbehandler&case={}",
        encode(&case)
    ));
    assert!(
        entries.len() >= 2,
        "the page and the API read should both be on record: {entries:#?}"
    );
    for entry in &entries {
        assert_eq!(entry["action"], "case.read", "{entry:#}");
        assert_eq!(entry["user"], "sagsbehandler", "{entry:#}");
        assert_eq!(entry["object_type"], "case", "{entry:#}");
        assert_eq!(entry["object_id"], case.as_str(), "{entry:#}");
        assert_eq!(entry["outcome"], "allowed", "{entry:#}");
        assert_eq!(
            entry["persons"],
            serde_json::json!([person]),
            "the read names its person: {entry:#}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 5, 6, 12. Sessions and CSRF

#[test]
fn forged_and_expired_sessions() {
    let forged = random_hex();
    let probe = format!("forged-{}", &random_hex()[..12]);
    let path = format!("/sager/{probe}");
    let reply = send("GET", &path, Some(&forged), None);
    reply
        .expect_error_page(401, "Ugyldig session")
        .expect_text("Log ind igen");
    let cleared = reply
        .session_cookie()
        .unwrap_or_else(|| panic!("the cookie is not cleared: {}", reply.short()));
    assert!(
        cleared.starts_with(&format!("{COOKIE}=;")) && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    // Under /api/: 401 JSON, the cookie cleared too.
    let reply = send("GET", "/api/v1/me", Some(&forged), None);
    reply.expect_api_error(401);
    assert_eq!(
        reply.session_token().as_deref(),
        Some(""),
        "{}",
        reply.short()
    );

    // A cookie that is not even token-shaped is no session at all: the login page.
    let reply = send("GET", "/oversigt", Some("abc"), None);
    reply.expect(303);
    assert_eq!(reply.location(), "/login?next=%2Foversigt");

    let entries = audit("action=access.session_rejected&refused=1");
    let entry = entries
        .iter()
        .find(|e| e["detail"].as_str().is_some_and(|d| d.contains(&probe)))
        .unwrap_or_else(|| panic!("no access.session_rejected for {path}: {entries:#?}"));
    assert_eq!(entry["detail"], format!("GET {path}; unknown"), "{entry:#}");
    assert_eq!(entry["outcome"], "refused", "{entry:#}");
    assert!(entry["user"].is_null(), "{entry:#}");
    assert!(
        !entry.to_string().contains(&forged),
        "the token itself must not be logged"
    );
}

#[test]
fn posts_without_csrf_are_refused_and_change_nothing() {
    let caseworker = login("sagsbehandler");
    caseworker
        .post("/logout", &[])
        .expect_error_page(403, "Formularen kunne ikke godkendes");
    caseworker
        .post("/logout", &[("csrf", &random_hex())])
        .expect_error_page(403, "Formularen kunne ikke godkendes");
    // Another session's token is no better.
    let other = login("sagsbehandler");
    caseworker
        .post("/logout", &[("csrf", &other.csrf)])
        .expect_error_page(403, "Formularen kunne ikke godkendes");
    caseworker.get("/api/v1/me").expect(200);

    let admin = login("administrator");
    let username = format!("csrf-{}", &random_hex()[..8]);
    let new_user = |csrf: Option<&str>| {
        let mut fields = vec![
            ("username", username.as_str()),
            ("display_name", "Ikke oprettet"),
            ("role", "committee"),
        ];
        if let Some(csrf) = csrf {
            fields.push(("csrf", csrf));
        }
        admin.post("/admin/brugere", &fields)
    };
    for reply in [
        new_user(None),
        new_user(Some(&random_hex())),
        new_user(Some("")),
    ] {
        reply
            .expect_error_page(403, "Formularen kunne ikke godkendes")
            .expect_text("Fejl 403");
        assert!(!reply.text().contains("Engangsadgangskode"));
    }
    let users = admin.get("/admin/brugere");
    users.expect(200).expect_text(">administrator</td>");
    assert!(
        !users.text().contains(&username),
        "a refused form created the user"
    );
    // The refusals are on record.
    let entries = audit("action=access.csrf_rejected&user=administrator");
    assert!(
        entries
            .iter()
            .filter(|e| e["detail"].as_str() == Some("POST /admin/brugere; "))
            .count()
            >= 3,
        "{entries:#?}"
    );
}

#[test]
fn logout_ends_the_session() {
    let caseworker = login("sagsbehandler");
    caseworker.get("/api/v1/me").expect(200);
    let reply = caseworker.post("/logout", &[("csrf", &caseworker.csrf)]);
    reply.expect(303);
    assert_eq!(reply.location(), "/login");
    assert_eq!(
        reply.session_token().as_deref(),
        Some(""),
        "{}",
        reply.short()
    );
    caseworker
        .get("/oversigt")
        .expect_error_page(401, "Ugyldig session");
    caseworker.get("/api/v1/me").expect_api_error(401);
}

// ---------------------------------------------------------------------------------------------
// 7. Login lockout

#[test]
fn login_failures_lock_the_account() {
    // A user of its own: a locked demo user would break the other tests.
    let admin = login("administrator");
    let username = format!("laas-{}", &random_hex()[..8]);
    let password = create_user(&username, "committee", "");
    assert_eq!(password.len(), 20, "{password}");

    let anonymous = anonymous();
    let mut locked_at = None;
    for attempt in 1..=6 {
        let reply = post_login(&anonymous, &username, "forkert-adgangskode");
        match reply.status {
            401 => {
                assert!(locked_at.is_none(), "unlocked again: {}", reply.short());
                reply.expect_text("Forkert brugernavn eller adgangskode.");
            }
            429 => {
                reply.expect_text("Kontoen er midlertidigt spærret");
                locked_at.get_or_insert(attempt);
            }
            _ => panic!("attempt {attempt}: {}", reply.short()),
        }
        assert!(
            reply.session_token().is_none(),
            "a failed login set a cookie"
        );
    }
    let locked_at = locked_at.expect("six wrong passwords did not lock the account");
    assert!(
        (5..=6).contains(&locked_at),
        "locked at attempt {locked_at}"
    );
    // Now the right password is refused too, and no session is made.
    let reply = post_login(&anonymous, &username, &password);
    reply
        .expect(429)
        .expect_text("Kontoen er midlertidigt spærret");
    assert!(reply.session_token().is_none());
    // The administrator sees the lock.
    let users = admin.get("/admin/brugere").text();
    let row = users
        .split("<tr")
        .find(|row| row.contains(&format!(">{username}<")))
        .expect("the user is listed");
    assert!(row.contains("Spærret"), "{row}");

    let failed = audit("action=login.failed&refused=1");
    let locked = audit("action=login.locked&refused=1");
    assert!(failed.len() >= 4, "{failed:#?}");
    assert!(locked.len() >= 2, "{locked:#?}");
    assert!(
        failed
            .iter()
            .chain(&locked)
            .all(|e| e["outcome"] == "refused" && e["client"] == "127.0.0.1"),
        "{failed:#?} {locked:#?}"
    );
    // Each refusal names the account it was aimed at; an unknown name is not written down.
    let aimed = |e: &&Value| e["object_type"] == "user" && e["object_id"] == username.as_str();
    assert!(failed.iter().filter(aimed).count() >= 4, "{failed:#?}");
    assert!(locked.iter().filter(aimed).count() >= 2, "{locked:#?}");
    let stranger = format!("ukendt-{}", &random_hex()[..8]);
    post_login(&anonymous, &stranger, "forkert").expect(401);
    let entries = audit("action=login.failed&refused=1");
    assert!(
        !entries.iter().any(|e| e.to_string().contains(&stranger)),
        "an unknown username was written to the audit log"
    );
}

// ---------------------------------------------------------------------------------------------
// 8-10. Hostile input, oversized bodies, headers

/// Dates, periods and pages from a request are bounded: a period far outside the data or
/// longer than ten years is a 400 that names the parameter, and the server stays up (one such
/// request used to make KF12's month loop exhaust the memory).
#[test]
fn hostile_periods_and_pages_are_refused_and_the_server_stays_up() {
    let leader = login("teamleder");
    for (query, field) in [
        ("from=%2B262142-12-01&to=%2B262142-12-31", "to"),
        ("to=%2B262142-12-31", "to"),
        ("from=-262143-01-01&to=2025-01-01", "from"),
        ("from=1900-01-01", "from"),
        ("from=2026-06-01&to=2026-01-01", "from"),
    ] {
        let reply = leader.get(&format!("/api/v1/figures?{query}"));
        reply.expect(400);
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        assert!(
            message.starts_with(&format!("Feltet «{field}»")),
            "{query}: {message}"
        );
    }
    // The data's own years are fine, up to ten years.
    leader.get("/api/v1/figures").expect(200);
    for page in ["0", "1000000", "18446744073709551615"] {
        let reply = leader.get(&format!("/api/v1/obligations?status=all&page={page}"));
        if page == "0" {
            // Page 0 is read as the first page.
            reply.expect(200);
        } else {
            reply.expect(400);
            let message = reply.json()["error"]["message"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            assert!(message.starts_with("Feltet «page»"), "{message}");
        }
    }
    leader
        .get("/api/v1/obligations?status=all&page=1")
        .expect(200);
    // Still alive and answering.
    leader.get("/oversigt").expect(200);
}

#[test]
fn injection_attempts_are_harmless() {
    let caseworker = login("sagsbehandler");
    for q in [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "1' UNION SELECT cpr FROM persons--",
        "\"><img src=x onerror=alert(1)>",
    ] {
        let reply = caseworker.post("/soeg", &[("csrf", &caseworker.csrf), ("q", q)]);
        match reply.status {
            200 => {
                reply.expect_text("Ingen sag i dit ansvarsområde matcher søgningen.");
            }
            400 => {
                reply.expect_error_page(400, "Ugyldigt input");
            }
            _ => panic!("search for {q:?}: {}", reply.short()),
        }
        let text = reply.text();
        assert!(!text.contains("<script>alert(1)"), "{}", reply.short());
        assert!(!text.contains("<img src=x"), "{}", reply.short());
    }

    let reply = caseworker.get("/frister?status=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    reply
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «status»")
        .expect_text("overdue, open, lapsed eller all");
    assert!(
        !reply.text().contains("<script>alert(1)"),
        "{}",
        reply.short()
    );

    // A malformed value is refused, naming its parameter.
    caseworker
        .get("/frister?status=open&page=abc")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «page»: har en ugyldig værdi");
    caseworker
        .get("/frister?days=-1")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «days»");
    caseworker
        .get("/frister?days=9999")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «days»");
    caseworker
        .get("/frister?hack=1")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «hack»: er ikke en kendt parameter");
    let json = caseworker
        .get("/api/v1/obligations?hack=1")
        .expect_api_error(400);
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("hack")),
        "{json}"
    );

    // A case id made of SQL is just an id that is not there.
    caseworker
        .get(&format!("/sager/{}", encode("' OR 1=1 --")))
        .expect_error_page(403, "Ingen adgang");

    // The audit log's filters go to SQL: they must stay values.
    let auditor = login("revisor");
    auditor
        .get(&format!("/api/v1/audit?user={}", encode("' OR 1=1 --")))
        .expect_api_error(400);
    let reply = auditor.get(&format!("/api/v1/audit?action={}", encode("' OR '1'='1")));
    assert_eq!(reply.expect(200).json(), serde_json::json!([]));
    let reply = auditor.get(&format!("/api/v1/audit?action={}", encode("%")));
    assert_eq!(
        reply.expect(200).json(),
        serde_json::json!([]),
        "a `%` in the action filter must not be a wildcard"
    );
}

#[test]
fn oversized_posts_are_refused() {
    let big = "a".repeat(200 * 1024);
    let anonymous = anonymous();
    for cookie in [None, Some(anonymous.0.as_str())] {
        let body = form(&[
            ("csrf", &anonymous.1),
            ("username", "sagsbehandler"),
            ("password", &big),
        ]);
        let reply = send("POST", "/login", cookie, Some(body));
        reply
            .expect_error_page(413, "For stor forespørgsel")
            .expect_text("Intet er gemt");
    }
    // The server is fine afterwards.
    send("GET", "/healthz", None, None)
        .expect(200)
        .expect_text("ok");
}

#[test]
fn pages_send_security_headers() {
    let caseworker = login("sagsbehandler");
    for cookie in [
        &caseworker.set_cookie,
        &send("GET", "/login", None, None)
            .session_cookie()
            .expect("an anonymous session cookie")
            .to_owned(),
    ] {
        assert!(cookie.contains("; HttpOnly"), "{cookie}");
        assert!(cookie.contains("; SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("; Path=/"), "{cookie}");
    }
    for reply in [
        caseworker.get("/oversigt"),
        caseworker.get("/api/v1/me"),
        caseworker.get("/revision"),
        send("GET", "/login", None, None),
    ] {
        reply.expect(if reply.request.ends_with("/revision") {
            403
        } else {
            200
        });
        let csp = reply
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("no CSP: {}", reply.short()));
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{}: {csp}", reply.request);
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{}",
            reply.request
        );
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "{}",
            reply.request
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"));
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        // Plain http (no --behind-tls): no HSTS.
        assert_eq!(reply.header("strict-transport-security"), None);
    }
}

// ---------------------------------------------------------------------------------------------
// 11. The API description

#[test]
fn openapi_documents_every_api_route() {
    let reply = send("GET", "/api/v1/openapi.json", None, None);
    reply.expect(200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    let doc = reply.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();

    // Every `.route("/api/…"` of the router.
    let source = include_str!("../../../overblik-web/src/lib.rs");
    let routed: BTreeSet<String> = source
        .split(".route(")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start().strip_prefix('"')?;
            Some(rest.split('"').next()?.to_owned())
        })
        .filter(|path| path.starts_with("/api/"))
        .collect();
    assert!(routed.len() >= 7, "the router parse found {routed:?}");
    assert_eq!(
        documented, routed,
        "openapi.json and the router disagree (left: documented, right: routed)"
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(item["get"].is_object(), "{path} documents no GET");
    }
}

/// The case ids listed in the round page's sample table.
fn sampled_cases(html: &str) -> Vec<String> {
    rows(html, "Sagerne i stikprøven")
        .into_iter()
        .map(|row| row[0].clone())
        .collect()
}

/// F10: the head plans a theme with a checklist; a team leader draws a reproducible sample
/// (the same seed draws the same cases; a sample larger than the population is refused),
/// records findings (legality prefilled from the deadlines, quality scored on its scale), a
/// stale save is refused (409), the summary and the case timeline show the findings, and a
/// closed round cannot be changed.
#[test]
fn a_supervision_round_samples_reproducibly_and_sums_up_the_findings() {
    let _assignments = assignments_lock();
    let head = login("fagchef");
    let leader = login("teamleder");
    login("sagsbehandler")
        .get("/tilsyn")
        .expect_error_page(403, "Ingen adgang");
    leader.get("/tilsyn").expect(200).expect_text("Årshjul");
    let add_theme = |session: &Session, month: &str, title: &str| {
        session.post(
            "/tilsyn/temaer",
            &[
                ("csrf", session.csrf.as_str()),
                ("month", month),
                ("title", title),
                ("area", "children"),
                ("population", "open"),
                ("description", ""),
            ],
        )
    };
    add_theme(&head, "2026-13", "Forkert")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «month»");
    add_theme(&leader, "2026-03", "x").expect_error_page(403, "Ingen adgang");
    let title = format!("Børnefaglige undersøgelser {}", &random_hex()[..6]);
    let created = add_theme(&head, "2026-03", &title);
    created.expect(303);
    let theme_page = created.location().to_owned();
    assert!(theme_page.starts_with("/tilsyn/tema/T"), "{theme_page}");
    let theme_id = theme_page.trim_start_matches("/tilsyn/tema/").to_owned();
    let item = |kind: &str, text: &str, rule: &str, max: &str| {
        head.post(
            &theme_page,
            &[
                ("csrf", &head.csrf),
                ("kind", kind),
                ("text", text),
                ("rule", rule),
                ("scale_max", max),
            ],
        )
    };
    item(
        "legality",
        "Første opfølgning til tiden",
        "no_such_rule",
        "",
    )
    .expect_error_page(400, "Ugyldigt input")
    .expect_text("Feltet «rule»");
    item("quality", "Barnets perspektiv", "", "11")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «scale_max»");
    item(
        "legality",
        "Første opfølgning til tiden",
        "followup_first",
        "",
    )
    .expect(303);
    item("quality", "Barnets perspektiv er beskrevet", "", "4").expect(303);
    head.get(&theme_page)
        .expect(200)
        .expect_text("Barnets perspektiv er beskrevet")
        .expect_text("Score 1-4");

    let draw = |size: &str, seed: &str| {
        leader.post(
            "/tilsyn/runder",
            &[
                ("csrf", &leader.csrf),
                ("theme_id", &theme_id),
                ("size", size),
                ("strata", "caseworker"),
                ("seed", seed),
            ],
        )
    };
    draw("500", "1")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("er større end");
    draw("0", "1")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «size»");
    let first = draw("3", "4711");
    first.expect(303);
    let round = first.location().to_owned();
    assert!(round.starts_with("/tilsyn/runde/SR"), "{round}");
    let page = leader.get(&round);
    page.expect(200)
        .expect_text("seed 4711")
        .expect_text("det gav de samme 3 sager");
    let cases = sampled_cases(&page.text());
    assert_eq!(cases.len(), 3, "{cases:?}");
    // The same seed on the same data draws the same sample; another seed (very likely) not.
    let again = draw("3", "4711");
    again.expect(303);
    assert_eq!(sampled_cases(&leader.get(again.location()).text()), cases);
    let drawn = audit(&format!(
        "action=supervision.draw&case={}",
        round.trim_start_matches("/tilsyn/runde/")
    ));
    assert_eq!(
        drawn
            .first()
            .and_then(|e| e["persons"].as_array())
            .map(Vec::len),
        Some(3),
        "{drawn:?}"
    );

    let case = &cases[0];
    let checklist = format!("{round}/{}", encode(case));
    let form = leader.get(&checklist);
    form.expect(200)
        .expect_text("name=\"version\" value=\"0\"")
        .expect_text("name=\"met_I1\"")
        .expect_text("Fra fristerne")
        .expect_text("name=\"score_I2\"");
    leader
        .post(
            &checklist,
            &[("csrf", &leader.csrf), ("version", "0"), ("score_I2", "5")],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("Feltet «score_I2»");
    leader
        .post(
            &checklist,
            &[
                ("csrf", &leader.csrf),
                ("version", "0"),
                ("met_I1", "ja"),
                ("score_I2", "3"),
                ("note_I2", "Godt beskrevet"),
            ],
        )
        .expect(303);
    leader
        .post(
            &checklist,
            &[("csrf", &leader.csrf), ("version", "0"), ("met_I1", "nej")],
        )
        .expect_error_page(409, "Ændret af en anden");
    let page = leader.get(&round);
    page.expect(200).expect_text("100,0 % (1 af 1)");
    // "Not relevant" on a second case sticks: the prefill does not come back.
    let second = format!("{round}/{}", encode(&cases[1]));
    leader
        .post(
            &second,
            &[("csrf", &leader.csrf), ("version", "1"), ("met_I1", "")],
        )
        .expect(303);
    leader
        .get(&second)
        .expect(200)
        .expect_text("<option value=\"\" selected>Ikke relevant</option>");
    leader
        .get(&format!("/sager/{}", encode(case)))
        .expect(200)
        .expect_text(&format!(
            "Tilsyn «{title}»: 2 af 2 vurderede punkter opfyldt"
        ));
    leader
        .post(
            &round,
            &[
                ("csrf", &leader.csrf),
                ("version", "2"),
                ("learning_points", "Beskriv barnets perspektiv"),
                ("close", "1"),
            ],
        )
        .expect(303);
    leader
        .post(
            &checklist,
            &[("csrf", &leader.csrf), ("version", "3"), ("met_I1", "nej")],
        )
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("afsluttet");
    leader
        .get("/tilsyn")
        .expect(200)
        .expect_text(&title)
        .expect_text("Afsluttet");
}

/// F6: the head sets the weight model's points in a form — here adds a complexity flag with
/// the other points unchanged (other tests weigh cases meanwhile); bad points and other roles
/// are refused with nothing saved; the change is audited.
#[test]
fn the_head_sets_the_weight_model_in_a_form() {
    let head = login("fagchef");
    let page = head.get("/sagsvaegte");
    page.expect(200).expect_text("Ret pointene");
    // The form's current values, as a browser would post them.
    let text = page.text();
    let mut fields: Vec<(String, String)> = text
        .split("class=\"form-input\" id=\"f-")
        .skip(1)
        .filter_map(|rest| {
            let name = rest.split_once("name=\"")?.1.split_once('"')?.0.to_owned();
            let value = rest.split_once("value=\"")?.1.split_once('"')?.0.to_owned();
            Some((name, value))
        })
        .filter(|(name, _)| !name.starts_with("new_"))
        .collect();
    assert!(
        fields.iter().any(|(n, _)| n == "w:area:children"),
        "{fields:?}"
    );
    let post = |session: &Session, extra: &[(&str, &str)], fields: &[(String, String)]| {
        let mut all: Vec<(&str, &str)> = vec![("csrf", session.csrf.as_str())];
        all.extend(fields.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        all.extend_from_slice(extra);
        session.post("/sagsvaegte", &all)
    };
    let leader = login("teamleder");
    leader.get("/sagsvaegte").expect(200);
    assert!(!leader.get("/sagsvaegte").text().contains("Ret pointene"));
    post(&leader, &[], &[]).expect_error_page(403, "Ingen adgang");
    let mut bad = fields.clone();
    bad[0].1 = "-1".into();
    post(&head, &[], &bad)
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("skal være et tal mellem 0 og 20");
    assert_eq!(audit("action=weights.model").len(), 0);
    let label = format!("Søskendesag {}", &random_hex()[..4]);
    fields.retain(|(n, _)| n.starts_with("w:") || n.starts_with("f:"));
    post(
        &head,
        &[("new_label", &label), ("new_points", "0,75")],
        &fields,
    )
    .expect(303);
    let after = head.get("/sagsvaegte");
    after.expect(200).expect_text(&label).expect_text("0,75");
    assert_eq!(audit("action=weights.model").len(), 1);
}

/// F8: changes of caseworker that came with the case system's assignments have no checklist;
/// the leader sees them and creates one (audited), after which the change is followed.
#[test]
fn a_change_from_the_case_system_gets_its_handover_checklist() {
    let leader = municipality_head();
    let list = leader.get("/overdragelser");
    list.expect(200)
        .expect_text("Skift af sagsbehandler uden tjekliste");
    let href = list
        .text()
        .split("href=\"/overdragelser/ny/")
        .nth(1)
        .map(|rest| format!("/overdragelser/ny/{}", &rest[..rest.find('"').unwrap()]))
        .expect("the demo has changes of caseworker in the last 90 days");
    login("sagsbehandler")
        .get(&href)
        .expect_error_page(403, "Ingen adgang");
    leader
        .get(&href)
        .expect(200)
        .expect_text("Opret tjeklisten");
    let created = leader.post(&href, &[("csrf", &leader.csrf)]);
    created.expect(303);
    assert!(created.location().starts_with("/overdragelser/H"));
    leader
        .get(created.location())
        .expect(200)
        .expect_text("name=\"done_");
    assert!(
        !leader
            .get("/overdragelser")
            .text()
            .contains(&format!("href=\"{href}\"")),
        "the change is still listed without a checklist"
    );
    // Once followed, the same change cannot get a second checklist.
    leader
        .post(&href, &[("csrf", &leader.csrf)])
        .expect_error_page(403, "Ingen adgang");
    let case = href.trim_start_matches("/overdragelser/ny/");
    assert_eq!(
        audit(&format!("action=handover.create&case={case}")).len(),
        1
    );
}

/// F11: the results page splits KF21 by measure type, provider and team; each split counts
/// every scored goal of the unit once, as KF21 of the figures API does.
#[test]
fn the_results_page_splits_goal_progress_and_counts_every_goal_once() {
    let leader = login("teamleder");
    let total = leader.get("/api/v1/figures").expect(200).json()["figures"]["KF21"]["goals_scored"]
        .as_u64()
        .expect("KF21 goals_scored");
    assert!(total > 0, "the demo team has no scored goals");
    let page = leader.get("/resultater");
    page.expect(200);
    let html = page.text();
    for (caption, count_column) in [
        ("Pr. indsatstype", 1),
        ("Pr. leverandør af samme indsatstype", 2),
        ("Pr. team", 1),
    ] {
        let sum: u64 = rows(&html, caption)
            .iter()
            .map(|row| row[count_column].replace('.', "").parse::<u64>().unwrap())
            .sum();
        assert_eq!(sum, total, "{caption}");
    }
}

/// F11: a case page shows its plans' goals with their scores in follow-up order, and the
/// signal when an open goal has not moved after two follow-ups.
#[test]
fn a_case_shows_its_goals_and_the_no_progress_signal() {
    let (case, scores): (String, String) = demo_db()
        .query_row(
            "SELECT p.case_id, (SELECT group_concat(score, ' → ') FROM \
               (SELECT s.score FROM goal_scores s JOIN followups f ON f.followup_id = s.followup_id \
                WHERE s.goal_id = g.goal_id AND f.held_at <= date((SELECT today FROM server_clock)) ORDER BY f.held_at)) \
             FROM goals g JOIN plans p ON p.plan_id = g.plan_id JOIN cases c ON c.case_id = p.case_id \
             WHERE g.closed_at IS NULL AND c.closed_at IS NULL AND \
               (SELECT count(*) FROM goal_scores s JOIN followups f ON f.followup_id = s.followup_id \
                WHERE s.goal_id = g.goal_id AND f.held_at <= date((SELECT today FROM server_clock))) >= 2 AND \
               (SELECT s.score FROM goal_scores s JOIN followups f ON f.followup_id = s.followup_id \
                WHERE s.goal_id = g.goal_id AND f.held_at <= date((SELECT today FROM server_clock)) ORDER BY f.held_at DESC LIMIT 1) <= \
               (SELECT s.score FROM goal_scores s JOIN followups f ON f.followup_id = s.followup_id \
                WHERE s.goal_id = g.goal_id ORDER BY f.held_at LIMIT 1) \
             ORDER BY p.case_id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the demo has an open goal without progress after two follow-ups");
    let head = municipality_head();
    let page = head.get(&format!("/sager/{}", encode(&case)));
    page.expect(200)
        .expect_text("<caption>Mål og fremgang</caption>")
        .expect_text(&scores)
        .expect_text("Ingen fremgang efter to opfølgninger: overvej indsatsen");
}

/// The value of the `<option>` labelled `label` (the first one).
#[track_caller]
fn option_value(html: &str, label: &str) -> String {
    let end = html
        .find(&format!(">{label}</option>"))
        .unwrap_or_else(|| panic!("an option «{label}»"));
    let start = html[..end].rfind("value=\"").expect("a value") + 7;
    html[start..html[start..].find('"').unwrap() + start].to_owned()
}

/// A page number as shown ("1.234,5") as a number.
fn shown_number(text: &str) -> f64 {
    text.replace('.', "").replace(',', ".").parse().unwrap()
}

/// F16: the head of department sets a theme, an annual goal and indicators bound to key
/// figures; each indicator shows the figure's value for its period, the target and a status by
/// the documented rule. Bad input names the field and saves nothing; other roles may look but
/// not set; the committee sees the status suppressed; the annual report is an audited XLSX.
#[test]
fn the_head_sets_political_goals_whose_indicators_show_value_target_and_status() {
    let head = municipality_head();
    let today: chrono::NaiveDate = head.get("/api/v1/figures").expect(200).json()["as_of"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let year = chrono::Datelike::year(&today);
    let theme = format!("Tidlig indsats {}", &random_hex()[..6]);
    head.post(
        "/maal/temaer",
        &[
            ("csrf", &head.csrf),
            ("theme_title", &theme),
            ("theme_description", ""),
        ],
    )
    .expect(303);
    let page = head.get(&format!("/maal?year={year}"));
    page.expect(200).expect_text(&theme);
    let theme_id = option_value(&page.text(), &theme);
    let goal = format!("Færre underretninger {}", &random_hex()[..6]);
    head.post(
        "/maal/aarsmaal",
        &[
            ("csrf", &head.csrf),
            ("theme_id", &theme_id),
            ("year", &year.to_string()),
            ("title", &goal),
            ("description", "Tidligere og forebyggende indsats"),
        ],
    )
    .expect(303);
    let page = head.get(&format!("/maal?year={year}"));
    let goal_id = option_value(&page.text(), &goal);
    let indicator = |session: &Session, figure: &str, target: &str, direction: &str| {
        session.post(
            "/maal/indikatorer",
            &[
                ("csrf", &session.csrf),
                ("annual_goal_id", &goal_id),
                ("figure", figure),
                ("unit_id", ""),
                ("target", target),
                ("direction", direction),
                ("frequency", "yearly"),
                ("tolerance", ""),
            ],
        )
    };
    // Bad input: a figure outside the catalogue, one that cannot be bound, a share above 100 %.
    indicator(head, "KF99", "10", "lower")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text("figure")
        .expect_text("er ikke et nøgletal i nøgletalskataloget");
    indicator(head, "KF09", "10", "lower")
        .expect(400)
        .expect_text("kan ikke bindes til et mål");
    indicator(head, "KF03", "120", "higher")
        .expect(400)
        .expect_text("target")
        .expect_text("ligger uden for området for KF03");
    indicator(head, "KF03", "mange", "higher")
        .expect(400)
        .expect_text("skal være et tal");
    assert_eq!(audit("action=goals.indicator").len(), 0, "nothing saved");
    // KF01 for the year to date, as the figures API counts it for the whole municipality.
    let received = head
        .get(&format!("/api/v1/figures?from={year}-01-01&to={today}"))
        .expect(200)
        .json()["figures"]["KF01"]["total"]
        .as_f64()
        .expect("the demo has notifications");
    assert!(received > 0.0);
    // One target the year meets (at most twice as many), one it misses by far (at most half).
    indicator(head, "KF01", &format!("{}", received * 2.0), "lower").expect(303);
    indicator(
        head,
        "KF01",
        &format!("{}", (received / 2.0).floor()),
        "lower",
    )
    .expect(303);
    assert_eq!(audit("action=goals.indicator").len(), 2);
    let page = head.get(&format!("/maal?year={year}"));
    page.expect(200);
    let status: Vec<Vec<String>> = rows(&page.text(), "Status for de politiske mål")
        .into_iter()
        .filter(|row| row[1] == goal)
        .collect();
    assert_eq!(status.len(), 2, "{status:?}");
    for row in &status {
        assert_eq!(row[0], theme);
        assert_eq!(row[2], "KF01 Underretninger modtaget");
        assert_eq!(row[3], "Hele kommunen");
        assert_eq!(row[4], format!("{year} (til dato)"));
        assert_eq!(
            shown_number(&row[6]),
            received,
            "the value is KF01 for the year to date"
        );
    }
    let by_target: Vec<(&str, &str)> = status
        .iter()
        .map(|row| (row[5].as_str(), row[8].as_str()))
        .collect();
    assert!(by_target.contains(&(format!("≤ {}", received * 2.0).as_str(), "På sporet")));
    assert!(
        by_target.iter().any(|(_, s)| *s == "Ikke på sporet"),
        "{by_target:?}"
    );
    // Others may see the goals but not set them.
    let leader = login("teamleder");
    leader
        .get(&format!("/maal?year={year}"))
        .expect(200)
        .expect_text(&goal);
    assert!(!leader.get("/maal").text().contains("Nyt tema"));
    leader
        .post(
            "/maal/temaer",
            &[
                ("csrf", &leader.csrf),
                ("theme_title", "x"),
                ("theme_description", ""),
            ],
        )
        .expect_error_page(403, "Ingen adgang");
    login("revisor")
        .get("/maal")
        .expect_error_page(403, "Ingen adgang");
    // The committee sees the same status, marked as suppressed where counts are small.
    let committee = login("udvalgsmedlem");
    let seen = committee.get(&format!("/maal?year={year}"));
    seen.expect(200)
        .expect_text(&goal)
        .expect_text("Diskretionering");
    // The annual report: on screen and as an audited XLSX download.
    head.get(&format!("/maal/rapport?year={year}"))
        .expect(200)
        .expect_text(&format!("Årsrapport for politiske mål {year}"));
    let before = audit("action=report.export").len();
    let xlsx = head.get(&format!("/maal/rapport/xlsx?year={year}"));
    xlsx.expect(200);
    assert!(xlsx.body.starts_with(b"PK"), "a workbook");
    assert_eq!(audit("action=report.export").len(), before + 1);
    head.get(&format!("/maal/rapport?year={}", year + 1))
        .expect(400)
        .expect_text("er ikke begyndt");
}

/// F11: at a follow-up the goals of the child's plan are scored (0-10); a score out of range
/// names its field and saves nothing; saved scores show on the case at once.
#[test]
fn goals_are_scored_at_a_follow_up() {
    // The head of the whole municipality may open (and score) every case.
    let scorer = municipality_head();
    // An open case with an open goal and a follow-up held.
    let (case, goal): (String, String) = demo_db()
        .query_row(
            "SELECT c.case_id, g.goal_id FROM cases c
             JOIN plans p ON p.case_id = c.case_id
             JOIN goals g ON g.plan_id = p.plan_id AND g.closed_at IS NULL
             WHERE c.closed_at IS NULL
               AND EXISTS (SELECT 1 FROM followups f WHERE f.case_id = c.case_id
                           AND f.held_at <= date((SELECT today FROM server_clock)))
             ORDER BY c.case_id, g.goal_id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the demo has a case with goals and follow-ups");
    let href = format!("/sager/{case}/maalscorer");
    let form = scorer.get(&href);
    form.expect(200).expect_text("Scorer ved opfølgningen");
    let followup =
        value_after(&form.text(), "id=\"f-followup_id\"", "value").expect("a follow-up to choose");
    let field = format!("score_{goal}");
    let post = |score: &str| {
        scorer.post(
            &href,
            &[
                ("csrf", &scorer.csrf),
                ("followup_id", &followup),
                (&field, score),
            ],
        )
    };
    let saved_before = audit("action=goals.score").len();
    post("11")
        .expect_error_page(400, "Ugyldigt input")
        .expect_text(&field)
        .expect_text("skal være et helt tal fra 0 til 10");
    scorer
        .post(
            &href,
            &[
                ("csrf", &scorer.csrf),
                ("followup_id", &followup),
                ("score_NOT-A-GOAL", "3"),
            ],
        )
        .expect(400)
        .expect_text("er ikke et felt i formularen");
    assert_eq!(audit("action=goals.score").len(), saved_before);
    post("7").expect(303);
    let entries = audit("action=goals.score");
    assert_eq!(entries.len(), saved_before + 1);
    let case_page = scorer.get(&format!("/sager/{case}"));
    let goals = rows(&case_page.text(), "Mål og fremgang");
    assert!(
        goals
            .iter()
            .any(|row| row[2].split(" → ").any(|s| s == "7")),
        "the recorded score shows on the case: {goals:?}"
    );
    login("controller")
        .get(&href)
        .expect_error_page(403, "Ingen adgang");
}

// ---------------------------------------------------------------------------------------------
// Totals that add up (issue 17): every headline equals the sum of the rows shown under it.

/// The text of an HTML fragment without its tags (and the screen-reader suffix of links).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace(" – vis listen", "").trim().to_owned()
}

/// A shown count as a number ("1.234" → 1234); `None` for "<5", "·" or text.
fn shown_count(text: &str) -> Option<u64> {
    text.replace('.', "").parse().ok()
}

/// The landing page's headlines: label → value as shown.
fn headlines(html: &str) -> BTreeMap<String, String> {
    html.split("headline-label\">")
        .skip(1)
        .map(|rest| {
            let label = strip_tags(&rest[..rest.find("</h2>").unwrap()]);
            let value_start = rest.find("headline-value\">").unwrap() + "headline-value\">".len();
            let value = &rest[value_start..];
            (label, strip_tags(&value[..value.find("</p>").unwrap()]))
        })
        .collect()
}

/// The rows of the table captioned `caption` (cell texts), and its column headers.
fn html_table(html: &str, caption: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let start = html
        .find(&format!("<caption>{caption}</caption>"))
        .unwrap_or_else(|| panic!("no table «{caption}»"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let head =
        &table[table.find("<thead>").unwrap() + "<thead>".len()..table.find("</thead>").unwrap()];
    let columns = head
        .split("<th")
        .skip(1)
        .map(|th| strip_tags(&format!("<th{th}")))
        .collect();
    let body = &table[table.find("<tbody>").unwrap()..];
    let rows = body
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|td| strip_tags(&format!("<td{td}")))
                .collect()
        })
        .collect();
    (columns, rows)
}

/// The sum of column `column` over the rows other than «I alt», and the «I alt» row's value;
/// `None` when a cell of the column is hidden (suppressed).
fn column_sum(
    (columns, rows): &(Vec<String>, Vec<Vec<String>>),
    column: &str,
) -> Option<(u64, Option<u64>)> {
    let i = columns
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column «{column}» in {columns:?}"));
    let mut sum = 0;
    let mut total = None;
    for row in rows {
        let value = shown_count(&row[i])?;
        if row[0] == "I alt" {
            total = Some(value);
        } else {
            sum += value;
        }
    }
    Some((sum, total))
}

#[track_caller]
fn assert_adds_up(
    role: &str,
    headline: &BTreeMap<String, String>,
    label: &str,
    table: &(Vec<String>, Vec<Vec<String>>),
    column: &str,
) {
    let shown = shown_count(&headline[label]);
    let Some((sum, total)) = column_sum(table, column) else {
        return; // a suppressed column: the reader cannot add it up, by design
    };
    assert_eq!(shown, Some(sum), "{role}: «{label}» ≠ Σ «{column}»");
    assert_eq!(total, Some(sum), "{role}: «I alt» of «{column}»");
}

#[test]
fn every_headline_equals_the_sum_of_the_rows_under_it() {
    // Other tests move cases between caseworkers: hold still while reading.
    let _assignments = assignments_lock();

    let leader = login("teamleder");
    let page = leader.get("/oversigt");
    let html = page.expect(200).text();
    let cards = headlines(&html);
    let caseworkers = html_table(&html, "Røde tal og sagsstamme pr. sagsbehandler");
    assert_adds_up(
        "teamleder",
        &cards,
        "Overskredne frister",
        &caseworkers,
        "Overskredne frister",
    );
    assert_adds_up(
        "teamleder",
        &cards,
        "Frister de næste 14 dage",
        &caseworkers,
        "Frister 14 dage",
    );
    assert_adds_up(
        "teamleder",
        &cards,
        "Åbne sager",
        &caseworkers,
        "Åbne sager",
    );
    // «Frister uden ansvarlig» is the «uden sagsbehandler» and «uden sag» rows.
    let unowned: u64 = caseworkers
        .1
        .iter()
        .filter(|row| row[0] == "Uden sagsbehandler" || row[0].starts_with("Uden sag ("))
        .map(|row| shown_count(&row[1]).unwrap())
        .sum();
    assert_eq!(shown_count(&cards["Frister uden ansvarlig"]), Some(unowned));
    // The drill-down lists every red number the headline counts.
    let red = shown_count(&cards["Overskredne frister"]).unwrap();
    let list = leader
        .get("/api/v1/obligations?status=overdue")
        .expect(200)
        .json();
    assert_eq!(
        list["total"].as_u64(),
        Some(red),
        "teamleder: /frister ≠ the headline"
    );
    assert!(
        list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "overdue" || r["status"] == "late_with_preliminary"),
        "only red numbers are listed"
    );

    for role in ["fagchef", "direktoer"] {
        let html = login(role).get("/oversigt").expect(200).text();
        let cards = headlines(&html);
        let teams = html_table(&html, "Teamene");
        assert_adds_up(
            role,
            &cards,
            "Overskredne frister",
            &teams,
            "Overskredne frister",
        );
        assert_adds_up(role, &cards, "Åbne sager", &teams, "Åbne sager");
        if role == "fagchef" {
            let caseworkers = html_table(&html, "Røde tal og sagsstamme pr. sagsbehandler");
            assert_adds_up(
                role,
                &cards,
                "Overskredne frister",
                &caseworkers,
                "Overskredne frister",
            );
            assert_adds_up(role, &cards, "Åbne sager", &caseworkers, "Åbne sager");
        }
    }

    // The caseworker's own red numbers are exactly the list behind them.
    let caseworker = login("sagsbehandler");
    let cards = headlines(&caseworker.get("/oversigt").expect(200).text());
    let own = caseworker
        .get("/api/v1/obligations?status=overdue")
        .expect(200)
        .json();
    assert_eq!(
        shown_count(&cards["Mine overskredne frister"]),
        own["total"].as_u64(),
        "sagsbehandler: the headline ≠ the list"
    );

    // The weekly report: the red numbers per caseworker add up to the total per rule.
    let report = leader.get("/api/v1/reports/weekly").expect(200).json();
    let table = |id: &str| -> Vec<Value> {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["tables"].as_array().unwrap().iter())
            .find(|t| t["id"] == id)
            .unwrap_or_else(|| panic!("no table {id}"))["rows"]
            .as_array()
            .unwrap()
            .clone()
    };
    let sum_and_total = |rows: &[Value]| {
        let value = |row: &Value| row[1]["value"].as_u64().unwrap();
        let (total, rest): (Vec<&Value>, Vec<&Value>) =
            rows.iter().partition(|row| row[0]["value"] == "I alt");
        (rest.iter().map(|r| value(r)).sum::<u64>(), value(total[0]))
    };
    let (by_caseworker, caseworker_total) = sum_and_total(&table("red_by_caseworker"));
    let (by_rule, rule_total) = sum_and_total(&table("red_by_rule"));
    assert_eq!(by_caseworker, caseworker_total);
    assert_eq!(by_rule, rule_total);
    assert_eq!(caseworker_total, rule_total);
    assert_eq!(
        caseworker_total, red,
        "the weekly report's red numbers ≠ the landing page's"
    );
}

/// The server's log (issue 18): one JSON line per request with method, route template,
/// status, duration and request id; and, after every role has crawled its pages and searched
/// for a CPR number, no CPR number, no name and no query string in it.
#[test]
fn the_log_has_a_line_per_request_and_no_personal_data() {
    let cpr = "0707071234";
    let case: String = demo_db()
        .query_row(
            "SELECT case_id FROM cases WHERE closed_at IS NULL ORDER BY case_id LIMIT 1",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let pages = [
        "/oversigt".to_owned(),
        "/frister?status=all".to_owned(),
        "/sagsstamme".to_owned(),
        "/fordeling".to_owned(),
        "/rapporter/weekly".to_owned(),
        "/kvalitet".to_owned(),
        "/resultater".to_owned(),
        "/maal".to_owned(),
        "/revision".to_owned(),
        format!("/sager/{}", encode(&case)),
        format!("/api/v1/cases/{}", encode(&case)),
    ];
    let mut requests = 0;
    for (username, _) in USERS {
        let session = login(username);
        for page in &pages {
            let status = session.get(page).status;
            assert!(status < 500, "{username} {page}: {status}");
            requests += 1;
        }
        session.post("/soeg", &[("csrf", &session.csrf), ("q", cpr)]);
    }
    let logs = server().logs();
    let lines: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .collect();
    let request_lines: Vec<&Value> = lines
        .iter()
        .filter(|line| line["message"] == "request")
        .collect();
    assert!(
        request_lines.len() >= requests,
        "{} request lines",
        request_lines.len()
    );
    for line in &request_lines {
        for field in ["method", "route", "status", "ms", "request_id"] {
            assert!(!line[field].is_null(), "no {field} in {line}");
        }
    }
    assert!(
        lines.iter().any(|line| line["message"] == "data loaded"),
        "the data load is logged"
    );
    // Nothing personal: the CPR number searched for, any name of a caseworker, the case ids
    // of the paths (only route templates are logged) and query strings.
    assert!(!logs.contains(cpr), "a CPR number reached the log");
    assert!(
        !logs.contains("070707-1234"),
        "a CPR number reached the log"
    );
    let names: Vec<String> = demo_db()
        .prepare("SELECT name FROM staff")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for name in names {
        assert!(!logs.contains(&name), "the name {name} reached the log");
    }
    assert!(
        !logs.contains(&format!("/sager/{case}")),
        "a case id reached the log"
    );
    assert!(
        !logs.contains("status=all"),
        "a query string reached the log"
    );
}
