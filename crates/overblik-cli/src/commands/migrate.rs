//! `overblik migrate`: apply pending schema migrations and say which.

use std::process::ExitCode;

use anyhow::Context;
use overblik_store::Store;

use crate::store_args::StoreArgs;

pub fn run(store_args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let mut store =
        Store::open_unmigrated(&store_args.database).context("kunne ikke åbne databasen")?;
    let applied = store.migrate().context("kunne ikke opdatere skemaet")?;
    if applied.is_empty() {
        println!("Skemaet er allerede opdateret.");
    }
    for name in applied {
        println!("Anvendt: {name}");
    }
    Ok(ExitCode::SUCCESS)
}
