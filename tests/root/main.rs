//! Tests that build real containers and namespaces (unshare + chroot into busybox); they skip without root.

#![allow(clippy::unwrap_used)] // why: setup helpers outside #[test] fns panic on setup failure.

#[path = "../support/mod.rs"]
mod support;

mod detect_cks;
mod detect_preload;
mod detect_upper_layer;
mod host_root;
mod hosts;
mod integrity_hidden;
mod namespaces;
mod rootfs_container;
mod rootfs_huge;
