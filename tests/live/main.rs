//! Tests against real processes this test binary spawns (environ, fds, sockets, peers, secrets).

#![allow(clippy::unwrap_used)] // why: setup helpers outside #[test] fns panic on setup failure.

#[path = "../support/mod.rs"]
mod support;

mod activity;
mod agreement;
mod churn;
mod detect_integrity;
mod edges;
mod inet_diag;
mod integrity_churn;
mod integrity_exe;
mod integrity_tui;
mod nonroot;
mod peers;
mod record;
mod secrets;
mod secrets_structured;
mod snapshot;
mod staged;
mod trace;
mod trace_tui;
