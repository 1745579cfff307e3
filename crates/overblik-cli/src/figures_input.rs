//! What `figures`, `report` and `quality` share: the as-of date and unit options, checked
//! against the data before anything is computed, and the data, obligations and supplied files
//! they compute from.

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::Args;
use overblik_domain::Snapshot;
use overblik_domain::figures::all::data_starts;
use overblik_domain::figures::{Context, FigureSettings};
use overblik_domain::obligations::{AsOf, Evaluation, evaluate};
use overblik_domain::rules::RuleSet;
use overblik_domain::sources::Sources;
use overblik_store::Store;

use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct AsOfArgs {
    /// Opgørelsesdag (ÅÅÅÅ-MM-DD); tallene gælder ved dagens slutning. Standard: i dag.
    #[arg(long, value_name = "DATO", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Kun denne enhed (unit_id) og enhederne under den. Standard: hele kommunen.
    #[arg(long, value_name = "ID")]
    pub unit: Option<String>,
}

/// A date option in the interchange format's form, with a Danish message.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` er ikke en dato på formen ÅÅÅÅ-MM-DD"))
}

/// One municipality's data at T, with its obligations.
pub struct Loaded {
    pub store: Store,
    pub snapshot: Snapshot,
    pub sources: Sources,
    pub evaluation: Evaluation,
    pub as_of: AsOf,
    pub rules: RuleSet,
}

impl Loaded {
    /// Loads the data and evaluates the rules at the end of `as_of` (default: today), after
    /// checking that T lies within the data: not in the future, not before the first case.
    pub fn load(
        store_args: &StoreArgs,
        rules_args: &RulesArgs,
        as_of: Option<NaiveDate>,
    ) -> anyhow::Result<Loaded> {
        let rules = rules_args.load()?;
        let today = crate::clock::today();
        let date = as_of.unwrap_or(today);
        if date > today {
            bail!(
                "--as-of: {date} ligger efter i dag ({today}); tal kan kun opgøres for dage, der er gået"
            );
        }
        let mut store = store_args.open()?;
        let snapshot = store
            .load_snapshot()
            .context("kunne ikke læse data fra databasen")?;
        let Some(first) = data_starts(&snapshot) else {
            bail!("databasen indeholder ingen sager; indlæs data først (`overblik import`)");
        };
        if date < first {
            bail!("--as-of: {date} ligger før de tidligste data ({first}); vælg en senere dato");
        }
        let sources = store
            .sources()
            .context("kunne ikke læse oplysninger om indlæsninger")?;
        let as_of = AsOf::end_of(date);
        let evaluation = evaluate(&snapshot, &rules, as_of);
        Ok(Loaded {
            store,
            snapshot,
            sources,
            evaluation,
            as_of,
            rules,
        })
    }

    /// The figures' context for `unit` (checked against the data).
    pub fn context(&self, unit: Option<&str>) -> anyhow::Result<Context<'_>> {
        let mut ctx = Context::new(
            &self.snapshot,
            &self.sources,
            &self.evaluation,
            self.as_of,
            unit,
        )
        .map_err(|error| anyhow::anyhow!("--unit: {error}"))?;
        ctx.settings = FigureSettings::of(&self.rules);
        Ok(ctx)
    }
}
