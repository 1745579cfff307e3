//! JSON: the document model as it is (serde), pretty-printed, for programs and for checking a
//! report by eye. Field names and codes are the model's; see `overblik_domain::report`.
//! A non-finite number (which the model should not hold) becomes `null`.

use overblik_domain::report::Document;

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec_pretty(doc)
}
