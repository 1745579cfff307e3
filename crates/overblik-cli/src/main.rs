//! The `overblik` command line: one binary for the demo, the server and the data work of IT staff.

mod clock;
mod commands;
mod figures_input;
mod import_run;
mod logging;
mod output;
mod rules_args;
mod store_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::clock::ClockArgs;
use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

/// overblik: overblik over sagsstammer, frister og nøgletal i kommunernes socialforvaltning.
#[derive(Debug, Parser)]
#[command(name = "overblik", version, about)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    rules: RulesArgs,
    #[command(flatten)]
    clock: ClockArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start en demo: syntetisk kommune i en ny SQLite-fil og webserveren på 127.0.0.1.
    Demo(commands::demo::DemoArgs),
    /// Start webserveren mod den konfigurerede database.
    Serve(commands::serve::ServeArgs),
    /// Opret eller opdater databasens skema (sker også automatisk ved start).
    Migrate,
    /// Indlæs en mappe med CSV-filer eller en XLSX-projektmappe i udvekslingsformatet v1.
    Import(commands::import::ImportArgs),
    /// Eksportér hele databasen i udvekslingsformatet v1 (CSV-mappe eller XLSX).
    Export(commands::export::ExportArgs),
    /// Lovkrav og frister: røde tal pr. sagsbehandler, kommende frister, opgørelse pr. regel og enhed.
    Deadlines(commands::deadlines::DeadlinesArgs),
    /// Nøgletal KF01-KF23 for en opgørelsesdag, en periode og en enhed (--json: ét JSON-objekt).
    Figures(commands::figures::FiguresArgs),
    /// Rapporter: ugerapport, udvalgsrapport, budgetopfølgning, sagsstammegennemgang (HTML, XLSX, CSV, JSON).
    Report(commands::report::ReportArgs),
    /// Datakvalitet: aktualitet, udfyldelse, modstridende data og rækker udeladt af nøgletal.
    Quality(commands::quality::QualityArgs),
    /// Brugere af webudgaven: opret, ny adgangskode, deaktivér, genaktivér, vis.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Dan syntetiske kommuner (eller alle 98) i udvekslingsformatet; --check sammenligner med offentliggjorte tal.
    Generate(commands::generate::GenerateArgs),
    /// Mål hastighed og hukommelse (udskriver tal; påstår intet).
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.clock.apply();
    let result = match cli.command {
        Command::Demo(args) => commands::demo::run(&cli.store, &cli.rules, args),
        Command::Serve(args) => commands::serve::run(&cli.store, &cli.rules, args),
        Command::Migrate => commands::migrate::run(&cli.store),
        Command::Import(args) => commands::import::run(&cli.store, args),
        Command::Export(args) => commands::export::run(&cli.store, args),
        Command::Deadlines(args) => commands::deadlines::run(&cli.store, &cli.rules, args),
        Command::Figures(args) => commands::figures::run(&cli.store, &cli.rules, args),
        Command::Report(args) => commands::report::run(&cli.store, &cli.rules, args),
        Command::Quality(args) => commands::quality::run(&cli.store, &cli.rules, args),
        Command::User(command) => commands::user::run(&cli.store, command),
        Command::Generate(args) => commands::generate::run(args),
        Command::Bench(command) => commands::bench::run(command),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("fejl: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
