//! The process tree as indices into `Snapshot::processes`: children lists, roots, and a
//! depth-first walk that never recurses (a fork chain can be thousands deep) and survives
//! parent cycles in malformed input.

use super::{Pid, Snapshot};

/// Parent/child structure of a snapshot.
#[derive(Debug, Clone, Default)]
pub struct ProcessTree {
    /// Indices of processes with no parent in the snapshot (plus cycle breakers), by pid.
    pub roots: Vec<usize>,
    /// Children of each process index, by pid.
    pub children: Vec<Vec<usize>>,
    /// Parent index of each process, if present.
    pub parent: Vec<Option<usize>>,
}

/// One row of a depth-first walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkRow {
    pub index: usize,
    pub depth: usize,
    /// Whether this node is the last of its siblings.
    pub is_last: bool,
}

/// For each row of a walk, the "last sibling" flags of its ancestors and itself (root level
/// first), computed incrementally so callers can draw tree branches.
pub fn branch_flags(rows: &[WalkRow]) -> Vec<Vec<bool>> {
    let mut stack: Vec<bool> = Vec::new();
    rows.iter()
        .map(|r| {
            stack.truncate(r.depth);
            stack.push(r.is_last);
            stack.clone()
        })
        .collect()
}

impl ProcessTree {
    pub fn build(snap: &Snapshot) -> Self {
        let n = snap.processes.len();
        let mut children = vec![Vec::new(); n];
        let mut parent = vec![None; n];
        let mut roots = Vec::new();
        for (i, p) in snap.processes.iter().enumerate() {
            let pi = if p.ppid != p.pid {
                snap.index_of(p.ppid)
            } else {
                None
            };
            match pi {
                Some(pi) => {
                    children[pi].push(i);
                    parent[i] = Some(pi);
                }
                None => roots.push(i),
            }
        }
        let mut t = ProcessTree {
            roots,
            children,
            parent,
        };
        // why: a ppid cycle (only in malformed input) has no root; adopt one member per cycle.
        let mut seen = vec![false; n];
        for r in t.roots.clone() {
            t.mark(r, &mut seen);
        }
        for i in 0..n {
            if !seen[i] {
                t.roots.push(i);
                if let Some(pi) = t.parent[i].take() {
                    t.children[pi].retain(|&c| c != i);
                }
                t.mark(i, &mut seen);
            }
        }
        t
    }

    fn mark(&self, start: usize, seen: &mut [bool]) {
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(self.children[i].iter().copied());
        }
    }

    /// Depth-first walk from `starts`, descending only where `open(index)` is true.
    pub fn walk(&self, starts: &[usize], open: &dyn Fn(usize) -> bool) -> Vec<WalkRow> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, usize, bool)> = Vec::new();
        for (k, &s) in starts.iter().enumerate().rev() {
            stack.push((s, 0, k + 1 == starts.len()));
        }
        while let Some((i, depth, is_last)) = stack.pop() {
            if open(i) {
                let kids = &self.children[i];
                for (k, &c) in kids.iter().enumerate().rev() {
                    stack.push((c, depth + 1, k + 1 == kids.len()));
                }
            }
            out.push(WalkRow {
                index: i,
                depth,
                is_last,
            });
        }
        out
    }

    /// Indices of `i` and all its descendants.
    pub fn subtree(&self, i: usize) -> Vec<usize> {
        self.walk(&[i], &|_| true)
            .into_iter()
            .map(|r| r.index)
            .collect()
    }

    /// Ancestors of `i`, nearest first. Linear in the depth: `build` breaks every cycle, and
    /// the walk stops after as many steps as there are processes whatever the input.
    pub fn ancestors(&self, mut i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(p) = self.parent[i] {
            if out.len() >= self.parent.len() {
                break;
            }
            out.push(p);
            i = p;
        }
        out
    }
}

impl Snapshot {
    /// Index of `pid` in `processes`.
    pub fn index_of(&self, pid: Pid) -> Option<usize> {
        self.processes.binary_search_by_key(&pid, |p| p.pid).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Process;

    fn snap(pairs: &[(Pid, Pid)]) -> Snapshot {
        Snapshot {
            processes: pairs
                .iter()
                .map(|&(pid, ppid)| Process {
                    pid,
                    ppid,
                    ..Process::default()
                })
                .collect(),
            ..Snapshot::default()
        }
    }

    #[test]
    fn walk_orders_depth_first_and_handles_cycles() {
        let s = snap(&[(1, 0), (2, 1), (3, 2), (4, 1), (7, 8), (8, 7)]);
        let t = ProcessTree::build(&s);
        let rows = t.walk(&t.roots, &|_| true);
        let pids: Vec<Pid> = rows.iter().map(|r| s.processes[r.index].pid).collect();
        assert_eq!(pids, vec![1, 2, 3, 4, 7, 8]);
        assert_eq!(rows[2].depth, 2);
        assert_eq!(branch_flags(&rows)[3], vec![false, true]);
        assert_eq!(t.ancestors(2).len(), 2);
    }

    #[test]
    fn deep_chain_does_not_recurse() {
        let pairs: Vec<(Pid, Pid)> = (1..100_000).map(|p| (p, p - 1)).collect();
        let s = snap(&pairs);
        let t = ProcessTree::build(&s);
        assert_eq!(t.walk(&t.roots, &|_| true).len(), 99_999);
    }
}
