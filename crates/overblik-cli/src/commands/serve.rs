//! `overblik serve`: the web application on the configured database.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use overblik_domain::rules::RuleSet;
use overblik_store::{KeyConfig, Store};
use overblik_web::{AppState, WebConfig};

use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adresse og port, serveren lytter på (port 0: en ledig port, som skrives ud).
    #[arg(long, env = "OVERBLIK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Serveren står bag en TLS-proxy: cookies sendes kun over https (Secure, __Host-) og HSTS
    /// slås til.
    #[arg(long, env = "OVERBLIK_BEHIND_TLS")]
    pub behind_tls: bool,
}

pub fn run(
    store_args: &StoreArgs,
    rules_args: &RulesArgs,
    args: ServeArgs,
) -> anyhow::Result<ExitCode> {
    // The rule set is validated and the store opened (migrations applied, key checked) before
    // anyone can connect: a broken rule file or key stops the start with a message.
    let rules = rules_args.load()?;
    drop(store_args.open()?);
    let listener = std::net::TcpListener::bind(args.listen).with_context(|| {
        format!(
            "kunne ikke lytte på {}; er porten optaget? brug --listen",
            args.listen
        )
    })?;
    let config = WebConfig {
        behind_tls: args.behind_tls,
        ..WebConfig::default()
    };
    serve_until_ctrl_c(
        listener,
        &store_args.database,
        store_args.keys(),
        rules,
        config,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the data, then serves on an already bound `listener` (so the port cannot be taken in
/// between), prints the URL and runs until Ctrl-C.
pub fn serve_until_ctrl_c(
    listener: std::net::TcpListener,
    database: &str,
    keys: KeyConfig,
    rules: RuleSet,
    config: WebConfig,
) -> anyhow::Result<()> {
    crate::logging::init();
    tracing::info!(
        database = %overblik_store::redact_url(database),
        today = %crate::clock::today(),
        "starting"
    );
    let url = database.to_owned();
    let opener: overblik_web::Opener = Arc::new(move || Store::open(&url, &keys));
    let state = AppState::open(opener, rules, config, crate::clock::today)
        .context("kunne ikke indlæse data til webserveren")?;
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
        overblik_web::serve(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serveren stoppede med en fejl")
    })
}
