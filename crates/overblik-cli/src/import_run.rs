//! One import from a source into the store: validate everything inside the import transaction,
//! then stream the rows, then commit — or roll back and write nothing.

use std::fmt::Write as _;

use chrono::NaiveDate;
use overblik_ingest::{ImportTarget, KnownKeys, Source, Validation};
use overblik_store::{ImportSession, ImportSource, ImportSummary, Store, StoreError};

/// What happened to an import.
pub enum ImportOutcome {
    Committed {
        validation: Validation,
        summary: ImportSummary,
    },
    Rejected {
        validation: Validation,
    },
}

/// Lets validation resolve references to rows stored by earlier imports.
struct StoredKeys<'s, 'a>(&'s ImportSession<'a>);

impl KnownKeys for StoredKeys<'_, '_> {
    fn contains(&self, table: &str, key: &str) -> bool {
        self.0.contains_key(table, key)
    }
}

/// Streams validated rows into the open transaction.
struct SessionTarget<'s, 'a>(&'s mut ImportSession<'a>);

impl ImportTarget for SessionTarget<'_, '_> {
    type Error = StoreError;
    fn begin_table(&mut self, spec: &'static overblik_domain::TableSpec) -> Result<(), StoreError> {
        self.0.begin_table(spec)
    }
    fn write_row(
        &mut self,
        spec: &'static overblik_domain::TableSpec,
        row: &overblik_domain::Row,
    ) -> Result<(), StoreError> {
        self.0.write_row(spec, row)
    }
    fn end_table(&mut self, spec: &'static overblik_domain::TableSpec) -> Result<(), StoreError> {
        self.0.end_table(spec)
    }
}

/// Imports `source` into `store` as one transaction.
pub fn import(
    store: &mut Store,
    source: &Source,
    today: NaiveDate,
) -> anyhow::Result<ImportOutcome> {
    let sha256 = source.sha256()?;
    let mut session = store.begin_import()?;
    let validation = overblik_ingest::validate(source, &StoredKeys(&session), today);
    if validation.has_errors() {
        session.rollback()?;
        return Ok(ImportOutcome::Rejected { validation });
    }
    overblik_ingest::load(source, &validation, &mut SessionTarget(&mut session))?;
    let warnings = validation.warnings().count() as u64;
    let record = ImportSource {
        name: source.display_name(),
        format: source.format().to_owned(),
        sha256,
        warnings,
    };
    let summary = session.commit(&record)?;
    Ok(ImportOutcome::Committed {
        validation,
        summary,
    })
}

/// The summary table printed after a committed import.
pub fn format_summary(summary: &ImportSummary) -> String {
    let mut out = format!(
        "{:<18} {:>10} {:>10} {:>10} {:>10}\n",
        "tabel", "nye", "ændrede", "uændrede", "fjernet"
    );
    for table in &summary.tables {
        let _ = writeln!(
            out,
            "{:<18} {:>10} {:>10} {:>10} {:>10}",
            table.table, table.inserted, table.updated, table.unchanged, table.removed
        );
    }
    out
}

/// Imports generated data that must be valid; a rejection is a bug in the generator.
pub fn import_generated(
    store: &mut Store,
    source: &Source,
    today: NaiveDate,
) -> anyhow::Result<ImportSummary> {
    match import(store, source, today)? {
        ImportOutcome::Committed { summary, .. } => Ok(summary),
        ImportOutcome::Rejected { validation } => {
            let first = validation
                .errors()
                .next()
                .map(ToString::to_string)
                .unwrap_or_default();
            anyhow::bail!("de dannede data blev afvist (en fejl i overblik): {first}");
        }
    }
}
