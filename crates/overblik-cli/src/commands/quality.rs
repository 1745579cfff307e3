//! `overblik quality`: data quality at T — freshness of every file, completeness of the
//! fields the figures need, contradictions, and the rows each figure had to leave out.

use std::process::ExitCode;

use clap::Args;
use overblik_domain::figures::Period;
use overblik_domain::figures::all::Figures;
use overblik_domain::quality;
use overblik_domain::report::{Document, with_quality};
use overblik_store::AuditEntry;

use crate::figures_input::{AsOfArgs, Loaded};
use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct QualityArgs {
    #[command(flatten)]
    pub at: AsOfArgs,
    /// Udskriv som JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &StoreArgs, rules: &RulesArgs, args: QualityArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = Loaded::load(store, rules, args.at.as_of)?;
    let t = loaded.as_of.date;
    let (quality, exclusions) = {
        let ctx = loaded.context(args.at.unit.as_deref())?;
        // The exclusions of every figure over the year to date.
        let year = Period::year(chrono::Datelike::year(&t));
        let period = Period::new(year.from, t).expect("ordered");
        let figures = Figures::compute(&ctx, period);
        (
            quality::assess(ctx.snapshot, ctx.sources, ctx.as_of),
            figures.exclusions(),
        )
    };
    loaded.store.audit(&AuditEntry {
        object_type: Some("quality"),
        object_id: args.at.unit.as_deref(),
        detail: Some(&format!("as_of={t}")),
        ..AuditEntry::new("quality.show")
    })?;
    let document = with_quality(
        Document {
            kind: "quality",
            title: "Datakvalitet".to_owned(),
            subtitle: format!("pr. {t}"),
            as_of: t,
            unit: None,
            suppressed: false,
            sections: Vec::new(),
        },
        quality,
        &exclusions,
    );
    let text = if args.json {
        String::from_utf8(overblik_report::render(
            &document,
            overblik_report::Format::Json,
        )?)?
    } else {
        overblik_report::text(&document)
    };
    crate::output::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
