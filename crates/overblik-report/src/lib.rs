#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod csv;
mod html;
mod json;
pub mod number;
mod text;
mod xlsx;

use std::fmt;

use overblik_domain::report::{Cell, ColumnKind, Document, Suppression, Table};

/// An output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One self-contained, printable HTML page (A4).
    Html,
    /// An Excel workbook: an "Om rapporten" sheet, then one sheet per table.
    Xlsx,
    /// One CSV file in long format (one line per cell), for machines.
    Csv,
    /// The document model as JSON.
    Json,
}

impl Format {
    /// Every format, in the order of [`Format::CODES`].
    pub const ALL: [Format; 4] = [Format::Html, Format::Xlsx, Format::Csv, Format::Json];
    /// The codes accepted by [`Format::from_code`] (e.g. for a CLI's `--format`).
    pub const CODES: [&'static str; 4] = ["html", "xlsx", "csv", "json"];

    /// The format with this code (`html`, `xlsx`, `csv`, `json`); exact, lower case.
    pub fn from_code(code: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.code() == code)
    }

    /// The stable code of the format.
    pub fn code(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// The file extension, without the dot (the same as the code).
    pub fn extension(self) -> &'static str {
        self.code()
    }

    /// The media type to serve the rendered bytes with.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a report could not be rendered. The first two are defects in how the document was
/// assembled; the others come from the writer libraries (their own text is kept as the source,
/// not shown, because it is English).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "tabellen `{table}`: række {row} har {cells} celler, men tabellen har {columns} kolonner"
    )]
    RowWidth {
        table: String,
        /// 1-based data row.
        row: usize,
        cells: usize,
        columns: usize,
    },
    #[error(
        "tabellen `{table}`: diagrammet bruger kolonne {column} (fra 0), men tabellen har {columns} kolonner"
    )]
    ChartColumn {
        table: String,
        column: usize,
        columns: usize,
    },
    #[error("kunne ikke danne XLSX-filen")]
    Xlsx(#[source] rust_xlsxwriter::XlsxError),
    #[error("kunne ikke danne CSV-filen")]
    Csv(#[source] ::csv::Error),
    #[error("kunne ikke danne JSON-filen")]
    Json(#[source] serde_json::Error),
}

/// The sections of `doc` as HTML to embed in a page with its own header and style sheet; the
/// document is checked as in [`render`].
pub fn html_sections(doc: &Document) -> Result<String, RenderError> {
    check(doc)?;
    Ok(html::render_sections(doc))
}

/// `doc` as plain text for a terminal.
pub fn text(doc: &Document) -> String {
    text::render(doc)
}

/// Renders `doc` in `format`. The same document always gives the same bytes.
///
/// The document is checked first (every row as wide as the columns, chart columns that exist),
/// so no format silently pads, cuts or skips cells and the four formats cannot disagree.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
    check(doc)?;
    match format {
        Format::Html => Ok(html::render(doc).into_bytes()),
        Format::Xlsx => xlsx::render(doc).map_err(RenderError::Xlsx),
        Format::Csv => csv::render(doc).map_err(RenderError::Csv),
        Format::Json => json::render(doc).map_err(RenderError::Json),
    }
}

fn check(doc: &Document) -> Result<(), RenderError> {
    for table in doc.sections.iter().flat_map(|section| &section.tables) {
        let columns = table.columns.len();
        for (index, row) in table.rows.iter().enumerate() {
            if row.len() != columns {
                return Err(RenderError::RowWidth {
                    table: table.id.clone(),
                    row: index + 1,
                    cells: row.len(),
                    columns,
                });
            }
        }
        if let Some(chart) = &table.chart {
            let mut used =
                std::iter::once(chart.category_column).chain(chart.value_columns.iter().copied());
            if let Some(column) = used.find(|&column| column >= columns) {
                return Err(RenderError::ChartColumn {
                    table: table.id.clone(),
                    column,
                    columns,
                });
            }
        }
    }
    Ok(())
}

/// The notice shown near the top of a suppressed report (HTML first page, XLSX first sheet).
const SUPPRESSION_NOTICE: &str = "Små tal er diskretioneret af hensyn til borgernes \
    fortrolighed: antal på 1-4 personer vises som «<5», andele med færre end 5 personer i \
    nævneren vises som «×», og enkelte andre celler er også skjult (×), så de skjulte tal ikke \
    kan regnes ud fra totaler og andre celler.";

/// What a reader sees instead of a suppressed value (`<5` for a count of 1-4, `×` otherwise).
fn suppression_mark(suppression: Suppression) -> &'static str {
    match suppression {
        Suppression::Primary => "<5",
        Suppression::SmallDenominator | Suppression::Complementary => "×",
    }
}

/// The Danish explanation of a suppressed cell (HTML tooltip).
fn suppression_explanation(suppression: Suppression) -> &'static str {
    match suppression {
        Suppression::Primary => "Færre end 5 personer (diskretioneret)",
        Suppression::SmallDenominator => "Skjult: færre end 5 personer i nævneren",
        Suppression::Complementary => {
            "Skjult, så andre skjulte tal ikke kan regnes ud (diskretioneret)"
        }
    }
}

/// What a reader sees for a value that is not available.
const NOT_AVAILABLE: &str = "–";

/// The Danish explanation of [`NOT_AVAILABLE`] (HTML tooltip).
const NOT_AVAILABLE_EXPLANATION: &str = "Ikke tilgængelig";

/// The mark a reader sees instead of the value of a suppressed or unavailable cell, with its
/// Danish explanation (HTML tooltip); `None` for a cell that shows its value.
fn mark(cell: &Cell) -> Option<(&'static str, &'static str)> {
    match *cell {
        Cell::Suppressed(suppression) => Some((
            suppression_mark(suppression),
            suppression_explanation(suppression),
        )),
        Cell::NotAvailable => Some((NOT_AVAILABLE, NOT_AVAILABLE_EXPLANATION)),
        _ => None,
    }
}

/// Text a spreadsheet would take for a formula (security WEB-6).
fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@'])
}

/// Which part of a table column an XLSX or CSV column shows: both follow every Percent column
/// with its shares' numerators and denominators.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Value,
    Numerator,
    Denominator,
}

impl Part {
    /// The count a numerator or denominator column shows of `cell`; `None` for the value part
    /// and for a cell that is not a share.
    fn count(self, cell: &Cell) -> Option<u64> {
        let Cell::Share {
            numerator,
            denominator,
        } = *cell
        else {
            return None;
        };
        match self {
            Part::Value => None,
            Part::Numerator => Some(numerator),
            Part::Denominator => Some(denominator),
        }
    }
}

/// A column of an XLSX sheet or of the CSV file: a table column, or one of the two columns
/// that follow a Percent column.
struct PartColumn {
    title: String,
    /// The table column the cells come from.
    source: usize,
    kind: ColumnKind,
    part: Part,
}

/// The columns of `table` with "<title> (tæller)" and "<title> (nævner)" after every Percent
/// column, whatever its cells, so a report always has the same layout.
fn part_columns(table: &Table) -> Vec<PartColumn> {
    let mut columns = Vec::with_capacity(table.columns.len());
    for (source, column) in table.columns.iter().enumerate() {
        columns.push(PartColumn {
            title: column.title.clone(),
            source,
            kind: column.kind,
            part: Part::Value,
        });
        if column.kind == ColumnKind::Percent {
            for (part, suffix) in [(Part::Numerator, "tæller"), (Part::Denominator, "nævner")] {
                columns.push(PartColumn {
                    title: format!("{} ({suffix})", column.title),
                    source,
                    kind: ColumnKind::Integer,
                    part,
                });
            }
        }
    }
    columns
}

/// The value of a cell as a number for charts: counts, numbers and shares (as a fraction).
/// Everything else, including suppressed and unavailable values, is a gap, never a zero.
fn numeric_value(cell: &Cell) -> Option<f64> {
    let value = match *cell {
        Cell::Integer(value) => value as f64,
        Cell::Number(value) => value,
        Cell::Share {
            numerator,
            denominator,
        } => Cell::share_value(numerator, denominator)?,
        _ => return None,
    };
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (format, code) in Format::ALL.into_iter().zip(Format::CODES) {
            assert_eq!(Format::from_code(code), Some(format));
            assert_eq!(format.extension(), code);
            assert_eq!(format.to_string(), code);
        }
        assert_eq!(Format::from_code("pdf"), None);
        assert_eq!(Format::from_code("HTML"), None);
    }
}
