//! UI-free state of the process pane: which nodes are collapsed and which row is selected,
//! both keyed by (pid, start time) so they survive a refresh; and the visible rows of the tree
//! or of the sorted flat list. No terminal types, so it is unit-tested directly.

use crate::model::{ProcKey, ProcessTree, Snapshot};
use std::collections::HashSet;

/// What a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Process,
    /// The n-th thread of the process (other than the main one).
    Thread(usize),
    /// A process of the `--diff OLD` snapshot gone since: the index is into the OLD
    /// snapshot's processes, and the row's `index` is [`NO_INDEX`].
    Gone(usize),
    /// A host of a many-host view (`--snapshot DIR`): index into the fleet's hosts; the row's
    /// `index` is [`NO_INDEX`].
    Host(usize),
}

/// The `index` of a row that is not a process of the current snapshot (a gone process): out
/// of range on purpose, so a lookup with `get` finds nothing instead of another process.
pub const NO_INDEX: usize = usize::MAX;

/// One visible row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index into `Snapshot::processes` of the current snapshot ([`NO_INDEX`] for a gone row).
    pub index: usize,
    pub kind: RowKind,
    pub depth: u32,
    /// Last among its visible siblings (for branch drawing).
    pub is_last: bool,
    /// Row index of the parent row in the tree, for drawing ancestors' branches.
    pub parent_row: Option<u32>,
    /// Whether the node has visible children that are hidden because it is collapsed.
    pub folded: bool,
}

/// Sort columns of the flat list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Pid,
    Name,
    User,
    Fds,
    Start,
    Cpu,
    Mem,
}

impl SortBy {
    pub const ALL: [SortBy; 7] = [
        SortBy::Pid,
        SortBy::Name,
        SortBy::User,
        SortBy::Fds,
        SortBy::Start,
        SortBy::Cpu,
        SortBy::Mem,
    ];
    pub fn next(self) -> SortBy {
        let i = SortBy::ALL.iter().position(|s| *s == self).unwrap_or(0);
        SortBy::ALL[(i + 1) % SortBy::ALL.len()]
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Pid => "pid",
            SortBy::Name => "name",
            SortBy::User => "user",
            SortBy::Fds => "fds",
            SortBy::Start => "start",
            SortBy::Cpu => "cpu",
            SortBy::Mem => "mem",
        }
    }
}

/// Options that shape the rows.
#[derive(Clone, Debug, Default)]
pub struct Shape {
    pub collapsed: HashSet<ProcKey>,
    pub threads: bool,
    pub flat: bool,
    pub sort: SortBy,
    pub reverse: bool,
}

/// The key of process `i`.
pub fn key(snap: &Snapshot, i: usize) -> ProcKey {
    snap.processes[i].key()
}

/// Extra thread rows of process `i` (its threads other than the main one).
fn thread_count(snap: &Snapshot, i: usize) -> usize {
    let p = &snap.processes[i];
    p.threads.iter().filter(|t| t.tid != p.pid).count()
}

/// The visible rows. `visible`, when given, hides processes whose flag is false (a filter
/// that already includes the ancestors of its matches).
pub fn build(
    snap: &Snapshot,
    tree: &ProcessTree,
    shape: &Shape,
    visible: Option<&[bool]>,
    metrics: &super::loaded::Metrics,
) -> Vec<Row> {
    let shown = |i: usize| visible.is_none_or(|v| v.get(i).copied().unwrap_or(false));
    let mut out = Vec::new();
    let push_threads = |out: &mut Vec<Row>, i: usize, depth: u32, parent_row: u32, more: bool| {
        let n = thread_count(snap, i);
        for t in 0..n {
            out.push(Row {
                index: i,
                kind: RowKind::Thread(t),
                depth,
                is_last: t + 1 == n && !more,
                parent_row: Some(parent_row),
                folded: false,
            });
        }
    };
    if shape.flat {
        let mut idx: Vec<usize> = (0..snap.processes.len()).filter(|&i| shown(i)).collect();
        sort(snap, &mut idx, shape.sort, metrics);
        if shape.reverse {
            idx.reverse();
        }
        for i in idx {
            let r = out.len() as u32;
            out.push(Row {
                index: i,
                kind: RowKind::Process,
                depth: 0,
                is_last: true,
                parent_row: None,
                folded: false,
            });
            if shape.threads {
                push_threads(&mut out, i, 1, r, false);
            }
        }
        return out;
    }
    // Iterative depth-first walk: (index, depth, is_last, parent row).
    let roots: Vec<usize> = tree.roots.iter().copied().filter(|&i| shown(i)).collect();
    let mut stack: Vec<(usize, u32, bool, Option<u32>)> = roots
        .iter()
        .enumerate()
        .rev()
        .map(|(k, &i)| (i, 0, k + 1 == roots.len(), None))
        .collect();
    let mut kids: Vec<usize> = Vec::new();
    while let Some((i, depth, is_last, parent_row)) = stack.pop() {
        kids.clear();
        kids.extend(tree.children[i].iter().copied().filter(|&c| shown(c)));
        let open = !shape.collapsed.contains(&key(snap, i));
        let has_threads = shape.threads && thread_count(snap, i) > 0;
        let folded = !open && (!kids.is_empty() || has_threads);
        let row = out.len() as u32;
        out.push(Row {
            index: i,
            kind: RowKind::Process,
            depth,
            is_last,
            parent_row,
            folded,
        });
        if open {
            if shape.threads {
                push_threads(&mut out, i, depth + 1, row, !kids.is_empty());
            }
            for (k, &c) in kids.iter().enumerate().rev() {
                stack.push((c, depth + 1, k + 1 == kids.len(), Some(row)));
            }
        }
    }
    out
}

fn sort(snap: &Snapshot, idx: &mut [usize], by: SortBy, metrics: &super::loaded::Metrics) {
    let ps = &snap.processes;
    match by {
        SortBy::Pid => {}
        SortBy::Name => idx.sort_by(|&a, &b| ps[a].comm.cmp(&ps[b].comm)),
        SortBy::User => idx.sort_by(|&a, &b| {
            let k = |i: usize| (ps[i].uid.effective_name.clone(), ps[i].uid.effective);
            k(a).cmp(&k(b))
        }),
        SortBy::Fds => {
            idx.sort_by_key(|&i| std::cmp::Reverse(ps[i].fd_list().len() + ps[i].fds_unresolved))
        }
        SortBy::Start => idx.sort_by_key(|&i| std::cmp::Reverse(ps[i].start_time)),
        SortBy::Cpu => idx.sort_by(|&a, &b| {
            let c = |i: usize| metrics.get(&ps[i].pid).and_then(|m| m.0).unwrap_or(0.0);
            c(b).total_cmp(&c(a))
        }),
        SortBy::Mem => idx.sort_by_key(|&i| {
            std::cmp::Reverse(metrics.get(&ps[i].pid).and_then(|m| m.1).unwrap_or(0))
        }),
    }
}

/// The filter's visible set: matches plus all their ancestors.
pub fn with_ancestors(tree: &ProcessTree, matches: &[bool]) -> Vec<bool> {
    let mut vis = matches.to_vec();
    for (i, &m) in matches.iter().enumerate() {
        if !m {
            continue;
        }
        let mut j = i;
        while let Some(p) = tree.parent[j] {
            if vis[p] {
                break;
            }
            vis[p] = true;
            j = p;
        }
    }
    vis
}

/// "Last sibling" flags of the row's ancestors and itself, root level first.
pub fn branch(rows: &[Row], r: usize) -> Vec<bool> {
    let mut flags = Vec::new();
    let mut cur = Some(r as u32);
    while let Some(c) = cur {
        let row = &rows[c as usize];
        flags.push(row.is_last);
        cur = row.parent_row;
        if flags.len() > rows.len() {
            break;
        }
    }
    flags.reverse();
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Pid, Process, Thread};
    use std::collections::HashMap;

    fn snap() -> Snapshot {
        let p = |pid, ppid| Process {
            pid,
            ppid,
            start_time: pid as u64 * 10,
            comm: format!("p{pid}").as_str().into(),
            ..Process::default()
        };
        let mut two = p(2, 1);
        two.threads = vec![
            Thread {
                tid: 2,
                name: "p2".into(),
            },
            Thread {
                tid: 9,
                name: "worker".into(),
            },
        ];
        Snapshot {
            processes: vec![p(1, 0), two, p(3, 2), p(4, 1), p(5, 4)],
            ..Snapshot::default()
        }
    }

    fn pids(s: &Snapshot, rows: &[Row]) -> Vec<(Pid, RowKind)> {
        rows.iter()
            .map(|r| (s.processes[r.index].pid, r.kind))
            .collect()
    }

    #[test]
    fn collapse_threads_and_flat_sort() {
        let s = snap();
        let t = ProcessTree::build(&s);
        let m = HashMap::new();
        let mut shape = Shape::default();
        let rows = build(&s, &t, &shape, None, &m);
        assert_eq!(rows.len(), 5);
        assert_eq!(branch(&rows, 2), vec![true, false, true]);
        shape.collapsed.insert(ProcKey::new(2, 20));
        let rows = build(&s, &t, &shape, None, &m);
        let got: Vec<Pid> = pids(&s, &rows).iter().map(|x| x.0).collect();
        assert_eq!(got, vec![1, 2, 4, 5]);
        assert!(rows[1].folded);
        shape.collapsed.clear();
        shape.threads = true;
        let rows = build(&s, &t, &shape, None, &m);
        assert_eq!(pids(&s, &rows)[2], (2, RowKind::Thread(0)));
        assert!(!rows[2].is_last, "thread followed by child 3");
        shape.flat = true;
        shape.threads = false;
        shape.sort = SortBy::Start;
        let rows = build(&s, &t, &shape, None, &m);
        let got: Vec<Pid> = pids(&s, &rows).iter().map(|x| x.0).collect();
        assert_eq!(got, vec![5, 4, 3, 2, 1]);
    }

    #[test]
    fn filter_keeps_ancestors() {
        let s = snap();
        let t = ProcessTree::build(&s);
        let vis = with_ancestors(&t, &[false, false, false, false, true]);
        assert_eq!(vis, vec![true, false, false, true, true]);
        let rows = build(&s, &t, &Shape::default(), Some(&vis), &HashMap::new());
        let got: Vec<Pid> = pids(&s, &rows).iter().map(|x| x.0).collect();
        assert_eq!(got, vec![1, 4, 5]);
        assert!(rows[1].is_last, "4 is the only visible child of 1");
    }
}
