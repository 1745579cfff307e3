//! `overblik bench deadlines`: how long the obligation engine takes on generated
//! municipalities (the largest, or all 98), and how many obligations each rule creates.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use overblik_domain::obligations::{AsOf, Obligation, evaluate};
use overblik_domain::rules::{RuleId, RuleSet};
use overblik_synth::{MUNICIPALITIES, Params, generate};

use super::bench::peak_memory_kib;

#[derive(Debug, Args)]
pub struct BenchDeadlinesArgs {
    /// Alle 98 kommuner i stedet for kun den største.
    #[arg(long)]
    pub national: bool,
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
    let mut municipalities: Vec<_> = MUNICIPALITIES.iter().collect();
    municipalities.sort_by_key(|m| std::cmp::Reverse(m.inhabitants));
    if !args.national {
        municipalities.truncate(1);
    }
    let mut per_rule: BTreeMap<RuleId, u64> = BTreeMap::new();
    let (mut rows, mut obligations, mut alerts) = (0usize, 0usize, 0usize);
    let mut total = Duration::ZERO;
    let mut slowest = (Duration::ZERO, "");
    let mut generation = Duration::ZERO;
    for municipality in &municipalities {
        let started = Instant::now();
        let snapshot = generate(&Params::municipality(municipality, args.years, 1, args.end));
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
            slowest = (best, municipality.name);
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
            *per_rule.entry(obligation.rule).or_default() += 1;
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
    println!("forpligtelser pr. regel:");
    for (rule, count) in &per_rule {
        println!("  {:<36} {count:>10}", rule.id());
    }
    if let Some(peak) = peak_memory_kib() {
        println!(
            "maksimal hukommelse (proces): {:.0} MiB",
            peak as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}
