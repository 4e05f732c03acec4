//! The snapshot shown and everything derived from it (findings, detection alerts, tree,
//! containers, search text, socket index, diff marks, live metrics), computed together off the UI thread and swapped
//! into the app as one value, so nothing derived can outlive or predate its snapshot.

use super::rows::{Row, RowKind};
use crate::analysis::containers::{ContainerGroup, containers};
use crate::analysis::diff::SnapshotDiff;
use crate::analysis::secrets::RuleSet;
use crate::model::{FdKind, Pid, ProcKey, Process, ProcessTree, Snapshot, Socket, SocketIndex};
use crate::tui::alerts::Alerts;
use crate::tui::findings::Findings;
use crate::tui::{diffmark, search};
use std::collections::HashSet;
use std::sync::Arc;

/// CPU % (from the second snapshot on) and resident memory (bytes) by pid, when known.
pub type Metrics = crate::analysis::usage::Usage;

/// A snapshot and what the app derives from it.
#[derive(Default)]
pub struct Loaded {
    pub snap: Arc<Snapshot>,
    pub tree: ProcessTree,
    pub findings: Findings,
    /// Detection alerts (built-in Falco rules, hidden processes), text masked.
    pub alerts: Alerts,
    /// Lowercased search text of each process.
    pub hay: Vec<String>,
    pub groups: Vec<ContainerGroup>,
    /// Sockets of `snap` by inode.
    pub sockets: SocketIndex,
    /// `--diff OLD`: the older snapshot, and the differences of this one from it.
    pub base: Option<Arc<Snapshot>>,
    pub diff: Option<SnapshotDiff>,
    /// Secret findings of the processes gone since OLD, whose rows are drawn from OLD.
    pub gone_findings: Findings,
    pub metrics: Metrics,
}

impl Loaded {
    /// Derive everything from `snap` (with `rules`, against `base` when given).
    pub fn compute(
        snap: Arc<Snapshot>,
        rules: Option<&RuleSet>,
        base: Option<Arc<Snapshot>>,
        metrics: Metrics,
    ) -> Loaded {
        // why: memory is known from one snapshot; CPU % needs the collector's previous one.
        let metrics = if metrics.is_empty() {
            crate::analysis::usage::usage(None, &snap, 0.0)
        } else {
            metrics
        };
        let diff = base
            .as_deref()
            .map(|old| diffmark::compute(old, &snap, rules));
        let gone_findings = match (base.as_deref(), &diff) {
            (Some(old), Some(d)) => diffmark::gone_findings(old, d, rules),
            _ => Findings::default(),
        };
        let found = rules.map(|r| crate::analysis::secrets::scan(&snap, r));
        let findings = Findings::from_scan(found.as_deref());
        let tree = ProcessTree::build(&snap);
        Loaded {
            diff,
            gone_findings,
            sockets: SocketIndex::build(&snap),
            alerts: Alerts::compute(&snap, &tree, &findings, found.as_deref()),
            findings,
            tree,
            groups: containers(&snap),
            hay: snap.processes.iter().map(search::haystack).collect(),
            base,
            metrics,
            snap,
        }
    }

    /// Process `k`, if it is in this snapshot (same pid and start time).
    pub fn process(&self, k: ProcKey) -> Option<&Process> {
        self.snap.process(k.pid).filter(|p| k.is(p))
    }

    /// Process `k` as the `--diff OLD` snapshot recorded it.
    pub fn old_process(&self, k: ProcKey) -> Option<&Process> {
        self.base.as_ref()?.process(k.pid).filter(|p| k.is(p))
    }

    /// Pids with a secret finding.
    pub fn flagged(&self) -> HashSet<Pid> {
        self.findings.rows.iter().map(|r| r.pid).collect()
    }

    /// The findings that mask `p`'s values: those of the current snapshot when `p` is in it,
    /// else those of the processes gone since OLD.
    pub fn findings_for(&self, p: &Process) -> &Findings {
        if self.process(p.key()).is_some() {
            &self.findings
        } else {
            &self.gone_findings
        }
    }

    /// The OLD process a gone row stands for.
    pub fn gone_of_row(&self, row: &Row) -> Option<&Process> {
        match row.kind {
            RowKind::Gone(i) => self.base.as_ref()?.processes.get(i),
            _ => None,
        }
    }

    /// Sockets held by `p`, in fd order.
    pub fn sockets_of(&self, p: &Process) -> Vec<&Socket> {
        let netns = p.namespaces.get("net").copied();
        p.fd_list()
            .iter()
            .filter(|f| f.kind == FdKind::Socket)
            .filter_map(|f| {
                let ino = f.inode?;
                self.sockets.find(&self.snap, netns, ino)
            })
            .collect()
    }
}
