//! Reading a table back in key order, inside one read transaction (one consistent snapshot).

use rusqlite::Connection;

use overblik_domain::{ColumnKind, Row, TableSpec};

use crate::StoreError;
use crate::keys::CprKeys;
use crate::layout::decode_row;
use crate::layout::quote;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Calls `f` with every row of `spec` in key order, inside one read transaction so that the
/// rows are one consistent snapshot.
pub(crate) fn for_each_row(
    connection: &mut Connection,
    spec: &'static TableSpec,
    cpr_keys: Option<&CprKeys>,
    f: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    let context = || format!("reading `{}`", spec.name);
    let transaction = connection
        .transaction()
        .map_err(StoreError::sqlite(context()))?;
    let select: Vec<String> = spec
        .columns
        .iter()
        .map(|column| match (column.kind, cpr_keys) {
            (ColumnKind::Cpr, Some(_)) => quote(&format!("{}_encrypted", column.name)),
            (ColumnKind::Cpr, None) => "NULL".to_owned(),
            _ => format!("CAST({} AS TEXT)", quote(column.name)),
        })
        .collect();
    // Qualified, so that a key column is never mistaken for a select-list alias.
    let order: Vec<String> = spec
        .key
        .iter()
        .map(|name| format!("src.{}", quote(name)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {} AS src ORDER BY {}",
        select.join(", "),
        quote(spec.name),
        order.join(", ")
    );
    {
        let mut statement = transaction
            .prepare(&sql)
            .map_err(StoreError::sqlite(context()))?;
        let mut rows = statement.query([]).map_err(StoreError::sqlite(context()))?;
        while let Some(stored) = rows.next().map_err(StoreError::sqlite(context()))? {
            let row = decode_row(
                spec,
                cpr_keys,
                |i| stored.get(i).map_err(StoreError::sqlite(context())),
                |i| stored.get(i).map_err(StoreError::sqlite(context())),
            )?;
            f(row)?;
        }
    }
    transaction.commit().map_err(StoreError::sqlite(context()))
}
