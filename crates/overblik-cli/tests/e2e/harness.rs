//! The browser-test harness: the `overblik` server on a free port, and Debian's headless
//! Chromium driven over the Chrome DevTools Protocol (crate `chromiumoxide`, behind a
//! synchronous facade: each browser has its own small tokio runtime).
//!
//! Every helper panics with what it was doing, the selector and the page it was on, so a test
//! reads as a list of steps. Navigation is explicit: `goto`, `click` and `click_link_text`
//! wait for the next page to load; `click_in_page` (a script-driven widget) and `download` do
//! not expect one.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chromiumoxide::browser::BrowserConfig;
use chromiumoxide::cdp::browser_protocol::browser::{
    BrowserContextId, SetDownloadBehaviorBehavior, SetDownloadBehaviorParams,
};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
use chromiumoxide::cdp::browser_protocol::log::{
    EnableParams as LogEnableParams, EventEntryAdded, LogEntryLevel,
};
use chromiumoxide::cdp::browser_protocol::page::{CaptureScreenshotFormat, NavigateParams};
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::cdp::js_protocol::runtime::{EvaluateParams, EventExceptionThrown};
use chromiumoxide::error::CdpError;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::page::ScreenshotParams;
use futures::StreamExt;
use serde_json::Value;

/// How long a page may take to load, an element to appear or a download to finish.
pub const TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(20);
/// The fixed viewport of every page (CSS pixels, device scale factor 1).
pub const VIEWPORT: (u32, u32) = (1280, 900);

/// Size of the municipality behind [`Server::shared_demo`].
pub const DEMO_INHABITANTS: u32 = 3000;
pub const DEMO_YEARS: u32 = 2;

/// Debian's Chromium; `OVERBLIK_E2E_CHROMIUM` names another Chrome/Chromium binary.
const CHROMIUM: &str = "/usr/bin/chromium";
/// Chromium's flags besides `--headless`, `--no-sandbox` (we run as root), the profile and the
/// window size, which the launcher adds. No GPU, no outside network: without the
/// background-networking flags Chromium keeps trying (and failing) to reach Google's hosts.
/// Danish as the browser language, as for the users.
const CHROMIUM_FLAGS: [&str; 9] = [
    "disable-gpu",
    "disable-quic",
    "no-first-run",
    "disable-background-networking",
    "disable-component-update",
    "disable-sync",
    "disable-dev-shm-usage",
    "password-store=basic",
    "lang=da-DK",
];

/// axe-core, injected into pages over CDP (`Runtime.evaluate` is not subject to the page's CSP).
const AXE_SOURCE: &str = include_str!("../../../overblik-web/assets/test/axe.min.js");
/// The WCAG 2.0/2.1 A and AA rules.
const AXE_RUN: &str = "axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations']
}).then(result => JSON.stringify(result.violations.map(v => ({
    id: v.id,
    impact: v.impact || '',
    help: v.help,
    nodes: v.nodes.map(n => n.target.join(' '))
}))))";

/// Set on a document before an action that should replace it; gone once a new one loaded.
const OLD_DOCUMENT_MARK: &str = "window.__overblikE2eOldDocument";

// ---------------------------------------------------------------------------------------------
// Server

pub use crate::demo_server::Server;

impl Server {
    /// One demo server ([`DEMO_INHABITANTS`], [`DEMO_YEARS`]) shared by every test of this
    /// binary; started by the first test that asks. Tests that change data should start their
    /// own with [`Server::start_demo`].
    pub fn shared_demo() -> &'static Server {
        static DEMO: OnceLock<Server> = OnceLock::new();
        DEMO.get_or_init(|| Server::start_demo(DEMO_INHABITANTS, DEMO_YEARS))
    }
}

// ---------------------------------------------------------------------------------------------
// Browser

/// A headless Chromium with a fresh profile and download folder, both removed on drop.
pub struct Browser {
    // `Option`s so that `drop` can close the browser on the runtime before the runtime goes.
    browser: Option<chromiumoxide::Browser>,
    runtime: Option<tokio::runtime::Runtime>,
    downloads: tempfile::TempDir,
    pages: AtomicUsize,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium; fails the test with instructions if it is not installed.
    #[track_caller]
    pub fn launch() -> Browser {
        let path = std::env::var_os("OVERBLIK_E2E_CHROMIUM")
            .map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
        assert!(
            path.is_file(),
            "Chromium not found at {}: the browser tests need it. Install Debian's with \
             `apt-get install -y chromium chromium-driver`, or set OVERBLIK_E2E_CHROMIUM to a \
             Chrome/Chromium binary.",
            path.display()
        );
        let profile = tempfile::Builder::new()
            .prefix("overblik-e2e-chromium-")
            .tempdir()
            .expect("create a temp dir for the Chromium profile");
        let downloads = tempfile::Builder::new()
            .prefix("overblik-e2e-downloads-")
            .tempdir()
            .expect("create a temp dir for downloads");
        let config = BrowserConfig::builder()
            .chrome_executable(&path)
            .no_sandbox()
            .user_data_dir(profile.path())
            .disable_default_args()
            .args(CHROMIUM_FLAGS)
            .window_size(VIEWPORT.0, VIEWPORT.1)
            // Applied to every new page.
            .viewport(Viewport {
                width: VIEWPORT.0,
                height: VIEWPORT.1,
                device_scale_factor: Some(1.0),
                emulating_mobile: false,
                is_landscape: false,
                has_touch: false,
            })
            .request_timeout(TIMEOUT)
            .build()
            .unwrap_or_else(|error| panic!("invalid Chromium configuration: {error}"));
        // One worker thread runs the CDP connection between our (blocking) calls.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("start a tokio runtime");
        let browser = runtime.block_on(async {
            let (browser, mut handler) = chromiumoxide::Browser::launch(config)
                .await
                .unwrap_or_else(|error| panic!("could not start {}: {error}", path.display()));
            tokio::spawn(async move { while handler.next().await.is_some() {} });
            browser
        });
        Browser {
            browser: Some(browser),
            runtime: Some(runtime),
            downloads,
            pages: AtomicUsize::new(0),
            _profile: profile,
        }
    }

    /// A new tab in its own browsing context (own cookies: one logged-in user per page), with
    /// the fixed viewport and its own download folder. Paths given to [`Page::goto`] are
    /// relative to `base_url`.
    #[track_caller]
    pub fn page(&self, base_url: &str) -> Page<'_> {
        let downloads = self.downloads.path().join(format!(
            "page-{}",
            self.pages.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&downloads).expect("create the page's download folder");
        let browser = self.cdp();
        let problems = Arc::new(Mutex::new(Vec::new()));
        let (context, page) = self.block_on(async {
            let context = browser
                .create_browser_context(CreateBrowserContextParams::default())
                .await
                .unwrap_or_else(|error| panic!("could not create a browsing context: {error}"));
            let target = CreateTargetParams::builder()
                .url("about:blank")
                .browser_context_id(context.clone())
                .build()
                .expect("CreateTargetParams");
            let page = browser
                .new_page(target)
                .await
                .unwrap_or_else(|error| panic!("could not open a tab: {error}"));
            let download = SetDownloadBehaviorParams::builder()
                .behavior(SetDownloadBehaviorBehavior::Allow)
                .browser_context_id(context.clone())
                .download_path(downloads.to_str().expect("UTF-8 temp path"))
                .build()
                .expect("SetDownloadBehaviorParams");
            browser
                .execute(download)
                .await
                .unwrap_or_else(|error| panic!("could not set the download folder: {error}"));
            record_problems(&page, &problems).await;
            (context, page)
        });
        Page {
            browser: self,
            page,
            context,
            base_url: base_url.trim_end_matches('/').to_owned(),
            downloads,
            problems,
        }
    }

    fn cdp(&self) -> &chromiumoxide::Browser {
        self.browser.as_ref().expect("the browser is running")
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime
            .as_ref()
            .expect("the runtime is running")
            .block_on(future)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let (Some(mut browser), Some(runtime)) = (self.browser.take(), self.runtime.take()) {
            runtime.block_on(async {
                // Closing lets Chromium end its helper processes; the child is then reaped.
                if browser.close().await.is_ok() {
                    let _ = browser.wait().await;
                }
            });
            drop(browser); // killed here if it did not close
            runtime.shutdown_background();
        }
    }
}

/// One tab, in its own browsing context. Closed on drop.
pub struct Page<'browser> {
    browser: &'browser Browser,
    page: chromiumoxide::Page,
    context: BrowserContextId,
    base_url: String,
    downloads: PathBuf,
    problems: Arc<Mutex<Vec<String>>>,
}

/// Collects, from now on, the page's console errors (a failed request, a CSP violation, a
/// script error) and uncaught exceptions into `problems`.
async fn record_problems(page: &chromiumoxide::Page, problems: &Arc<Mutex<Vec<String>>>) {
    let mut entries = page
        .event_listener::<EventEntryAdded>()
        .await
        .expect("listen to console messages");
    let mut exceptions = page
        .event_listener::<EventExceptionThrown>()
        .await
        .expect("listen to exceptions");
    page.execute(LogEnableParams::default())
        .await
        .expect("enable console messages");
    let sink = Arc::clone(problems);
    tokio::spawn(async move {
        while let Some(event) = entries.next().await {
            let entry = &event.entry;
            if entry.level == LogEntryLevel::Error {
                let url = entry.url.as_deref().unwrap_or_default();
                sink.lock().unwrap().push(format!("{} ({url})", entry.text));
            }
        }
    });
    let sink = Arc::clone(problems);
    tokio::spawn(async move {
        while let Some(event) = exceptions.next().await {
            let details = &event.exception_details;
            let text = details
                .exception
                .as_ref()
                .and_then(|exception| exception.description.clone())
                .unwrap_or_else(|| details.text.clone());
            let url = details.url.as_deref().unwrap_or_default();
            sink.lock()
                .unwrap()
                .push(format!("uncaught {text} ({url})"));
        }
    });
}

/// One failed axe-core rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule, e.g. `image-alt`, `color-contrast`, `label`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    pub help: String,
    /// A CSS selector for each offending element.
    pub nodes: Vec<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {} [{}]",
            self.id,
            self.impact,
            self.help,
            self.nodes.join(", ")
        )
    }
}

/// The violations one per line, for an assertion message.
pub fn describe(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|violation| format!("  {violation}\n"))
        .collect()
}

impl Page<'_> {
    /// Opens `path` (relative to the base URL, or a full `http://` URL) and waits until it has
    /// loaded, whatever its status; see [`status`](Self::status).
    #[track_caller]
    pub fn goto(&self, path: &str) -> &Self {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base_url)
        };
        self.expect_new_document(&format!("goto {url}"), || {
            let navigated = self
                .block_on(self.page.execute(NavigateParams::new(url.clone())))
                .unwrap_or_else(|error| panic!("could not open {url}: {error}"));
            if let Some(error) = &navigated.result.error_text {
                panic!("could not open {url}: {error}");
            }
        });
        self
    }

    /// The HTTP status of the response that produced the current document (after redirects).
    #[track_caller]
    pub fn status(&self) -> u16 {
        let status = self.evaluate(
            "(performance.getEntriesByType('navigation')[0] || { responseStatus: 0 }).responseStatus",
        );
        status
            .as_u64()
            .and_then(|status| u16::try_from(status).ok())
            .unwrap_or_else(|| panic!("{}: no HTTP status ({status})", self.location()))
    }

    /// `location.pathname` of the current document.
    #[track_caller]
    pub fn current_path(&self) -> String {
        match self.evaluate("location.pathname") {
            Value::String(path) => path,
            other => panic!("location.pathname is {other}"),
        }
    }

    /// Replaces the value of the input or textarea `selector` with `text`, typed as text input
    /// (`input` events), then fires `change`.
    #[track_caller]
    pub fn fill(&self, selector: &str, text: &str) -> &Self {
        let found = self.evaluate(&format!(
            "(() => {{ const el = document.querySelector({0}); if (el === null) return false; \
             el.focus(); el.value = ''; return true; }})()",
            js_string(selector)
        ));
        assert_eq!(
            found,
            Value::Bool(true),
            "{}: no element matches `{selector}` to fill",
            self.location()
        );
        if !text.is_empty() {
            self.block_on(self.page.execute(InsertTextParams::new(text)))
                .unwrap_or_else(|error| panic!("could not type into `{selector}`: {error}"));
        }
        self.evaluate(&format!(
            "document.querySelector({0}).dispatchEvent(new Event('change', {{ bubbles: true }}))",
            js_string(selector)
        ));
        self
    }

    /// Selects the option with `value` in the `<select>` `selector`, then fires `change`.
    #[track_caller]
    pub fn select_option(&self, selector: &str, value: &str) -> &Self {
        let selected = self.evaluate(&format!(
            "(() => {{ const el = document.querySelector({0}); \
             if (el === null || !Array.from(el.options).some(o => o.value === {1})) return false; \
             el.value = {1}; el.dispatchEvent(new Event('change', {{ bubbles: true }})); return true; }})()",
            js_string(selector),
            js_string(value)
        ));
        assert_eq!(
            selected,
            Value::Bool(true),
            "{}: no <select> `{selector}` with an option `{value}`",
            self.location()
        );
        self
    }

    /// Clicks `selector` (a link or a submit button) like a user, with the mouse, and waits
    /// until the page it leads to has loaded. Fails if no new page loads.
    #[track_caller]
    pub fn click(&self, selector: &str) -> &Self {
        self.expect_new_document(&format!("click {selector}"), || {
            self.click_element(selector);
        });
        self
    }

    /// Clicks `selector` without expecting a new page (a script-driven widget).
    #[track_caller]
    pub fn click_in_page(&self, selector: &str) -> &Self {
        self.click_element(selector);
        self
    }

    /// Clicks the visible link whose text (whitespace collapsed) is `text`, and waits for the
    /// page it leads to.
    #[track_caller]
    pub fn click_link_text(&self, text: &str) -> &Self {
        let found = self.evaluate(&format!(
            "(() => {{
                const wanted = {0};
                const text = a => a.innerText.replace(/\\s+/g, ' ').trim();
                document.querySelectorAll('[data-overblik-e2e-link]')
                    .forEach(a => a.removeAttribute('data-overblik-e2e-link'));
                const links = Array.from(document.querySelectorAll('a[href]'));
                const link = links.find(a => a.getClientRects().length > 0 && text(a) === wanted);
                if (link === undefined) return links.map(text);
                link.setAttribute('data-overblik-e2e-link', '');
                return true;
            }})()",
            js_string(text)
        ));
        if found != Value::Bool(true) {
            panic!(
                "{}: no visible link with the text `{text}`; the links are {found}",
                self.location()
            );
        }
        self.click("[data-overblik-e2e-link]")
    }

    /// The rendered text (`innerText`, trimmed) of the first element matching `selector`.
    #[track_caller]
    pub fn text_of(&self, selector: &str) -> String {
        match self.evaluate(&format!(
            "(() => {{ const el = document.querySelector({0}); return el === null ? null : el.innerText; }})()",
            js_string(selector)
        )) {
            Value::String(text) => text.trim().to_owned(),
            _ => panic!("{}: no element matches `{selector}`", self.location()),
        }
    }

    /// Whether any element matches `selector`.
    #[track_caller]
    pub fn exists(&self, selector: &str) -> bool {
        self.evaluate(&format!(
            "document.querySelector({0}) !== null",
            js_string(selector)
        )) == Value::Bool(true)
    }

    /// The console errors (failed requests such as a 404 asset, CSP violations, script errors)
    /// and uncaught exceptions since the page was opened or this was last called; clears them.
    /// A page without problems returns an empty list.
    pub fn take_problems(&self) -> Vec<String> {
        // Console messages arrive asynchronously: give the last ones a moment.
        std::thread::sleep(Duration::from_millis(50));
        std::mem::take(&mut *self.problems.lock().unwrap())
    }

    /// Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value
    /// as JSON. Runs over CDP, so the page's CSP does not apply.
    #[track_caller]
    pub fn evaluate(&self, expression: &str) -> Value {
        self.try_evaluate(expression).unwrap_or_else(|error| {
            panic!(
                "{}: evaluating `{}` failed: {error}",
                self.location(),
                expression.chars().take(200).collect::<String>()
            )
        })
    }

    /// A PNG of the whole page (not only the viewport), 1280 CSS pixels wide, at `path`.
    #[track_caller]
    pub fn screenshot(&self, path: impl AsRef<Path>) -> &Self {
        self.screenshot_up_to(path, u32::MAX)
    }

    /// A PNG of the page from its top, at most `max_height` CSS pixels high (at least the
    /// viewport), 1280 CSS pixels wide, at `path`.
    #[track_caller]
    pub fn screenshot_up_to(&self, path: impl AsRef<Path>, max_height: u32) -> &Self {
        let path = path.as_ref();
        let metrics = self
            .block_on(self.page.layout_metrics())
            .unwrap_or_else(|error| panic!("could not measure the page: {error}"));
        let height = metrics.css_content_size.height.ceil() as u32;
        self.set_viewport_height(height.min(max_height).max(VIEWPORT.1));
        let png = self.block_on(
            self.page.screenshot(
                ScreenshotParams::builder()
                    .format(CaptureScreenshotFormat::Png)
                    .build(),
            ),
        );
        self.set_viewport_height(VIEWPORT.1);
        let png = png.unwrap_or_else(|error| panic!("could not take a screenshot: {error}"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the screenshot folder");
        }
        std::fs::write(path, png)
            .unwrap_or_else(|error| panic!("could not write {}: {error}", path.display()));
        self
    }

    /// Clicks `selector` (a link or button whose response is an attachment) and returns the
    /// downloaded file once Chromium has finished writing it.
    #[track_caller]
    pub fn download(&self, click_selector: &str) -> PathBuf {
        let before = self.download_names();
        self.click_element(click_selector);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            // Chromium writes `<name>.crdownload` and renames it when complete.
            let finished = self.download_names().into_iter().find(|name| {
                !before.contains(name) && !name.to_string_lossy().ends_with(".crdownload")
            });
            if let Some(name) = finished {
                return self.downloads.join(name);
            }
            assert!(
                Instant::now() < deadline,
                "{}: clicking `{click_selector}` downloaded nothing within {TIMEOUT:?} (folder: {:?})",
                self.location(),
                self.download_names()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Runs axe-core's WCAG 2.0/2.1 A and AA rules on the current document.
    #[track_caller]
    pub fn axe_violations(&self) -> Vec<Violation> {
        if self.evaluate("typeof window.axe") != Value::String("object".to_owned()) {
            self.evaluate(&format!("{AXE_SOURCE}\n;undefined"));
        }
        let json = match self.evaluate(AXE_RUN) {
            Value::String(json) => json,
            other => panic!("axe.run returned {other}"),
        };
        let violations: Vec<Value> = serde_json::from_str(&json).expect("axe violations JSON");
        violations
            .iter()
            .map(|violation| {
                let text = |key: &str| violation[key].as_str().unwrap_or_default().to_owned();
                Violation {
                    id: text("id"),
                    impact: text("impact"),
                    help: text("help"),
                    nodes: violation["nodes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|node| node.as_str().map(str::to_owned))
                        .collect(),
                }
            })
            .collect()
    }

    // -- internals ------------------------------------------------------------------------

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.browser.block_on(future)
    }

    fn try_evaluate(&self, expression: &str) -> Result<Value, String> {
        let params = EvaluateParams::builder()
            .expression(expression)
            .return_by_value(true)
            .await_promise(true)
            .build()
            .map_err(|error| format!("invalid expression: {error}"))?;
        match self.block_on(self.page.evaluate_expression(params)) {
            Ok(result) => Ok(result.value().cloned().unwrap_or(Value::Null)),
            Err(CdpError::JavascriptException(details)) => Err(details
                .exception
                .and_then(|exception| exception.description)
                .unwrap_or(details.text)),
            Err(error) => Err(error.to_string()),
        }
    }

    /// Marks the current document, runs `action`, and waits until another document has
    /// replaced it and finished loading.
    #[track_caller]
    fn expect_new_document(&self, what: &str, action: impl FnOnce()) {
        self.evaluate(&format!("{OLD_DOCUMENT_MARK} = true"));
        action();
        let loaded =
            format!("{OLD_DOCUMENT_MARK} === undefined && document.readyState === 'complete'");
        let deadline = Instant::now() + TIMEOUT;
        // While the old document is being replaced, evaluation may fail: try again.
        while self.try_evaluate(&loaded) != Ok(Value::Bool(true)) {
            assert!(
                Instant::now() < deadline,
                "{what}: no new page finished loading within {TIMEOUT:?} ({})",
                self.location()
            );
            std::thread::sleep(POLL);
        }
    }

    #[track_caller]
    fn click_element(&self, selector: &str) {
        let deadline = Instant::now() + TIMEOUT;
        let element = loop {
            match self.block_on(self.page.find_element(selector)) {
                Ok(element) => break element,
                Err(error) => assert!(
                    Instant::now() < deadline,
                    "{}: no element matches `{selector}` within {TIMEOUT:?}: {error}",
                    self.location()
                ),
            }
            std::thread::sleep(POLL);
        };
        if let Err(error) = self.block_on(element.click()) {
            panic!("{}: could not click `{selector}`: {error}", self.location());
        }
    }

    fn set_viewport_height(&self, height: u32) {
        let metrics = SetDeviceMetricsOverrideParams::new(
            i64::from(VIEWPORT.0),
            i64::from(height),
            1.0,
            false,
        );
        self.block_on(self.page.execute(metrics))
            .unwrap_or_else(|error| panic!("could not set the viewport: {error}"));
    }

    fn download_names(&self) -> HashSet<OsString> {
        std::fs::read_dir(&self.downloads)
            .expect("read the download folder")
            .map(|entry| entry.expect("a download folder entry").file_name())
            .collect()
    }

    /// "on <url>", for failure messages.
    fn location(&self) -> String {
        match self.block_on(self.page.url()) {
            Ok(Some(url)) => format!("on {url}"),
            _ => "on an unknown page".to_owned(),
        }
    }
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        let browser = self.browser.cdp();
        let page = self.page.clone();
        let context = self.context.clone();
        self.browser.block_on(async {
            let _ = page.close().await;
            let _ = browser.dispose_browser_context(context).await;
        });
    }
}

/// `text` as a JavaScript string literal.
fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}
