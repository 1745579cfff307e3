//! Prints the children's caseworkers' load (KF09) on generated municipalities: open cases and
//! utilisation per caseworker (median, p10, p90) and the mean weight of an open children's case
//! under the built-in weight model. Measures; asserts nothing.
//!
//! `cargo run --release -p overblik-synth --example caseload -- [END] [national SCALE]`
//! (END default 2025-06-30). Without `national`: the demo municipality (`overblik demo`: 50,000
//! inhabitants, 5 years, seed 2026) and København (5 years, seed 1). With `national SCALE`: the
//! mean weight over all 98 municipalities, their inhabitants scaled by SCALE.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use overblik_domain::Snapshot;
use overblik_domain::codes::{Area, StaffRole, TeamType};
use overblik_domain::figures::caseload::{is_open_on, kf09};
use overblik_domain::figures::{Context, Entered};
use overblik_domain::obligations::{AsOf, Evaluation};
use overblik_domain::sources::Sources;
use overblik_domain::workload::CaseWeights;
use overblik_synth::{MUNICIPALITIES, Params, find_municipality, generate};
use rust_decimal::prelude::ToPrimitive;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let end: NaiveDate = args
        .first()
        .map_or("2025-06-30", String::as_str)
        .parse()
        .expect("END as YYYY-MM-DD");
    if args.get(1).map(String::as_str) == Some("national") {
        let scale: f64 = args.get(2).map_or(1.0, |a| a.parse().expect("SCALE"));
        national(end, scale);
        return;
    }
    let demo = Params {
        name: "Demokommune".to_owned(),
        ..Params::sized(50_000, 5, 2026, end)
    };
    let copenhagen = find_municipality("København").expect("København");
    for params in [demo, Params::municipality(copenhagen, 5, 1, end)] {
        let snapshot = generate(&params);
        println!(
            "{} ({} indbyggere) pr. {end}",
            params.name, params.inhabitants
        );
        let weights = CaseWeights::compute(&snapshot, Entered::of(&snapshot), end);
        let (n, sum, _) = children_weights(&snapshot, &weights, end);
        println!(
            "  åbne børnesager: {n}, gennemsnitlig vægt {:.3} point",
            sum / n as f64
        );
        load(&snapshot, end);
    }
}

/// The number of open children's cases at `t`, the sum of their weights and of their squares.
fn children_weights(s: &Snapshot, weights: &CaseWeights, t: NaiveDate) -> (usize, f64, f64) {
    let mut out = (0, 0.0, 0.0);
    for (row, case) in s.cases.iter().enumerate() {
        if case.area == Area::Children && is_open_on(case, t) {
            let w = weights.of(row as u32).points.to_f64().unwrap_or(0.0);
            out.0 += 1;
            out.1 += w;
            out.2 += w * w;
        }
    }
    out
}

fn national(end: NaiveDate, scale: f64) {
    let (mut n, mut sum, mut squares) = (0usize, 0.0, 0.0);
    for m in MUNICIPALITIES {
        let snapshot = generate(&Params::municipality_scaled(m, scale, 5, 1, end));
        let weights = CaseWeights::compute(&snapshot, Entered::of(&snapshot), end);
        let (k, s, q) = children_weights(&snapshot, &weights, end);
        n += k;
        sum += s;
        squares += q;
    }
    let mean = sum / n as f64;
    let sd = (squares / n as f64 - mean * mean).sqrt();
    println!(
        "98 kommuner (skala {scale}) pr. {end}: {n} åbne børnesager, gennemsnitlig vægt {mean:.4} point (sd {sd:.3}, standardfejl {:.4})",
        sd / (n as f64).sqrt()
    );
}

/// KF09 over the caseworkers employed at T in the children's teams (every team type but
/// `other`): all of them, and per team type.
fn load(s: &Snapshot, t: NaiveDate) {
    let sources = Sources::all_present();
    let evaluation = Evaluation::default();
    let ctx = Context::new(s, &sources, &evaluation, AsOf::end_of(t), None).expect("context");
    let kf09 = kf09(&ctx);
    let team_type = |unit: &str| {
        s.org_units
            .iter()
            .find(|u| u.unit_id.as_str() == unit)
            .and_then(|u| u.team_type)
    };
    let mut by_team: BTreeMap<&str, Loads> = BTreeMap::new();
    let mut all = Loads::default();
    for staff in &s.staff {
        let Some(load) = kf09.by_caseworker.get(staff.staff_id.as_str()) else {
            continue;
        };
        let Some(team) = team_type(staff.unit_id.as_str()).filter(|t| *t != TeamType::Other) else {
            continue;
        };
        if staff.role != StaffRole::Caseworker {
            all.others += 1;
            continue;
        }
        let fte = staff
            .fte
            .as_ref()
            .map_or(1.0, |f| f.get().to_f64().unwrap_or(1.0));
        for loads in [&mut all, by_team.entry(team.code()).or_default()] {
            loads.cases.push(load.open_cases as f64);
            loads
                .utilisation
                .push(load.utilisation.unwrap_or(0.0) * 100.0);
            loads.fte += fte;
        }
    }
    all.print("børnesagsbehandlere i alt");
    for (team, loads) in &mut by_team {
        loads.print(team);
    }
}

/// Open cases and utilisation (in per cent) of a group of caseworkers.
#[derive(Default)]
struct Loads {
    cases: Vec<f64>,
    utilisation: Vec<f64>,
    fte: f64,
    /// Staff with cases who are not caseworkers.
    others: usize,
}

impl Loads {
    fn print(&mut self, label: &str) {
        let total: f64 = self.cases.iter().sum();
        println!(
            "  {label}: {} ({:.1} årsværk{}); sager pr. sagsbehandler {:.1} (pr. årsværk {:.1}; p10 {:.0}, median {:.0}, p90 {:.0}); belastning p10 {:.0} %, median {:.0} %, p90 {:.0} % (min {:.0} %, maks {:.0} %)",
            self.cases.len(),
            self.fte,
            if self.others > 0 {
                format!(", {} andre med sager", self.others)
            } else {
                String::new()
            },
            total / self.cases.len() as f64,
            total / self.fte,
            quantile(&mut self.cases, 0.1),
            quantile(&mut self.cases, 0.5),
            quantile(&mut self.cases, 0.9),
            quantile(&mut self.utilisation, 0.1),
            quantile(&mut self.utilisation, 0.5),
            quantile(&mut self.utilisation, 0.9),
            quantile(&mut self.utilisation, 0.0),
            quantile(&mut self.utilisation, 1.0),
        );
    }
}

/// The `q` quantile of `values` (nearest rank).
fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * q).round() as usize]
}
