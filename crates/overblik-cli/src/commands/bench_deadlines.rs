//! `overblik bench deadlines`: how long the obligation engine takes on generated
//! municipalities (the largest, or all 98), how many obligations each rule creates, and how
//! many of them are red numbers, lapsed, or red by the definition before issue 17 (every unmet
//! obligation past due), per rule and per team.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use overblik_domain::figures::deadlines::Holder;
use overblik_domain::obligations::{AsOf, Obligation, Status, evaluate};
use overblik_domain::rules::{RuleId, RuleSet};
use overblik_synth::{MUNICIPALITIES, Params, generate};

use super::bench::peak_memory_kib;

#[derive(Debug, Args)]
pub struct BenchDeadlinesArgs {
    /// Alle 98 kommuner i stedet for kun den største.
    #[arg(long, conflicts_with = "inhabitants")]
    pub national: bool,
    /// En kommune med dette antal indbyggere i stedet for den største (demoen: 50000).
    #[arg(long)]
    pub inhabitants: Option<u32>,
    /// Startværdi for tilfældighederne (demoen bruger 2026).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Antal års historik.
    #[arg(long, default_value_t = 10)]
    pub years: u32,
    /// Sidste dag i historikken og opgørelsesdag.
    #[arg(long, default_value = "2025-12-31")]
    pub end: NaiveDate,
    /// Antal gentagelser pr. kommune (den hurtigste tæller).
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
}

pub fn run(args: BenchDeadlinesArgs) -> anyhow::Result<ExitCode> {
    let rules = RuleSet::embedded();
    let runs = args.runs.max(1);
    let as_of = AsOf::end_of(args.end);
    let mut municipalities: Vec<Params> = MUNICIPALITIES
        .iter()
        .map(|m| Params::municipality(m, args.years, args.seed, args.end))
        .collect();
    municipalities.sort_by_key(|p| std::cmp::Reverse(p.inhabitants));
    if let Some(inhabitants) = args.inhabitants {
        municipalities = vec![Params::sized(inhabitants, args.years, args.seed, args.end)];
    } else if !args.national {
        municipalities.truncate(1);
    }
    let mut per_rule: BTreeMap<RuleId, Tally> = BTreeMap::new();
    let mut per_team: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut rows, mut obligations, mut alerts) = (0usize, 0usize, 0usize);
    let mut total = Duration::ZERO;
    let mut slowest = (Duration::ZERO, String::new());
    let mut generation = Duration::ZERO;
    for municipality in &municipalities {
        let started = Instant::now();
        let snapshot = generate(municipality);
        generation += started.elapsed();
        let started = Instant::now();
        let evaluation = evaluate(&snapshot, &rules, as_of);
        let mut best = started.elapsed();
        for _ in 1..runs {
            let started = Instant::now();
            drop(evaluate(&snapshot, &rules, as_of));
            best = best.min(started.elapsed());
        }
        total += best;
        if best > slowest.0 {
            slowest = (best, municipality.name.clone());
        }
        if !args.national {
            println!(
                "{}: {} indbyggere, {} år, {} rækker → {} forpligtelser, {} varsler på {:.0} ms (hurtigste af {})",
                municipality.name,
                municipality.inhabitants,
                args.years,
                snapshot.total_rows(),
                evaluation.obligations.len(),
                evaluation.alerts.len(),
                best.as_secs_f64() * 1000.0,
                runs
            );
            let bytes = evaluation.obligations.len() * std::mem::size_of::<Obligation>();
            println!(
                "resultatets størrelse: ca. {:.1} MiB ({} byte pr. forpligtelse)",
                bytes as f64 / 1048576.0,
                std::mem::size_of::<Obligation>()
            );
        }
        rows += snapshot.total_rows();
        obligations += evaluation.obligations.len();
        alerts += evaluation.alerts.len();
        for obligation in &evaluation.obligations {
            per_rule
                .entry(obligation.rule)
                .or_default()
                .add(obligation, as_of);
            if !args.national {
                let team = match Holder::of(obligation) {
                    Holder::Caseworker(staff) => {
                        snapshot.staff[staff as usize].unit_id.as_str().to_owned()
                    }
                    Holder::WithoutCaseworker => "(uden sagsbehandler)".to_owned(),
                    Holder::WithoutCase => "(uden sag)".to_owned(),
                };
                per_team.entry(team).or_default().add(obligation, as_of);
            }
        }
    }
    if args.national {
        println!(
            "{} kommuner, {} år: {rows} rækker → {obligations} forpligtelser, {alerts} varsler; motoren i alt {:.2} s (langsomste: {} {:.0} ms); datadannelse {:.1} s",
            municipalities.len(),
            args.years,
            total.as_secs_f64(),
            slowest.1,
            slowest.0.as_secs_f64() * 1000.0,
            generation.as_secs_f64()
        );
    }
    let header = |first: &str| {
        println!(
            "  {first:<36} {:>10} {:>10} {:>10} {:>14}",
            "i alt", "røde tal", "bortfaldet", "røde før #17"
        )
    };
    println!("forpligtelser pr. regel:");
    header("regel");
    for (rule, tally) in &per_rule {
        tally.print(rule.id());
    }
    if !per_team.is_empty() {
        println!("pr. team (sagsbehandleren på opgørelsesdagen):");
        header("team");
        for (team, tally) in &per_team {
            tally.print(team);
        }
    }
    if let Some(peak) = peak_memory_kib() {
        println!(
            "maksimal hukommelse (proces): {:.0} MiB",
            peak as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Obligations counted by what a leader is asked to act on.
#[derive(Debug, Default)]
struct Tally {
    total: u64,
    red: u64,
    lapsed: u64,
    /// Red by the definition before issue 17: unmet and past due, whatever could still be done.
    red_before: u64,
}

impl Tally {
    fn add(&mut self, o: &Obligation, as_of: AsOf) {
        self.total += 1;
        self.red += u64::from(o.is_red());
        self.lapsed += u64::from(o.status == Status::Lapsed);
        self.red_before += u64::from(!o.status.is_met() && as_of.is_past(o.due));
    }

    fn print(&self, label: &str) {
        println!(
            "  {label:<36} {:>10} {:>10} {:>10} {:>14}",
            self.total, self.red, self.lapsed, self.red_before
        );
    }
}
