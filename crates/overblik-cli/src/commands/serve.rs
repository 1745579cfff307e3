//! `overblik serve`: the web application on the configured database.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adresse og port, serveren lytter på.
    #[arg(long, env = "OVERBLIK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

pub fn run(
    store_args: &StoreArgs,
    rules_args: &RulesArgs,
    args: ServeArgs,
) -> anyhow::Result<ExitCode> {
    // The rule set is validated and the store opened (migrations applied, key checked) before
    // anyone can connect: a broken rule file or key stops the start with a message.
    rules_args.load()?;
    drop(store_args.open()?);
    serve_until_ctrl_c(args.listen)?;
    Ok(ExitCode::SUCCESS)
}

/// Binds `listen`, prints the URL and serves until Ctrl-C.
pub fn serve_until_ctrl_c(listen: SocketAddr) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("kunne ikke starte serveren")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| {
                format!("kunne ikke lytte på {listen}; er porten optaget? brug --listen")
            })?;
        println!(
            "overblik kører på http://{}/  (stop med Ctrl-C)",
            listener.local_addr()?
        );
        overblik_web::serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serveren stoppede med en fejl")
    })
}
