//! `overblik bench`: measurements that print figures. Nothing here asserts on time.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};
use overblik_ingest::Source;
use overblik_store::{KeyConfig, Store};
use overblik_testkit::{BulkParams, write_dataset};

use crate::import_run::import_generated;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Dan et datasæt, indlæs det to gange og udskriv rækker/s og maksimal hukommelse.
    Import(BenchImportArgs),
    /// Beregn alle lovkrav for den største (eller alle) syntetiske kommuner og udskriv tiden.
    Deadlines(super::bench_deadlines::BenchDeadlinesArgs),
    /// Ugerapportens nøgletal for den største kommune og udvalgsrapporten for alle 98.
    Reports(super::bench_reports::BenchReportsArgs),
}

#[derive(Debug, Args)]
pub struct BenchImportArgs {
    /// Antal borgere (ca. 20 rækker pr. borger).
    #[arg(long, default_value_t = 50_000)]
    pub persons: usize,
    /// Tom database at indlæse i (standard: en ny SQLite-fil i en midlertidig mappe).
    #[arg(long)]
    pub into: Option<String>,
}

pub fn run(command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Import(args) => bench_import(args),
        BenchCommand::Deadlines(args) => super::bench_deadlines::run(args),
        BenchCommand::Reports(args) => super::bench_reports::run(args),
    }
}

fn bench_import(args: BenchImportArgs) -> anyhow::Result<ExitCode> {
    let workdir = tempfile::Builder::new()
        .prefix("overblik-bench-")
        .tempdir()?;
    let data_dir = workdir.path().join("data");
    std::fs::create_dir(&data_dir)?;
    let started = Instant::now();
    let stats = write_dataset(
        &data_dir,
        BulkParams {
            seed: 1,
            persons: args.persons,
        },
    )?;
    let rows = stats.total_rows();
    let bytes: u64 = std::fs::read_dir(&data_dir)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "datasæt: {rows} rækker, {:.1} MiB CSV, dannet på {:.1} s",
        bytes as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );

    let url = args
        .into
        .unwrap_or_else(|| format!("sqlite://{}", workdir.path().join("bench.db").display()));
    // A key of its own next to the throwaway database, never OVERBLIK_KEY: a benchmark must
    // not touch the production key.
    let keys = KeyConfig {
        key_file: Some(workdir.path().join("bench.key")),
        key_hex: None,
    };
    let mut store = Store::open(&url, &keys).context("kunne ikke åbne databasen")?;
    let source = Source::open(&data_dir)?;
    let today = crate::clock::today();
    for label in [
        "første import (alle rækker nye)",
        "gentaget import (alle rækker uændrede)",
    ] {
        let started = Instant::now();
        import_generated(&mut store, &source, today)?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{label}: {seconds:.2} s, {:.0} rækker/s",
            rows as f64 / seconds
        );
    }
    match peak_memory_kib() {
        Some(kib) => println!(
            "maksimal hukommelse (VmHWM): {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("maksimal hukommelse: ukendt (kræver Linux /proc)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The peak resident set size of this process, from `/proc/self/status`.
pub(crate) fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
