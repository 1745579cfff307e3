//! The server's log: structured lines on stderr, one per request, start-up, data load and
//! failure. JSON lines when stderr is not a terminal (a service shipping to a SIEM), readable
//! text on a terminal; `OVERBLIK_LOG` filters (`info` by default, e.g. `overblik_web=debug`).
//! What is logged never holds a CPR number, a name or free text: the web layer logs only
//! methods, route templates, statuses, durations, counts and error causes.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the log subscriber once (later calls keep the first).
pub fn init() {
    let filter = EnvFilter::try_from_env("OVERBLIK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    let _ = if std::io::stderr().is_terminal() {
        builder.try_init()
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    };
}
