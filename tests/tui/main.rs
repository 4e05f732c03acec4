//! TUI tests: whole-app TestBackend screens (insta), update-step behaviour, and the real binary under tmux.

#![allow(clippy::unwrap_used)] // why: setup helpers outside #[test] fns panic on setup failure.

#[path = "../support/mod.rs"]
mod support;

mod alerts;
mod diff;
mod gone;
mod hosts;
mod integrity;
mod peers;
mod screens;
mod staged;
mod threads;
mod tmux;
mod update;
