//! The row hash: a SHA-256 fingerprint of a row's cells that lets a re-import skip unchanged rows
//! without reading them back.
//!
//! Each cell is encoded as its interchange-format text (`format_cell`), length-prefixed, with a
//! separate marker for NULL, so no two different rows share an encoding (an empty text is not a
//! NULL, and no text can imitate a cell boundary). A CPR number enters as its keyed hash, not in
//! clear and not as ciphertext: the ciphertext changes with every encryption (random nonce),
//! which would make every person look changed on every import.

use sha2::{Digest, Sha256};

use overblik_domain::{Row, TableSpec, Value, format_cell};

/// The hash of `row` of `spec`; `cpr_hash` is the keyed hash of the row's CPR value, if any.
pub(crate) fn row_hash(spec: &TableSpec, row: &Row, cpr_hash: Option<&[u8; 32]>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for value in row.0.iter().take(spec.columns.len()) {
        match value {
            Value::Null => hasher.update([0u8]),
            Value::Cpr(_) => {
                let text = cpr_hash.map(hex::encode).unwrap_or_default();
                update_cell(&mut hasher, &text);
            }
            // Text is its own formatted cell; borrowing it saves an allocation per cell.
            Value::Text(text) => update_cell(&mut hasher, text),
            other => update_cell(&mut hasher, &format_cell(other)),
        }
    }
    hasher.finalize().into()
}

fn update_cell(hasher: &mut Sha256, text: &str) {
    hasher.update([1u8]);
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use overblik_domain::Cpr;
    use overblik_domain::tables::{ORG_UNITS, PERSONS};

    fn row(spec: &TableSpec, cells: &[&str]) -> Row {
        spec.parse_row(cells).unwrap()
    }

    #[test]
    fn equal_rows_hash_equal_and_any_change_changes_the_hash() {
        let base = row(
            &ORG_UNITS,
            &["U1", "", "Team A", "team", "children", "", ""],
        );
        let same = row(
            &ORG_UNITS,
            &["U1", "", "Team A", "team", "children", "", ""],
        );
        assert_eq!(
            row_hash(&ORG_UNITS, &base, None),
            row_hash(&ORG_UNITS, &same, None)
        );
        let renamed = row(
            &ORG_UNITS,
            &["U1", "", "Team B", "team", "children", "", ""],
        );
        assert_ne!(
            row_hash(&ORG_UNITS, &base, None),
            row_hash(&ORG_UNITS, &renamed, None)
        );
    }

    #[test]
    fn null_differs_from_empty_text_and_cells_cannot_shift() {
        let mut with_null = row(&ORG_UNITS, &["U1", "", "A", "team", "", "", ""]);
        let mut with_empty = with_null.clone();
        with_empty.0[1] = Value::Text(String::new());
        assert_ne!(
            row_hash(&ORG_UNITS, &with_null, None),
            row_hash(&ORG_UNITS, &with_empty, None)
        );
        // "AB" + "" must not equal "A" + "B".
        with_null.0[0] = Value::Text("AB".into());
        with_null.0[1] = Value::Text(String::new());
        with_empty.0[0] = Value::Text("A".into());
        with_empty.0[1] = Value::Text("B".into());
        assert_ne!(
            row_hash(&ORG_UNITS, &with_null, None),
            row_hash(&ORG_UNITS, &with_empty, None)
        );
    }

    #[test]
    fn the_cpr_enters_only_through_its_keyed_hash() {
        let person = row(&PERSONS, &["P1", "0101901234", "1990-01-01", "F", ""]);
        let other_cpr = {
            let mut other = person.clone();
            other.0[1] = Value::Cpr(Cpr::parse("0201901234").unwrap());
            other
        };
        // The hash depends on the keyed hash given, not on the clear digits.
        assert_eq!(
            row_hash(&PERSONS, &person, Some(&[7; 32])),
            row_hash(&PERSONS, &other_cpr, Some(&[7; 32]))
        );
        assert_ne!(
            row_hash(&PERSONS, &person, Some(&[7; 32])),
            row_hash(&PERSONS, &person, Some(&[8; 32]))
        );
    }
}
