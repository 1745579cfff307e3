//! The document model every report is assembled into, independent of its output format.
//!
//! A report is a list of sections; a section holds notes and tables; a table has typed columns
//! and typed cells, and may ask to be drawn as a chart as well (the table is always shown: it is
//! the chart's accessible alternative). Renderers (HTML, XLSX, CSV, JSON) live outside the
//! domain core and only read this model, so the four formats cannot disagree on content.

use chrono::NaiveDate;
use serde::Serialize;

/// A complete report, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Stable code: `weekly`, `committee`, `budget`, `caseload`.
    pub kind: &'static str,
    /// Danish title, e.g. "Ugerapport".
    pub title: String,
    /// Danish subtitle: unit and period, e.g. "Team Nord · uge 47, 2026".
    pub subtitle: String,
    /// T of the report (end of this day, Europe/Copenhagen).
    pub as_of: NaiveDate,
    /// The unit the report covers (`None` = the whole municipality).
    pub unit: Option<UnitRef>,
    /// Whether small-number suppression was applied (aggregate audiences). Renderers say so
    /// on the first page when true.
    pub suppressed: bool,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub id: String,
    pub name: String,
}

/// One section; HTML starts each on a new printed page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Stable code of the section, e.g. `notifications`.
    pub id: &'static str,
    /// Danish heading.
    pub title: String,
    /// Danish paragraphs shown before the tables (definitions, caveats, quality notes).
    pub notes: Vec<String>,
    pub tables: Vec<Table>,
}

/// One table. In XLSX each table becomes its own sheet; in CSV its own block of rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Stable code, unique within the document; XLSX sheet names derive from `title` (Danish)
    /// and fall back to this id when they collide.
    pub id: String,
    /// Danish caption.
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Draw the table also as a chart.
    pub chart: Option<Chart>,
    /// Danish footnotes (e.g. what "–" or "<5" means in this table).
    pub footnotes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Danish header.
    pub title: String,
    pub kind: ColumnKind,
}

/// How a column's cells are formatted (Danish conventions: `1.234`, `12,5 %`, `1.234.567 kr.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Labels (names of units, codes' Danish labels, ids).
    Text,
    /// Whole numbers (counts).
    Integer,
    /// Decimal numbers with the given number of decimals (medians, full-year persons).
    Decimal(u8),
    /// A share 0..1 shown as a percentage with one decimal.
    Percent,
    /// Danish kroner, no decimals shown.
    Money,
    Date,
}

/// One cell. A cell never holds a formula: text is text, even when it starts with `=`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    /// A share: the value is `numerator / denominator`; both are kept so a reader can check it.
    Share {
        numerator: u64,
        denominator: u64,
    },
    Date(NaiveDate),
    /// Suppressed for privacy: shown as "<5" (a count of 1-4) or "×" (a share or a
    /// complementary suppression), never the value.
    Suppressed(Suppression),
    /// Not available (input file absent, denominator 0, too few values): shown as "–".
    NotAvailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// A count of 1-4 persons: shown as "<5".
    Primary,
    /// A share whose denominator is below 5.
    SmallDenominator,
    /// Suppressed so that a primary cell cannot be recovered from the totals.
    Complementary,
}

/// A chart of a table: categories from one column, one series per value column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub kind: ChartKind,
    /// Index of the column whose cells label the categories (x axis / bars).
    pub category_column: usize,
    /// Indices of the numeric columns drawn as series.
    pub value_columns: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Horizontal bars: categories are labels (caseworkers, measure types).
    Bar,
    /// Lines over time: categories are periods (weeks, months).
    Line,
}

impl Cell {
    /// The share as a fraction, when it has a denominator.
    pub fn share_value(numerator: u64, denominator: u64) -> Option<f64> {
        crate::figures::Share {
            numerator,
            denominator,
        }
        .value()
    }
}
