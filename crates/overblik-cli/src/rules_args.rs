//! Which legal rule set to use: the embedded one, or files from a folder replacing it file by
//! file. Loaded and validated at start-up so a broken file stops overblik with a clear message.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use overblik_domain::rules::{RuleSet, RuleSource};

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Mappe med regelfiler (children.toml, adults.toml, measures.toml, municipality.toml), der
    /// erstatter de indbyggede fil for fil.
    #[arg(long, global = true, env = "OVERBLIK_RULES", value_name = "MAPPE")]
    pub rules: Option<PathBuf>,
}

impl RulesArgs {
    pub fn load(&self) -> anyhow::Result<RuleSet> {
        let Some(dir) = &self.rules else {
            return Ok(RuleSet::embedded());
        };
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("kan ikke læse regelmappen `{}`", dir.display()))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry
                .with_context(|| format!("kan ikke læse regelmappen `{}`", dir.display()))?
                .path();
            if path.extension().is_some_and(|ext| ext == "toml") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("kan ikke læse regelfilen `{}`", path.display()))?;
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                files.push((name, text));
            }
        }
        files.sort();
        let sources: Vec<RuleSource<'_>> = files
            .iter()
            .map(|(name, text)| RuleSource { name, text })
            .collect();
        RuleSet::load(&sources).with_context(|| {
            format!(
                "regelsættet i `{}` kan ikke bruges; overblik starter ikke med det",
                dir.display()
            )
        })
    }
}
