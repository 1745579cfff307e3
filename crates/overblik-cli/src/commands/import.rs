//! `overblik import PATH`: validate a CSV folder or XLSX workbook and store it, all or nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use overblik_ingest::Source;

use crate::import_run::{ImportOutcome, format_summary, import};
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Mappe med CSV-filer eller en .xlsx-fil (datoer i fremtiden kontrolleres mod --today).
    pub path: PathBuf,
}

/// Exit code when the data was rejected (nothing stored): distinct from other failures.
pub const REJECTED: u8 = 3;

pub fn run(store_args: &StoreArgs, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let source = Source::open(&args.path)?;
    let mut store = store_args.open()?;
    let today = crate::clock::today();
    match import(&mut store, &source, today)? {
        ImportOutcome::Rejected { validation } => {
            for issue in &validation.issues {
                eprintln!("{issue}");
            }
            let errors = validation.errors().count();
            let warnings = validation.warnings().count();
            eprintln!(
                "Import afvist: {errors} fejl og {warnings} advarsler. Intet er gemt eller ændret."
            );
            Ok(ExitCode::from(REJECTED))
        }
        ImportOutcome::Committed {
            validation,
            summary,
        } => {
            for issue in validation.warnings() {
                eprintln!("{issue}");
            }
            print!("{}", format_summary(&summary));
            let rows: u64 = validation.rows.iter().map(|(_, n)| n).sum();
            println!(
                "Import gennemført: {rows} rækker fra {} ({} advarsler).",
                source.display_name(),
                validation.warnings().count()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
