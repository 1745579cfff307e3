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

    /// Records a caseworker's assignment to a case made in overblik (distribution, F7): one
    /// row of the imported table `assignments`, stored as an import would. The caller checks
    /// it first (`workload::distribute::check_assignment`) and writes its audit entry in the
    /// same transaction. A later delivery of `assignments` from the case system replaces it,
    /// as it replaces every assignment: the case system stays the record.
    pub fn record_assignment(&mut self, row: &Row) -> Result<(), StoreError> {
        let spec = &overblik_domain::tables::ASSIGNMENTS;
        check_row(spec, row)?;
        self.insert_rows(spec, std::slice::from_ref(row), "recording an assignment")
    }

    /// Saves a caseload review and its lines if the stored review's `version` is still
    /// `expected` (`None`: the review is new and must not exist). Returns `false`, and changes
    /// nothing, when someone saved it in between: concurrent edits are detected, not silently
    /// overwritten. The review row carries the new version. Call it inside
    /// [`Store::transaction`] with the audit entry; on PostgreSQL the version row is locked.
    pub fn save_review(
        &mut self,
        review_id: &str,
        expected: Option<i64>,
        review: &Row,
        lines: &[Row],
    ) -> Result<bool, StoreError> {
        let stored = self.connection.query(
            "reading a review's version",
            [
                "SELECT version FROM reviews WHERE review_id = ?1",
                "SELECT version FROM reviews WHERE review_id = $1 FOR UPDATE",
            ],
            &[Param::Text(Some(review_id))],
            |row| crate::query::required(row.int(0)?, "reviews", "version"),
        )?;
        if stored.first().copied() != expected {
            return Ok(false);
        }
        use overblik_domain::tables::{REVIEW_LINES, REVIEWS};
        self.replace_entered_rows(
            &REVIEWS,
            Some(("review_id", review_id)),
            std::slice::from_ref(review),
        )?;
        self.replace_entered_rows(&REVIEW_LINES, Some(("review_id", review_id)), lines)?;
        Ok(true)
    }

    fn insert_rows(
        &mut self,
        spec: &'static TableSpec,
        rows: &[Row],
        context: &str,
    ) -> Result<(), StoreError> {
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
