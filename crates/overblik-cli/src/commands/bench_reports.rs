//! `overblik bench reports`: how long the reports take in-process on generated data — the
//! weekly report's figures for the largest municipality (warm: data and obligations in memory,
//! as in the server), and the committee report for every municipality.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use overblik_domain::figures::Context;
use overblik_domain::obligations::{AsOf, Evaluation, evaluate};
use overblik_domain::quality;
use overblik_domain::report::{self, Kind};
use overblik_domain::rules::RuleSet;
use overblik_domain::sources::Sources;
use overblik_report::Format;
use overblik_synth::{MUNICIPALITIES, Params, generate};

use super::bench::peak_memory_kib;

#[derive(Debug, Args)]
pub struct BenchReportsArgs {
    /// Antal års historik.
    #[arg(long, default_value_t = 10)]
    pub years: u32,
    /// Sidste dag i historikken og opgørelsesdag (udvalgsrapporten: månedens sidste dag).
    #[arg(long, default_value = "2025-12-31")]
    pub end: NaiveDate,
    /// Antal gentagelser (den hurtigste tæller).
    #[arg(long, default_value_t = 5)]
    pub runs: u32,
    /// Spring udvalgsrapporten for alle 98 kommuner over.
    #[arg(long)]
    pub skip_national: bool,
}

fn best_of<T>(runs: u32, mut f: impl FnMut() -> T) -> (Duration, T) {
    let started = Instant::now();
    let mut out = f();
    let mut best = started.elapsed();
    for _ in 1..runs.max(1) {
        let started = Instant::now();
        out = f();
        best = best.min(started.elapsed());
    }
    (best, out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run(args: BenchReportsArgs) -> anyhow::Result<ExitCode> {
    let rules = RuleSet::embedded();
    let sources = Sources::all_present();
    let as_of = AsOf::end_of(args.end);
    let mut municipalities: Vec<_> = MUNICIPALITIES.iter().collect();
    municipalities.sort_by_key(|m| std::cmp::Reverse(m.inhabitants));

    let largest = municipalities[0];
    let snapshot = generate(&Params::municipality(largest, args.years, 1, args.end));
    let (evaluate_time, evaluation) = best_of(args.runs, || evaluate(&snapshot, &rules, as_of));
    let (context_time, _) = best_of(args.runs, || {
        Context::new(&snapshot, &sources, &evaluation, as_of, None).map(|c| c.scope.unit)
    });
    let ctx = Context::new(&snapshot, &sources, &evaluation, as_of, None)?;
    let (weekly_time, (weekly, _)) = best_of(args.runs, || report::weekly(&ctx, &rules));
    let (quality_time, _) = best_of(args.runs, || quality::assess(&snapshot, &sources, as_of));
    println!(
        "{}: {} indbyggere, {} år, {} rækker, opgjort pr. {}",
        largest.name,
        largest.inhabitants,
        args.years,
        snapshot.total_rows(),
        args.end
    );
    println!(
        "  ugerapportens nøgletal (varm: data og forpligtelser i hukommelsen): {:.1} ms; opslag for enheden {:.1} ms",
        ms(weekly_time),
        ms(context_time)
    );
    println!(
        "  + lovkravsmotoren (kold: forpligtelser beregnes først): {:.1} ms; datakvalitetsafsnittet {:.1} ms",
        ms(evaluate_time),
        ms(quality_time)
    );
    println!(
        "  ugerapporten har {} tabeller; hurtigste af {} kørsler",
        weekly
            .sections
            .iter()
            .map(|s| s.tables.len())
            .sum::<usize>(),
        args.runs
    );
    drop(ctx);
    drop(evaluation);
    drop(snapshot);

    if !args.skip_national {
        // The committee report reads no obligations: its context gets none.
        debug_assert!(!Kind::Committee.reads_obligations());
        let t = report::month_end_on_or_before(args.end);
        let as_of = AsOf::end_of(t);
        let no_obligations = Evaluation::default();
        let mut total = Duration::ZERO;
        let mut generation = Duration::ZERO;
        let mut slowest = (Duration::ZERO, "");
        let mut bytes = 0usize;
        for municipality in &municipalities {
            let started = Instant::now();
            let snapshot = generate(&Params::municipality(municipality, args.years, 1, args.end));
            generation += started.elapsed();
            let started = Instant::now();
            let ctx = Context::new(&snapshot, &sources, &no_obligations, as_of, None)?;
            let document =
                report::complete(&ctx, &rules, Kind::Committee, report::Audience::CaseReaders);
            let html = overblik_report::render(&document, Format::Html)?;
            let elapsed = started.elapsed();
            bytes += html.len();
            total += elapsed;
            if elapsed > slowest.0 {
                slowest = (elapsed, municipality.name);
            }
        }
        println!(
            "udvalgsrapporten pr. {t} (HTML med datakvalitet) for {} kommuner: {:.2} s i alt (langsomste: {} {:.0} ms; {:.1} MiB HTML); datadannelse {:.1} s (ikke medregnet)",
            municipalities.len(),
            total.as_secs_f64(),
            slowest.1,
            ms(slowest.0),
            bytes as f64 / 1048576.0,
            generation.as_secs_f64()
        );
    }
    if let Some(peak) = peak_memory_kib() {
        println!(
            "maksimal hukommelse (proces): {:.0} MiB",
            peak as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}
