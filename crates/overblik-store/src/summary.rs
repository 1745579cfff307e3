//! What an import did: its source, and per table how many rows were inserted, updated, left
//! unchanged or removed. Recorded in `import_batches` / `import_batch_tables` on commit.

/// The file or folder an import came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSource {
    /// The file or folder name as given by the user (no path to a home directory needed).
    pub name: String,
    /// `csv` or `xlsx` (free text for the store).
    pub format: String,
    /// Hex SHA-256 of the imported bytes.
    pub sha256: String,
    /// How many warnings the import reported.
    pub warnings: u64,
}

/// The counts of one table in one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    /// The table's name (as in `TABLES`).
    pub table: &'static str,
    /// Rows whose key was not stored.
    pub inserted: u64,
    /// Rows whose key was stored with different content.
    pub updated: u64,
    /// Rows stored exactly so already (not written).
    pub unchanged: u64,
    /// Rows of a snapshot table that the import no longer contained.
    pub removed: u64,
}

impl TableSummary {
    pub(crate) fn new(table: &'static str) -> Self {
        Self {
            table,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            removed: 0,
        }
    }
}

/// The tables written in one import, in `TABLES` order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub tables: Vec<TableSummary>,
}

impl ImportSummary {
    /// The counts of `table`, if it was written.
    pub fn table(&self, table: &str) -> Option<&TableSummary> {
        self.tables.iter().find(|summary| summary.table == table)
    }
}

/// One committed import, as recorded in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// Increases with every import.
    pub id: i64,
    /// RFC 3339 in UTC, whole seconds (`2025-03-01T13:05:00Z`).
    pub imported_at: String,
    pub source: ImportSource,
    pub summary: ImportSummary,
}

/// Puts summaries read from the database in `TABLES` order with static table names; a table
/// this build does not know is reported as corrupt rather than dropped.
pub(crate) fn summary_from_stored(
    rows: Vec<(String, [u64; 4])>,
) -> Result<ImportSummary, crate::StoreError> {
    let mut tables = Vec::with_capacity(rows.len());
    for (name, [inserted, updated, unchanged, removed]) in rows {
        let spec = overblik_domain::table(&name).ok_or_else(|| crate::StoreError::Corrupt {
            table: "import_batch_tables",
            column: "table_name".to_owned(),
            reason: format!("unknown table `{name}`"),
        })?;
        tables.push(TableSummary {
            table: spec.name,
            inserted,
            updated,
            unchanged,
            removed,
        });
    }
    tables.sort_by_key(|summary| table_position(summary.table));
    Ok(ImportSummary { tables })
}

impl TableSummary {
    /// inserted, updated, unchanged and removed as stored (BIGINT).
    pub(crate) fn stored_counts(&self) -> [i64; 4] {
        [self.inserted, self.updated, self.unchanged, self.removed]
            .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// Every recorded import, oldest first, with its per-table counts.
pub(crate) fn read_imports(
    connection: &mut crate::Connection,
) -> Result<Vec<ImportRecord>, crate::StoreError> {
    use crate::query::required;
    let context = "reading import_batches";
    let count = |value: Option<i64>| value.unwrap_or(0).max(0) as u64;
    const TABLES_SQL: &str = "SELECT batch_id, table_name, inserted, updated, unchanged, removed FROM import_batch_tables";
    let mut tables: std::collections::HashMap<i64, Vec<(String, [u64; 4])>> =
        std::collections::HashMap::new();
    for (batch_id, table, counts) in
        connection.query(context, [TABLES_SQL, TABLES_SQL], &[], |row| {
            Ok((
                required(row.int(0)?, "import_batch_tables", "batch_id")?,
                required(row.text(1)?, "import_batch_tables", "table_name")?,
                [
                    count(row.int(2)?),
                    count(row.int(3)?),
                    count(row.int(4)?),
                    count(row.int(5)?),
                ],
            ))
        })?
    {
        tables.entry(batch_id).or_default().push((table, counts));
    }
    let batches = connection.query(
        context,
        [
            "SELECT id, imported_at, source_name, source_format, source_sha256, warnings
             FROM import_batches ORDER BY id",
            "SELECT id, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    source_name, source_format, source_sha256, warnings
             FROM import_batches ORDER BY id",
        ],
        &[],
        |row| {
            Ok((
                required(row.int(0)?, "import_batches", "id")?,
                required(row.text(1)?, "import_batches", "imported_at")?,
                ImportSource {
                    name: required(row.text(2)?, "import_batches", "source_name")?,
                    format: required(row.text(3)?, "import_batches", "source_format")?,
                    sha256: required(row.text(4)?, "import_batches", "source_sha256")?,
                    warnings: count(row.int(5)?),
                },
            ))
        },
    )?;
    batches
        .into_iter()
        .map(|(id, imported_at, source)| {
            Ok(ImportRecord {
                id,
                imported_at,
                source,
                summary: summary_from_stored(tables.remove(&id).unwrap_or_default())?,
            })
        })
        .collect()
}

/// The position of `table` in `TABLES`.
pub(crate) fn table_position(table: &str) -> usize {
    overblik_domain::TABLES
        .iter()
        .position(|spec| spec.name == table)
        .unwrap_or(usize::MAX)
}

/// The current time as stored for an import: UTC, whole seconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
