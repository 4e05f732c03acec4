//! Property tests: parsers never panic, snapshot files round-trip, diffs behave.

#[path = "../support/mod.rs"]
mod support;

mod offline;
mod parse;
