//! CLI tests over fixture /proc trees and snapshot files (no live processes needed).

#![allow(clippy::unwrap_used)] // why: setup helpers outside #[test] fns panic on setup failure.

#[path = "../support/mod.rs"]
mod support;

mod deploy;
mod detect_builtin;
mod detect_cli;
mod detect_hosts;
mod errors;
mod hardening;
mod hostile_files;
mod hostile_snapshots;
mod hosts_dir;
mod masking;
mod offline;
mod offline_diff;
mod proc_containers;
mod proc_faults;
mod proc_joins;
mod rescan_share;
mod rootfs_fixture;
mod secrets_classes;
mod secrets_corpus;
mod snapshot_output;
mod thread_state;
