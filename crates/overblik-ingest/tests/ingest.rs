//! The importer and exporter against the fixtures in `test_data/`: exact issue lines for every
//! broken data set, clean validation of the valid ones, and import/export round trips.

use std::convert::Infallible;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use overblik_domain::{ColumnKind, Row, TABLES, TableSpec, Value, format_cell};
use overblik_ingest::{
    ExportFormat, ExportSource, ImportTarget, Issue, KnownKeys, LoadError, NoKnownKeys, Source,
    Validation, export, load, validate,
};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(name)
}

/// The import date of every test (the CLI tests use it too): no fixture date lies after it.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn validate_path(path: &Path) -> Validation {
    validate(&Source::open(path).unwrap(), &NoKnownKeys, today())
}

fn issue_lines(name: &str) -> Vec<String> {
    validate_path(&fixture(name))
        .issues
        .iter()
        .map(Issue::to_string)
        .collect()
}

/// Collects what `load` streams, and records the calls so their order can be checked.
#[derive(Debug, Default)]
struct Collected {
    tables: Vec<(&'static str, Vec<Row>)>,
    calls: Vec<String>,
}

impl ImportTarget for Collected {
    type Error = Infallible;
    fn begin_table(&mut self, spec: &'static TableSpec) -> Result<(), Infallible> {
        self.calls.push(format!("begin {}", spec.name));
        self.tables.push((spec.name, Vec::new()));
        Ok(())
    }
    fn write_row(&mut self, spec: &'static TableSpec, row: &Row) -> Result<(), Infallible> {
        let (table, rows) = self.tables.last_mut().expect("begin_table first");
        assert_eq!(*table, spec.name);
        rows.push(row.clone());
        Ok(())
    }
    fn end_table(&mut self, spec: &'static TableSpec) -> Result<(), Infallible> {
        self.calls.push(format!("end {}", spec.name));
        Ok(())
    }
}

impl ExportSource for Collected {
    type Error = Infallible;
    fn for_each_row(
        &mut self,
        spec: &'static TableSpec,
        f: &mut dyn FnMut(Row) -> Result<(), Infallible>,
    ) -> Result<(), Infallible> {
        let rows = self.tables.iter().filter(|(table, _)| *table == spec.name);
        for row in rows.flat_map(|(_, rows)| rows) {
            f(row.clone())?;
        }
        Ok(())
    }
}

/// Validates (asserting no issue at all) and loads every row of `path`.
fn load_clean(path: &Path) -> Collected {
    let source = Source::open(path).unwrap();
    let validation = validate(&source, &NoKnownKeys, today());
    let issues: Vec<String> = validation.issues.iter().map(Issue::to_string).collect();
    assert_eq!(issues, Vec::<String>::new(), "{}", path.display());
    let mut collected = Collected::default();
    load(&source, &validation, &mut collected).unwrap();
    collected
}

// ---------------------------------------------------------------------------------------------
// Valid fixtures

#[test]
fn the_valid_fixtures_validate_without_errors_or_warnings() {
    for name in ["valid", "valid-minimal", "valid.xlsx"] {
        let validation = validate_path(&fixture(name));
        let issues: Vec<String> = validation.issues.iter().map(Issue::to_string).collect();
        assert_eq!(issues, Vec::<String>::new(), "{name}");
        assert!(!validation.has_errors());
    }
}

#[test]
fn the_valid_fixture_has_rows_in_every_table_of_the_format() {
    let validation = validate_path(&fixture("valid"));
    assert_eq!(validation.tables.len(), TABLES.len());
    for (spec, (name, rows)) in TABLES.iter().zip(&validation.rows) {
        assert_eq!(spec.name, *name);
        assert!(*rows > 0, "{name} is empty");
    }
}

#[test]
fn the_minimal_fixture_has_only_the_required_tables() {
    let validation = validate_path(&fixture("valid-minimal"));
    let present: Vec<&str> = validation.tables.iter().map(|spec| spec.name).collect();
    assert_eq!(present, ["org_units", "staff", "persons", "cases"]);
    assert_eq!(validation.row_count("cases"), Some(8));
    assert_eq!(validation.row_count("measures"), None);
}

#[test]
fn the_valid_workbook_holds_the_same_rows_as_the_valid_folder() {
    let folder = load_clean(&fixture("valid"));
    let workbook = load_clean(&fixture("valid.xlsx"));
    assert_eq!(folder.tables.len(), TABLES.len());
    for ((folder_table, folder_rows), (workbook_table, workbook_rows)) in
        folder.tables.iter().zip(&workbook.tables)
    {
        assert_eq!(folder_table, workbook_table);
        assert_eq!(folder_rows.len(), workbook_rows.len(), "{folder_table}");
        for (n, (a, b)) in folder_rows.iter().zip(workbook_rows).enumerate() {
            assert_eq!(a, b, "{folder_table} row {}", n + 2);
        }
    }
}

#[test]
fn loading_streams_every_row_of_every_present_table_in_order() {
    let source = Source::open(&fixture("valid")).unwrap();
    let validation = validate(&source, &NoKnownKeys, today());
    let mut collected = Collected::default();
    load(&source, &validation, &mut collected).unwrap();
    let expected_calls: Vec<String> = TABLES
        .iter()
        .flat_map(|spec| [format!("begin {}", spec.name), format!("end {}", spec.name)])
        .collect();
    assert_eq!(collected.calls, expected_calls);
    let loaded: Vec<(&str, u64)> = collected
        .tables
        .iter()
        .map(|(table, rows)| (*table, rows.len() as u64))
        .collect();
    assert_eq!(loaded, validation.rows);
    let cases = &collected.tables[4];
    assert_eq!(cases.0, "cases");
    assert_eq!(cases.1[0].0[0], Value::Text("C201".into()));
    assert_eq!(cases.1[0].0.len(), 7);
}

#[test]
fn timestamps_on_the_nights_of_the_clock_changes_are_read_as_written() {
    let collected = load_clean(&fixture("valid"));
    let (_, notifications) = collected
        .tables
        .iter()
        .find(|(table, _)| *table == "notifications")
        .unwrap();
    let received: Vec<String> = notifications
        .iter()
        .map(|row| format_cell(row.get(3)))
        .collect();
    assert_eq!(received[0], "2025-03-30T01:30:00+01:00");
    assert_eq!(received[1], "2025-10-26T02:30:00+01:00");
    assert_eq!(received[2], "2025-10-26T02:15:00+02:00");
    assert_eq!(received[4], "2025-03-01T14:05:00+01:00");
    assert_eq!(received[6], "2025-06-16T00:40:00+02:00");
    assert_eq!(received[12], "2025-04-09T13:20:00.500+02:00");
}

#[test]
fn load_refuses_a_validation_with_errors() {
    let source = Source::open(&fixture("broken/bad-date")).unwrap();
    let validation = validate(&source, &NoKnownKeys, today());
    let mut collected = Collected::default();
    let error = load(&source, &validation, &mut collected).unwrap_err();
    assert!(matches!(error, LoadError::NotValid), "{error}");
    assert!(collected.calls.is_empty());
}

#[test]
fn load_fails_when_the_source_changed_after_validation() {
    let dir = tempfile::tempdir().unwrap();
    copy_folder(&fixture("valid-minimal"), dir.path());
    let source = Source::open(dir.path()).unwrap();
    let validation = validate(&source, &NoKnownKeys, today());
    assert!(!validation.has_errors());

    append(
        &dir.path().join("cases.csv"),
        "C299,P101,children,2025-01-01,,,\n",
    );
    let error = load(&source, &validation, &mut Collected::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "kilden er ændret efter valideringen: `cases` havde 8 rækker, nu 9"
    );

    append(
        &dir.path().join("cases.csv"),
        "C298,P101,children,2025-02-30,,,\n",
    );
    let error = load(&source, &validation, &mut Collected::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "kilden er ændret efter valideringen: cases.csv:11:opened_at: bad_date: `2025-02-30` er ikke en dato (ÅÅÅÅ-MM-DD)"
    );

    std::fs::remove_file(dir.path().join("cases.csv")).unwrap();
    let error = load(&source, &validation, &mut Collected::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "kilden er ændret efter valideringen: `cases` findes ikke længere"
    );
}

#[test]
fn references_may_resolve_to_keys_already_in_the_store() {
    struct Stored;
    impl KnownKeys for Stored {
        fn contains(&self, table: &str, key: &str) -> bool {
            (table, key) == ("persons", "P999")
        }
    }
    let source = Source::open(&fixture("broken/unresolved-reference")).unwrap();
    let validation = validate(&source, &Stored, today());
    let issues: Vec<String> = validation.issues.iter().map(Issue::to_string).collect();
    assert_eq!(
        issues,
        ["staff.csv:9:unit_id: unresolved_reference: `T9` findes ikke i org_units"]
    );
}

#[test]
fn a_hand_made_workbook_with_typed_cells_is_read_by_column_kind() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand-made.xlsx");
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("dd-mm-yyyy");
    let date = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    let header = |sheet: &mut rust_xlsxwriter::Worksheet, names: &[&str]| {
        for (column, name) in names.iter().enumerate() {
            sheet.write_string(0, column as u16, *name).unwrap();
        }
    };

    let sheet = workbook.add_worksheet().set_name("org_units").unwrap();
    header(sheet, &["name", "kind", "unit_id"]);
    sheet.write_string(1, 0, "Kommunen").unwrap();
    sheet.write_string(1, 1, "Municipality").unwrap();
    sheet.write_number(1, 2, 1001.0).unwrap();

    let sheet = workbook.add_worksheet().set_name("staff").unwrap();
    header(sheet, &["staff_id", "name", "unit_id", "role", "fte"]);
    sheet.write_number(1, 0, 7.0).unwrap();
    sheet.write_string(1, 1, "Hanne Fiktivsen").unwrap();
    sheet.write_number(1, 2, 1001.0).unwrap();
    sheet.write_string(1, 3, "caseworker").unwrap();
    sheet.write_number(1, 4, 0.8).unwrap();

    let sheet = workbook.add_worksheet().set_name("persons").unwrap();
    header(sheet, &["person_id", "cpr", "birth_date"]);
    sheet.write_string(1, 0, "P102").unwrap();
    sheet.write_number(1, 1, 309154001.0).unwrap();
    sheet
        .write_datetime_with_format(1, 2, date(2015, 9, 3), &date_format)
        .unwrap();

    let sheet = workbook.add_worksheet().set_name("cases").unwrap();
    header(sheet, &["case_id", "person_id", "area", "opened_at"]);
    sheet.write_string(1, 0, "C1").unwrap();
    sheet.write_string(1, 1, "P102").unwrap();
    sheet.write_string(1, 2, "children").unwrap();
    sheet
        .write_datetime_with_format(1, 3, date(2025, 2, 28), &date_format)
        .unwrap();

    let sheet = workbook.add_worksheet().set_name("notifications").unwrap();
    let columns = [
        "notification_id",
        "person_id",
        "received_at",
        "notifier_type",
        "professional",
        "severity",
    ];
    header(sheet, &columns);
    sheet.write_string(1, 0, "N1").unwrap();
    sheet.write_string(1, 1, "P102").unwrap();
    let received = date(2025, 3, 1).and_hms(14, 5, 0).unwrap();
    sheet
        .write_datetime_with_format(
            1,
            2,
            received,
            &Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        )
        .unwrap();
    sheet.write_string(1, 3, "school").unwrap();
    sheet.write_boolean(1, 4, true).unwrap();
    sheet.write_string(1, 5, "concern").unwrap();

    let sheet = workbook.add_worksheet().set_name("payments").unwrap();
    header(sheet, &["payment_id", "account", "month", "amount"]);
    sheet.write_number(1, 0, 42.0).unwrap();
    sheet.write_string(1, 1, "5.28.21").unwrap();
    sheet
        .write_datetime_with_format(
            1,
            2,
            date(2025, 3, 1),
            &Format::new().set_num_format("mmm yyyy"),
        )
        .unwrap();
    sheet.write_number(1, 3, -1250.5).unwrap();
    workbook.save(&path).unwrap();

    let collected = load_clean(&path);
    let text = |table: &str| -> Vec<String> {
        let (_, rows) = collected.tables.iter().find(|(t, _)| *t == table).unwrap();
        rows[0].0.iter().map(format_cell).collect()
    };
    assert_eq!(
        text("org_units")[..4],
        ["1001", "", "Kommunen", "municipality"]
    );
    assert_eq!(
        text("staff")[..5],
        ["7", "Hanne Fiktivsen", "1001", "caseworker", "0.8"]
    );
    assert_eq!(text("persons")[..3], ["P102", "0309154001", "2015-09-03"]);
    assert_eq!(text("cases")[3], "2025-02-28");
    assert_eq!(text("notifications")[3], "2025-03-01T14:05:00+01:00");
    assert_eq!(text("notifications")[5], "true");
    assert_eq!(
        text("payments"),
        ["42", "", "", "5.28.21", "2025-03", "-1250.5"]
    );
}

// ---------------------------------------------------------------------------------------------
// Broken fixtures: the exact lines a user sees

#[test]
fn a_missing_required_column_is_one_error_at_the_header() {
    assert_eq!(
        issue_lines("broken/bad-header"),
        ["cases.csv:1:area: missing_column: den påkrævede kolonne `area` mangler"]
    );
}

#[test]
fn bad_dates_are_reported_in_every_file_with_line_and_column() {
    assert_eq!(
        issue_lines("broken/bad-date"),
        [
            "persons.csv:4:birth_date: bad_date: `22-01-2010` er ikke en dato (ÅÅÅÅ-MM-DD)",
            "cases.csv:6:opened_at: bad_date: `2024-02-30` er ikke en dato (ÅÅÅÅ-MM-DD)",
        ]
    );
}

#[test]
fn unresolved_references_name_the_missing_key_and_its_table() {
    assert_eq!(
        issue_lines("broken/unresolved-reference"),
        [
            "staff.csv:9:unit_id: unresolved_reference: `T9` findes ikke i org_units",
            "cases.csv:5:person_id: unresolved_reference: `P999` findes ikke i persons",
        ]
    );
}

#[test]
fn overlapping_assignments_name_the_line_they_overlap() {
    assert_eq!(
        issue_lines("broken/overlapping-assignments"),
        [
            "assignments.csv:4:from_date: overlapping_assignment: overlapper tildelingen af sag `C202` på linje 3 (`2024-05-13` til `2024-12-31`)",
            "assignments.csv:7:from_date: overlapping_assignment: overlapper tildelingen af sag `C203` på linje 5 (`2023-05-01` til `2025-05-31`)",
        ]
    );
}

#[test]
fn a_fourth_goal_in_a_plan_and_an_indicator_target_out_of_range_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_folder(&fixture("valid"), dir.path());
    let append = |file: &str, line: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}{line}\n")).unwrap();
    };
    // H702 has G1003 and G1008: G1009 is its third goal, G1010 its fourth.
    append("goals.csv", "G1009,H702,school,2024-06-01,");
    append("goals.csv", "G1010,H702,health,2024-06-01,");
    append("indicators.csv", "IN4,AG1,KF06,,120,higher,monthly,");
    append("indicators.csv", "IN5,AG1,KF99,,10,higher,monthly,");
    let lines: Vec<String> = validate_path(dir.path())
        .issues
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        lines.contains(
            &"goals.csv:11:plan_id: too_many_goals: plan `H702` har allerede 3 mål (linje 4, 9, 10); en plan må højst have 3 mål".to_owned()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"indicators.csv:5:target: target_out_of_range: 120 ligger uden for området for KF06 (%): 0-100".to_owned()
        ),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("indicators.csv:6:figure:")),
        "an unknown key figure names its column: {lines:#?}"
    );
}

#[test]
fn duplicate_ids_name_the_line_of_the_first() {
    assert_eq!(
        issue_lines("broken/duplicate-ids"),
        [
            "persons.csv:10:person_id: duplicate_key: `P105` findes allerede på linje 6",
            "cases.csv:10:case_id: duplicate_key: `C203` findes allerede på linje 4",
        ]
    );
}

#[test]
fn a_latin1_file_gets_one_encoding_error_and_the_other_files_are_still_checked() {
    assert_eq!(
        issue_lines("broken/wrong-encoding"),
        ["org_units.csv:3:-: invalid_encoding: filen er ikke UTF-8; gem den som UTF-8"]
    );
}

#[test]
fn unknown_columns_and_files_are_warnings_only() {
    let validation = validate_path(&fixture("broken/unknown-column-and-file"));
    assert!(!validation.has_errors());
    let lines: Vec<String> = validation.warnings().map(Issue::to_string).collect();
    assert_eq!(
        lines,
        [
            "persons.csv:1:note: unknown_column: kolonnen `note` hører ikke til `persons`; ignoreret",
            "notes.txt:1:-: unknown_file: ikke en fil i formatet; ignoreret",
        ]
    );
}

#[test]
fn a_workbook_without_the_cases_sheet_is_rejected() {
    assert_eq!(
        issue_lines("broken/missing-sheet.xlsx"),
        ["cases:1:-: missing_sheet: det påkrævede ark `cases` mangler"]
    );
}

#[test]
fn a_folder_without_persons_csv_is_rejected() {
    assert_eq!(
        issue_lines("broken/missing-required-file"),
        ["persons.csv:1:-: missing_file: den påkrævede fil `persons.csv` mangler"]
    );
}

#[test]
fn no_message_contains_a_cpr_number_or_a_name() {
    // The secrets are read from the fixtures themselves: every value of a CPR or name column.
    let collected = load_clean(&fixture("valid"));
    let mut secrets = Vec::new();
    for (table, rows) in &collected.tables {
        let spec = overblik_domain::table(table).unwrap();
        for (index, column) in spec.columns.iter().enumerate() {
            if matches!(column.kind, ColumnKind::Cpr | ColumnKind::Name) {
                secrets.extend(rows.iter().map(|row| format_cell(row.get(index))));
            }
        }
    }
    secrets.retain(|secret| !secret.is_empty());
    assert!(secrets.len() > 15);

    // A worst case on top of the fixtures: no header row in staff.csv (so names are in row 1), a
    // CPR number as a file name, as an id, as an unknown column and as a broken CPR.
    let worst = tempfile::tempdir().unwrap();
    copy_folder(&fixture("valid-minimal"), worst.path());
    let staff = std::fs::read_to_string(worst.path().join("staff.csv")).unwrap();
    let without_header: String = staff
        .lines()
        .skip(1)
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(worst.path().join("staff.csv"), without_header).unwrap();
    std::fs::write(worst.path().join("1704124000.csv"), "x\n").unwrap();
    append(
        &worst.path().join("persons.csv"),
        "1905784003,,2010-01-01,F,\nP140,19057840031,2010-01-01,F,\n",
    );
    let cases = std::fs::read_to_string(worst.path().join("cases.csv")).unwrap();
    let cases = cases.replacen("weight", "weight,0309154001", 1);
    std::fs::write(worst.path().join("cases.csv"), cases).unwrap();

    let mut sources: Vec<PathBuf> = std::fs::read_dir(fixture("broken"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    sources.push(worst.path().to_owned());
    let mut n_issues = 0;
    for path in sources {
        for issue in validate_path(&path).issues {
            n_issues += 1;
            let text = issue.to_string();
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{text}");
            }
        }
    }
    assert!(n_issues > 20, "{n_issues}");
}

// ---------------------------------------------------------------------------------------------
// Export

fn export_to(format: ExportFormat, collected: &mut Collected, out: &Path) {
    let summary = export(format, out, collected).unwrap();
    assert_eq!(summary.tables.len(), TABLES.len());
}

#[test]
fn exporting_and_importing_again_gives_the_same_rows() {
    let mut original = load_clean(&fixture("valid"));
    let dir = tempfile::tempdir().unwrap();
    for (format, out) in [
        (ExportFormat::Csv, dir.path().join("csv")),
        (ExportFormat::Xlsx, dir.path().join("export.xlsx")),
    ] {
        export_to(format, &mut original, &out);
        let again = load_clean(&out);
        assert_eq!(again.tables, original.tables, "{format}");
    }
}

#[test]
fn csv_and_xlsx_exports_are_byte_identical_when_repeated() {
    let mut collected = load_clean(&fixture("valid"));
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    export_to(ExportFormat::Csv, &mut collected, &a);
    export_to(ExportFormat::Csv, &mut collected, &b);
    for spec in TABLES {
        let read = |dir: &Path| std::fs::read(dir.join(spec.file_name())).unwrap();
        assert_eq!(read(&a), read(&b), "{}", spec.name);
    }
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    export_to(ExportFormat::Xlsx, &mut collected, &a);
    export_to(ExportFormat::Xlsx, &mut collected, &b);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn the_committed_workbook_is_what_the_exporter_writes_today() {
    let mut collected = load_clean(&fixture("valid"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("valid.xlsx");
    export_to(ExportFormat::Xlsx, &mut collected, &out);
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(fixture("valid.xlsx")).unwrap(),
        "run `cargo run -p overblik-ingest --example fixture_workbooks` to refresh valid.xlsx"
    );
}

#[test]
fn the_csv_export_writes_every_table_with_its_header_even_when_empty() {
    let mut collected = load_clean(&fixture("valid-minimal"));
    let dir = tempfile::tempdir().unwrap();
    let summary = export(ExportFormat::Csv, &dir.path().join("new"), &mut collected).unwrap();
    assert_eq!(summary.tables[3], ("persons", 8));
    assert_eq!(summary.tables[5], ("assignments", 0));
    let assignments = std::fs::read(dir.path().join("new/assignments.csv")).unwrap();
    assert_eq!(assignments, b"case_id,staff_id,from_date,to_date\n");
    let org_units = std::fs::read_to_string(dir.path().join("new/org_units.csv")).unwrap();
    assert!(org_units.starts_with("unit_id,parent_id,name,kind,team_type,valid_from,valid_to\nK,,Eksempel Kommune,municipality,,,\nBF,K,\"Børn, Unge og Familie\",department,,2018-01-01,\n"));
    assert!(!org_units.contains('\r'));
}

/// A provider whose name and kind look like spreadsheet formulas.
fn formula_provider() -> Collected {
    let row = Row(vec![
        Value::Text("L1".into()),
        Value::Text("=HYPERLINK(\"http://example.invalid\",\"klik\")".into()),
        Value::Bool(false),
        Value::Text("+1-2@3".into()),
    ]);
    Collected {
        tables: vec![("providers", vec![row])],
        calls: Vec::new(),
    }
}

#[test]
fn formula_like_text_is_a_string_cell_in_the_workbook() {
    let mut collected = formula_provider();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.xlsx");
    export_to(ExportFormat::Xlsx, &mut collected, &out);

    let providers_sheet = TABLES
        .iter()
        .position(|spec| spec.name == "providers")
        .unwrap()
        + 1;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut xml = String::new();
    archive
        .by_name(&format!("xl/worksheets/sheet{providers_sheet}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("t=\"s\""), "{xml}");
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");

    // Reading back gives the text itself, ready to be validated like any other cell.
    let source = Source::open(&out).unwrap();
    let validation = validate(&source, &NoKnownKeys, today());
    let mut again = Collected::default();
    load(&source, &validation, &mut again).unwrap_or_else(|error| panic!("{error}"));
    let (_, providers) = again
        .tables
        .iter()
        .find(|(t, _)| *t == "providers")
        .unwrap();
    assert_eq!(providers, &collected.tables[0].1);
}

#[test]
fn formula_like_text_is_kept_unchanged_in_csv() {
    let mut collected = formula_provider();
    let dir = tempfile::tempdir().unwrap();
    export_to(ExportFormat::Csv, &mut collected, dir.path());
    let providers = std::fs::read_to_string(dir.path().join("providers.csv")).unwrap();
    assert_eq!(
        providers,
        "provider_id,name,internal,kind\nL1,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"klik\"\")\",false,+1-2@3\n"
    );
}

#[test]
fn workbook_dates_and_numbers_survive_the_edges_of_their_ranges() {
    let date = |text: &str| Value::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap());
    let decimal = |text: &str| {
        overblik_domain::parse_cell(ColumnKind::Amount, text)
            .unwrap()
            .value
    };
    let rows = [
        ("1900-01-01", "123456789012.345"),
        ("1900-02-28", "1234567890123.456"),
        ("1900-03-01", "-0.0000000001"),
        ("2200-12-31", "0.1"),
    ];
    let payments: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(n, (day, amount))| {
            Row(vec![
                Value::Text(format!("Y{n}")),
                Value::Null,
                Value::Null,
                Value::Text(format!("=5.28.{n}")),
                Value::Month(overblik_domain::YearMonth::of(date(day).as_date().unwrap())),
                decimal(amount),
            ])
        })
        .collect();
    let waiting: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(n, (day, _))| {
            Row(vec![
                Value::Text(format!("W{n}")),
                Value::Text("P1".into()),
                Value::Text("-".into()),
                date(day),
                Value::Null,
                Value::Null,
            ])
        })
        .collect();
    let population = vec![Row(vec![
        Value::Int(2025),
        Value::Int(0),
        Value::Int(9_007_199_254_740_993),
    ])];
    let mut collected = Collected {
        tables: vec![
            ("payments", payments),
            ("waiting_list", waiting),
            ("population", population),
        ],
        calls: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("edges.xlsx");
    export_to(ExportFormat::Xlsx, &mut collected, &out);
    // The workbook has no persons: let every reference resolve, as if they were stored.
    struct Everything;
    impl KnownKeys for Everything {
        fn contains(&self, _table: &str, _key: &str) -> bool {
            true
        }
    }
    let source = Source::open(&out).unwrap();
    let validation = validate(&source, &Everything, today());
    let issues: Vec<String> = validation.issues.iter().map(Issue::to_string).collect();
    assert_eq!(issues, Vec::<String>::new());
    let mut again = Collected::default();
    load(&source, &validation, &mut again).unwrap();
    for (table, rows) in &collected.tables {
        let (_, read_back) = again.tables.iter().find(|(t, _)| t == table).unwrap();
        assert_eq!(read_back, rows, "{table}");
    }
}

// ---------------------------------------------------------------------------------------------
// Robustness

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic_the_validator(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cases.csv"), &bytes).unwrap();
        std::fs::write(dir.path().join("persons.csv"), &bytes).unwrap();
        let _ = validate_path(dir.path());
        let workbook = dir.path().join("random.xlsx");
        std::fs::write(&workbook, &bytes).unwrap();
        let _ = validate_path(&workbook);
    }

    #[test]
    fn random_csv_text_never_panics_the_validator(
        header in proptest::sample::subsequence(
            vec!["case_id", "person_id", "area", "opened_at", "closed_at", "weight", "colour", ""],
            0..8,
        ),
        cells in proptest::collection::vec(
            proptest::collection::vec("[A-Za-z0-9 ,\"\\-:.\\r\\n]{0,12}", 0..9),
            0..20,
        ),
    ) {
        let mut text = header.join(",");
        text.push('\n');
        for row in &cells {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cases.csv"), &text).unwrap();
        std::fs::write(dir.path().join("assignments.csv"), &text).unwrap();
        let validation = validate_path(dir.path());
        // Whatever the input, every problem names a file and a positive row.
        for issue in &validation.issues {
            prop_assert!(issue.row >= 1);
            prop_assert!(!issue.file.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}
