//! One module per subcommand.

pub mod bench;
pub mod bench_deadlines;
pub mod bench_reports;
pub mod deadlines;
pub mod demo;
pub mod export;
pub mod figures;
pub mod generate;
pub mod import;
pub mod migrate;
pub mod quality;
pub mod report;
pub mod serve;
pub mod user;
