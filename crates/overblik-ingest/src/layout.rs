//! The header row of a table: which field holds which column of the spec.
//!
//! Column order is free in the format, so the header is mapped to spec positions once and every
//! record is then read by position.

use overblik_domain::{ColumnKind, TableSpec};

use crate::issue::{Issue, NO_COLUMN, quotable};
use crate::raw::RawRecord;

/// Where the columns of a spec are in the records of one file.
#[derive(Debug)]
pub(crate) struct Layout {
    /// For each column of the spec, the index of its field, if the header has it.
    pub positions: Vec<Option<usize>>,
    /// The number of header fields.
    pub width: usize,
}

impl Layout {
    /// Whether every key column is in the header (without them no row can be identified).
    pub fn has_key(&self, spec: &TableSpec) -> bool {
        spec.key_indices()
            .all(|index| self.positions[index].is_some())
    }
}

/// Maps `header` to the columns of `spec`, reporting unknown, duplicate and missing columns.
/// `None` when the row has none of the spec's columns: then it is data, not a header, and
/// reading on would report every cell as an unknown column (quoting data in messages).
pub(crate) fn map_header(
    spec: &'static TableSpec,
    file: &str,
    header: &RawRecord,
    issues: &mut Vec<Issue>,
) -> Option<Layout> {
    let line = header.line;
    let names: Vec<String> = header
        .cells
        .iter()
        .map(|cell| {
            cell.to_text(ColumnKind::Text)
                .map(|text| text.trim().to_owned())
                .unwrap_or_default()
        })
        .collect();
    let mut positions = vec![None; spec.columns.len()];
    let mut unknown = Vec::new();
    let mut duplicates = Vec::new();
    for (field, name) in names.iter().enumerate() {
        // An unnamed field is what spreadsheets leave after the last column; it holds nothing.
        if name.is_empty() {
            continue;
        }
        match spec
            .columns
            .iter()
            .position(|column| column.name.eq_ignore_ascii_case(name))
        {
            Some(index) => match positions[index] {
                Some(first) => duplicates.push((index, first, field)),
                None => positions[index] = Some(field),
            },
            None => unknown.push((field, name)),
        }
    }
    if positions.iter().all(Option::is_none) {
        issues.push(Issue::error(
            file,
            line,
            NO_COLUMN,
            "missing_header",
            format!(
                "første række har ingen af kolonnerne i `{}`; overskriftsrækken mangler eller er stavet forkert",
                spec.name
            ),
        ));
        return None;
    }
    for (field, name) in unknown {
        issues.push(if quotable(name) {
            Issue::warning(
                file,
                line,
                name,
                "unknown_column",
                format!(
                    "kolonnen `{name}` hører ikke til `{}`; ignoreret",
                    spec.name
                ),
            )
        } else {
            Issue::warning(
                file,
                line,
                NO_COLUMN,
                "unknown_column",
                format!(
                    "kolonne {} hører ikke til `{}` (navnet vises ikke); ignoreret",
                    field + 1,
                    spec.name
                ),
            )
        });
    }
    for (index, first, field) in duplicates {
        let name = spec.columns[index].name;
        issues.push(Issue::error(
            file,
            line,
            name,
            "duplicate_column",
            format!(
                "kolonnen `{name}` forekommer mere end én gang (felt {} og {})",
                first + 1,
                field + 1
            ),
        ));
    }
    for (column, position) in spec.columns.iter().zip(&positions) {
        if column.required && position.is_none() {
            issues.push(Issue::error(
                file,
                line,
                column.name,
                "missing_column",
                format!("den påkrævede kolonne `{}` mangler", column.name),
            ));
        }
    }
    Some(Layout {
        positions,
        width: names.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::RawCell;
    use overblik_domain::tables::CASES;

    fn header(names: &[&str]) -> RawRecord {
        RawRecord {
            line: 1,
            cells: names.iter().map(|n| RawCell::Text((*n).into())).collect(),
        }
    }

    fn lines(issues: &[Issue]) -> Vec<String> {
        issues.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn columns_are_found_in_any_order_and_case() {
        let mut issues = Vec::new();
        let layout = map_header(
            &CASES,
            "cases.csv",
            &header(&["Opened_At", "area", "person_id", "case_id", ""]),
            &mut issues,
        )
        .unwrap();
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(layout.positions[0], Some(3));
        assert_eq!(layout.positions[3], Some(0));
        assert_eq!(layout.positions[4], None);
        assert_eq!(layout.width, 5);
    }

    #[test]
    fn unknown_duplicate_and_missing_columns_are_reported() {
        let mut issues = Vec::new();
        map_header(
            &CASES,
            "cases.csv",
            &header(&[
                "case_id",
                "person_id",
                "case_id",
                "colour",
                "0101901234",
                "area",
            ]),
            &mut issues,
        );
        assert_eq!(
            lines(&issues),
            [
                "cases.csv:1:colour: unknown_column: kolonnen `colour` hører ikke til `cases`; ignoreret",
                "cases.csv:1:-: unknown_column: kolonne 5 hører ikke til `cases` (navnet vises ikke); ignoreret",
                "cases.csv:1:case_id: duplicate_column: kolonnen `case_id` forekommer mere end én gang (felt 1 og 3)",
                "cases.csv:1:opened_at: missing_column: den påkrævede kolonne `opened_at` mangler",
            ]
        );
    }

    #[test]
    fn a_data_row_in_place_of_the_header_is_not_quoted() {
        let mut issues = Vec::new();
        let layout = map_header(
            &CASES,
            "cases.csv",
            &header(&["C1", "P1", "children", "2025-01-01"]),
            &mut issues,
        );
        assert!(layout.is_none());
        assert_eq!(
            lines(&issues),
            [
                "cases.csv:1:-: missing_header: første række har ingen af kolonnerne i `cases`; overskriftsrækken mangler eller er stavet forkert"
            ]
        );
    }
}
