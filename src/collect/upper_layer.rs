//! `Process::exe_upper_layer` (Falco's `proc.is_exe_upper_layer`): whether a process's exe
//! lives in the upper (writable) directory of the overlay holding it. One `mountinfo` read
//! per mount namespace and root, and one lookup in an upper directory per process whose exe
//! is on an overlay; processes elsewhere cost nothing more.

use super::integrity::exe::overlay_upper;
use super::integrity::parse::{Mount, mountinfo};
use crate::model::{Bytes, Process};
use crate::source::ProcRoot;
use std::collections::HashMap;

/// The mount table of one (mount namespace, root), kept only when it has an overlay.
enum Table {
    Unreadable,
    NoOverlay,
    Mounts(Vec<Mount>),
}

fn table(root: &ProcRoot, pid: u32) -> Table {
    let Some(text) = root
        .process(pid)
        .ok()
        .and_then(|d| d.read("mountinfo").ok())
    else {
        return Table::Unreadable;
    };
    let mounts = mountinfo(&text);
    if mounts.iter().any(|m| m.fs_type == b"overlay") {
        Table::Mounts(mounts)
    } else {
        Table::NoOverlay
    }
}

/// Set `exe_upper_layer` of every process of a live scan that has an exe path and a mount
/// namespace (`None` stays where its mount table or upper directory cannot be read).
pub fn mark(root: &ProcRoot, procs: &mut [Process]) {
    let mut tables: HashMap<(u64, Option<Bytes>), Table> = HashMap::new();
    for p in procs.iter_mut().filter(|p| !p.kernel_thread) {
        let Some(exe) = p.exe.as_ref().filter(|x| !x.memfd) else {
            continue;
        };
        let Some(ns) = p.namespaces.get("mnt").copied() else {
            continue;
        };
        let mounts = tables
            .entry((ns, p.root.clone()))
            .or_insert_with(|| table(root, p.pid));
        p.exe_upper_layer = match mounts {
            Table::Unreadable => None,
            Table::NoOverlay => Some(false),
            Table::Mounts(m) => match overlay_upper(m, exe.path.as_bytes()) {
                Some(Ok(b)) => Some(b),
                _ => None,
            },
        };
    }
}
