//! Prints the check table of a generated national sample (no files written):
//! `cargo run --release -p overblik-synth --example calibrate -- [scale] [years] [seed]`.

use std::time::Instant;

use chrono::NaiveDate;
use overblik_synth::{MUNICIPALITIES, Params, Window, check, generate};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = args.get(1).map_or(0.1, |a| a.parse().unwrap());
    let years: u32 = args.get(2).map_or(5, |a| a.parse().unwrap());
    let seed: u64 = args.get(3).map_or(1, |a| a.parse().unwrap());
    let end = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let started = Instant::now();
    let mut total = None::<overblik_synth::CheckTable>;
    let mut rows = 0;
    for m in MUNICIPALITIES {
        let snapshot = generate(&Params::municipality_scaled(m, scale, years, seed, end));
        rows += snapshot.total_rows();
        let table = check(&snapshot, &Window { end, years });
        match &mut total {
            Some(t) => t.merge(&table),
            None => total = Some(table),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{rows} rows in {seconds:.1} s ({:.0} rows/s)",
        rows as f64 / seconds
    );
    print!("{}", total.unwrap());
}
