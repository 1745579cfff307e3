//! `overblik demo`: a synthetic mid-size municipality (five years ending today) in a local
//! SQLite file, demo users for every role, then the web server.
//!
//! A demo database that already holds data is reused as it is, so a second start is quick.

use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use anyhow::Context;
use argon2::password_hash::{PasswordHasher, SaltString};
use clap::Args;
use overblik_ingest::{ExportFormat, Source};
use overblik_store::Store;
use overblik_synth::Params;

use crate::commands::serve::serve_until_ctrl_c;
use crate::import_run::{format_summary, import_generated};
use crate::rules_args::RulesArgs;
use crate::store_args::{DEFAULT_DATABASE, StoreArgs};

/// The database the demo uses unless `--database` names another.
const DEMO_DATABASE: &str = "sqlite://overblik-demo.db";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Adresse og port, serveren lytter på (er porten optaget, bruges en ledig).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Antal indbyggere i demo-kommunen.
    #[arg(long, default_value_t = 50_000)]
    pub inhabitants: u32,
    /// Antal år med data (til og med i dag).
    #[arg(long, default_value_t = 5)]
    pub years: u32,
    /// Indlæs data og opret brugere, men start ikke serveren.
    #[arg(long)]
    pub no_serve: bool,
}

/// One demo user per role: username, display name, role code.
const USERS: [(&str, &str, &str); 8] = [
    ("sagsbehandler", "Demo sagsbehandler", "caseworker"),
    ("teamleder", "Demo teamleder", "team_leader"),
    ("fagchef", "Demo fagchef", "head"),
    ("controller", "Demo controller", "controller"),
    ("direktoer", "Demo direktør", "director"),
    ("udvalg", "Demo udvalgsmedlem", "committee"),
    ("administrator", "Demo administrator", "administrator"),
    ("revisor", "Demo revisor", "auditor"),
];

pub fn run(
    store_args: &StoreArgs,
    rules_args: &RulesArgs,
    args: DemoArgs,
) -> anyhow::Result<ExitCode> {
    let rules = rules_args.load()?;
    let database = if store_args.database == DEFAULT_DATABASE {
        DEMO_DATABASE.to_owned()
    } else {
        store_args.database.clone()
    };
    let mut store =
        Store::open(&database, &store_args.keys()).context("kunne ikke åbne demodatabasen")?;
    let today = crate::clock::today();
    let stored: u64 = store.row_counts()?.iter().map(|(_, n)| n).sum();
    let snapshot = if stored > 0 {
        println!(
            "Demodatabasen {} har allerede data ({stored} rækker); de genbruges. Slet filen for at danne nye.",
            overblik_store::redact_url(&database)
        );
        store.load_snapshot()?
    } else {
        let params = Params {
            name: "Demokommune".to_owned(),
            ..Params::sized(args.inhabitants, args.years, 2026, today)
        };
        params.validate()?;
        println!(
            "Danner Demokommune: {} indbyggere, {} år til og med {today} …",
            params.inhabitants, params.years
        );
        let snapshot = overblik_synth::generate(&params);
        let workdir = tempfile::Builder::new()
            .prefix("overblik-demo-")
            .tempdir()
            .context("kunne ikke oprette en midlertidig mappe")?;
        let data_dir = workdir.path().join("data");
        overblik_ingest::export(ExportFormat::Csv, &data_dir, &mut &snapshot)
            .context("kunne ikke skrive demodata")?;
        let summary = import_generated(&mut store, &Source::open(&data_dir)?, today)?;
        print!("{}", format_summary(&summary));
        // The import round trip is lossless (tested), so the generated data is what is stored.
        snapshot
    };
    println!(
        "{}",
        crate::commands::deadlines::overview(&snapshot, &rules, today)
    );
    let logins = demo_users(&mut store)?;
    let listener = if args.no_serve {
        None
    } else {
        Some(listen_on(args.listen)?)
    };
    println!();
    println!("Demodatabase: {}", overblik_store::redact_url(&database));
    if let Some(listener) = &listener {
        println!("Adresse: http://{}/", listener.local_addr()?);
    }
    println!("Logins (demo; kun til afprøvning):");
    println!("  {:<15} {:<20} rolle", "brugernavn", "adgangskode");
    for (username, password, role) in &logins {
        println!("  {username:<15} {password:<20} {role}");
    }
    println!("Indtil webudgaven kommer, viser serveren kun en startside.");
    if let Some(listener) = listener {
        serve_until_ctrl_c(listener)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates (or refreshes) one user per role; returns username, password and role.
fn demo_users(store: &mut Store) -> anyhow::Result<Vec<(String, String, String)>> {
    let hasher = argon2::Argon2::default();
    let mut logins = Vec::new();
    for (username, display_name, role) in USERS {
        let password = format!("demo-{username}");
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|error| anyhow::anyhow!("kunne ikke danne salt: {error}"))?;
        let hash = hasher
            .hash_password(password.as_bytes(), &salt)
            .map_err(|error| anyhow::anyhow!("kunne ikke beregne adgangskodens hash: {error}"))?
            .to_string();
        store.upsert_user(username, display_name, role, &hash)?;
        logins.push((username.to_owned(), password, role.to_owned()));
    }
    Ok(logins)
}

/// A listener on `wanted` if it can be bound, else on a free port of the same address. The
/// listener is handed to the server as it is, so no other program can take the port in between.
fn listen_on(wanted: SocketAddr) -> anyhow::Result<TcpListener> {
    if let Ok(listener) = TcpListener::bind(wanted) {
        return Ok(listener);
    }
    let listener = TcpListener::bind(SocketAddr::new(wanted.ip(), 0))
        .with_context(|| format!("kunne ikke finde en ledig port på {}", wanted.ip()))?;
    println!(
        "Port {} er optaget; bruger {}.",
        wanted.port(),
        listener.local_addr()?
    );
    Ok(listener)
}
