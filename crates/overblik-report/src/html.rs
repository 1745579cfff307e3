//! HTML: one self-contained page to read on screen and print on A4 — inline CSS, no scripts,
//! no external resources, so it can be mailed or archived as one file and shows the same
//! everywhere.
//!
//! Written with a small hand-made writer instead of a template engine: the structure is fixed
//! (header, sections, tables, charts) and nearly all the work is per-cell formatting and chart
//! geometry, which would be Rust code behind a template anyway. The rule that keeps it safe is
//! that every piece of text from the document goes through [`Page::text`] / [`Page::attr`]
//! (one escape function); only literal markup and numbers this module computes are written raw.
//! The integration tests put `<script>` into a title and a cell to hold that rule.

use std::fmt::Write as _;

use overblik_domain::report::{Cell, Chart, ChartKind, Column, ColumnKind, Document, Table};

use crate::{SUPPRESSION_NOTICE, mark, number, numeric_value};

/// Colours meet WCAG AA: text ≥ 4.5:1 on its background, chart marks ≥ 3:1 on white.
const STYLE: &str = "\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, \"Segoe UI\", Roboto, Helvetica, Arial, sans-serif; font-size: 11pt;
  line-height: 1.4; color: #1a1a1a; background: #fff; margin: 0 auto; padding: 1.5rem; max-width: 62rem; }
h1 { font-size: 1.8em; margin: 0 0 .2em; }
h2 { font-size: 1.35em; margin: 0 0 .6em; padding-bottom: .2em; border-bottom: 2px solid #1f4e79; }
.subtitle { font-size: 1.15em; margin: 0 0 .3em; }
.meta { color: #444; margin: 0 0 1em; }
.notice { border: 2px solid #8a6100; background: #fff8e1; padding: .6em .8em; margin: 1em 0 1.5em; }
section { margin-top: 2.5rem; }
.note { margin: 0 0 .6em; max-width: 48rem; }
table { border-collapse: collapse; margin: 1.2em 0 .3em; max-width: 100%; font-size: .95em; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .3em; }
th, td { padding: .25em .6em; border-bottom: 1px solid #bbb; text-align: left; vertical-align: top; }
thead th { background: #e8eef4; border-bottom: 2px solid #1f4e79; vertical-align: bottom; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
abbr[title] { text-decoration: none; cursor: help; }
.footnotes { font-size: .9em; color: #333; margin: .3em 0 1.2em; }
.footnotes p { margin: .1em 0; max-width: 48rem; }
figure.chart { margin: 1.2em 0 .5em; }
figure.chart svg { display: block; width: 100%; max-width: 45rem; height: auto; }
thead { display: table-header-group; }
@page { size: A4; margin: 15mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  main > section + section { break-before: page; }
  section { margin-top: 0; }
  h2, caption { break-after: avoid; }
  tr, figure.chart, .notice { break-inside: avoid; }
}
";

/// Chart series colours (≥ 3:1 on white, WCAG 1.4.11) and dash patterns, so that lines also
/// differ without colour (WCAG 1.4.1).
const SERIES_COLOURS: [&str; 6] = [
    "#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#00695c", "#7a5c00",
];
const SERIES_DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];
const INK: &str = "#1a1a1a";
const MUTED_INK: &str = "#444";
const GRID: &str = "#d0d0d0";

pub(crate) fn render(doc: &Document) -> String {
    let mut page = Page {
        out: String::with_capacity(16 * 1024),
    };
    page.document(doc);
    page.out
}

/// The sections of `doc` as markup to embed in a page that supplies its own header and style
/// sheet (the web application); the same markup as the standalone page's body.
pub(crate) fn render_sections(doc: &Document) -> String {
    let mut page = Page {
        out: String::with_capacity(16 * 1024),
    };
    page.sections(doc);
    page.out
}

struct Page {
    out: String,
}

impl Page {
    fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Text content, escaped.
    fn text(&mut self, text: &str) {
        escape_into(text, &mut self.out);
    }

    /// An attribute value, escaped (quotes included), without the surrounding quotes.
    fn attr(&mut self, value: &str) {
        escape_into(value, &mut self.out);
    }

    fn document(&mut self, doc: &Document) {
        self.raw("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        self.raw("<title>");
        self.text(&doc.title);
        if !doc.subtitle.is_empty() {
            self.raw(" – ");
            self.text(&doc.subtitle);
        }
        self.raw("</title>\n<style>\n");
        self.raw(STYLE);
        self.raw("</style>\n</head>\n<body>\n<header>\n<h1>");
        self.text(&doc.title);
        self.raw("</h1>\n");
        if !doc.subtitle.is_empty() {
            self.raw("<p class=\"subtitle\">");
            self.text(&doc.subtitle);
            self.raw("</p>\n");
        }
        self.raw("<p class=\"meta\">Opgjort pr. ");
        self.text(&number::date_long(doc.as_of));
        self.raw(" · ");
        match &doc.unit {
            Some(unit) => {
                self.raw("Enhed: ");
                self.text(&unit.name);
            }
            None => self.raw("Hele kommunen"),
        }
        self.raw("</p>\n");
        if doc.suppressed {
            self.raw("<p class=\"notice\" role=\"note\"><strong>Diskretionering.</strong> ");
            self.text(SUPPRESSION_NOTICE);
            self.raw("</p>\n");
        }
        self.raw("</header>\n<main>\n");
        self.sections(doc);
        self.raw("</main>\n</body>\n</html>\n");
    }

    /// The document's sections: what the standalone page and the web page share.
    fn sections(&mut self, doc: &Document) {
        for section in &doc.sections {
            self.raw("<section id=\"afsnit-");
            self.attr(&id_fragment(section.id));
            self.raw("\">\n<h2>");
            self.text(&section.title);
            self.raw("</h2>\n");
            for note in &section.notes {
                self.raw("<p class=\"note\">");
                self.text(note);
                self.raw("</p>\n");
            }
            for table in &section.tables {
                // Formatted once for the chart's labels and the table.
                let texts = number::table_texts(table);
                if let Some(chart) = &table.chart {
                    self.chart(table, chart, &texts);
                }
                self.table(table, &texts);
            }
            self.raw("</section>\n");
        }
    }

    /// `texts`: the table's cells as [`number::table_texts`] shows them.
    fn table(&mut self, table: &Table, texts: &[Vec<String>]) {
        self.raw("<table id=\"tabel-");
        self.attr(&id_fragment(&table.id));
        self.raw("\">\n<caption>");
        self.text(&table.title);
        self.raw("</caption>\n<thead>\n<tr>");
        for column in &table.columns {
            self.raw("<th scope=\"col\"");
            self.raw(class_of(column.kind));
            self.raw(">");
            self.text(&column.title);
            self.raw("</th>");
        }
        self.raw("</tr>\n</thead>\n<tbody>\n");
        // A first column of labels names its row for screen readers.
        let row_headers = table
            .columns
            .first()
            .is_some_and(|column| column.kind == ColumnKind::Text);
        for (row, row_texts) in table.rows.iter().zip(texts) {
            self.raw("<tr>");
            for (index, ((cell, shown), column)) in
                row.iter().zip(row_texts).zip(&table.columns).enumerate()
            {
                let (open, close) = if index == 0 && row_headers {
                    ("<th scope=\"row\"", "</th>")
                } else {
                    ("<td", "</td>")
                };
                self.raw(open);
                self.raw(class_of(column.kind));
                self.raw(">");
                self.cell(cell, shown);
                self.raw(close);
            }
            self.raw("</tr>\n");
        }
        if table.rows.is_empty() {
            let _ = write!(
                self.out,
                "<tr><td colspan=\"{}\">",
                table.columns.len().max(1)
            );
            self.raw("Ingen rækker.</td></tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
        if !table.footnotes.is_empty() {
            self.raw("<div class=\"footnotes\">\n");
            for footnote in &table.footnotes {
                self.raw("<p>");
                self.text(footnote);
                self.raw("</p>\n");
            }
            self.raw("</div>\n");
        }
    }

    /// A cell as `shown`; a mark for a hidden value with its explanation as a tooltip.
    fn cell(&mut self, cell: &Cell, shown: &str) {
        if let Some((_, explanation)) = mark(cell) {
            self.raw("<abbr title=\"");
            self.attr(explanation);
            self.raw("\">");
            self.text(shown);
            self.raw("</abbr>");
        } else {
            self.text(shown);
        }
    }

    /// An inline SVG drawing of `table`, placed before it. The table stays the accessible
    /// version: the SVG is one image whose label points to it, and values that cannot be drawn
    /// (suppressed, not available) are gaps, never zeros. All series share one value axis,
    /// labelled in the format of the first series' column, so a chart should combine columns of
    /// one kind (counts with counts, shares with shares).
    fn chart(&mut self, table: &Table, chart: &Chart, texts: &[Vec<String>]) {
        if table.rows.is_empty() || chart.value_columns.is_empty() {
            return;
        }
        let categories: Vec<&str> = texts
            .iter()
            .map(|row| row[chart.category_column].as_str())
            .collect();
        let series: Vec<Series<'_>> = chart
            .value_columns
            .iter()
            .map(|&index| Series {
                column: &table.columns[index],
                values: table
                    .rows
                    .iter()
                    .map(|row| numeric_value(&row[index]))
                    .collect(),
                labels: texts.iter().map(|row| row[index].as_str()).collect(),
            })
            .collect();
        let whole = series
            .iter()
            .all(|s| matches!(s.column.kind, ColumnKind::Integer | ColumnKind::Money));
        let scale = Scale::new(
            series
                .iter()
                .flat_map(|s| s.values.iter().flatten().copied()),
            whole,
        );
        let label = format!(
            "Diagram: {}. Tallene står i tabellen nedenfor.",
            table.title
        );
        let legend = Legend::new(&series);
        let (width, height) = match chart.kind {
            ChartKind::Bar => bar_size(&categories, &series, &legend),
            ChartKind::Line => line_size(&legend),
        };
        self.raw("<figure class=\"chart\">\n");
        let _ = write!(
            self.out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height:.0}\" \
             width=\"{width}\" height=\"{height:.0}\" role=\"img\" aria-label=\""
        );
        self.attr(&label);
        let _ = write!(self.out, "\" font-size=\"12\" fill=\"{INK}\">\n<title>");
        self.text(&label);
        self.raw("</title>\n");
        self.legend(&legend, &series);
        match chart.kind {
            ChartKind::Bar => self.bars(&categories, &series, &scale, legend.height),
            ChartKind::Line => self.lines(&categories, &series, &scale, legend.height),
        }
        self.raw("</svg>\n</figure>\n");
    }

    fn legend(&mut self, legend: &Legend, series: &[Series<'_>]) {
        for (index, ((x, y), one)) in legend.positions.iter().zip(series).enumerate() {
            let _ = write!(
                self.out,
                "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" \
                 stroke-width=\"4\"{}/>",
                x + 20.0,
                colour(index),
                dash_attr(index),
            );
            let _ = write!(
                self.out,
                "<text x=\"{:.1}\" y=\"{:.1}\">",
                x + 26.0,
                y + 4.0
            );
            self.text(&one.column.title);
            self.raw("</text>\n");
        }
    }

    fn bars(&mut self, categories: &[&str], series: &[Series<'_>], scale: &Scale, top: f64) {
        let band = band_height(series.len());
        let plot = Plot {
            left: BAR_LABEL_WIDTH + 10.0,
            right: CHART_WIDTH - BAR_VALUE_ROOM,
            top,
            bottom: top + categories.len() as f64 * band,
        };
        self.value_grid_vertical(scale, &plot, series[0].column.kind);
        let zero = plot.x(scale, 0.0);
        for (row, category) in categories.iter().enumerate() {
            let band_top = plot.top + row as f64 * band;
            let middle = band_top + band / 2.0;
            let (shown, cut) = truncate(category, 28);
            let _ = write!(
                self.out,
                "<text x=\"{BAR_LABEL_WIDTH:.1}\" y=\"{:.1}\" text-anchor=\"end\">",
                middle + 4.0
            );
            if cut {
                self.raw("<title>");
                self.text(category);
                self.raw("</title>");
            }
            self.text(&shown);
            self.raw("</text>\n");
            for (index, one) in series.iter().enumerate() {
                let y = band_top + BAND_GAP / 2.0 + index as f64 * (BAR_HEIGHT + BAR_GAP);
                let text_y = y + BAR_HEIGHT - 3.0;
                match one.values[row] {
                    Some(value) => {
                        let end = plot.x(scale, value);
                        let (x, w) = (zero.min(end), (end - zero).abs());
                        let _ = write!(
                            self.out,
                            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" \
                             height=\"{BAR_HEIGHT:.1}\" fill=\"{}\"/>",
                            colour(index)
                        );
                        let (text_x, anchor) = if value < 0.0 {
                            (x - 4.0, "end")
                        } else {
                            (x + w + 4.0, "start")
                        };
                        let _ = write!(
                            self.out,
                            "<text x=\"{text_x:.1}\" y=\"{text_y:.1}\" text-anchor=\"{anchor}\">"
                        );
                    }
                    // A gap: no bar, only the mark the table shows, so it is not read as 0.
                    None => {
                        let _ = write!(
                            self.out,
                            "<text x=\"{:.1}\" y=\"{text_y:.1}\" fill=\"{MUTED_INK}\">",
                            zero + 4.0
                        );
                    }
                }
                self.text(one.labels[row]);
                self.raw("</text>\n");
            }
        }
        let _ = writeln!(
            self.out,
            "<line x1=\"{zero:.1}\" y1=\"{:.1}\" x2=\"{zero:.1}\" y2=\"{:.1}\" stroke=\"{INK}\"/>",
            plot.top, plot.bottom
        );
    }

    fn lines(&mut self, categories: &[&str], series: &[Series<'_>], scale: &Scale, top: f64) {
        let plot = Plot {
            left: LINE_LEFT,
            right: CHART_WIDTH - 20.0,
            top: top + 8.0,
            bottom: top + 8.0 + LINE_PLOT_HEIGHT,
        };
        // Horizontal grid and value axis labels.
        for tick in scale.ticks() {
            let y = plot.y(scale, tick);
            let stroke = if tick == 0.0 { INK } else { GRID };
            let _ = write!(
                self.out,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{stroke}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">",
                plot.left,
                plot.right,
                plot.left - 6.0,
                y + 4.0
            );
            self.text(&scale.label(tick, series[0].column.kind));
            self.raw("</text>\n");
        }
        let count = categories.len();
        let x_of = |index: usize| {
            if count == 1 {
                (plot.left + plot.right) / 2.0
            } else {
                plot.left + index as f64 * (plot.right - plot.left) / (count - 1) as f64
            }
        };
        // Category labels: at most about twelve, so they do not overlap.
        let every = count.div_ceil(12);
        for (index, category) in categories.iter().enumerate() {
            if index % every != 0 && index != count - 1 {
                continue;
            }
            let (shown, _) = truncate(category, 12);
            let _ = write!(
                self.out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">",
                x_of(index),
                plot.bottom + 18.0
            );
            self.text(&shown);
            self.raw("</text>\n");
        }
        for (index, one) in series.iter().enumerate() {
            // One polyline per run of drawable values: a missing value breaks the line.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let points = one
                .values
                .iter()
                .enumerate()
                .map(|(i, value)| value.map(|value| (x_of(i), plot.y(scale, value))));
            for point in points.chain(std::iter::once(None)) {
                match point {
                    Some(point) => run.push(point),
                    None => {
                        self.polyline(&run, index);
                        run.clear();
                    }
                }
            }
        }
    }

    fn polyline(&mut self, run: &[(f64, f64)], series: usize) {
        if run.len() > 1 {
            self.raw("<polyline points=\"");
            for (i, (x, y)) in run.iter().enumerate() {
                let separator = if i == 0 { "" } else { " " };
                let _ = write!(self.out, "{separator}{x:.1},{y:.1}");
            }
            let _ = writeln!(
                self.out,
                "\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                colour(series),
                dash_attr(series)
            );
        }
        // Markers show every value, including one standing alone between two gaps.
        for (x, y) in run {
            let _ = write!(
                self.out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{}\"/>",
                colour(series)
            );
        }
        if !run.is_empty() {
            self.raw("\n");
        }
    }

    /// Vertical grid lines with value labels below a horizontal bar chart.
    fn value_grid_vertical(&mut self, scale: &Scale, plot: &Plot, kind: ColumnKind) {
        for tick in scale.ticks() {
            let x = plot.x(scale, tick);
            let _ = write!(
                self.out,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{GRID}\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{MUTED_INK}\">",
                plot.top,
                plot.bottom,
                plot.bottom + 16.0
            );
            self.text(&scale.label(tick, kind));
            self.raw("</text>\n");
        }
    }
}

/// Escapes text for element content and quoted attribute values alike.
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// A stable code made safe for an `id` (ASCII letters, digits, `-`, `_`).
fn id_fragment(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn class_of(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text => "",
        ColumnKind::Integer
        | ColumnKind::Decimal(_)
        | ColumnKind::Percent
        | ColumnKind::Money
        | ColumnKind::Date => " class=\"num\"",
    }
}

fn colour(series: usize) -> &'static str {
    SERIES_COLOURS[series % SERIES_COLOURS.len()]
}

fn dash_attr(series: usize) -> String {
    match SERIES_DASHES[series % SERIES_DASHES.len()] {
        "" => String::new(),
        dash => format!(" stroke-dasharray=\"{dash}\""),
    }
}

/// The first `max` characters of `text`, with "…" when cut.
fn truncate(text: &str, max: usize) -> (String, bool) {
    if text.chars().count() <= max {
        return (text.to_owned(), false);
    }
    let mut shown: String = text.chars().take(max - 1).collect();
    shown.push('…');
    (shown, true)
}

// Chart geometry, in SVG user units (about pixels at 100 %).
const CHART_WIDTH: f64 = 720.0;
const BAR_LABEL_WIDTH: f64 = 190.0;
const BAR_VALUE_ROOM: f64 = 90.0;
const BAR_HEIGHT: f64 = 14.0;
const BAR_GAP: f64 = 2.0;
const BAND_GAP: f64 = 10.0;
const AXIS_ROOM: f64 = 26.0;
const LINE_LEFT: f64 = 80.0;
const LINE_PLOT_HEIGHT: f64 = 240.0;
/// A rough width of one character at font size 12, for laying out the legend.
const CHAR_WIDTH: f64 = 6.8;

struct Series<'a> {
    column: &'a Column,
    values: Vec<Option<f64>>,
    /// The cells as the table shows them (value labels and gap marks in bar charts).
    labels: Vec<&'a str>,
}

fn band_height(series: usize) -> f64 {
    series as f64 * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + BAND_GAP
}

fn bar_size(categories: &[&str], series: &[Series<'_>], legend: &Legend) -> (f64, f64) {
    let bands = categories.len() as f64 * band_height(series.len());
    (CHART_WIDTH, legend.height + bands + AXIS_ROOM)
}

fn line_size(legend: &Legend) -> (f64, f64) {
    (CHART_WIDTH, legend.height + 8.0 + LINE_PLOT_HEIGHT + 30.0)
}

/// The legend's items laid out left to right, wrapping to a new line when full.
struct Legend {
    positions: Vec<(f64, f64)>,
    height: f64,
}

impl Legend {
    fn new(series: &[Series<'_>]) -> Legend {
        const LINE_HEIGHT: f64 = 20.0;
        let mut positions = Vec::with_capacity(series.len());
        let (mut x, mut y) = (10.0, 12.0);
        for one in series {
            let width = 26.0 + one.column.title.chars().count() as f64 * CHAR_WIDTH + 18.0;
            if x > 10.0 && x + width > CHART_WIDTH {
                x = 10.0;
                y += LINE_HEIGHT;
            }
            positions.push((x, y));
            x += width;
        }
        Legend {
            positions,
            height: y + 14.0,
        }
    }
}

/// The drawing area of a chart.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn x(&self, scale: &Scale, value: f64) -> f64 {
        self.left + (value - scale.low) / (scale.high - scale.low) * (self.right - self.left)
    }

    fn y(&self, scale: &Scale, value: f64) -> f64 {
        self.bottom - (value - scale.low) / (scale.high - scale.low) * (self.bottom - self.top)
    }
}

/// The value axis: always includes 0 (bars start there, and a line chart that does not start at
/// 0 exaggerates change), extended to whole steps of a round size.
struct Scale {
    low: f64,
    high: f64,
    step: f64,
}

impl Scale {
    /// `whole`: the values are counts or kroner, so steps below 1 would only give odd ticks.
    fn new(values: impl Iterator<Item = f64>, whole: bool) -> Scale {
        let (mut low, mut high) = (0.0f64, 0.0f64);
        for value in values {
            low = low.min(value);
            high = high.max(value);
        }
        if high - low <= 0.0 {
            high = low + 1.0;
        }
        let mut step = nice_step((high - low) / 4.0);
        if whole {
            step = step.max(1.0);
        }
        Scale {
            low: (low / step).floor() * step,
            high: (high / step).ceil() * step,
            step,
        }
    }

    fn ticks(&self) -> Vec<f64> {
        let count = ((self.high - self.low) / self.step).round() as i64;
        (0..=count)
            .map(|i| {
                let tick = self.low + i as f64 * self.step;
                // Remove the float noise of the multiplication (0.30000000000000004).
                let tick = (tick / self.step).round() * self.step;
                if tick == 0.0 { 0.0 } else { tick }
            })
            .collect()
    }

    /// A tick label in the format of the first series' column, with as many decimals as the
    /// step needs.
    fn label(&self, value: f64, kind: ColumnKind) -> String {
        match kind {
            ColumnKind::Percent => number::percent_with(value, decimals_for(self.step * 100.0)),
            ColumnKind::Money => number::money(value),
            _ => number::decimal(value, decimals_for(self.step)),
        }
    }
}

/// A round step (1, 2, 2.5 or 5 times a power of ten) of at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// The fewest decimals that show `step` exactly.
fn decimals_for(step: f64) -> u8 {
    (0..6u8)
        .find(|&decimals| {
            let scaled = step * 10f64.powi(i32::from(decimals));
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        let mut out = String::new();
        escape_into("<a href=\"x\">'&'</a>", &mut out);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn scales_are_round_and_include_zero() {
        let scale = Scale::new([3.0, 17.0].into_iter(), true);
        assert_eq!((scale.low, scale.high, scale.step), (0.0, 20.0, 5.0));
        assert_eq!(scale.ticks(), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        let shares = Scale::new([0.12, 0.34].into_iter(), false);
        assert_eq!(shares.label(0.1, ColumnKind::Percent), "10 %");
        let negative = Scale::new([-5.0, 10.0].into_iter(), false);
        assert!(negative.low <= -5.0 && negative.high >= 10.0);
        let empty = Scale::new(std::iter::empty(), false);
        assert_eq!((empty.low, empty.high), (0.0, 1.0));
        let small_counts = Scale::new([1.0, 2.0].into_iter(), true);
        assert_eq!(small_counts.step, 1.0);
    }

    #[test]
    fn truncates_long_labels() {
        assert_eq!(truncate("kort", 12), ("kort".to_owned(), false));
        assert_eq!(
            truncate("en meget lang betegnelse", 12),
            ("en meget la…".to_owned(), true)
        );
    }
}
