//! Rows as PostgreSQL `COPY ... FROM STDIN` text format, so that an import sends buffers of
//! thousands of rows instead of one round trip per row.
//!
//! Format: columns separated by a tab, rows by a newline, `\N` for NULL; backslash, tab,
//! newline and carriage return inside a value are escaped; bytea is written as `\\x<hex>` (the
//! backslash of bytea's hex form is itself escaped for COPY).

use std::io::Write;

use postgres::Transaction;

use crate::StoreError;
use crate::layout::Stored;

/// A growing COPY buffer and the number of rows in it.
#[derive(Debug, Default)]
pub(crate) struct CopyBuffer {
    pub data: Vec<u8>,
    pub rows: usize,
}

impl CopyBuffer {
    /// Appends one row.
    pub(crate) fn push_row(&mut self, row: &[Stored<'_>]) {
        for (position, value) in row.iter().enumerate() {
            if position > 0 {
                self.data.push(b'\t');
            }
            push_value(&mut self.data, value);
        }
        self.data.push(b'\n');
        self.rows += 1;
    }

    pub(crate) fn clear(&mut self) {
        self.data.clear();
        self.rows = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows == 0
    }
}

fn push_value(data: &mut Vec<u8>, value: &Stored<'_>) {
    match value {
        Stored::Null => data.extend_from_slice(b"\\N"),
        Stored::Text(text) => push_text(data, text),
        Stored::Int(number) => data.extend_from_slice(number.to_string().as_bytes()),
        Stored::Bool(flag) => data.push(if *flag { b't' } else { b'f' }),
        Stored::Blob(bytes) => {
            data.extend_from_slice(b"\\\\x");
            let start = data.len();
            data.resize(start + bytes.len() * 2, 0);
            hex::encode_to_slice(bytes, &mut data[start..]).expect("buffer has twice the length");
        }
    }
}

fn push_text(data: &mut Vec<u8>, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'\\' => data.extend_from_slice(b"\\\\"),
            b'\t' => data.extend_from_slice(b"\\t"),
            b'\n' => data.extend_from_slice(b"\\n"),
            b'\r' => data.extend_from_slice(b"\\r"),
            other => data.push(other),
        }
    }
}

/// Sends `buffer` with one COPY and empties it.
pub(crate) fn copy(
    transaction: &mut Transaction<'_>,
    sql: &str,
    buffer: &mut CopyBuffer,
    context: &str,
) -> Result<(), StoreError> {
    let io_failure = |error: std::io::Error| StoreError::Postgres {
        context: context.to_owned(),
        message: error.to_string(),
    };
    let mut writer = transaction
        .copy_in(sql)
        .map_err(StoreError::postgres(context))?;
    writer.write_all(&buffer.data).map_err(io_failure)?;
    writer.finish().map_err(StoreError::postgres(context))?;
    buffer.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn values_are_escaped_for_copy_text_format() {
        let mut buffer = CopyBuffer::default();
        buffer.push_row(&[
            Stored::Text(Cow::Borrowed("a\\b\tc\nd\re")),
            Stored::Null,
            Stored::Int(-42),
            Stored::Bool(true),
            Stored::Blob(Cow::Borrowed(&[0x00, 0xab])),
            Stored::Text(Cow::Borrowed("")),
        ]);
        assert_eq!(
            String::from_utf8(buffer.data.clone()).unwrap(),
            "a\\\\b\\tc\\nd\\re\t\\N\t-42\tt\t\\\\x00ab\t\n"
        );
        assert_eq!(buffer.rows, 1);
        buffer.clear();
        assert!(buffer.is_empty() && buffer.data.is_empty());
    }
}
