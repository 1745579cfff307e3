//! The `overblik` server for tests that talk to it from outside: a demo municipality
//! (`overblik demo --no-serve`) served by `overblik serve` on a free port of 127.0.0.1. Shared
//! by the browser tests (`tests/e2e`) and the HTTP tests (`tests/cli/web.rs`), each of which
//! includes this file with `#[path]`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// The day the test server lives on (its clock, `--today`): fixed, so the suite does not depend
/// on the wall-clock date; `OVERBLIK_TEST_TODAY` runs it on another day.
const DEFAULT_TEST_TODAY: &str = "2026-11-30";

/// The test server's "today".
pub fn test_today() -> String {
    std::env::var("OVERBLIK_TEST_TODAY").unwrap_or_else(|_| DEFAULT_TEST_TODAY.to_owned())
}

/// How long the server may take from start to its "kører på" line (it loads the data first).
const SERVER_START_TIMEOUT: Duration = Duration::from_secs(180);
const POLL: Duration = Duration::from_millis(20);

/// An `overblik serve` process on a free port of 127.0.0.1, on its own demo database.
///
/// The server runs under a small `sh` watchdog that reads our end of a pipe: when this value is
/// dropped, or the test process ends in any way (a `static` is never dropped), the pipe closes
/// and the watchdog stops the server and removes its temp dir, so neither outlives the test run.
pub struct Server {
    base_url: String,
    logs: Arc<Mutex<String>>,
    watchdog: Child,
    watchdog_stdin: Option<ChildStdin>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// The demo database file (SQLite), for a test that must find a fixture in the data.
    #[allow(dead_code)] // not every test binary that includes this file reads it
    pub fn database_file(&self) -> std::path::PathBuf {
        self._dir.path().join("demo.db")
    }
}

/// `$0 "$@"` is the server command; it keeps the pipes, the watchdog lets go of them, so the
/// server's stdout ends when the server does. `$OVERBLIK_TEST_DIR` holds the demo database.
const WATCHDOG: &str = r#""$0" "$@" &
server=$!
exec >/dev/null 2>&1
while read -r _; do :; done
kill "$server"
wait "$server"
rm -rf "$OVERBLIK_TEST_DIR""#;

impl Server {
    /// Generates a demo municipality (`overblik demo --no-serve`: data plus one user per role,
    /// password `demo-<username>`) in a new temp dir, then starts `overblik serve` on it.
    #[track_caller]
    pub fn start_demo(inhabitants: u32, years: u32) -> Server {
        let dir = tempfile::Builder::new()
            .prefix("overblik-server-")
            .tempdir()
            .expect("create a temp dir for the demo database");
        let database = format!("sqlite://{}", dir.path().join("demo.db").display());
        let demo = overblik_command()
            .args([
                "--today",
                &test_today(),
                "--database",
                &database,
                "demo",
                "--no-serve",
                "--inhabitants",
            ])
            .arg(inhabitants.to_string())
            .arg("--years")
            .arg(years.to_string())
            .output()
            .expect("run overblik demo");
        assert!(
            demo.status.success(),
            "overblik demo --no-serve failed:\n{}{}",
            String::from_utf8_lossy(&demo.stdout),
            String::from_utf8_lossy(&demo.stderr)
        );

        let mut watchdog = Command::new("sh");
        watchdog
            .arg("-c")
            .arg(WATCHDOG)
            .arg(env!("CARGO_BIN_EXE_overblik"))
            .args(["--today", &test_today()])
            .args(["--database", &database, "serve", "--listen", "127.0.0.1:0"])
            .env("OVERBLIK_TEST_DIR", dir.path());
        remove_overblik_env(&mut watchdog);
        let mut watchdog = watchdog
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start overblik serve");
        let watchdog_stdin = watchdog.stdin.take();

        let logs = Arc::new(Mutex::new(String::new()));
        let (url_tx, url_rx) = mpsc::channel();
        let stdout = watchdog.stdout.take().expect("server stdout");
        let stdout_logs = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = listening_url(&line) {
                    let _ = url_tx.send(url);
                }
                append_line(&stdout_logs, &line);
            }
        });
        let stderr = watchdog.stderr.take().expect("server stderr");
        let stderr_logs = Arc::clone(&logs);
        std::thread::spawn(move || drain_into(stderr, &stderr_logs));

        let mut server = Server {
            base_url: String::new(),
            logs,
            watchdog,
            watchdog_stdin,
            _dir: dir,
        };
        match url_rx.recv_timeout(SERVER_START_TIMEOUT) {
            Ok(url) => server.base_url = url,
            Err(_) => panic!(
                "overblik serve printed no `overblik kører på http://…/` line within {SERVER_START_TIMEOUT:?}:\n{}",
                server.logs()
            ),
        }
        server
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What the server printed so far (stdout and stderr), for failure messages.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing the pipe makes the watchdog stop the server and wait for it.
        drop(self.watchdog_stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.watchdog.try_wait() {
                return;
            }
            std::thread::sleep(POLL);
        }
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
    }
}

/// The base URL in the server's `overblik kører på http://ADDR/  (stop med Ctrl-C)` line.
fn listening_url(line: &str) -> Option<String> {
    let rest = line.split_once("overblik kører på ")?.1;
    let url = rest.split_whitespace().next()?;
    url.starts_with("http://")
        .then(|| url.trim_end_matches('/').to_owned())
}

fn append_line(logs: &Mutex<String>, line: &str) {
    let mut logs = logs.lock().unwrap();
    logs.push_str(line);
    logs.push('\n');
}

fn drain_into(reader: impl Read, logs: &Mutex<String>) {
    for line in BufReader::new(reader).lines() {
        let Ok(line) = line else { break };
        append_line(logs, &line);
    }
}

/// `overblik` without the environment that would point it at another database, key or rule
/// set, or make its cookies https-only.
fn overblik_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_overblik"));
    remove_overblik_env(&mut command);
    command
}

fn remove_overblik_env(command: &mut Command) {
    for name in [
        "OVERBLIK_DATABASE_URL",
        "OVERBLIK_KEY",
        "OVERBLIK_KEY_FILE",
        "OVERBLIK_LISTEN",
        "OVERBLIK_RULES",
        "OVERBLIK_BEHIND_TLS",
        "OVERBLIK_TODAY",
    ] {
        command.env_remove(name);
    }
}
