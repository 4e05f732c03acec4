//! Property tests: parsers never panic, snapshot files round-trip, diffs behave.

#![allow(clippy::unwrap_used)] // why: setup helpers outside #[test] fns panic on setup failure.

#[path = "../support/mod.rs"]
mod support;

mod detect_props;
mod fuzz;
mod offline;
mod parse;
