//! End-to-end tests of the `overblik` binary: round trips, a kill during import, bad input.
//! Every test runs against SQLite and, when `OVERBLIK_TEST_POSTGRES_URL` is set, PostgreSQL.

#[path = "../common/demo_server.rs"]
mod demo_server;
mod support;

mod bad_input;
mod deadlines;
mod demo;
mod figures;
mod generate;
mod kill;
mod round_trip;
mod user;
mod web;
