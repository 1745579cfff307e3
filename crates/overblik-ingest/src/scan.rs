//! Turns the records of one table into rows of values, with every problem a single row can have.
//!
//! Both passes scan through here, so a row that validated is built the same way when it is
//! loaded. Problems that need other rows (duplicates, references, overlaps) are left to the
//! validator.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use overblik_domain::checks::check_row;
use overblik_domain::{Row, TableSpec, Value, parse_cell};

use crate::issue::{Issue, NO_COLUMN};
use crate::layout::{Layout, map_header};
use crate::raw::{RawRecord, RecordReader};

/// What scanning a table produces, in file order.
pub(crate) enum Scanned {
    Issue(Issue),
    /// A data row; its own problems were sent as issues just before it.
    Row {
        line: u64,
        row: Row,
    },
}

/// How far a table could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScanSummary {
    /// Data rows read (blank rows are not counted).
    pub rows: u64,
    /// Whether every row was read and identified: a header with the key columns, no read problem.
    pub complete: bool,
}

/// Scans a whole table, or until `emit` breaks. `today` is the import date for the
/// plausibility checks.
pub(crate) fn scan_table(
    spec: &'static TableSpec,
    file: &str,
    records: &mut dyn RecordReader,
    today: NaiveDate,
    emit: &mut dyn FnMut(Scanned) -> ControlFlow<()>,
) -> ScanSummary {
    let mut summary = ScanSummary {
        rows: 0,
        complete: false,
    };
    let mut issues = Vec::new();
    let layout = match records.next_record() {
        None => {
            let message = "tabellen er tom; overskriftsrækken mangler".to_owned();
            let _ = emit(Scanned::Issue(Issue::error(
                file,
                1,
                NO_COLUMN,
                "missing_header",
                message,
            )));
            return summary;
        }
        Some(Err(problem)) => {
            let _ = emit(Scanned::Issue(problem.into_issue(file)));
            return summary;
        }
        Some(Ok(header)) => {
            let layout = map_header(spec, file, &header, &mut issues);
            if emit_all(&mut issues, emit).is_break() {
                return summary;
            }
            match layout {
                Some(layout) => layout,
                None => return summary,
            }
        }
    };
    summary.complete = layout.has_key(spec);
    let fixed_width = records.fixed_width();
    while let Some(next) = records.next_record() {
        let record = match next {
            Ok(record) => record,
            Err(problem) => {
                let _ = emit(Scanned::Issue(problem.into_issue(file)));
                summary.complete = false;
                break;
            }
        };
        summary.rows += 1;
        if fixed_width && record.cells.len() != layout.width {
            // The fields cannot be matched to columns; guessing would misread every cell.
            let flow = emit(Scanned::Issue(Issue::error(
                file,
                record.line,
                NO_COLUMN,
                "wrong_field_count",
                format!(
                    "rækken har {} felter, men overskriften har {}",
                    record.cells.len(),
                    layout.width
                ),
            )));
            // The row's key is unknown, so references to it cannot be checked either.
            summary.complete = false;
            if flow.is_break() {
                break;
            }
            continue;
        }
        let row = build_row(spec, file, &layout, &record, today, &mut issues);
        let mut flow = emit_all(&mut issues, emit);
        if flow.is_continue() {
            flow = emit(Scanned::Row {
                line: record.line,
                row,
            });
        }
        if flow.is_break() {
            summary.complete = false;
            break;
        }
    }
    summary
}

fn emit_all(
    issues: &mut Vec<Issue>,
    emit: &mut dyn FnMut(Scanned) -> ControlFlow<()>,
) -> ControlFlow<()> {
    for issue in issues.drain(..) {
        emit(Scanned::Issue(issue))?;
    }
    ControlFlow::Continue(())
}

/// Parses the cells of one record and runs the domain's row checks on the result.
fn build_row(
    spec: &'static TableSpec,
    file: &str,
    layout: &Layout,
    record: &RawRecord,
    today: NaiveDate,
    issues: &mut Vec<Issue>,
) -> Row {
    let line = record.line;
    let mut values = Vec::with_capacity(spec.columns.len());
    for (column, position) in spec.columns.iter().zip(&layout.positions) {
        let Some(position) = *position else {
            // A missing column was reported once, at the header; every row is NULL there.
            values.push(Value::Null);
            continue;
        };
        let cell = record.cells.get(position);
        let parsed = cell
            .map_or(Ok("".into()), |cell| cell.to_text(column.kind))
            .and_then(|text| parse_cell(column.kind, &text));
        let value = match parsed {
            Ok(parsed) => {
                if let Some(warning) = parsed.warning {
                    issues.push(Issue::warning(
                        file,
                        line,
                        column.name,
                        warning.code,
                        warning.message,
                    ));
                }
                parsed.value
            }
            Err(error) => {
                issues.push(Issue::error(
                    file,
                    line,
                    column.name,
                    error.code,
                    error.message,
                ));
                values.push(Value::Null);
                continue;
            }
        };
        if value.is_null() && column.required {
            issues.push(Issue::error(
                file,
                line,
                column.name,
                "missing_value",
                "en værdi er påkrævet",
            ));
        }
        values.push(value);
    }
    let row = Row(values);
    for finding in check_row(spec, &row, today) {
        issues.push(Issue::new(
            finding.severity,
            file,
            line,
            finding.column,
            finding.code,
            finding.message,
        ));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_read::CsvRecords;
    use overblik_domain::tables::CASES;

    fn scan(input: &str) -> (Vec<String>, Vec<(u64, Row)>, ScanSummary) {
        let mut issues = Vec::new();
        let mut rows = Vec::new();
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let summary = scan_table(
            &CASES,
            "cases.csv",
            &mut CsvRecords::new(input.as_bytes()).unwrap(),
            today,
            &mut |scanned| {
                match scanned {
                    Scanned::Issue(issue) => issues.push(issue.to_string()),
                    Scanned::Row { line, row } => rows.push((line, row)),
                }
                ControlFlow::Continue(())
            },
        );
        (issues, rows, summary)
    }

    #[test]
    fn every_problem_of_every_row_is_reported() {
        let (issues, rows, summary) = scan(
            "case_id,person_id,area,opened_at,closed_at\n\
             C1,P1,children,2025-01-01,\n\
             C2,P1,elderly,2025-13-01,\n\
             C3,,children,2025-02-01,2025-01-01\n\
             C4,P1\n",
        );
        assert_eq!(
            issues,
            [
                "cases.csv:3:area: bad_code: `elderly` er ikke en af: children, adults",
                "cases.csv:3:opened_at: bad_date: `2025-13-01` er ikke en dato (ÅÅÅÅ-MM-DD)",
                "cases.csv:4:person_id: missing_value: en værdi er påkrævet",
                "cases.csv:4:closed_at: before_start: `2025-01-01` ligger før opened_at `2025-02-01`",
                "cases.csv:5:-: wrong_field_count: rækken har 2 felter, men overskriften har 5",
            ]
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].1.0.len(), CASES.columns.len());
        assert_eq!(
            summary,
            ScanSummary {
                rows: 4,
                complete: false
            }
        );
    }

    #[test]
    fn an_empty_file_has_no_header() {
        let (issues, rows, summary) = scan("");
        assert_eq!(
            issues,
            ["cases.csv:1:-: missing_header: tabellen er tom; overskriftsrækken mangler"]
        );
        assert!(rows.is_empty());
        assert!(!summary.complete);
    }

    #[test]
    fn a_header_only_file_is_complete_and_empty() {
        let (issues, rows, summary) = scan("case_id,person_id,area,opened_at\n");
        assert!(issues.is_empty() && rows.is_empty());
        assert!(summary.complete);
    }
}
