//! Writes to the tables entered in overblik (`TableSpec::entered`: case weights, complexity
//! flags, …). They are small and change a few rows at a time, from a page, together with an
//! audit entry in the caller's transaction; the rows are stored exactly as an import would
//! store them (same encoding, same row hash), so export and a later import see no difference.

use overblik_domain::{ColumnKind, Row, TableSpec};

use crate::hashing::row_hash;
use crate::layout::{Stored, check_row, encode_value, quote, stored_columns};
use crate::query::Param;
use crate::{Store, StoreError};

impl Store {
    /// Replaces the rows of the entered table `spec` whose `column` equals `value` (all rows
    /// when `None`) with `rows`. Call it inside [`Store::transaction`] with the audit entry.
    pub fn replace_entered_rows(
        &mut self,
        spec: &'static TableSpec,
        filter: Option<(&str, &str)>,
        rows: &[Row],
    ) -> Result<(), StoreError> {
        assert!(
            spec.entered,
            "{} is imported, not entered in overblik",
            spec.name
        );
        for row in rows {
            check_row(spec, row)?;
        }
        let context = format!("writing `{}`", spec.name);
        match filter {
            Some((column, value)) => {
                assert!(
                    spec.column_index(column).is_some(),
                    "{}.{column}",
                    spec.name
                );
                let sql = format!(
                    "DELETE FROM {} WHERE {} = $1",
                    quote(spec.name),
                    quote(column)
                );
                self.connection.execute(
                    &context,
                    [&sql.replace("$1", "?1"), &sql],
                    &[Param::Text(Some(value))],
                )?;
            }
            None => {
                let sql = format!("DELETE FROM {}", quote(spec.name));
                self.connection.execute(&context, [&sql, &sql], &[])?;
            }
        }
        self.insert_rows(spec, rows, &context)
    }

    /// Adds one row to the entered table `spec` (a new theme, a new checklist item); a row
    /// with the key of a stored one fails. Call it inside [`Store::transaction`] with the
    /// audit entry.
    pub fn insert_entered_row(
        &mut self,
        spec: &'static TableSpec,
        row: &Row,
    ) -> Result<(), StoreError> {
        assert!(spec.entered, "{} is imported, not entered", spec.name);
        check_row(spec, row)?;
        self.insert_rows(
            spec,
            std::slice::from_ref(row),
            &format!("adding to `{}`", spec.name),
        )
    }

    /// Records a caseworker's assignment to a case made in overblik (distribution, F7): one
    /// row of the imported table `assignments`, stored as an import would, and for a
    /// reassignment the current assignment `(stored, ended)` replaced by its ended version. The
    /// caller plans it first (`workload::distribute::plan_assignment`) and writes its audit
    /// entry in the same transaction. Returns `false`, and changes nothing, when the assignment
    /// to end is no longer stored. A later delivery of `assignments` from the case system
    /// replaces it, as it replaces every assignment: the case system stays the record.
    pub fn record_assignment(
        &mut self,
        row: &Row,
        ends: Option<(&Row, &Row)>,
    ) -> Result<bool, StoreError> {
        let spec = &overblik_domain::tables::ASSIGNMENTS;
        check_row(spec, row)?;
        if let Some((stored, ended)) = ends {
            check_row(spec, ended)?;
            // Changed or gone: an import replaced the assignments since the leader looked.
            if self.delete_row(spec, stored, "ending an assignment")? != 1 {
                return Ok(false);
            }
            self.insert_rows(spec, std::slice::from_ref(ended), "ending an assignment")?;
        }
        self.insert_rows(spec, std::slice::from_ref(row), "recording an assignment")?;
        Ok(true)
    }

    /// Saves the row `head` of the entered table `head_spec` (a review, a handover, a
    /// supervision round: a single id key and a `version` column) with all its child rows
    /// (`children`: each child table's rows for this id, replacing the stored ones), if the
    /// stored `version` is still `expected` (`None`: the row is new and must not exist).
    /// Returns `false`, and changes nothing, when someone saved it in between: concurrent
    /// edits are detected, not silently overwritten. Call it inside [`Store::transaction`]
    /// with the audit entry; on PostgreSQL the stored row is locked until the commit.
    pub fn save_versioned(
        &mut self,
        head_spec: &'static TableSpec,
        expected: Option<i64>,
        head: &Row,
        children: &[(&'static TableSpec, Vec<Row>)],
    ) -> Result<bool, StoreError> {
        let [key] = head_spec.key else {
            panic!("{} has no single id key", head_spec.name);
        };
        let id_index = head_spec.column_index(key).expect("the key is a column");
        let id = head.0[id_index]
            .as_text()
            .expect("an id key is text")
            .to_owned();
        let sql = format!(
            "SELECT version FROM {} WHERE {} = $1",
            quote(head_spec.name),
            quote(key)
        );
        let stored = self.connection.query(
            "reading a version",
            [&sql.replace("$1", "?1"), &format!("{sql} FOR UPDATE")],
            &[Param::Text(Some(&id))],
            |row| crate::query::required(row.int(0)?, head_spec.name, "version"),
        )?;
        if stored.first().copied() != expected {
            return Ok(false);
        }
        self.replace_entered_rows(head_spec, Some((key, &id)), std::slice::from_ref(head))?;
        for (spec, rows) in children {
            self.replace_entered_rows(spec, Some((key, &id)), rows)?;
        }
        Ok(true)
    }

    /// Deletes the stored row equal to `row` (its key and its content, by row hash); returns
    /// how many rows went: 0 when it was changed or removed meanwhile.
    fn delete_row(
        &mut self,
        spec: &'static TableSpec,
        row: &Row,
        context: &str,
    ) -> Result<u64, StoreError> {
        let mut sqlite = Vec::new();
        let mut postgres = Vec::new();
        let mut stored = Vec::new();
        for (n, key) in spec.key.iter().enumerate() {
            let index = spec.column_index(key).expect("the key is a column");
            let column = &spec.columns[index];
            sqlite.push(format!("{} = ?{}", quote(key), n + 1));
            postgres.push(format!(
                "{} = ${}{}",
                quote(key),
                n + 1,
                pg_cast(column.kind)
            ));
            stored.push(encode_value(&row.0[index], true));
        }
        let hash = row_hash(spec, row, None);
        let n = spec.key.len() + 1;
        sqlite.push(format!("row_hash = ?{n}"));
        postgres.push(format!("row_hash = ${n}"));
        let mut params: Vec<Param<'_>> = stored.iter().map(param).collect();
        params.push(Param::Bytes(Some(&hash)));
        let table = quote(spec.name);
        self.connection.execute_counted(
            context,
            [
                &format!("DELETE FROM {table} WHERE {}", sqlite.join(" AND ")),
                &format!("DELETE FROM {table} WHERE {}", postgres.join(" AND ")),
            ],
            &params,
        )
    }

    fn insert_rows(
        &mut self,
        spec: &'static TableSpec,
        rows: &[Row],
        context: &str,
    ) -> Result<(), StoreError> {
        // The rows written here (entered tables, assignments) hold no CPR number: a CPR column
        // would be stored as hash and ciphertext (`layout::encode_row`, the import's path).
        assert!(!spec.has_cpr(), "{} has a CPR column", spec.name);
        let columns = stored_columns(spec);
        let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
        let sqlite = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(spec.name),
            names.join(", "),
            (1..=columns.len())
                .map(|n| format!("?{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // PostgreSQL types the parameters from the columns; text goes in with a cast.
        let casts: Vec<String> = spec
            .columns
            .iter()
            .map(|c| pg_cast(c.kind))
            .chain(std::iter::once(""))
            .enumerate()
            .map(|(n, cast)| format!("${}{cast}", n + 1))
            .collect();
        let postgres = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(spec.name),
            names.join(", "),
            casts.join(", ")
        );
        for row in rows {
            let hash = row_hash(spec, row, None);
            let stored: Vec<Stored<'_>> = spec
                .columns
                .iter()
                .zip(&row.0)
                .map(|(column, value)| encode_value(value, spec.key.contains(&column.name)))
                .collect();
            let mut params: Vec<Param<'_>> = stored.iter().map(param).collect();
            params.push(Param::Bytes(Some(&hash)));
            self.connection
                .execute(context, [&sqlite, &postgres], &params)?;
        }
        Ok(())
    }
}

fn param<'a>(stored: &'a Stored<'_>) -> Param<'a> {
    match stored {
        Stored::Null => Param::Text(None),
        Stored::Text(text) => Param::Text(Some(text)),
        Stored::Int(number) => Param::Int(Some(*number)),
        Stored::Bool(flag) => Param::Bool(*flag),
        Stored::Blob(bytes) => Param::Bytes(Some(bytes)),
    }
}

/// The cast a text parameter needs on PostgreSQL for a column of `kind` (see the migrations).
fn pg_cast(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Date => "::text::date",
        ColumnKind::Timestamp => "::text::timestamptz",
        ColumnKind::Amount | ColumnKind::NonNegative | ColumnKind::Fraction => "::text::numeric",
        ColumnKind::Integer { .. } | ColumnKind::Bool => "",
        _ => "::text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_the_migrations_types() {
        assert_eq!(pg_cast(ColumnKind::Timestamp), "::text::timestamptz");
        assert_eq!(pg_cast(ColumnKind::NonNegative), "::text::numeric");
        assert_eq!(pg_cast(ColumnKind::Id), "::text");
        assert_eq!(pg_cast(ColumnKind::Bool), "");
    }
}
