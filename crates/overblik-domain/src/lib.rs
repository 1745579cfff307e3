#![doc = include_str!("../README.md")]

pub mod access;
pub mod calendar;
pub mod cell;
pub mod checks;
pub mod codes;
pub mod cpr;
pub mod field;
pub mod figures;
pub mod ids;
pub mod month;
pub mod obligations;
pub mod policy;
pub mod quality;
pub mod report;
pub mod rules;
pub mod schema;
pub mod sources;
pub mod supervision;
pub mod suppression;
pub mod tables;
pub mod value;
pub mod workload;

pub use cell::{CellError, CellWarning, ParsedCell, format_cell, parse_cell};
pub use cpr::Cpr;
pub use month::YearMonth;
pub use schema::{ColumnKind, ColumnSpec, TableSpec};
pub use tables::{Snapshot, TABLES, table};
pub use value::{Row, Value};
