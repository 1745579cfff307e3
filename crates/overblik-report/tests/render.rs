//! Renders one sample document — two sections, every column kind, every cell kind, a chart of
//! each kind, suppression on, hostile text — to every format and reads the result back.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use overblik_domain::report::{
    Cell, Chart, ChartKind, Column, ColumnKind, Document, Section, Suppression, Table, UnitRef,
};
use overblik_report::{Format, RenderError, render};

const SCRIPT: &str = "<script>alert('x')</script>";

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn column(title: &str, kind: ColumnKind) -> Column {
    Column {
        title: title.to_owned(),
        kind,
    }
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

fn share(numerator: u64, denominator: u64) -> Cell {
    Cell::Share {
        numerator,
        denominator,
    }
}

fn sample() -> Document {
    let all_kinds = Table {
        id: "all_kinds".to_owned(),
        title: format!("Underretninger pr. team {SCRIPT}"),
        columns: vec![
            column("Team", ColumnKind::Text),
            column("Antal", ColumnKind::Integer),
            column("Median dage", ColumnKind::Decimal(1)),
            column("Andel rettidige", ColumnKind::Percent),
            column("Udgift", ColumnKind::Money),
            column("Seneste", ColumnKind::Date),
        ],
        rows: vec![
            vec![
                text("Team Nord"),
                Cell::Integer(1234),
                Cell::Number(12.25),
                share(1, 8),
                Cell::Number(1_234_567.0),
                Cell::Date(day(2026, 11, 22)),
            ],
            vec![
                text("=1+1"),
                Cell::Suppressed(Suppression::Primary),
                Cell::NotAvailable,
                Cell::Suppressed(Suppression::SmallDenominator),
                Cell::Integer(-1500),
                Cell::Empty,
            ],
            vec![
                text(SCRIPT),
                Cell::Suppressed(Suppression::Complementary),
                Cell::Number(3.0),
                share(0, 0),
                Cell::NotAvailable,
                Cell::Date(day(2026, 1, 5)),
            ],
        ],
        chart: Some(Chart {
            kind: ChartKind::Bar,
            category_column: 0,
            value_columns: vec![1],
        }),
        footnotes: vec!["<5: færre end 5 personer. –: ikke tilgængelig.".to_owned()],
    };
    let trend = |title: &str, id: &str, chart: Option<Chart>| Table {
        id: id.to_owned(),
        title: title.to_owned(),
        columns: vec![
            column("Uge", ColumnKind::Text),
            column("Underretninger", ColumnKind::Integer),
            column("Heraf akutte", ColumnKind::Integer),
            column("Andel behandlet inden for 24 timer", ColumnKind::Percent),
        ],
        rows: vec![
            vec![
                text("Uge 44"),
                Cell::Integer(31),
                Cell::Integer(6),
                share(30, 31),
            ],
            vec![
                text("Uge 45"),
                Cell::Integer(28),
                Cell::Integer(5),
                share(25, 28),
            ],
            vec![
                text("Uge 46"),
                Cell::Suppressed(Suppression::Primary),
                Cell::Suppressed(Suppression::Complementary),
                Cell::Suppressed(Suppression::SmallDenominator),
            ],
            vec![
                text("Uge 47"),
                Cell::Integer(40),
                Cell::Integer(9),
                share(38, 40),
            ],
        ],
        chart,
        footnotes: Vec::new(),
    };
    Document {
        kind: "weekly",
        title: "Ugerapport".to_owned(),
        subtitle: "Team Nord · uge 47, 2026".to_owned(),
        as_of: day(2026, 11, 22),
        unit: Some(UnitRef {
            id: "u1".to_owned(),
            name: "Team Nord".to_owned(),
        }),
        suppressed: true,
        sections: vec![
            Section {
                id: "notifications",
                title: "Underretninger".to_owned(),
                notes: vec![format!("En note med {SCRIPT} i teksten.")],
                tables: vec![all_kinds],
            },
            Section {
                id: "trend",
                title: "Udvikling".to_owned(),
                notes: vec!["Uger regnes mandag-søndag.".to_owned()],
                tables: vec![
                    trend(
                        "Udvikling pr. uge",
                        "trend",
                        Some(Chart {
                            kind: ChartKind::Line,
                            category_column: 0,
                            value_columns: vec![1, 2],
                        }),
                    ),
                    trend("Udvikling pr. uge", "trend_again", None),
                    trend(
                        "Sagsbelastning pr. sagsbehandler: point og kapacitet",
                        "caseload",
                        None,
                    ),
                ],
            },
        ],
    }
}

fn html() -> String {
    String::from_utf8(render(&sample(), Format::Html).unwrap()).unwrap()
}

#[test]
fn html_is_escaped_danish_and_printable() {
    let html = html();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
    assert!(!html.to_lowercase().contains("<script"), "raw script tag");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // In the table title (caption), the note and the cell.
    assert!(html.contains("<caption>Underretninger pr. team &lt;script&gt;"));
    assert!(html.contains("<th scope=\"row\">&lt;script&gt;"));
    assert!(html.contains("Små tal er diskretioneret"));
    assert!(html.contains(">&lt;5</abbr>"));
    assert!(html.contains(">×</abbr>"));
    assert!(html.contains(">–</abbr>"));
    assert!(html.contains("<th scope=\"col\" class=\"num\">Antal</th>"));
    assert!(html.contains("@page { size: A4; margin: 15mm; }"));
    assert!(html.contains("break-before: page"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(html.contains("Opgjort pr. 22. nov. 2026"));
    // Danish numbers.
    for shown in [
        "1.234",
        "12,3",
        "12,5 %",
        "1.234.567 kr.",
        "-1.500 kr.",
        "22-11-2026",
    ] {
        assert!(html.contains(&format!(">{shown}</td>")), "{shown}");
    }
    // No external resources.
    for external in ["http://", "https://", "src=", "<link"] {
        let allowed = "xmlns=\"http://www.w3.org/2000/svg\"";
        assert!(!html.replace(allowed, "").contains(external), "{external}");
    }
}

#[test]
fn html_draws_each_chart_before_its_table() {
    let html = html();
    assert_eq!(html.matches("<svg").count(), 2);
    assert_eq!(html.matches("role=\"img\"").count(), 2);
    assert!(
        html.contains(
            "aria-label=\"Diagram: Udvikling pr. uge. Tallene står i tabellen nedenfor.\""
        )
    );
    let bar = html.find("<svg").unwrap();
    assert!(bar < html.find("<table id=\"tabel-all_kinds\"").unwrap());
    assert!(html.contains("<rect"));
    // The line chart: week 46 is suppressed, so each series is split into two polylines
    // (44-45, and 47 alone as a marker only).
    assert_eq!(html.matches("<polyline").count(), 2);
    let line_chart = &html[html.rfind("<svg").unwrap()..];
    assert_eq!(line_chart.matches("<circle").count(), 6);
}

#[test]
fn html_is_deterministic() {
    assert_eq!(html(), html());
    for format in Format::ALL {
        assert_eq!(
            render(&sample(), format).unwrap(),
            render(&sample(), format).unwrap(),
            "{format}"
        );
    }
}

fn workbook() -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = render(&sample(), Format::Xlsx).unwrap();
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

#[test]
fn xlsx_sheets_and_typed_values() {
    let mut workbook = workbook();
    assert_eq!(
        workbook.sheet_names(),
        [
            "Om rapporten",
            "Underretninger pr. team <script",
            "Udvikling pr. uge",
            "Udvikling pr. uge (2)",
            "Sagsbelastning pr. sagsbehandle",
        ]
    );
    for name in workbook.sheet_names() {
        assert!(name.chars().count() <= 31);
    }

    let about = workbook.worksheet_range("Om rapporten").unwrap();
    let texts: Vec<String> = about
        .used_cells()
        .map(|(_, _, cell)| cell.to_string())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Små tal er diskretioneret"))
    );
    assert!(texts.iter().any(|t| t == "Uger regnes mandag-søndag."));
    assert!(texts.iter().any(|t| t == "Ugerapport"));
    assert!(
        about
            .used_cells()
            .any(|(_, _, cell)| matches!(cell, Data::DateTime(_)))
    );

    let sheet = workbook
        .worksheet_range("Underretninger pr. team <script")
        .unwrap();
    let header: Vec<String> = (0..8)
        .map(|c| sheet.get((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(
        header,
        [
            "Team",
            "Antal",
            "Median dage",
            "Andel rettidige",
            "Andel rettidige (tæller)",
            "Andel rettidige (nævner)",
            "Udgift",
            "Seneste",
        ]
    );
    let at = |row: usize, col: usize| sheet.get((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(1, 1), Data::Float(1234.0));
    assert_eq!(at(1, 2), Data::Float(12.25));
    assert_eq!(at(1, 3), Data::Float(0.125));
    assert_eq!(at(1, 4), Data::Float(1.0));
    assert_eq!(at(1, 5), Data::Float(8.0));
    assert_eq!(at(1, 6), Data::Float(1_234_567.0));
    match at(1, 7) {
        Data::DateTime(date) => {
            assert_eq!(date.as_f64(), 46348.0); // 2026-11-22
        }
        other => panic!("a date, not {other:?}"),
    }
    assert_eq!(at(2, 0), Data::String("=1+1".to_owned()));
    assert_eq!(at(2, 1), Data::String("<5".to_owned()));
    assert_eq!(at(2, 2), Data::String("–".to_owned()));
    // A suppressed share hides its numerator and denominator too.
    for col in 3..=5 {
        assert_eq!(at(2, col), Data::String("×".to_owned()));
    }
    assert_eq!(at(2, 6), Data::Float(-1500.0));
    assert_eq!(at(2, 7), Data::Empty);
    assert_eq!(at(3, 0), Data::String(SCRIPT.to_owned()));
    assert_eq!(at(3, 1), Data::String("×".to_owned()));
    // A share with denominator 0: no percentage, but its parts.
    assert_eq!(at(3, 3), Data::String("–".to_owned()));
    assert_eq!(at(3, 5), Data::Float(0.0));
    // Title and footnote below the data, after one empty row.
    assert_eq!(at(4, 0), Data::Empty);
    assert_eq!(
        at(5, 0),
        Data::String(format!("Underretninger pr. team {SCRIPT}"))
    );
    assert_eq!(
        at(6, 0),
        Data::String("<5: færre end 5 personer. –: ikke tilgængelig.".to_owned())
    );
}

#[test]
fn xlsx_sheet_xml_has_frozen_header_filter_widths_and_no_formulas() {
    let bytes = render(&sample(), Format::Xlsx).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet2.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("state=\"frozen\""), "{xml}");
    assert!(xml.contains("topLeftCell=\"A2\""));
    assert!(xml.contains("<cols>"));
    assert!(xml.contains("customWidth=\"1\""));
    assert!(xml.contains("<autoFilter ref=\"A1:H4\""));
    assert!(!xml.contains("<f>"), "a formula was written");
    // Excel's quote prefix keeps "=1+1" text even when the cell is edited.
    let mut styles = String::new();
    archive
        .by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("quotePrefix=\"1\""));
}

fn csv_records() -> Vec<Vec<String>> {
    let bytes = render(&sample(), Format::Csv).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["table_id", "table_title", "row", "column", "value"]
    );
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn csv_value<'a>(records: &'a [Vec<String>], table: &str, row: &str, column: &str) -> &'a str {
    let found: Vec<_> = records
        .iter()
        .filter(|r| r[0] == table && r[2] == row && r[3] == column)
        .collect();
    assert_eq!(found.len(), 1, "{table} {row} {column}");
    &found[0][4]
}

#[test]
fn csv_is_long_and_machine_readable() {
    let records = csv_records();
    // 3 rows × (6 columns + 2 for the Percent column), then 3 tables × 4 rows × (4 + 2).
    assert_eq!(records.len(), 3 * 8 + 3 * 4 * 6);
    let value = |row, column| csv_value(&records, "all_kinds", row, column);
    assert_eq!(value("1", "Team"), "Team Nord");
    assert_eq!(value("1", "Antal"), "1234");
    assert_eq!(value("1", "Median dage"), "12.25");
    assert_eq!(value("1", "Andel rettidige"), "0.125");
    assert_eq!(value("1", "Andel rettidige (tæller)"), "1");
    assert_eq!(value("1", "Andel rettidige (nævner)"), "8");
    assert_eq!(value("1", "Udgift"), "1234567");
    assert_eq!(value("1", "Seneste"), "2026-11-22");
    assert_eq!(value("2", "Team"), "'=1+1");
    assert_eq!(value("2", "Antal"), "<5");
    assert_eq!(value("2", "Median dage"), "");
    assert_eq!(value("2", "Andel rettidige"), "x");
    assert_eq!(value("2", "Andel rettidige (nævner)"), "x");
    assert_eq!(value("2", "Udgift"), "-1500");
    assert_eq!(value("2", "Seneste"), "");
    assert_eq!(value("3", "Team"), SCRIPT);
    assert_eq!(value("3", "Antal"), "x");
    assert_eq!(value("3", "Andel rettidige"), "");
    assert_eq!(value("3", "Andel rettidige (nævner)"), "0");
    assert_eq!(records[0][1], format!("Underretninger pr. team {SCRIPT}"));
    assert_eq!(
        csv_value(&records, "trend", "1", "Andel behandlet inden for 24 timer"),
        "0.967741935483871"
    );
}

#[test]
fn json_is_the_model() {
    let bytes = render(&sample(), Format::Json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["kind"], "weekly");
    assert_eq!(json["suppressed"], true);
    let rows = json["sections"][0]["tables"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0][1],
        serde_json::json!({ "type": "integer", "value": 1234 })
    );
    assert_eq!(
        rows[1][1],
        serde_json::json!({ "type": "suppressed", "value": "primary" })
    );
    assert_eq!(json["sections"][1]["tables"][0]["chart"]["kind"], "line");
}

#[test]
fn a_malformed_document_is_refused_in_danish() {
    let mut doc = sample();
    doc.sections[0].tables[0].rows[1].pop();
    let error = render(&doc, Format::Html).unwrap_err();
    assert!(matches!(error, RenderError::RowWidth { row: 2, .. }));
    assert_eq!(
        error.to_string(),
        "tabellen `all_kinds`: række 2 har 5 celler, men tabellen har 6 kolonner"
    );

    let mut doc = sample();
    doc.sections[1].tables[0]
        .chart
        .as_mut()
        .unwrap()
        .value_columns = vec![9];
    let error = render(&doc, Format::Csv).unwrap_err();
    assert!(matches!(error, RenderError::ChartColumn { column: 9, .. }));
}

#[test]
fn an_unsuppressed_report_has_no_notice() {
    let mut doc = sample();
    doc.suppressed = false;
    let html = String::from_utf8(render(&doc, Format::Html).unwrap()).unwrap();
    assert!(!html.contains("Små tal er diskretioneret"));
    assert!(!html.contains("class=\"notice\""));
}
