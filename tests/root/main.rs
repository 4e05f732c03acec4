//! Tests that build real containers and namespaces (unshare + chroot into busybox); they skip without root.

#[path = "../support/mod.rs"]
mod support;

mod namespaces;
mod rootfs_container;
mod rootfs_huge;
