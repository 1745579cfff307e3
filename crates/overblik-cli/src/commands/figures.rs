//! `overblik figures`: every key figure KF01-KF23 for one as-of date, period and unit, as the
//! JSON object documented in the README (`--json`) or as a short Danish overview.

use std::process::ExitCode;

use chrono::{Datelike, NaiveDate};
use clap::Args;
use overblik_domain::figures::Period;
use overblik_domain::figures::all::{Figures, FiguresDocument};
use overblik_store::AuditEntry;

use crate::figures_input::{AsOfArgs, Loaded, parse_date};
use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct FiguresArgs {
    #[command(flatten)]
    pub at: AsOfArgs,
    /// Periodens første dag (medregnes). Standard: 1. januar i opgørelsesdagens år.
    #[arg(long, value_name = "DATO", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Periodens sidste dag (medregnes). Standard: opgørelsesdagen.
    #[arg(long, value_name = "DATO", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Udskriv ét JSON-objekt (formen er beskrevet i README).
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &StoreArgs, rules: &RulesArgs, args: FiguresArgs) -> anyhow::Result<ExitCode> {
    // The period is checked before the data is loaded: a wrong option fails fast.
    let t = args.at.as_of.unwrap_or_else(crate::clock::today);
    let from = args
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(t.year(), 1, 1).expect("valid date"));
    let to = args.to.unwrap_or(t);
    Period::new(from, to).map_err(|_| {
        anyhow::anyhow!(
            "--from {from} ligger efter --to {to}; perioden skal begynde før den slutter"
        )
    })?;
    let mut loaded = Loaded::load(store, rules, Some(t))?;
    // Bounded like a request to the server: within the data's years, at most ten years.
    let starts = overblik_domain::figures::all::data_starts(&loaded.snapshot).unwrap_or(t);
    let period = Period::requested(from, to, starts, t)
        .map_err(|error| anyhow::anyhow!("--{}: {error}", error.field()))?;
    let figures = {
        let ctx = loaded.context(args.at.unit.as_deref())?;
        Figures::compute(&ctx, period)
    };
    let document = FiguresDocument {
        as_of: t,
        from,
        to,
        unit: args.at.unit.clone(),
        figures,
    };
    loaded.store.audit(&AuditEntry {
        object_type: Some("figures"),
        object_id: args.at.unit.as_deref(),
        detail: Some(&format!("as_of={t} from={from} to={to}")),
        ..AuditEntry::new("figures.compute")
    })?;
    let text = if args.json {
        serde_json::to_string_pretty(&document)? + "\n"
    } else {
        overview(&document)
    };
    crate::output::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A few headline figures in Danish, for a terminal.
fn overview(doc: &FiguresDocument) -> String {
    let f = &doc.figures;
    let na = || "ikke tilgængelig".to_owned();
    let share = |s: overblik_domain::figures::Share| match s.value() {
        Some(v) => format!("{:.1} % ({} af {})", 100.0 * v, s.numerator, s.denominator),
        None => na(),
    };
    let mut lines = vec![format!(
        "Nøgletal pr. {} for perioden {} – {}{}",
        doc.as_of,
        doc.from,
        doc.to,
        doc.unit
            .as_ref()
            .map(|u| format!(", enhed {u}"))
            .unwrap_or_default()
    )];
    let mut line = |label: &str, value: String| lines.push(format!("  {label:<48} {value}"));
    line(
        "KF01 Underretninger modtaget",
        f.kf01.as_ref().map_or_else(na, |k| k.total.to_string()),
    );
    line(
        "KF02 Børn med underretning",
        f.kf02.map_or_else(na, |k| k.to_string()),
    );
    line(
        "KF03 Vurderet inden 24 timer",
        f.kf03.as_ref().map_or_else(na, |k| share(k.on_time)),
    );
    line(
        "KF06 Undersøgelser afsluttet inden 4 mdr.",
        f.kf06.as_ref().map_or_else(na, |k| share(k.on_time)),
    );
    line("KF08 Åbne sager", f.kf08.total.to_string());
    line(
        "KF10 Sager uden aktiv sagsbehandler",
        f.kf10.without_caseworker.to_string(),
    );
    line("KF15 Opfølgning til tiden", share(f.kf15.on_time));
    line("KF16 Overskredne frister", f.kf16.total.to_string());
    line(
        "KF17 Forbrug (kr.)",
        f.kf17
            .as_ref()
            .map_or_else(na, |k| format!("{:.0}", k.total)),
    );
    lines.push("Alle nøgletal: tilføj --json.".to_owned());
    lines.join("\n") + "\n"
}
