//! Browser tests: the real `overblik` binary, driven through Debian's headless Chromium.
//!
//! `harness` starts the server (`Server`) and the browser (`Browser`, `Page`); the tests use
//! its panicking helpers, so a failure names the step, the selector and the page it was on.
//! Chromium must be installed (`apt-get install -y chromium chromium-driver`); without it the
//! tests fail, they do not skip.

#[path = "../common/demo_server.rs"]
mod demo_server;
mod harness;

mod flows;
mod harness_selftest;
