//! Writing a command's output to stdout without a panic when the reader goes away
//! (`overblik deadlines --json | head`).

use std::io::Write;

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
