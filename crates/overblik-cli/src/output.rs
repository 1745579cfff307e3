//! Writing a command's output to stdout without a panic when the reader goes away
//! (`overblik deadlines --json | head`).

use std::io::Write;
use std::path::Path;

/// Writes `text` to stdout; a closed pipe ends the output quietly.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}

/// The folder a file at `path` goes into (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Checks an `--out` path before any work is done: not a folder, and in a folder that exists.
pub fn check_out_path(path: &Path) -> anyhow::Result<()> {
    if path.is_dir() {
        anyhow::bail!("--out: `{}` er en mappe; angiv et filnavn", path.display());
    }
    let folder = folder_of(path);
    if !folder.is_dir() {
        anyhow::bail!("--out: mappen `{}` findes ikke", folder.display());
    }
    Ok(())
}

/// Writes `bytes` to `path` so that either the whole file appears or nothing does: the bytes
/// go to a temporary file next to it, which is renamed over `path` at the end. A folder that
/// cannot be written is reported with the path.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let folder = folder_of(path);
    let mut file = tempfile::NamedTempFile::new_in(folder)
        .with_context(|| format!("--out: kan ikke skrive i mappen `{}`", folder.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .with_context(|| format!("--out: kunne ikke skrive `{}`", path.display()))?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("--out: kunne ikke gemme `{}`", path.display()))?;
    Ok(())
}
