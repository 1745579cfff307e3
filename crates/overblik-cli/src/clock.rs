//! The product's one clock: today's date where overblik's users are (Europe/Copenhagen,
//! whatever the server's zone), unless it was fixed at start-up by `--today` /
//! `OVERBLIK_TODAY`. Every command and the server take "today" from here, so a test (or a
//! demo of a given day) sets it once and nothing depends on the wall-clock date.

use std::sync::OnceLock;

use chrono::NaiveDate;
use clap::Args;

static FIXED: OnceLock<NaiveDate> = OnceLock::new();

/// The clock option shared by every command.
#[derive(Debug, Clone, Args)]
pub struct ClockArgs {
    /// Kør som om i dag er denne dato (til test og demo af en bestemt dag; standard: i dag).
    #[arg(long, global = true, env = "OVERBLIK_TODAY", value_name = "ÅÅÅÅ-MM-DD")]
    pub today: Option<NaiveDate>,
}

impl ClockArgs {
    /// Fixes the clock for the rest of the process when a date was given.
    pub fn apply(&self) {
        if let Some(date) = self.today {
            // Set once, before any command runs; a second call keeps the first date.
            let _ = FIXED.set(date);
        }
    }
}

/// Today: the fixed date when one was given, else the Copenhagen date of now.
pub fn today() -> NaiveDate {
    FIXED
        .get()
        .copied()
        .unwrap_or_else(|| overblik_domain::calendar::local_date(chrono::Utc::now()))
}
