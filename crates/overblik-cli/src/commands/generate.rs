//! `overblik generate`: synthetic municipalities in the interchange format, and `--check`, the
//! calibration table of a generated folder against the published figures.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use overblik_domain::{Row, Snapshot, TableSpec};
use overblik_ingest::{ExportFormat, ExportSource, NoKnownKeys, Source};
use overblik_synth::{CheckTable, MODEL_TOLERANCE, MUNICIPALITIES, Params, Window};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// En af de 98 kommuner (fx Kalundborg); store/små bogstaver og aa/oe/ae er ligegyldige.
    #[arg(long, conflicts_with_all = ["inhabitants", "national", "check"])]
    pub municipality: Option<String>,
    /// En kommune med dette antal indbyggere (landsgennemsnittets andel børn).
    #[arg(long, conflicts_with_all = ["national", "check"])]
    pub inhabitants: Option<u32>,
    /// Alle 98 kommuner, hver i sin egen mappe under --out.
    #[arg(long)]
    pub national: bool,
    /// Antal år, der dannes data for (slutter på --end).
    #[arg(long, default_value_t = 5)]
    pub years: u32,
    /// Startværdi for tilfældighederne: samme seed og --end giver byte-identiske filer.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Sidste dag i data (ÅÅÅÅ-MM-DD; standard: i dag).
    #[arg(long)]
    pub end: Option<NaiveDate>,
    /// Mappe (csv) eller fil (xlsx) at skrive til; ved --national en mappe med en undermappe pr. kommune.
    #[arg(long, required_unless_present = "check")]
    pub out: Option<PathBuf>,
    /// csv (en mappe med en fil pr. tabel) eller xlsx (en projektmappe).
    #[arg(long, default_value = "csv")]
    pub format: ExportFormat,
    /// Skriv også i en mappe, der ikke er tom (eksisterende tabelfiler overskrives).
    #[arg(long)]
    pub force: bool,
    /// Sammenlign en dannet mappe (eller en landsmappe) med de offentliggjorte tal.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "format"])]
    pub check: Option<PathBuf>,
    /// Skalér alle kommuners indbyggertal (til hurtige prøver af landsdata).
    #[arg(long, hide = true, default_value_t = 1.0)]
    pub scale: f64,
}

/// One municipality's result: rows per table, seconds simulating and writing.
struct Generated {
    rows: Vec<(&'static str, usize)>,
    simulating: f64,
    writing: f64,
}

/// `f` applied to every item on all cores, the results in the items' order; the first
/// failure stops the workers and is returned.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<(Vec<R>, usize)> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    if failure.lock().expect("lock").is_some() {
                        break;
                    }
                    match f(item) {
                        Ok(result) => results.lock().expect("lock").push((index, result)),
                        Err(error) => {
                            *failure.lock().expect("lock") = Some(error);
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(error) = failure.into_inner().expect("lock") {
        return Err(error);
    }
    let mut results = results.into_inner().expect("lock");
    results.sort_by_key(|(index, _)| *index);
    Ok((
        results.into_iter().map(|(_, result)| result).collect(),
        workers,
    ))
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.check {
        return check(dir);
    }
    if args.years < 1 {
        bail!("--years skal være mindst 1 (fik {})", args.years);
    }
    if !(args.scale > 0.0 && args.scale <= 1.0) {
        bail!("--scale skal ligge over 0 og højst 1 (fik {})", args.scale);
    }
    let end = args.end.unwrap_or_else(crate::clock::today);
    let out = args
        .out
        .clone()
        .expect("clap requires --out without --check");
    let params: Vec<(Params, PathBuf)> = if args.national {
        let mut all: Vec<_> = MUNICIPALITIES
            .iter()
            .map(|m| {
                let params = Params::municipality_scaled(m, args.scale, args.years, args.seed, end);
                let path = match args.format {
                    ExportFormat::Csv => out.join(m.name),
                    ExportFormat::Xlsx => out.join(format!("{}.xlsx", m.name)),
                };
                (params, path)
            })
            .collect();
        // Largest first, so the workers finish together.
        all.sort_by_key(|(p, _)| std::cmp::Reverse(p.inhabitants));
        all
    } else {
        let params = match (&args.municipality, args.inhabitants) {
            (Some(name), _) => match overblik_synth::find_municipality(name) {
                Some(m) => Params::municipality(m, args.years, args.seed, end),
                None => {
                    let close = overblik_synth::close_matches(name);
                    if close.is_empty() {
                        bail!(
                            "--municipality: ukendt kommune `{name}`; der er ingen kommune med et lignende navn"
                        );
                    }
                    bail!(
                        "--municipality: ukendt kommune `{name}`; mente du: {}?",
                        close.join(", ")
                    );
                }
            },
            (None, Some(inhabitants)) => Params::sized(inhabitants, args.years, args.seed, end),
            (None, None) => {
                bail!("angiv --municipality NAVN, --inhabitants ANTAL eller --national")
            }
        };
        vec![(params, out.clone())]
    };
    for (params, _) in &params {
        params.validate()?;
    }
    refuse_non_empty(&out, args.force)?;

    let started = Instant::now();
    let (results, workers) = parallel_map(&params, |(params, path)| {
        let simulating = Instant::now();
        let snapshot = overblik_synth::generate(params);
        let simulating = simulating.elapsed().as_secs_f64();
        let writing = Instant::now();
        write(args.format, path, &snapshot)?;
        Ok(Generated {
            rows: snapshot.row_counts(),
            simulating,
            writing: writing.elapsed().as_secs_f64(),
        })
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let mut totals: Vec<(&'static str, usize)> =
        results[0].rows.iter().map(|(t, _)| (*t, 0)).collect();
    for result in &results {
        for (total, (_, count)) in totals.iter_mut().zip(&result.rows) {
            total.1 += count;
        }
    }
    let rows: usize = totals.iter().map(|(_, n)| n).sum();
    let generating: f64 = results.iter().map(|r| r.simulating).sum();
    let writing: f64 = results.iter().map(|r| r.writing).sum();
    println!("{:<18} {:>12}", "tabel", "rækker");
    for (table, count) in &totals {
        println!("{table:<18} {count:>12}");
    }
    println!("{:<18} {rows:>12}", "i alt");
    let what = if args.national {
        format!("{} kommuner", params.len())
    } else {
        format!(
            "{} ({} indbyggere)",
            params[0].0.name, params[0].0.inhabitants
        )
    };
    println!(
        "Dannet: {what}, {} år til og med {end}, seed {} → {}",
        args.years,
        args.seed,
        out.display()
    );
    println!(
        "Tid: {seconds:.1} s i alt ({:.0} rækker/s); simulering {generating:.1} s ({:.0} rækker/s), skrivning {writing:.1} s ({:.0} rækker/s), summeret over {workers} tråd(e)",
        rows as f64 / seconds,
        rows as f64 / generating.max(1e-9),
        rows as f64 / writing.max(1e-9),
    );
    Ok(ExitCode::SUCCESS)
}

fn write(format: ExportFormat, path: &Path, snapshot: &Snapshot) -> anyhow::Result<()> {
    overblik_ingest::export(format, path, &mut CaseSystemExport(snapshot))
        .with_context(|| format!("kunne ikke skrive {}", path.display()))?;
    Ok(())
}

/// Generated data stands for what case and economy systems export: the files of the tables
/// entered in overblik (weights, flags) are not written.
struct CaseSystemExport<'a>(&'a Snapshot);

impl ExportSource for CaseSystemExport<'_> {
    type Error = std::convert::Infallible;

    fn for_each_row(
        &mut self,
        spec: &'static TableSpec,
        f: &mut dyn FnMut(Row) -> Result<(), Self::Error>,
    ) -> Result<(), Self::Error> {
        self.0.for_each_row(spec, f)
    }

    fn includes(&self, spec: &TableSpec) -> bool {
        !spec.entered
    }
}

/// An existing, non-empty output is only written into with `--force`.
fn refuse_non_empty(out: &Path, force: bool) -> anyhow::Result<()> {
    if force {
        return Ok(());
    }
    let occupied = if out.is_dir() {
        std::fs::read_dir(out)
            .with_context(|| format!("kunne ikke læse mappen {}", out.display()))?
            .next()
            .is_some()
    } else {
        out.exists()
    };
    if occupied {
        bail!(
            "--out: `{}` findes allerede og er ikke tom; brug --force for at skrive alligevel",
            out.display()
        );
    }
    Ok(())
}

/// `--check DIR`: one generated folder or workbook, or a national folder of them.
fn check(dir: &Path) -> anyhow::Result<ExitCode> {
    let sources = sources(dir)?;
    let (tables, _) = parallel_map(&sources, |path| check_one(path))?;
    let mut iter = tables.into_iter();
    let mut total = iter.next().context("ingen data at kontrollere")?;
    for table in iter {
        total.merge(&table);
    }
    println!(
        "Kalibrering af {} ({} kommune(r)) mod statistics.md; mål pr. 1.000 børn er skaleret til kommunernes børnetal:",
        dir.display(),
        total.municipalities
    );
    println!();
    print!("{total}");
    let failures = total.failures();
    let tolerance = MODEL_TOLERANCE * 100.0;
    if failures.is_empty() {
        println!(
            "\nAlle {} nøgletal er forenelige med de offentliggjorte mål (±{tolerance:.0} % og tilfældig variation).",
            total.rows.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        let names: Vec<&str> = failures.iter().map(|r| r.label).collect();
        bail!(
            "{} af {} nøgletal afviger mere fra målet, end ±{tolerance:.0} % og tilfældig variation forklarer: {}",
            failures.len(),
            total.rows.len(),
            names.join("; ")
        );
    }
}

/// The data sets under `dir`: itself when it is one, else its sub-folders and workbooks.
fn sources(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let is_source = |path: &Path| {
        path.join("org_units.csv").is_file()
            || (path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")))
    };
    if !dir.exists() {
        bail!("--check: `{}` findes ikke", dir.display());
    }
    if is_source(dir) {
        return Ok(vec![dir.to_owned()]);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("kunne ikke læse mappen {}", dir.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| is_source(path))
        .collect();
    found.sort();
    if found.is_empty() {
        bail!(
            "--check: `{}` er hverken et datasæt eller en mappe med datasæt",
            dir.display()
        );
    }
    Ok(found)
}

fn check_one(path: &Path) -> anyhow::Result<CheckTable> {
    let snapshot = read_snapshot(path)?;
    let window = Window::infer(&snapshot).with_context(|| {
        format!(
            "{}: ingen underretninger eller sager at kontrollere",
            path.display()
        )
    })?;
    Ok(overblik_synth::check(&snapshot, &window))
}

/// Reads a data set through the importer's validation into memory.
fn read_snapshot(path: &Path) -> anyhow::Result<Snapshot> {
    let source = Source::open(path)?;
    let today = crate::clock::today();
    let validation = overblik_ingest::validate(&source, &NoKnownKeys, today);
    if let Some(first) = validation.errors().next() {
        bail!(
            "{}: {} fejl ved indlæsning, fx {first}",
            path.display(),
            validation.errors().count()
        );
    }
    let mut snapshot = Snapshot::default();
    overblik_ingest::load(&source, &validation, &mut snapshot)
        .with_context(|| format!("kunne ikke læse {}", path.display()))?;
    Ok(snapshot)
}
