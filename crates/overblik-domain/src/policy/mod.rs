//! Political goals (F16): the committee's children's policy as themes → annual goals →
//! indicators bound to key figures. Each indicator has a value per reporting period of the
//! year (`results`), a target, a trend and a status (`status`); `figure` says which value of
//! which key figure an indicator reads, in which unit, and what a valid target is.
//! `docs/political-goals.md` documents the rules.

mod figure;
mod results;
mod status;

pub use figure::{Basis, FigureUnit, Measured, check_target};
pub use results::{IndicatorResult, PeriodValue, periods, year_results};
pub use status::{Status, Trend, status, trend};
