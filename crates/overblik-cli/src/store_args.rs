//! Where the data lives: the database URL and the CPR key, from flags or the environment.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use overblik_store::{KeyConfig, Store};

/// The database used when none is given.
pub const DEFAULT_DATABASE: &str = "sqlite://overblik.db";

/// Database and key options shared by every command.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Database: sqlite://sti/til/fil.db (standard) eller postgres://bruger@vært/db.
    #[arg(
        long,
        global = true,
        env = "OVERBLIK_DATABASE_URL",
        default_value = DEFAULT_DATABASE,
        hide_env_values = true
    )]
    pub database: String,
    /// Nøglefil til CPR-kryptering (standard: databasefilen med endelsen .key).
    #[arg(long, global = true, env = "OVERBLIK_KEY_FILE")]
    pub key_file: Option<PathBuf>,
}

impl StoreArgs {
    /// The key configuration; `OVERBLIK_KEY` (64 hex characters) wins over any key file.
    pub fn keys(&self) -> KeyConfig {
        KeyConfig {
            key_file: self.key_file.clone(),
            key_hex: std::env::var("OVERBLIK_KEY").ok(),
        }
    }

    /// Opens the store, applying pending migrations.
    pub fn open(&self) -> anyhow::Result<Store> {
        Store::open(&self.database, &self.keys()).context("kunne ikke åbne databasen")
    }
}
