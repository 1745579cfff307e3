//! Reading a folder of CSV files: which tables are there, and the records of one file.
//!
//! Records are read as bytes and checked for UTF-8 here, so a Latin-1 file from an old export
//! gets one clear message instead of garbled names in the database.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use overblik_domain::{TABLES, TableSpec};

use crate::raw::{RawCell, RawRecord, ReadProblem, RecordReader};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The files of a CSV folder.
#[derive(Debug, Default)]
pub(crate) struct FolderListing {
    /// The table files present, in [`TABLES`] order.
    pub tables: Vec<(&'static TableSpec, PathBuf)>,
    /// The names of the other visible files, sorted.
    pub others: Vec<String>,
}

/// Lists the table files and the other files of `dir`. Hidden files (`.DS_Store`) and
/// subfolders are not part of the import and are skipped without a word.
pub(crate) fn list_folder(dir: &Path) -> io::Result<FolderListing> {
    let mut listing = FolderListing::default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.path().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        match name.strip_suffix(".csv").and_then(overblik_domain::table) {
            Some(spec) => listing.tables.push((spec, entry.path())),
            None => listing.others.push(name),
        }
    }
    listing
        .tables
        .sort_by_key(|(spec, _)| TABLES.iter().position(|table| table == spec));
    listing.others.sort();
    Ok(listing)
}

/// A record longer than this is a broken file (an unclosed quote swallowing the rest of it);
/// no valid row comes near it, and reading on would hold the whole file in memory.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// The records of one CSV file.
///
/// Built on `csv-core` rather than `csv::Reader` because the latter dates a record from before
/// the blank lines and CRLF tails it skips, so its line numbers drift; here every line break is
/// counted as it is consumed.
pub(crate) struct CsvRecords<R: io::Read> {
    input: BufReader<R>,
    parser: csv_core::Reader,
    lines: LineCounter,
    fields: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

impl CsvRecords<File> {
    /// Opens `path`; Excel's "CSV UTF-8" starts with a byte order mark, which is skipped.
    pub fn open(path: &Path) -> io::Result<Self> {
        Self::new(File::open(path)?)
    }
}

impl<R: io::Read> CsvRecords<R> {
    /// Reads CSV from `input`, skipping a UTF-8 byte order mark.
    pub fn new(input: R) -> io::Result<Self> {
        let mut input = BufReader::with_capacity(64 * 1024, input);
        if input.fill_buf()?.starts_with(UTF8_BOM) {
            input.consume(UTF8_BOM.len());
        }
        Ok(Self {
            input,
            parser: csv_core::Reader::new(),
            lines: LineCounter::default(),
            fields: vec![0; 1024],
            ends: vec![0; 32],
            done: false,
        })
    }

    fn problem(&mut self, line: u64, code: &'static str, message: String) -> ReadProblem {
        self.done = true;
        ReadProblem {
            line,
            code,
            message,
        }
    }

    fn io_problem(&mut self, line: u64, error: &io::Error) -> ReadProblem {
        self.problem(line, "read_error", format!("filen kan ikke læses: {error}"))
    }

    /// Skips the line breaks before a record (blank lines, the `\n` of a CRLF); `false` at the
    /// end of the input.
    fn skip_line_breaks(&mut self) -> io::Result<bool> {
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(false);
            }
            let breaks = buffer
                .iter()
                .take_while(|byte| matches!(byte, b'\r' | b'\n'))
                .count();
            self.lines.feed(&buffer[..breaks]);
            let more = breaks < buffer.len();
            self.input.consume(breaks);
            if more {
                return Ok(true);
            }
        }
    }

    /// Reads one record into `fields`/`ends`; returns the number of fields.
    fn read_record(&mut self, line: u64) -> Result<usize, ReadProblem> {
        let (mut out_len, mut ends_len) = (0, 0);
        loop {
            let buffer = match self.input.fill_buf() {
                Ok(buffer) => buffer,
                Err(error) => return Err(self.io_problem(line, &error)),
            };
            let (result, n_in, n_out, n_ends) = self.parser.read_record(
                buffer,
                &mut self.fields[out_len..],
                &mut self.ends[ends_len..],
            );
            self.lines.feed(&buffer[..n_in]);
            self.input.consume(n_in);
            out_len += n_out;
            ends_len += n_ends;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    if self.fields.len() >= MAX_RECORD_BYTES {
                        let message = format!(
                            "rækken er længere end {} MiB; tjek for et citationstegn uden slutning",
                            MAX_RECORD_BYTES >> 20
                        );
                        return Err(self.problem(line, "record_too_long", message));
                    }
                    self.fields.resize(self.fields.len() * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                csv_core::ReadRecordResult::Record => return Ok(ends_len),
                csv_core::ReadRecordResult::End => {
                    self.done = true;
                    return Ok(ends_len);
                }
            }
        }
    }
}

impl<R: io::Read> RecordReader for CsvRecords<R> {
    fn fixed_width(&self) -> bool {
        true
    }

    fn next_record(&mut self) -> Option<Result<RawRecord, ReadProblem>> {
        while !self.done {
            match self.skip_line_breaks() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(error) => {
                    let line = self.lines.line();
                    return Some(Err(self.io_problem(line, &error)));
                }
            }
            let line = self.lines.line();
            let n_fields = match self.read_record(line) {
                Ok(n_fields) => n_fields,
                Err(problem) => return Some(Err(problem)),
            };
            let mut cells = Vec::with_capacity(n_fields);
            let mut start = 0;
            for &end in &self.ends[..n_fields] {
                match std::str::from_utf8(&self.fields[start..end]) {
                    Ok("") => cells.push(RawCell::Empty),
                    Ok(text) => cells.push(RawCell::Text(text.to_owned())),
                    Err(_) => {
                        // One message per file: every later line would say the same.
                        let message = "filen er ikke UTF-8; gem den som UTF-8".to_owned();
                        return Some(Err(self.problem(line, "invalid_encoding", message)));
                    }
                }
                start = end;
            }
            if cells.iter().all(RawCell::is_blank) {
                continue;
            }
            return Some(Ok(RawRecord { line, cells }));
        }
        None
    }
}

/// Counts line breaks (`\n`, `\r\n` or a lone `\r`) across buffer boundaries.
#[derive(Debug, Default)]
struct LineCounter {
    /// Line breaks seen, not counting a `\r` that may still turn out to start a `\r\n`.
    breaks: u64,
    pending_cr: bool,
}

impl LineCounter {
    fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            match byte {
                b'\n' => {
                    self.breaks += 1;
                    self.pending_cr = false;
                }
                b'\r' => {
                    self.breaks += u64::from(self.pending_cr);
                    self.pending_cr = true;
                }
                _ => {
                    self.breaks += u64::from(self.pending_cr);
                    self.pending_cr = false;
                }
            }
        }
    }

    /// The 1-based line of the next byte, if it is not a `\n`.
    fn line(&self) -> u64 {
        self.breaks + u64::from(self.pending_cr) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &[u8]) -> Vec<Result<RawRecord, ReadProblem>> {
        let mut reader = CsvRecords::new(input).unwrap();
        std::iter::from_fn(|| reader.next_record()).collect()
    }

    fn text(value: &str) -> RawCell {
        RawCell::Text(value.to_owned())
    }

    #[test]
    fn records_carry_the_line_they_start_on() {
        let got = records(b"a,b\n\n1,\"x\ny\"\n,\n2,3\n");
        let lines: Vec<u64> = got.iter().map(|r| r.as_ref().unwrap().line).collect();
        assert_eq!(lines, [1, 3, 6]);
        assert_eq!(got[1].as_ref().unwrap().cells, [text("1"), text("x\ny")]);
    }

    #[test]
    fn line_numbers_count_crlf_and_lone_cr_line_breaks() {
        let lines = |input: &[u8]| -> Vec<u64> {
            records(input)
                .iter()
                .map(|r| r.as_ref().unwrap().line)
                .collect()
        };
        assert_eq!(lines(b"a,b\r\n\r\n1,\"x\r\ny\"\r\n,\r\n2,3"), [1, 3, 6]);
        assert_eq!(lines(b"a\r\rb\r"), [1, 3]);
        assert_eq!(lines(b"\n\na\nb\n"), [3, 4]);
    }

    #[test]
    fn an_unclosed_quote_stops_the_file_instead_of_filling_memory() {
        let mut input = b"a,b\n1,\"".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        let got = records(&input);
        let problem = got[1].as_ref().unwrap_err();
        assert_eq!((problem.line, problem.code), (2, "record_too_long"));
    }

    #[test]
    fn invalid_utf8_ends_the_file_with_one_problem() {
        let got = records(b"name\nok\nS\xf8ren\nJ\xf8rgen\n");
        assert_eq!(got.len(), 3);
        let problem = got[2].as_ref().unwrap_err();
        assert_eq!((problem.line, problem.code), (3, "invalid_encoding"));
        assert_eq!(problem.message, "filen er ikke UTF-8; gem den som UTF-8");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, b"\xEF\xBB\xBFcase_id\nC1\n").unwrap();
        let mut reader = CsvRecords::open(&path).unwrap();
        let header = reader.next_record().unwrap().unwrap();
        assert_eq!(header.cells, [text("case_id")]);
    }

    #[test]
    fn the_folder_listing_separates_tables_from_other_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "cases.csv",
            "org_units.csv",
            "notes.txt",
            ".DS_Store",
            "Cases.csv",
        ] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("old")).unwrap();
        let listing = list_folder(dir.path()).unwrap();
        let tables: Vec<_> = listing.tables.iter().map(|(spec, _)| spec.name).collect();
        assert_eq!(tables, ["org_units", "cases"]);
        assert_eq!(listing.others, ["Cases.csv", "notes.txt"]);
    }
}
