//! TUI tests: whole-app TestBackend screens (insta), update-step behaviour, and the real binary under tmux.

#[path = "../support/mod.rs"]
mod support;

mod diff;
mod gone;
mod peers;
mod screens;
mod tmux;
