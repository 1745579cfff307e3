//! Reports: the document model (`document`) and the assembly of the four reports from key
//! figures (weekly, committee, budget, caseload).

pub mod document;

pub use document::*;
