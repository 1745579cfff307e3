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
    let listener = std::net::TcpListener::bind(args.listen).with_context(|| {
        format!(
            "kunne ikke lytte på {}; er porten optaget? brug --listen",
            args.listen
        )
    })?;
    serve_until_ctrl_c(listener)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves on an already bound `listener` (so the port cannot be taken in between), prints the
/// URL and runs until Ctrl-C.
pub fn serve_until_ctrl_c(listener: std::net::TcpListener) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("kunne ikke starte serveren")?;
    runtime.block_on(async {
        listener
            .set_nonblocking(true)
            .context("kunne ikke starte serveren")?;
        let listener =
            tokio::net::TcpListener::from_std(listener).context("kunne ikke starte serveren")?;
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
