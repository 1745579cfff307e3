//! One problem found in a source, located by file, line and column.
//!
//! Messages are shown to municipal IT staff and end up in logs, so nothing built here may repeat
//! a CPR number or a person's name: values are quoted only from columns that cannot hold either,
//! and names taken from the source itself (file, sheet and column names) only when
//! [`quotable`] says they cannot be one.

use std::fmt;

use overblik_domain::Cpr;

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

    /// Whether the issue stops the import.
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
/// message. A file may be named after a person's CPR number, and a header-less file turns its
/// first data row into "column names", so anything that contains a valid CPR number (with or
/// without its dash), a control character, or is too long to be a plain name is withheld.
/// Dates in names (`export-20251122.csv`) are not CPR numbers and stay visible.
pub(crate) fn quotable(text: &str) -> bool {
    if text.chars().count() > 64 || text.chars().any(char::is_control) {
        return false;
    }
    let bytes = text.as_bytes();
    let contains_cpr = |width: usize| {
        bytes.windows(width).any(|window| {
            // Windows that split a multi-byte character are not text, and not digits either.
            std::str::from_utf8(window).is_ok_and(|candidate| Cpr::parse(candidate).is_some())
        })
    };
    !contains_cpr(10) && !contains_cpr(11)
}

/// `text` when it is [`quotable`], otherwise a placeholder that says why it is missing.
pub(crate) fn shown(text: &str) -> &str {
    if quotable(text) { text } else { "<vises ikke>" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_displays_as_file_row_column_code_message() {
        let issue = Issue::error(
            "cases.csv",
            5,
            "opened_at",
            "bad_date",
            "`x` er ikke en dato",
        );
        assert_eq!(
            issue.to_string(),
            "cases.csv:5:opened_at: bad_date: `x` er ikke en dato"
        );
    }

    #[test]
    fn names_that_could_hold_a_cpr_number_are_not_quoted() {
        assert!(quotable("case_id"));
        assert!(quotable("budget 2025"));
        assert!(quotable("export-20251122.csv"));
        assert!(quotable("2025112212.csv"));
        assert!(!quotable("0101901234.csv"));
        assert!(!quotable("borger 010190-1234"));
        assert!(!quotable("x01019012345"));
        assert!(!quotable(&"x".repeat(65)));
        assert!(!quotable("a\tb"));
        assert_eq!(shown("0101901234"), "<vises ikke>");
    }
}
