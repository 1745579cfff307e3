//! One module per subcommand.

pub mod bench;
pub mod deadlines;
pub mod demo;
pub mod export;
pub mod import;
pub mod migrate;
pub mod serve;
