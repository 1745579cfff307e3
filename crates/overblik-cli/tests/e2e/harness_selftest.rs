//! The harness itself: every helper against a tiny static site served by the test, under the
//! strict CSP the application uses; and the demo server on a free port.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::harness::{Browser, Server, VIEWPORT, describe};

const CSP: &str = "default-src 'self'; script-src 'self'";

const INDEX: &str = r#"<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Selvtest</title>
<link rel="stylesheet" href="/site.css">
<script src="/app.js" defer></script>
</head>
<body>
<main>
<h1 id="heading">Selvtest af browserharness</h1>
<img src="/logo.svg">
<p><button type="button" id="js-button">Klik</button> <span id="js-result">Ikke klikket</span></p>
<form action="/hello" method="get">
<label for="name">Navn</label> <input id="name" name="name" type="text">
<label for="kommune">Kommune</label>
<select id="kommune" name="kommune"><option value="demo">Demokommune</option><option value="anden">Anden kommune</option></select>
<button type="submit" id="send">Send</button>
</form>
<p><a href="/rapport.csv" id="download">Hent rapport</a> <a href="/side-2">Næste   side</a></p>
<div class="tall"></div>
<script>document.getElementById('heading').textContent = 'Inline-script kørte';</script>
</main>
</body>
</html>
"#;

const APP_JS: &str = "document.getElementById('js-button').addEventListener('click', () => {
    document.getElementById('js-result').textContent = 'Knappen virker';
});
";

const SITE_CSS: &str = ".tall { height: 1600px; }\n";

const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#0059b3"/></svg>"##;

const REPORT_CSV: &str = "kommune;antal\nDemokommune;42\n";

#[test]
fn the_harness_drives_a_page_under_a_strict_csp() {
    let site = serve_static_site();
    let browser = Browser::launch();
    let page = browser.page(&site);

    page.goto("/");
    assert_eq!(page.status(), 200);
    assert_eq!(page.current_path(), "/");
    // The inline script was blocked: the CSP is in force for everything below.
    assert_eq!(page.text_of("#heading"), "Selvtest af browserharness");
    let problems = page.take_problems();
    assert!(
        problems.len() == 1 && problems[0].contains("Content Security Policy"),
        "{problems:#?}"
    );
    assert!(page.exists("#js-button"));
    assert!(!page.exists("#no-such-element"));

    // The page's own script (script-src 'self') runs.
    page.click_in_page("#js-button");
    assert_eq!(page.text_of("#js-result"), "Knappen virker");

    // axe is injected over CDP although the CSP forbids inline scripts and eval.
    let violations = page.axe_violations();
    let ids: Vec<&str> = violations.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["image-alt"], "\n{}", describe(&violations));
    assert_eq!(violations[0].nodes, ["img"]);
    assert_eq!(violations[0].impact, "critical");

    let shots = tempfile::tempdir().unwrap();
    let shot = shots.path().join("selvtest.png");
    page.screenshot(&shot);
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (width, height) = png_size(&png);
    assert_eq!(width, VIEWPORT.0);
    assert!(
        height > 1600,
        "the whole page, not only the viewport: {height}"
    );
    // The viewport is back to its fixed size.
    assert_eq!(
        page.evaluate("[window.innerWidth, window.innerHeight]"),
        serde_json::json!([VIEWPORT.0, VIEWPORT.1])
    );

    let downloaded = page.download("#download");
    assert_eq!(downloaded.file_name().unwrap(), "rapport.csv");
    assert_eq!(std::fs::read_to_string(&downloaded).unwrap(), REPORT_CSV);
    assert_eq!(page.current_path(), "/", "a download does not navigate");

    page.fill("#name", "Æble Øst")
        .select_option("#kommune", "anden")
        .click("#send");
    assert_eq!(page.current_path(), "/hello");
    assert_eq!(page.text_of("#greeting"), "Hej Æble Øst fra anden");
    // Nothing went wrong since the blocked inline script: not the script, axe, nor the download.
    assert_eq!(page.take_problems(), Vec::<String>::new());
    // Filling replaces what was there.
    page.fill("#again", "x").fill("#again", "Bo");
    assert_eq!(
        page.evaluate("document.querySelector('#again').value"),
        "Bo"
    );

    page.click_link_text("Tilbage");
    assert_eq!(page.current_path(), "/");
    page.click_link_text("Næste side");
    assert_eq!(page.current_path(), "/side-2");
    assert_eq!(page.text_of("h1"), "Side 2");

    // Back on "/", its inline script was blocked again.
    assert_eq!(page.take_problems().len(), 1);
    page.goto("/findes-ikke");
    assert_eq!(page.status(), 404);
    let problems = page.take_problems();
    assert!(
        problems.len() == 1 && problems[0].contains("404") && problems[0].contains("/findes-ikke"),
        "{problems:#?}"
    );

    // A second page is its own browsing context: own cookies, own navigation.
    page.evaluate("document.cookie = 'bruger=sagsbehandler; path=/'");
    let other = browser.page(&site);
    other.goto("/side-2");
    assert_eq!(other.evaluate("document.cookie"), "");
    assert_eq!(page.current_path(), "/findes-ikke");
    assert_eq!(page.evaluate("document.cookie"), "bruger=sagsbehandler");
}

#[test]
fn the_demo_server_runs_on_a_free_port() {
    let server = Server::shared_demo();
    assert!(
        server.base_url().starts_with("http://127.0.0.1:") && !server.base_url().ends_with(":0"),
        "{}",
        server.base_url()
    );
    let browser = Browser::launch();
    let page = browser.page(server.base_url());
    page.goto("/");
    assert_eq!(page.status(), 200, "server output:\n{}", server.logs());
}

/// Serves the site above on a free port of 127.0.0.1 from a background thread; returns its
/// base URL.
fn serve_static_site() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // One thread per connection: Chromium opens connections it may never use.
            std::thread::spawn(move || answer(stream));
        }
    });
    base_url
}

fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let html = "text/html; charset=utf-8";
    let (status, content_type, body, extra) = match path {
        "/" => ("200 OK", html, INDEX.to_owned(), ""),
        "/app.js" => ("200 OK", "text/javascript", APP_JS.to_owned(), ""),
        "/site.css" => ("200 OK", "text/css", SITE_CSS.to_owned(), ""),
        // Chromium asks every site for /favicon.ico; a 404 would count as a page problem.
        "/logo.svg" | "/favicon.ico" => ("200 OK", "image/svg+xml", LOGO_SVG.to_owned(), ""),
        "/rapport.csv" => (
            "200 OK",
            "text/csv; charset=utf-8",
            REPORT_CSV.to_owned(),
            "Content-Disposition: attachment; filename=\"rapport.csv\"\r\n",
        ),
        "/hello" => {
            let name = query_value(query, "name");
            let kommune = query_value(query, "kommune");
            let body = simple_page(
                "Hej",
                &format!(
                    "<h1 id=\"greeting\">Hej {} fra {}</h1>\
                     <label for=\"again\">Igen</label> <input id=\"again\" type=\"text\">\
                     <p><a href=\"/\">Tilbage</a></p>",
                    escape(&name),
                    escape(&kommune)
                ),
            );
            ("200 OK", html, body, "")
        }
        "/side-2" => ("200 OK", html, simple_page("Side 2", "<h1>Side 2</h1>"), ""),
        _ => (
            "404 Not Found",
            html,
            simple_page("Ikke fundet", "<h1>Siden findes ikke</h1>"),
            "",
        ),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {CSP}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

fn simple_page(title: &str, main: &str) -> String {
    format!(
        "<!doctype html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body><main>{main}</main></body></html>"
    )
}

/// The decoded value of `key` in an `application/x-www-form-urlencoded` query.
fn query_value(query: &str, key: &str) -> String {
    let raw = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == key)
        .map_or("", |(_, value)| value);
    let mut bytes = Vec::new();
    let mut input = raw.bytes();
    while let Some(byte) = input.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex: String = input.by_ref().take(2).map(char::from).collect();
                bytes.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}
