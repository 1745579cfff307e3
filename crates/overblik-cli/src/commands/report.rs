//! `overblik report weekly|committee|budget|caseload|goals`: one of the reports as HTML
//! (printable), XLSX (for controllers), CSV or JSON, with the data quality section. `goals`
//! is the annual report of the political goals (`--year`), suppressed as the committee's.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Datelike;
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
    /// Årsrapport for de politiske mål (--year; diskretioneret).
    Goals,
}

impl Kind {
    /// The report kind of the four made by `report::complete`; `None` for the goals report.
    fn domain(self) -> Option<report::Kind> {
        match self {
            Kind::Weekly => Some(report::Kind::Weekly),
            Kind::Committee => Some(report::Kind::Committee),
            Kind::Budget => Some(report::Kind::Budget),
            Kind::Caseload => Some(report::Kind::Caseload),
            Kind::Goals => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub kind: Kind,
    #[command(flatten)]
    pub at: AsOfArgs,
    /// Året for årsrapporten over politiske mål (kun `goals`; standard: i år). Et afsluttet
    /// år opgøres pr. 31. december, det løbende år til dato.
    #[arg(long, value_name = "ÅR")]
    pub year: Option<i32>,
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
    let (document, mut loaded) = match args.kind.domain() {
        Some(kind) => {
            if args.year.is_some() {
                anyhow::bail!("--year gælder kun rapporten `goals`");
            }
            let loaded = Loaded::load(store, rules_args, Some(kind.as_of_for(requested)))?;
            let ctx = loaded.context(args.at.unit.as_deref())?;
            let document =
                report::complete(&ctx, &loaded.rules, kind, report::Audience::CaseReaders);
            (document, loaded)
        }
        None => {
            if args.at.unit.is_some() || args.at.as_of.is_some() {
                anyhow::bail!(
                    "rapporten `goals` gælder hele kommunen for et år: brug --year i stedet for --as-of og --unit"
                );
            }
            let year = args.year.unwrap_or_else(|| requested.year());
            let t = report::goals_as_of(year, requested)
                .map_err(|message| anyhow::anyhow!("--year {year}: {message}"))?;
            let loaded = Loaded::load(store, rules_args, Some(t))?;
            let ctx = loaded.context(None)?;
            if report::goals_of_year(&ctx, year).is_empty() {
                anyhow::bail!(
                    "der er ingen politiske mål for {year}; fagchefen eller en administrator opretter dem under «Politiske mål»"
                );
            }
            let document = report::goals_report(&ctx, &loaded.rules, true, year, true);
            (document, loaded)
        }
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
