//! Management supervision (ledelsestilsyn, F10; S1 ch. 6): a round samples a unit's cases for
//! a theme of the department's annual wheel, reproducibly ([`sample`]: the seed is stored, so
//! the sample can be drawn again and checked), checks each sampled case against the theme's
//! checklist — legality items prefilled from the deadline engine ([`prefill`]), professional
//! quality scored by the reviewer — and sums the findings per team and round ([`summary`]).

pub mod prefill;
pub mod sample;
pub mod summary;

pub use prefill::{Prefill, prefill};
pub use sample::{SampleError, Stratum, draw, population};
pub use summary::{ItemTally, case_share, finding_met, tally};
