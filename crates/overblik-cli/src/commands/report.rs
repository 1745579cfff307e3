//! `overblik report weekly|committee|budget|caseload`: one of the four reports as HTML
//! (printable), XLSX (for controllers), CSV or JSON, with the data quality section.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use overblik_domain::report;
use overblik_report::Format;
use overblik_store::AuditEntry;

use crate::figures_input::{AsOfArgs, Loaded};
use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Ugerapport til teamleder (KF01, KF03, KF04, KF07, KF08, KF10, KF16).
    Weekly,
    /// Månedsrapport til udvalget (diskretioneret).
    Committee,
    /// Budgetopfølgning (KF17-KF20).
    Budget,
    /// Gennemgang af sagsstamme pr. sagsbehandler.
    Caseload,
}

impl Kind {
    fn domain(self) -> report::Kind {
        match self {
            Kind::Weekly => report::Kind::Weekly,
            Kind::Committee => report::Kind::Committee,
            Kind::Budget => report::Kind::Budget,
            Kind::Caseload => report::Kind::Caseload,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub kind: Kind,
    #[command(flatten)]
    pub at: AsOfArgs,
    /// Filformat: html, xlsx, csv eller json.
    #[arg(long, default_value = "html", value_parser = parse_format)]
    pub format: Format,
    /// Filen, rapporten skrives til (erstattes, hvis den findes).
    #[arg(long, value_name = "FIL")]
    pub out: PathBuf,
}

pub fn run(
    store: &StoreArgs,
    rules_args: &RulesArgs,
    args: ReportArgs,
) -> anyhow::Result<ExitCode> {
    // Checked before the data is loaded: a wrong path fails fast.
    crate::output::check_out_path(&args.out)?;
    // The committee report is as of the end of a month: the last one by the date asked for.
    let requested = args.at.as_of.unwrap_or_else(crate::clock::today);
    let kind = args.kind.domain();
    let mut loaded = Loaded::load(store, rules_args, Some(kind.as_of_for(requested)))?;
    let document = {
        let ctx = loaded.context(args.at.unit.as_deref())?;
        report::complete(&ctx, &loaded.rules, kind, report::Audience::CaseReaders)
    };
    let bytes = overblik_report::render(&document, args.format)?;
    // Reports are exports: audited before the file is written. The caseload review lists
    // cases, the others aggregates.
    loaded.store.audit(&AuditEntry {
        object_type: Some(document.kind),
        object_id: args.at.unit.as_deref(),
        detail: Some(&format!(
            "as_of={} format={} rows={}",
            document.as_of,
            args.format.code(),
            document
                .sections
                .iter()
                .flat_map(|s| &s.tables)
                .map(|t| t.rows.len())
                .sum::<usize>()
        )),
        ..AuditEntry::new("report.export")
    })?;
    crate::output::write_file_atomically(&args.out, &bytes)?;
    eprintln!(
        "{} pr. {} skrevet til {}",
        document.title,
        document.as_of,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::from_code(text).ok_or_else(|| {
        format!(
            "`{text}` er ikke et kendt format; vælg mellem {}",
            Format::CODES.join(", ")
        )
    })
}
