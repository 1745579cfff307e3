//! CSV export: one `<table>.csv` per table, UTF-8 without BOM, `\n` line endings, quoted only
//! where RFC 4180 needs it.
//!
//! Text that starts with `=`, `+`, `-` or `@` is written unchanged: the format must give back
//! exactly what was imported (ids like `-12` and refunds like `-300` are data). Opening these
//! files in a spreadsheet is what the XLSX export is for; see the crate README.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use overblik_domain::format_cell;

use super::{ExportError, ExportSource, ExportSummary, all_tables, for_each_row};

pub(super) fn export<S: ExportSource>(
    out: &Path,
    source: &mut S,
) -> Result<ExportSummary, ExportError<S::Error>> {
    std::fs::create_dir_all(out).map_err(|error| ExportError::Io {
        path: out.to_owned(),
        source: error,
    })?;
    let mut summary = ExportSummary { tables: Vec::new() };
    for spec in all_tables(source) {
        let path = out.join(spec.file_name());
        let io_error = |error: io::Error| ExportError::Io {
            path: path.clone(),
            source: error,
        };
        let file = File::create(&path).map_err(io_error)?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(BufWriter::new(file));
        writer
            .write_record(spec.columns.iter().map(|column| column.name))
            .map_err(|error| io_error(error.into()))?;
        let rows = for_each_row(
            source,
            spec,
            |row| writer.write_record(row.0.iter().map(format_cell)),
            |error| io_error(error.into()),
        )?;
        writer
            .into_inner()
            .map_err(|error| io_error(error.into_error()))?
            .flush()
            .map_err(io_error)?;
        summary.tables.push((spec.name, rows));
    }
    Ok(summary)
}
