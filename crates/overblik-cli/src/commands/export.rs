//! `overblik export`: the whole store in the interchange format, CPR only on explicit request.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use overblik_domain::{Row, TableSpec};
use overblik_ingest::{ExportFormat, ExportSource};
use overblik_store::{AuditEntry, Store, StoreError};

use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// csv (en mappe med én fil pr. tabel) eller xlsx (én projektmappe).
    #[arg(long, value_parser = ["csv", "xlsx"])]
    pub format: String,
    /// Mappe (csv) eller fil (xlsx), der skrives til.
    pub out: PathBuf,
    /// Medtag CPR-numre i klar tekst (ellers er kolonnen tom).
    #[arg(long)]
    pub include_cpr: bool,
}

/// Reads every row of the store for the exporter.
struct StoreRows<'a> {
    store: &'a mut Store,
    include_cpr: bool,
}

impl ExportSource for StoreRows<'_> {
    type Error = StoreError;
    fn for_each_row(
        &mut self,
        spec: &'static TableSpec,
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.store.for_each_row(spec, self.include_cpr, f)
    }
}

pub fn run(store_args: &StoreArgs, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format: ExportFormat = args.format.parse()?;
    let mut store = store_args.open()?;
    if args.include_cpr {
        // Recorded before the first number is read, so an interrupted export is audited too.
        store
            .audit(&AuditEntry {
                object_type: Some("persons"),
                object_id: None,
                detail: Some(&format!(
                    "format={} out={}",
                    args.format,
                    args.out.display()
                )),
                ..AuditEntry::new("export.cpr")
            })
            .context(
                "kunne ikke skrive til revisionsloggen; eksporten med CPR-numre er ikke lavet",
            )?;
    }
    let summary = overblik_ingest::export(
        format,
        &args.out,
        &mut StoreRows {
            store: &mut store,
            include_cpr: args.include_cpr,
        },
    )?;
    let rows: u64 = summary.tables.iter().map(|(_, n)| n).sum();
    let cpr_note = if args.include_cpr {
        " inkl. CPR-numre"
    } else {
        " uden CPR-numre"
    };
    println!(
        "Eksporteret: {rows} rækker i {} tabeller til {}{cpr_note}.",
        summary.tables.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
