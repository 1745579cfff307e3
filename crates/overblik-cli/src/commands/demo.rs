//! `overblik demo`: a fresh store with a generated municipality, then the web server.
//!
//! Until the synthetic-municipality generator exists, the data is the bulk test data set.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use overblik_ingest::Source;
use overblik_store::{KeyConfig, Store};
use overblik_testkit::{BulkParams, write_dataset};

use crate::commands::serve::serve_until_ctrl_c;
use crate::import_run::{format_summary, import_generated};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Adresse og port, serveren lytter på.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Antal borgere i demo-kommunen.
    #[arg(long, default_value_t = 2000)]
    pub persons: usize,
    /// Indlæs data og stop uden at starte serveren.
    #[arg(long)]
    pub no_serve: bool,
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let workdir = tempfile::Builder::new()
        .prefix("overblik-demo-")
        .tempdir()
        .context("kunne ikke oprette en midlertidig mappe")?;
    let data_dir = workdir.path().join("data");
    std::fs::create_dir(&data_dir)?;
    write_dataset(
        &data_dir,
        BulkParams {
            seed: 2026,
            persons: args.persons,
        },
    )
    .context("kunne ikke danne demodata")?;
    let database = format!("sqlite://{}", workdir.path().join("demo.db").display());
    let mut store = Store::open(
        &database,
        &KeyConfig {
            key_file: None,
            key_hex: None,
        },
    )?;
    let today = chrono::Local::now().date_naive();
    let summary = import_generated(&mut store, &Source::open(&data_dir)?, today)?;
    print!("{}", format_summary(&summary));
    println!("Demodatabase: {database} (slettes, når demoen stopper)");
    println!("Logins til demoen kommer med webudgaven; indtil da viser serveren en startside.");
    if !args.no_serve {
        serve_until_ctrl_c(args.listen)?;
    }
    Ok(ExitCode::SUCCESS)
}
