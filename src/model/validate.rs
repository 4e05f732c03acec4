//! Validation of a snapshot read from a file: the file is never trusted to be sorted, unique
//! or self-consistent. Processes are sorted by pid, duplicates dropped, references to pids or
//! sockets that are not in the snapshot dropped, each kind of repair named in one note.

use super::{Pid, Snapshot};
use std::collections::HashSet;

impl Snapshot {
    /// Make the snapshot consistent; one line per kind of repair made (empty when none).
    /// A parent pid that is not in the snapshot is kept as written: the tree shows such a
    /// process as a root, as it does for pid 1's parent 0.
    pub fn validate(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        let mut note = |n: usize, what: &str| {
            if n > 0 {
                notes.push(format!("{n} {what}"));
            }
        };
        if !self.processes.is_sorted_by_key(|p| p.pid) {
            // why: stable, so of two entries with one pid the first in the file is kept.
            self.processes.sort_by_key(|p| p.pid);
            note(1, "unsorted process list sorted by pid");
        }
        let before = self.processes.len();
        self.processes.dedup_by_key(|p| p.pid);
        note(
            before - self.processes.len(),
            "duplicate process entries dropped (the first of each pid kept)",
        );
        let pids: HashSet<Pid> = self.processes.iter().map(|p| p.pid).collect();
        let known = |pid: &Pid| pids.contains(pid);
        let mut dangling = 0;
        for p in &mut self.processes {
            if let Some(fds) = &mut p.fds
                && fds.iter().any(|f| !f.peers.iter().all(known))
            {
                for f in std::sync::Arc::make_mut(fds) {
                    let n = f.peers.len();
                    f.peers.retain(known);
                    dangling += n - f.peers.len();
                }
            }
        }
        note(dangling, "fd peer pids not in the snapshot dropped");
        self.validate_sockets(&pids, &mut notes);
        notes
    }

    fn validate_sockets(&mut self, pids: &HashSet<Pid>, notes: &mut Vec<String>) {
        let known = |pid: &Pid| pids.contains(pid);
        let mut dangling = 0;
        for s in &mut self.sockets {
            let n = s.pids.len();
            s.pids.retain(known);
            dangling += n - s.pids.len();
        }
        for ns in &mut self.netns {
            let n = ns.pids.len();
            ns.pids.retain(known);
            dangling += n - ns.pids.len();
            if ns.reader_pid.is_some_and(|p| !known(&p)) {
                ns.reader_pid = None;
                dangling += 1;
            }
        }
        if dangling > 0 {
            notes.push(format!(
                "{dangling} socket or netns pids not in the snapshot dropped"
            ));
        }
        let before = self.sockets.len();
        let mut seen = HashSet::new();
        self.sockets
            .retain(|s| s.inode == 0 || seen.insert((s.netns, s.proto, s.inode)));
        if self.sockets.len() < before {
            notes.push(format!(
                "{} duplicate sockets dropped",
                before - self.sockets.len()
            ));
        }
        let inodes: HashSet<u64> = self.sockets.iter().map(|s| s.inode).collect();
        let mut peers = 0;
        for s in &mut self.sockets {
            if s.peer.is_some_and(|i| !inodes.contains(&i)) {
                s.peer = None;
                peers += 1;
            }
        }
        if peers > 0 {
            notes.push(format!("{peers} socket peers not in the snapshot dropped"));
        }
        let before = self.netns.len();
        let mut seen = HashSet::new();
        self.netns.retain(|n| seen.insert(n.inode));
        if self.netns.len() < before {
            notes.push(format!(
                "{} duplicate network namespaces dropped",
                before - self.netns.len()
            ));
        }
    }
}
