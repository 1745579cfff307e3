//! Pass 1: read every row of every table, report every problem, keep only the key index.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use overblik_domain::{Row, TableSpec, Value};

use crate::cross_row::{CrossRowRule, rules_for};
use crate::index::{KeyIndex, Resolution, describe_key, row_key};
use crate::issue::{Issue, IssueSeverity, NO_COLUMN, shown};
use crate::scan::{Scanned, scan_table};
use crate::walk::{Entry, file_label, walk};
use crate::{KnownKeys, Source};

/// The outcome of pass 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// Every problem found: per table in [`overblik_domain::TABLES`] order and by row, then
    /// problems with the source as a whole (stray files or sheets).
    pub issues: Vec<Issue>,
    /// The tables present in the source, in [`overblik_domain::TABLES`] order.
    pub tables: Vec<&'static TableSpec>,
    /// The number of data rows of each present table.
    pub rows: Vec<(&'static str, u64)>,
}

impl Validation {
    /// Whether the source must not be loaded.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The issues that stop the import.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|issue| issue.is_error())
    }

    /// The issues that are reported but do not stop the import.
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|issue| issue.severity == IssueSeverity::Warning)
    }

    /// The number of data rows of `table`, if it is present.
    pub fn row_count(&self, table: &str) -> Option<u64> {
        self.rows
            .iter()
            .find(|(name, _)| *name == table)
            .map(|(_, rows)| *rows)
    }
}

/// Pass 1: reads every row of every table and reports all problems, not only the first. Only
/// the validation index (keys per table, assignment intervals per case) is kept in memory,
/// never the rows. `known` answers references to rows already in the store; `today` is the
/// import date for the plausibility checks.
pub fn validate(source: &Source, known: &dyn KnownKeys, today: NaiveDate) -> Validation {
    let mut validation = Validation {
        issues: Vec::new(),
        tables: Vec::new(),
        rows: Vec::new(),
    };
    let mut index = KeyIndex::default();
    let (missing_code, missing_text, stray_code, stray_text) = match source {
        Source::CsvFolder(_) => (
            "missing_file",
            "den påkrævede fil",
            "unknown_file",
            "ikke en fil i formatet; ignoreret",
        ),
        Source::Xlsx(_) => (
            "missing_sheet",
            "det påkrævede ark",
            "unknown_sheet",
            "ikke et ark i formatet; ignoreret",
        ),
    };
    walk(source, &mut |entry| match entry {
        Entry::Table {
            spec,
            file,
            records,
        } => {
            let mut table = TableCheck::new(spec, &file, known);
            let summary = scan_table(spec, &file, records, today, &mut |scanned| {
                table.take(&mut index, scanned);
                ControlFlow::Continue(())
            });
            if !summary.complete {
                index.mark_incomplete(spec.name);
            }
            validation.issues.extend(table.finish(&index));
            validation.tables.push(spec);
            validation.rows.push((spec.name, summary.rows));
        }
        Entry::Unreadable {
            spec,
            file,
            problem,
        } => {
            index.mark_incomplete(spec.name);
            validation.issues.push(problem.into_issue(&file));
            validation.tables.push(spec);
            validation.rows.push((spec.name, 0));
        }
        Entry::Absent { spec, file } => {
            if spec.required_file {
                validation.issues.push(Issue::error(
                    &file,
                    1,
                    NO_COLUMN,
                    missing_code,
                    format!("{missing_text} `{file}` mangler"),
                ));
            }
        }
        Entry::Stray { name } => {
            let mut message = stray_text.to_owned();
            // `Cases.csv` is a near miss worth naming: the format's names are lowercase.
            if let Some(expected) = overblik_domain::TABLES
                .iter()
                .map(|spec| file_label(source, spec))
                .find(|expected| expected.eq_ignore_ascii_case(&name))
            {
                message.push_str(&format!(
                    " (navne skrives med små bogstaver: mente du `{expected}`?)"
                ));
            }
            validation.issues.push(Issue::warning(
                shown(&name),
                1,
                NO_COLUMN,
                stray_code,
                message,
            ));
        }
        Entry::Broken { problem } => {
            // The path the user gave, repeated as given (the CLI prints it anyway).
            validation
                .issues
                .push(problem.into_issue(&source.display_name()));
        }
    });
    validation
}

/// The cross-row checks of one table while it is scanned.
struct TableCheck<'a> {
    spec: &'static TableSpec,
    file: &'a str,
    known: &'a dyn KnownKeys,
    issues: Vec<Issue>,
    /// References of the table to itself (a unit's parent unit), checked once all its keys are
    /// known: a parent may come after its children in the file.
    own_references: Vec<(u64, &'static str, String)>,
    cross_row: Vec<Box<dyn CrossRowRule>>,
}

impl<'a> TableCheck<'a> {
    fn new(spec: &'static TableSpec, file: &'a str, known: &'a dyn KnownKeys) -> Self {
        Self {
            spec,
            file,
            known,
            issues: Vec::new(),
            own_references: Vec::new(),
            cross_row: rules_for(spec),
        }
    }

    fn take(&mut self, index: &mut KeyIndex, scanned: Scanned) {
        match scanned {
            Scanned::Issue(issue) => self.issues.push(issue),
            Scanned::Row { line, row } => self.check_row(index, line, &row),
        }
    }

    fn check_row(&mut self, index: &mut KeyIndex, line: u64, row: &Row) {
        self.check_key(index, line, row);
        self.check_references(index, line, row);
        for rule in &mut self.cross_row {
            rule.add(line, row);
        }
    }

    fn check_key(&mut self, index: &mut KeyIndex, line: u64, row: &Row) {
        let spec = self.spec;
        let Some(key) = row_key(spec, row) else {
            // A row whose key could not be read (reported already): a reference meant for it
            // cannot be told from a wrong one, so references into this table are not checked.
            index.mark_incomplete(spec.name);
            return;
        };
        if let Some(first) = index.insert(spec.name, key, line) {
            let column = match spec.key {
                [single] => single,
                _ => NO_COLUMN,
            };
            let message = match describe_key(spec, row) {
                Some(key) => format!("{key} findes allerede på linje {first}"),
                None => format!("samme nøgle findes allerede på linje {first}"),
            };
            self.issues.push(Issue::error(
                self.file,
                line,
                column,
                "duplicate_key",
                message,
            ));
        }
    }

    fn check_references(&mut self, index: &KeyIndex, line: u64, row: &Row) {
        let spec = self.spec;
        for (column, value) in spec.columns.iter().zip(&row.0) {
            let (Some(target), Value::Text(key)) = (column.references, value) else {
                continue;
            };
            if target == spec.name {
                self.own_references.push((line, column.name, key.clone()));
            } else {
                self.check_reference(index, line, column.name, target, key);
            }
        }
    }

    fn check_reference(
        &mut self,
        index: &KeyIndex,
        line: u64,
        column: &str,
        target: &'static str,
        key: &str,
    ) {
        if index.resolve(target, key, self.known) == Resolution::Unresolved {
            // Reference columns are ids, which the cell parser keeps free of CPR numbers.
            self.issues.push(Issue::error(
                self.file,
                line,
                column,
                "unresolved_reference",
                format!("`{key}` findes ikke i {target}"),
            ));
        }
    }

    /// The table's issues by row, after the checks that needed the whole table.
    fn finish(mut self, index: &KeyIndex) -> Vec<Issue> {
        for (line, column, key) in std::mem::take(&mut self.own_references) {
            self.check_reference(index, line, column, self.spec.name, &key);
        }
        for rule in std::mem::take(&mut self.cross_row) {
            self.issues.extend(rule.finish(self.file));
        }
        // Stable: within a row, the order of discovery (cells left to right, then cross-row).
        self.issues.sort_by_key(|issue| issue.row);
        self.issues
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoKnownKeys;

    const REQUIRED: [(&str, &str); 4] = [
        (
            "org_units.csv",
            "unit_id,parent_id,name,kind\nT1,C1,Team 1,team\nC1,,Center,center\n",
        ),
        ("staff.csv", "staff_id,name,unit_id,role\n"),
        ("persons.csv", "person_id,birth_date\n"),
        ("cases.csv", "case_id,person_id,area,opened_at\n"),
    ];

    /// Validates a folder made of the required files, with `files` added or replaced.
    fn lines(files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in REQUIRED.iter().chain(files) {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let source = Source::open(dir.path()).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        validate(&source, &NoKnownKeys, today)
            .issues
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_parent_unit_further_down_the_file_resolves_and_a_missing_one_does_not() {
        assert!(lines(&[]).is_empty());
        let units = "unit_id,parent_id,name,kind\nT1,C1,Team 1,team\nT2,X9,Team 2,team\nC1,,Center,center\n";
        assert_eq!(
            lines(&[("org_units.csv", units)]),
            ["org_units.csv:3:parent_id: unresolved_reference: `X9` findes ikke i org_units"]
        );
    }

    #[test]
    fn a_row_whose_key_cannot_be_read_stops_reference_checks_into_its_table() {
        let persons = "person_id,birth_date\nP1,2010-01-01\n,2011-01-01\n";
        let cases = "case_id,person_id,area,opened_at\nC1,P2,children,2025-01-01\n";
        assert_eq!(
            lines(&[("persons.csv", persons), ("cases.csv", cases)]),
            ["persons.csv:3:person_id: missing_value: en værdi er påkrævet"]
        );
    }

    #[test]
    fn a_duplicate_composite_key_names_its_parts() {
        let budgets = "year,unit_id,account,amount\n2025,C1,5.28.21,100\n2025,C1,5.28.21,200\n";
        assert_eq!(
            lines(&[("budgets.csv", budgets)]),
            [
                "budgets.csv:3:-: duplicate_key: year `2025`, unit_id `C1`, account `5.28.21`, measure_type tom findes allerede på linje 2"
            ]
        );
    }

    #[test]
    fn a_file_named_with_capitals_gets_a_hint() {
        assert_eq!(
            lines(&[("Measures.csv", "measure_id\n")]),
            [
                "Measures.csv:1:-: unknown_file: ikke en fil i formatet; ignoreret (navne skrives med små bogstaver: mente du `measures.csv`?)"
            ]
        );
    }

    #[test]
    fn an_unreadable_folder_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        std::fs::create_dir(&gone).unwrap();
        let source = Source::open(&gone).unwrap();
        std::fs::remove_dir(&gone).unwrap();
        let validation = validate(&source, &NoKnownKeys, NaiveDate::MIN);
        assert_eq!(validation.issues.len(), 1);
        assert_eq!(validation.issues[0].code, "unreadable_source");
        assert!(validation.tables.is_empty());
    }
}
