//! The measure type catalogue (`measures.toml`): the Danish label of each code, and whether
//! the type is a placement.

use crate::codes::MeasureType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureEntry {
    pub code: MeasureType,
    pub label: String,
    pub placement: bool,
}

/// One entry per code of the format, indexed by `MeasureType as usize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureCatalogue {
    entries: Vec<MeasureEntry>,
}

impl MeasureCatalogue {
    /// Builds the catalogue from entries that cover every code once (checked by the loader).
    pub(super) fn new(mut entries: Vec<MeasureEntry>) -> MeasureCatalogue {
        entries.sort_by_key(|entry| entry.code);
        MeasureCatalogue { entries }
    }

    pub fn entry(&self, code: MeasureType) -> &MeasureEntry {
        &self.entries[code as usize]
    }

    pub fn is_placement(&self, code: MeasureType) -> bool {
        self.entry(code).placement
    }

    pub fn label(&self, code: MeasureType) -> &str {
        &self.entry(code).label
    }

    pub fn entries(&self) -> &[MeasureEntry] {
        &self.entries
    }
}
