//! From a CPR number to the pseudonymous `person_id` and back: the lookups behind a search by
//! CPR number and an audited reveal. Both need the key; the CPR number itself is never stored or
//! compared in clear (the lookup goes through the keyed hash `persons.cpr_hash`).

use overblik_domain::Cpr;

use crate::query::{Param, required};
use crate::{Store, StoreError};

impl Store {
    /// The person with this CPR number, found through the keyed hash. Should the data hold the
    /// number for more than one person, the first by `person_id` is returned.
    pub fn person_id_by_cpr(&mut self, cpr: &Cpr) -> Result<Option<String>, StoreError> {
        let hash = self.cpr_keys.as_ref().ok_or(StoreError::NoKey)?.hash(cpr);
        let ids = self.connection.query(
            "looking up a person by cpr number",
            [
                "SELECT person_id FROM persons WHERE cpr_hash = ?1 ORDER BY person_id LIMIT 1",
                "SELECT person_id FROM persons WHERE cpr_hash = $1 ORDER BY person_id LIMIT 1",
            ],
            &[Param::Bytes(Some(&hash))],
            |row| required(row.text(0)?, "persons", "person_id"),
        )?;
        Ok(ids.into_iter().next())
    }

    /// The CPR number of `person_id`, decrypted; `None` when there is no such person or the
    /// data has no CPR number for it. The caller audits the reveal.
    pub fn person_cpr(&mut self, person_id: &str) -> Result<Option<Cpr>, StoreError> {
        if self.cpr_keys.is_none() {
            return Err(StoreError::NoKey);
        }
        let stored = self.connection.query(
            "reading a cpr number",
            [
                "SELECT cpr_encrypted FROM persons WHERE person_id = ?1",
                "SELECT cpr_encrypted FROM persons WHERE person_id = $1",
            ],
            &[Param::Text(Some(person_id))],
            |row| row.bytes(0),
        )?;
        let Some(ciphertext) = stored.into_iter().next().flatten() else {
            return Ok(None);
        };
        let cpr_keys = self.cpr_keys.as_ref().ok_or(StoreError::NoKey)?;
        cpr_keys
            .decrypt(&ciphertext)
            .map(Some)
            .ok_or(StoreError::Decrypt { table: "persons" })
    }
}
