//! Reading a table back in key order, in batches from one read-only snapshot.

use postgres::{Client, IsolationLevel};

use overblik_domain::{ColumnKind, Row, TableSpec};

use crate::StoreError;
use crate::keys::CprKeys;
use crate::layout::quote;
use crate::layout::{decode_row, is_text_kind};
use crate::pg::BATCH_ROWS;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The select expression that gives a column's value as the text `parse_cell` reads back.
fn select_text(name: &str, kind: ColumnKind) -> String {
    match kind {
        ColumnKind::Timestamp => format!(
            "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
            quote(name)
        ),
        _ => format!("{}::text", quote(name)),
    }
}

/// The ORDER BY of a table's key. Text is compared byte-wise (`COLLATE "C"`), as SQLite does, so
/// both backends return rows in the same order whatever the server's locale. The columns are
/// qualified with the table alias `src`: a bare name would mean the select list's `::text`
/// output column of the same name, and sort numbers as text.
fn order_by_key(spec: &TableSpec) -> String {
    spec.key
        .iter()
        .map(|name| {
            let kind = spec
                .columns
                .iter()
                .find(|column| column.name == *name)
                .map(|column| column.kind);
            match kind {
                Some(kind) if is_text_kind(kind) => format!("src.{} COLLATE \"C\"", quote(name)),
                _ => format!("src.{}", quote(name)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Calls `f` with every row of `spec` in key order, fetched in batches from one consistent
/// read-only snapshot.
pub(crate) fn for_each_row(
    client: &mut Client,
    spec: &'static TableSpec,
    cpr_keys: Option<&CprKeys>,
    f: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    let context = || format!("reading `{}`", spec.name);
    let mut transaction = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(StoreError::postgres(context()))?;
    let select: Vec<String> = spec
        .columns
        .iter()
        .map(|column| match (column.kind, cpr_keys) {
            (ColumnKind::Cpr, Some(_)) => quote(&format!("{}_encrypted", column.name)),
            (ColumnKind::Cpr, None) => "NULL::bytea".to_owned(),
            (kind, _) => select_text(column.name, kind),
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM {} AS src ORDER BY {}",
        select.join(", "),
        quote(spec.name),
        order_by_key(spec)
    );
    let portal = transaction
        .bind(sql.as_str(), &[])
        .map_err(StoreError::postgres(context()))?;
    loop {
        let rows = transaction
            .query_portal(&portal, BATCH_ROWS as i32)
            .map_err(StoreError::postgres(context()))?;
        if rows.is_empty() {
            break;
        }
        for stored in rows {
            let row = decode_row(
                spec,
                cpr_keys,
                |i| stored.try_get(i).map_err(StoreError::postgres(context())),
                |i| stored.try_get(i).map_err(StoreError::postgres(context())),
            )?;
            f(row)?;
        }
    }
    transaction
        .commit()
        .map_err(StoreError::postgres(context()))
}
