//! Case weights and capacity (F6): how heavy each open case is, from its content at T, and how
//! much a caseworker can carry. [`WeightModel`] holds the configurable points; [`CaseWeights`]
//! weighs every case at T in one sweep; KF09 (caseload and utilisation) sums them.
//! [`distribute`] ranks caseworkers for a case and plans an assignment; [`handover`] is the
//! checklist every reassignment creates.

pub mod distribute;
pub mod handover;
mod model;
mod weigh;

pub use model::{AGE_BANDS, FlagDef, WeightModel};
pub use weigh::{CaseFacts, CaseWeights, Part, Weighted};
