//! Key figures KF01-KF23 (key-figures.md, the contract): pure functions of the data, the
//! as-of moment T, a period and a unit filter. Each figure module documents its definition;
//! every figure reports the rows it had to leave out ([`Exclusion`]).

mod context;
mod period;
mod settings;
mod value;

pub use crate::ids::{IdMap, id_map};
pub use context::{
    Available, Context, Entered, Lookup, Scope, StaffTally, UnknownUnit, WITHOUT_CASEWORKER,
};
pub use period::{MAX_REQUESTED_YEARS, Period, PeriodError, RequestedPeriodError};
pub use settings::FigureSettings;
pub use value::{Exclusion, Exclusions, Share, Stats};

pub mod activity;
pub mod all;
pub mod case_goals;
pub mod caseload;
pub mod deadlines;
pub mod economy;
pub mod investigations;
pub mod notifications;
pub mod results;
pub mod waiting;
