//! Plain text for a terminal (`overblik quality`): each table with aligned columns, numbers
//! formatted as in the HTML (Danish conventions).

use std::fmt::Write as _;

use overblik_domain::report::{ColumnKind, Document};

use crate::number::table_texts;

pub(crate) fn render(doc: &Document) -> String {
    let mut out = format!("{} · {}\n", doc.title, doc.subtitle);
    for section in &doc.sections {
        let _ = writeln!(out, "\n== {} ==", section.title);
        for note in &section.notes {
            out.push_str(note);
            out.push('\n');
        }
        for table in &section.tables {
            let _ = writeln!(out, "\n{}", table.title);
            let header: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
            let rows = table_texts(table);
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
                // `format!` pads by characters, as the widths are counted.
                let line: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .zip(&table.columns)
                    .map(|((text, &width), column)| {
                        if column.kind == ColumnKind::Text {
                            format!("{text:<width$}")
                        } else {
                            format!("{text:>width$}")
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
