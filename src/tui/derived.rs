//! What the TUI derives from each snapshot (findings, tree, containers, search text, socket
//! index, diff marks), computed on the collector thread so the UI thread only swaps it in.

use super::findings::Findings;
use super::search;
use crate::analysis::containers::{ContainerGroup, containers};
use crate::analysis::diff::SnapshotDiff;
use crate::analysis::secrets::RuleSet;
use crate::model::{ProcessTree, Snapshot, SocketIndex};

/// What the app derives from a snapshot: secret findings, tree, containers, search text.
/// Computed with the scan, off the UI thread.
pub struct Derived {
    pub findings: Findings,
    pub tree: ProcessTree,
    pub groups: Vec<ContainerGroup>,
    pub hay: Vec<String>,
    pub sockets: SocketIndex,
    /// Against the `--diff OLD` snapshot, when one was given.
    pub diff: Option<SnapshotDiff>,
    /// Secret findings of the processes gone since OLD (drawn from OLD).
    pub gone_findings: Findings,
}

impl Derived {
    pub fn compute(snap: &Snapshot, rules: Option<&RuleSet>, base: Option<&Snapshot>) -> Derived {
        let diff = base.map(|old| super::diffmark::compute(old, snap, rules));
        let gone_findings = match (base, &diff) {
            (Some(old), Some(d)) => super::diffmark::gone_findings(old, d, rules),
            _ => Findings::default(),
        };
        Derived {
            diff,
            gone_findings,
            sockets: SocketIndex::build(snap),
            findings: Findings::scan(snap, rules),
            tree: ProcessTree::build(snap),
            groups: containers(snap),
            hay: snap.processes.iter().map(search::haystack).collect(),
        }
    }
}
