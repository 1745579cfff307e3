//! One problem found in a source, located by file, line and column.
//!
//! Messages are shown to municipal IT staff and end up in logs, so nothing built here may repeat
//! a CPR number or a person's name: values are quoted only from columns that cannot hold either,
//! and names taken from the source itself (file, sheet and column names) only when
//! [`quotable`] says they cannot be one.

use std::fmt;

pub use overblik_domain::checks::Severity as IssueSeverity;

/// A problem in the source: an error stops the import, a warning is reported and imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: IssueSeverity,
    /// The CSV file name (`cases.csv`) or, in a workbook, the sheet name (`cases`).
    pub file: String,
    /// The line in the CSV file or the row of the sheet; 1 is the header.
    pub row: u64,
    /// The column name, or `-` when the problem is not about one column.
    pub column: String,
    /// A stable, machine-readable code such as `bad_date`.
    pub code: &'static str,
    pub message: String,
}

/// The `column` of an issue that is not about one column.
pub const NO_COLUMN: &str = "-";

impl Issue {
    pub(crate) fn error(
        file: &str,
        row: u64,
        column: &str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(IssueSeverity::Error, file, row, column, code, message)
    }

    pub(crate) fn warning(
        file: &str,
        row: u64,
        column: &str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(IssueSeverity::Warning, file, row, column, code, message)
    }

    pub(crate) fn new(
        severity: IssueSeverity,
        file: &str,
        row: u64,
        column: &str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            file: file.to_owned(),
            row,
            column: column.to_owned(),
            code,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == IssueSeverity::Error
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.row, self.column, self.code, self.message
        )
    }
}

/// Whether a name taken from the source (a file, sheet or column name) may be repeated in a
/// message. A header-less file turns its first data row into "column names", and a file may be
/// named after a person's CPR number, so anything with a run of six digits (a birth date) or
/// that is too long to be a plain name is withheld.
pub(crate) fn quotable(text: &str) -> bool {
    let mut digit_run = 0;
    for c in text.chars() {
        digit_run = if c.is_ascii_digit() { digit_run + 1 } else { 0 };
        if digit_run >= 6 || c.is_control() {
            return false;
        }
    }
    text.chars().count() <= 64
}

/// `text` when it is [`quotable`], otherwise a placeholder that says why it is missing.
pub(crate) fn shown(text: &str) -> &str {
    if quotable(text) {
        text
    } else {
        "<not shown>"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_displays_as_file_row_column_code_message() {
        let issue = Issue::error("cases.csv", 5, "opened_at", "bad_date", "`x` is not a date");
        assert_eq!(
            issue.to_string(),
            "cases.csv:5:opened_at: bad_date: `x` is not a date"
        );
    }

    #[test]
    fn names_that_could_hold_a_cpr_number_are_not_quoted() {
        assert!(quotable("case_id"));
        assert!(quotable("budget 2025"));
        assert!(!quotable("0101901234.csv"));
        assert!(!quotable("010190-1234"));
        assert!(!quotable(&"x".repeat(65)));
        assert_eq!(shown("120390"), "<not shown>");
    }
}
