//! Checks within one row that the cell parser cannot make: dates in the wrong order, values in
//! the future, codes that do not fit the row. Cross-row checks (duplicates, references,
//! overlapping assignments) belong to the importer, which sees all rows.

use chrono::NaiveDate;

use crate::{Row, TableSpec, Value};

/// Whether a finding stops an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found in one row, located by column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFinding {
    pub column: &'static str,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

/// `later` must not be before `earlier` in `table`.
struct OrderRule {
    table: &'static str,
    earlier: &'static str,
    later: &'static str,
    severity: Severity,
}

const fn order(
    table: &'static str,
    earlier: &'static str,
    later: &'static str,
    severity: Severity,
) -> OrderRule {
    OrderRule {
        table,
        earlier,
        later,
        severity,
    }
}

/// An interval whose end lies before its start makes every "active on day d" question wrong, so
/// it is an error; an event recorded before its trigger is only unlikely (a typing slip in the
/// source system), so it is a warning, as the format says.
const ORDER_RULES: &[OrderRule] = &[
    order("org_units", "valid_from", "valid_to", Severity::Error),
    order("staff", "start_date", "end_date", Severity::Error),
    order("absences", "from_date", "to_date", Severity::Error),
    order("cases", "opened_at", "closed_at", Severity::Error),
    order("assignments", "from_date", "to_date", Severity::Error),
    order("measures", "start_date", "end_date", Severity::Error),
    order("goals", "set_at", "closed_at", Severity::Error),
    order("waiting_list", "listed_at", "left_at", Severity::Error),
    order(
        "notifications",
        "received_at",
        "assessed_at",
        Severity::Warning,
    ),
    order(
        "notifications",
        "received_at",
        "receipt_sent_at",
        Severity::Warning,
    ),
    order(
        "notifications",
        "received_at",
        "outcome_at",
        Severity::Warning,
    ),
    order(
        "notifications",
        "received_at",
        "feedback_sent_at",
        Severity::Warning,
    ),
    order(
        "investigations",
        "aware_at",
        "decided_at",
        Severity::Warning,
    ),
    order(
        "investigations",
        "aware_at",
        "preliminary_assessment_at",
        Severity::Warning,
    ),
    order(
        "investigations",
        "aware_at",
        "completed_at",
        Severity::Warning,
    ),
    order(
        "measures",
        "start_date",
        "planned_end_date",
        Severity::Warning,
    ),
    order(
        "applications",
        "received_at",
        "notice_sent_at",
        Severity::Warning,
    ),
    order(
        "applications",
        "received_at",
        "decided_at",
        Severity::Warning,
    ),
    order(
        "complaints",
        "received_at",
        "personal_contact_at",
        Severity::Warning,
    ),
    order(
        "complaints",
        "received_at",
        "resolved_at",
        Severity::Warning,
    ),
];

/// Columns that describe something that has happened, so a date after `today` is unlikely.
const PAST_COLUMNS: &[(&str, &str)] = &[
    ("persons", "birth_date"),
    ("cases", "opened_at"),
    ("notifications", "received_at"),
    ("investigations", "aware_at"),
];

/// Comparable form of a date or timestamp cell (timestamps by their Copenhagen calendar day
/// would lose the hour, so instants are compared as instants).
fn sort_key(value: &Value) -> Option<(NaiveDate, i64)> {
    match value {
        Value::Date(date) => Some((*date, 0)),
        Value::Timestamp(instant) => Some((instant.date_naive(), instant.timestamp_micros())),
        _ => None,
    }
}

fn is_before(later: &Value, earlier: &Value) -> bool {
    match (later, earlier) {
        (Value::Timestamp(a), Value::Timestamp(b)) => a < b,
        _ => matches!((sort_key(later), sort_key(earlier)), (Some((a, _)), Some((b, _))) if a < b),
    }
}

/// All findings for one row of `spec`, given the date of the import.
pub fn check_row(spec: &TableSpec, row: &Row, today: NaiveDate) -> Vec<RowFinding> {
    let mut findings = Vec::new();
    let value = |name: &str| spec.column_index(name).map(|index| row.get(index));
    for rule in ORDER_RULES.iter().filter(|rule| rule.table == spec.name) {
        if let (Some(earlier), Some(later)) = (value(rule.earlier), value(rule.later))
            && is_before(later, earlier)
        {
            findings.push(RowFinding {
                column: rule.later,
                severity: rule.severity,
                code: "before_start",
                message: format!(
                    "`{}` ligger før {} `{}`",
                    crate::format_cell(later),
                    rule.earlier,
                    crate::format_cell(earlier)
                ),
            });
        }
    }
    for (_, column) in PAST_COLUMNS.iter().filter(|(table, _)| *table == spec.name) {
        if let Some(cell) = value(column)
            && let Some((day, _)) = sort_key(cell)
            && day > today
        {
            findings.push(RowFinding {
                column,
                severity: Severity::Warning,
                code: "in_future",
                message: format!(
                    "`{}` ligger efter i dag ({today})",
                    crate::format_cell(cell)
                ),
            });
        }
    }
    if spec.name == "org_units"
        && value("kind").and_then(Value::as_text) != Some("team")
        && value("team_type").is_some_and(|cell| !cell.is_null())
    {
        findings.push(RowFinding {
            column: "team_type",
            severity: Severity::Warning,
            code: "team_type_not_team",
            message: "team_type gælder kun for enheder af typen `team`; ignoreret".into(),
        });
    }
    if spec.name == "indicators"
        && let Some(figure) = value("figure")
            .and_then(Value::as_text)
            .and_then(crate::codes::IndicatorFigure::from_code)
        && let Some(Value::Decimal(target)) = value("target")
        && let Some(message) = crate::policy::check_target(figure, *target)
    {
        findings.push(RowFinding {
            column: "target",
            severity: Severity::Error,
            code: "target_out_of_range",
            message,
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Row;
    use crate::tables::{CASES, NOTIFICATIONS, PERSONS};

    fn row(spec: &TableSpec, cells: &[&str]) -> Row {
        spec.parse_row(cells).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    #[test]
    fn an_indicator_target_outside_its_figure_s_range_is_an_error() {
        use crate::tables::INDICATORS;
        let indicator = |figure: &str, target: &str| {
            check_row(
                &INDICATORS,
                &row(
                    &INDICATORS,
                    &["I1", "G1", figure, "", target, "higher", "monthly", ""],
                ),
                today(),
            )
        };
        let findings = indicator("KF06", "120");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].column, "target");
        assert_eq!(
            findings[0].message,
            "120 ligger uden for området for KF06 (%): 0-100"
        );
        assert!(indicator("KF06", "95").is_empty());
        assert!(
            indicator("KF08", "1200").is_empty(),
            "a count has no ceiling"
        );
        assert_eq!(indicator("KF08", "-1")[0].column, "target");
    }

    #[test]
    fn a_case_closed_before_it_opened_is_an_error() {
        let findings = check_row(
            &CASES,
            &row(
                &CASES,
                &["C1", "P1", "children", "2025-02-01", "2025-01-31", "", ""],
            ),
            today(),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].column, "closed_at");
        assert_eq!(
            findings[0].message,
            "`2025-01-31` ligger før opened_at `2025-02-01`"
        );
    }

    #[test]
    fn closing_on_the_opening_day_is_fine() {
        let findings = check_row(
            &CASES,
            &row(
                &CASES,
                &["C1", "P1", "children", "2025-02-01", "2025-02-01", "", ""],
            ),
            today(),
        );
        assert!(findings.is_empty());
    }

    #[test]
    fn assessing_before_receiving_is_a_warning_to_the_second() {
        let cells = [
            "N1",
            "P1",
            "",
            "2025-03-01T10:00:00+01:00",
            "school",
            "true",
            "concern",
            "2025-03-01T09:59:59+01:00",
            "",
            "",
            "",
            "",
        ];
        let findings = check_row(&NOTIFICATIONS, &row(&NOTIFICATIONS, &cells), today());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].severity, findings[0].column),
            (Severity::Warning, "assessed_at")
        );
    }

    #[test]
    fn a_birth_date_after_today_is_a_warning() {
        let findings = check_row(
            &PERSONS,
            &row(&PERSONS, &["P1", "", "2025-06-02", "F", ""]),
            today(),
        );
        assert_eq!(findings[0].code, "in_future");
        assert!(
            check_row(
                &PERSONS,
                &row(&PERSONS, &["P1", "", "2025-06-01", "F", ""]),
                today()
            )
            .is_empty()
        );
    }
}
