//! Measures import and export throughput with generated payments (each referring to a case).
//!
//! `cargo run --release -p overblik-store --example import_speed -- <new-database-url> [rows]`
//! (the key file goes to a temporary directory).

use std::time::Instant;

use overblik_domain::tables::{CASES, ORG_UNITS, PAYMENTS, PERSONS};
use overblik_domain::{Row, TableSpec};
use overblik_store::{ImportSession, ImportSource, KeyConfig, Store, StoreError};

const CASE_COUNT: usize = 1000;

fn row(spec: &TableSpec, cells: &[&str]) -> Row {
    spec.parse_row(cells).expect("valid cells")
}

fn source() -> ImportSource {
    ImportSource {
        name: "generated".to_owned(),
        format: "csv".to_owned(),
        sha256: String::new(),
        warnings: 0,
    }
}

/// The unit, persons and cases the payments refer to.
fn write_cases(session: &mut ImportSession<'_>) -> Result<(), StoreError> {
    session.begin_table(&ORG_UNITS)?;
    let unit = ["U1", "", "Kommune", "municipality", "", "", ""];
    session.write_row(&ORG_UNITS, &row(&ORG_UNITS, &unit))?;
    session.end_table(&ORG_UNITS)?;
    session.begin_table(&PERSONS)?;
    for n in 0..CASE_COUNT {
        let id = format!("P{n}");
        let cells = [id.as_str(), "0101901234", "1990-01-01", "", ""];
        session.write_row(&PERSONS, &row(&PERSONS, &cells))?;
    }
    session.end_table(&PERSONS)?;
    session.begin_table(&CASES)?;
    for n in 0..CASE_COUNT {
        let (case_id, person_id) = (format!("C{n}"), format!("P{n}"));
        let cells = [
            case_id.as_str(),
            &person_id,
            "children",
            "2024-01-01",
            "",
            "",
            "",
        ];
        session.write_row(&CASES, &row(&CASES, &cells))?;
    }
    session.end_table(&CASES)
}

/// Payment `n`, built from text cells as the importer builds rows.
fn payment(n: usize, amount: &str) -> Row {
    let id = format!("PAY{n:08}");
    let case_id = format!("C{}", n % CASE_COUNT);
    let month = format!("20{:02}-{:02}", 15 + n % 10, n % 12 + 1);
    let cells = [id.as_str(), &case_id, "", "5.28.21", &month, amount];
    row(&PAYMENTS, &cells)
}

fn write_payments(
    session: &mut ImportSession<'_>,
    ids: std::ops::Range<usize>,
    amount: &str,
) -> Result<(), StoreError> {
    session.begin_table(&PAYMENTS)?;
    for n in ids {
        session.write_row(&PAYMENTS, &payment(n, amount))?;
    }
    session.end_table(&PAYMENTS)
}

/// Runs one import and prints its rate (payment rows written per second, the few unit, person
/// and case rows of the first import included in the time).
fn timed(
    label: &str,
    store: &mut Store,
    write: impl FnOnce(&mut ImportSession<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let started = Instant::now();
    let mut session = store.begin_import()?;
    write(&mut session)?;
    let written = started.elapsed().as_secs_f64();
    let summary = session.commit(&source())?;
    let seconds = started.elapsed().as_secs_f64();
    let payments = summary.table("payments").expect("payments written");
    let rows = payments.inserted + payments.updated + payments.unchanged;
    println!(
        "{label:<34} {:>8.0} rows/s  ({seconds:.2} s: writing {written:.2} s, commit {:.2} s; {} new, {} changed, {} unchanged)",
        rows as f64 / seconds,
        seconds - written,
        payments.inserted,
        payments.updated,
        payments.unchanged
    );
    Ok(())
}

fn main() -> Result<(), StoreError> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: import_speed <new-database-url> [rows]");
    let rows: usize = args.next().map_or(1_000_000, |n| n.parse().expect("rows"));
    let key_dir = tempfile::tempdir().expect("temporary directory");
    let keys = KeyConfig {
        key_file: Some(key_dir.path().join("speed.key")),
        key_hex: None,
    };
    let mut store = Store::open(&url, &keys)?;
    println!("{:?}, {rows} payments", store.backend());
    // What building the rows costs by itself (part of every figure below).
    let started = Instant::now();
    let mut checksum = 0usize;
    for n in 0..rows {
        checksum += payment(n, "100.5").0.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{:<34} {:>8.0} rows/s  ({seconds:.2} s, {checksum} cells)",
        "building the rows only",
        rows as f64 / seconds
    );
    timed("first import (empty store)", &mut store, |session| {
        write_cases(session)?;
        write_payments(session, 0..rows, "100.5")
    })?;
    timed("same import again", &mut store, |session| {
        write_payments(session, 0..rows, "100.5")
    })?;
    timed("every payment changed", &mut store, |session| {
        write_payments(session, 0..rows, "-7")
    })?;
    timed("twice as many (half of them new)", &mut store, |session| {
        write_payments(session, 0..2 * rows, "-7")
    })?;
    let started = Instant::now();
    let mut exported = 0usize;
    store.for_each_row(&PAYMENTS, false, &mut |_| {
        exported += 1;
        Ok(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{:<34} {:>8.0} rows/s  ({exported} rows)",
        "export",
        exported as f64 / seconds
    );
    Ok(())
}
