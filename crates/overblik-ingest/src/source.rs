//! Where an import comes from: a folder of CSV files or one XLSX workbook.
//!
//! The format is decided here, once, from what the path is (a folder, or a file ending in
//! `.xlsx`); anything else is refused with a message that says what is expected.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::csv_read;

/// A source of the interchange format v1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder with one `<table>.csv` per table.
    CsvFolder(PathBuf),
    /// A workbook with one sheet per table, named like the table.
    Xlsx(PathBuf),
}

/// Why a source cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("`{}` findes ikke", path.display())]
    NotFound { path: PathBuf },
    #[error(
        "`{}` er en enkelt CSV-fil; angiv mappen med alle CSV-filerne",
        path.display()
    )]
    SingleCsvFile { path: PathBuf },
    #[error(
        "`{}` er hverken en mappe med CSV-filer eller en `.xlsx`-projektmappe",
        path.display()
    )]
    Unsupported { path: PathBuf },
    #[error("kunne ikke læse `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl Source {
    /// Recognises the format: a directory is a CSV folder, a file ending in `.xlsx` a workbook.
    pub fn open(path: &Path) -> Result<Source, SourceError> {
        let metadata = std::fs::metadata(path).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                SourceError::NotFound {
                    path: path.to_owned(),
                }
            } else {
                SourceError::Io {
                    path: path.to_owned(),
                    source,
                }
            }
        })?;
        if metadata.is_dir() {
            return Ok(Source::CsvFolder(path.to_owned()));
        }
        match extension(path).as_deref() {
            Some("xlsx") => Ok(Source::Xlsx(path.to_owned())),
            Some("csv") => Err(SourceError::SingleCsvFile {
                path: path.to_owned(),
            }),
            _ => Err(SourceError::Unsupported {
                path: path.to_owned(),
            }),
        }
    }

    /// The path as it was given.
    pub fn display_name(&self) -> String {
        self.path().display().to_string()
    }

    /// `"csv"` or `"xlsx"`.
    pub fn format(&self) -> &'static str {
        match self {
            Source::CsvFolder(_) => "csv",
            Source::Xlsx(_) => "xlsx",
        }
    }

    /// The folder or workbook file.
    pub fn path(&self) -> &Path {
        match self {
            Source::CsvFolder(path) | Source::Xlsx(path) => path,
        }
    }

    /// The SHA-256 of the source, in lowercase hex. For a folder it covers the names and contents
    /// of the table files only, in name order, so unrelated files and the file system's listing
    /// order do not change it.
    pub fn sha256(&self) -> Result<String, SourceError> {
        let mut hasher = Sha256::new();
        match self {
            Source::Xlsx(path) => hash_file(&mut hasher, path)?,
            Source::CsvFolder(dir) => {
                let listing = csv_read::list_folder(dir).map_err(|source| SourceError::Io {
                    path: dir.clone(),
                    source,
                })?;
                let mut files: Vec<_> = listing
                    .tables
                    .iter()
                    .map(|(spec, path)| (spec.file_name(), path))
                    .collect();
                files.sort();
                for (name, path) in files {
                    // Name and length frame each file, so moving bytes from one file into the
                    // next cannot produce the same hash.
                    hasher.update(name.as_bytes());
                    hasher.update([0]);
                    let length = std::fs::metadata(path)
                        .map_err(|source| SourceError::Io {
                            path: path.clone(),
                            source,
                        })?
                        .len();
                    hasher.update(length.to_le_bytes());
                    hash_file(&mut hasher, path)?;
                }
            }
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect())
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
}

fn hash_file(hasher: &mut Sha256, path: &Path) -> Result<(), SourceError> {
    let io_error = |source| SourceError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer).map_err(io_error)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buffer[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_a_csv_source_and_an_xlsx_file_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::open(dir.path()).unwrap();
        assert_eq!(source.format(), "csv");
        assert_eq!(source.display_name(), dir.path().display().to_string());
        let workbook = dir.path().join("Data.XLSX");
        std::fs::write(&workbook, b"").unwrap();
        assert_eq!(Source::open(&workbook).unwrap().format(), "xlsx");
    }

    #[test]
    fn other_paths_are_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("cases.csv");
        std::fs::write(&csv, b"").unwrap();
        let err = Source::open(&csv).unwrap_err();
        assert!(err.to_string().contains("angiv mappen"), "{err}");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, b"").unwrap();
        assert!(matches!(
            Source::open(&text),
            Err(SourceError::Unsupported { .. })
        ));
        assert!(matches!(
            Source::open(&dir.path().join("missing")),
            Err(SourceError::NotFound { .. })
        ));
    }

    #[test]
    fn the_folder_hash_covers_table_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cases.csv"), b"case_id\n").unwrap();
        let source = Source::open(dir.path()).unwrap();
        let before = source.sha256().unwrap();
        assert_eq!(before.len(), 64);
        std::fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
        assert_eq!(source.sha256().unwrap(), before);
        std::fs::write(dir.path().join("cases.csv"), b"case_id\nC1\n").unwrap();
        assert_ne!(source.sha256().unwrap(), before);
    }
}
