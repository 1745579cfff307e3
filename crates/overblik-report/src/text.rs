//! Plain text for a terminal (`overblik quality`): each table with aligned columns, numbers
//! formatted as in the HTML (Danish conventions).

use overblik_domain::report::{ColumnKind, Document};

use crate::number::cell_text;

pub fn render(doc: &Document) -> String {
    let mut out = format!("{} · {}\n", doc.title, doc.subtitle);
    for section in &doc.sections {
        out.push_str(&format!("\n== {} ==\n", section.title));
        for note in &section.notes {
            out.push_str(note);
            out.push('\n');
        }
        for table in &section.tables {
            out.push_str(&format!("\n{}\n", table.title));
            let header: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
            let rows: Vec<Vec<String>> = table
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(&table.columns)
                        .map(|(cell, column)| cell_text(cell, column.kind))
                        .collect()
                })
                .collect();
            let widths: Vec<usize> = (0..header.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| r[i].chars().count())
                        .chain([header[i].chars().count()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for row in std::iter::once(&header).chain(&rows) {
                let line: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .zip(&table.columns)
                    .map(|((text, width), column)| {
                        let pad = width.saturating_sub(text.chars().count());
                        if column.kind == ColumnKind::Text {
                            format!("{text}{}", " ".repeat(pad))
                        } else {
                            format!("{}{text}", " ".repeat(pad))
                        }
                    })
                    .collect();
                out.push_str(line.join("  ").trim_end());
                out.push('\n');
            }
            for note in &table.footnotes {
                out.push_str(note);
                out.push('\n');
            }
        }
    }
    out
}
