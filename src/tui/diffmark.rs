//! `--diff OLD`: the differences between a saved snapshot and the one shown, computed with the
//! scan, the mark each process row carries (`+` started since OLD, `~` changed), and the rows
//! of the processes gone since OLD (`-`), drawn from the OLD snapshot after the current ones.

use super::findings::Findings;
use super::state::rows::{NO_INDEX, Row, RowKind};
use crate::analysis::diff::{RowStatus, SnapshotDiff, diff};
use crate::analysis::masking::diff_sides;
use crate::analysis::secrets::RuleSet;
use crate::model::{Pid, Process, Snapshot};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Compare `old` with `new`. A masked OLD is compared with a masked copy of NEW, so a value
/// that only differs by its masking is not reported as changed.
pub fn compute(old: &Snapshot, new: &Snapshot, rules: Option<&RuleSet>) -> SnapshotDiff {
    // why: marks show no values, so both sides are compared as read unless one was masked.
    let (old, new, _) = diff_sides(Cow::Borrowed(old), Cow::Borrowed(new), true, rules);
    diff(&old, &new)
}

/// The mark of `p`'s row: `+` new since OLD, `~` changed, ` ` unchanged.
pub fn mark(d: &SnapshotDiff, p: &Process) -> char {
    match d.status_of(p.pid, p.start_time) {
        Some(RowStatus::New) => '+',
        Some(RowStatus::Changed) => '~',
        None => ' ',
    }
}

/// Status-bar summary: `diff +3 ~1 -2 gone`.
pub fn summary(d: &SnapshotDiff) -> String {
    let p = &d.processes;
    format!(
        "diff +{} ~{} -{} gone",
        p.started.len(),
        p.changed.len(),
        p.gone.len()
    )
}

/// Indices into `old` of the processes gone since it, in pid order.
pub fn gone_indices(old: &Snapshot, d: &SnapshotDiff) -> Vec<usize> {
    d.processes
        .gone
        .iter()
        .filter_map(|g| {
            old.index_of(g.pid)
                .filter(|&i| old.processes[i].start_time == g.start_time)
        })
        .collect()
}

/// Secret findings of the gone processes (their command lines are drawn from OLD, which may
/// have been saved with `--reveal`): scanned on a snapshot of those processes only.
pub fn gone_findings(old: &Snapshot, d: &SnapshotDiff, rules: Option<&RuleSet>) -> Findings {
    let gone = Snapshot {
        processes: gone_indices(old, d)
            .into_iter()
            .map(|i| old.processes[i].clone())
            .collect(),
        ..Snapshot::default()
    };
    Findings::scan(&gone, rules)
}

/// The rows of the processes gone since `old`, numbered from `first` (the number of rows before
/// them). Flat: pid order, depth 0. Tree: a gone process sits under its old parent when that
/// parent is gone too, else at the top of the section; parent loops of a crafted snapshot file
/// end up at the top too. `shown`, when given, says which OLD processes pass the filter.
pub fn gone_rows(
    old: &Snapshot,
    d: &SnapshotDiff,
    flat: bool,
    shown: Option<&[bool]>,
    first: usize,
) -> Vec<Row> {
    let idx: Vec<usize> = gone_indices(old, d)
        .into_iter()
        .filter(|&i| shown.is_none_or(|v| v.get(i).copied().unwrap_or(false)))
        .collect();
    let row = |i: usize, depth: u32, is_last: bool, parent_row: Option<u32>| Row {
        index: NO_INDEX,
        kind: RowKind::Gone(i),
        depth,
        is_last,
        parent_row,
        folded: false,
    };
    if flat {
        return idx.iter().map(|&i| row(i, 0, true, None)).collect();
    }
    let by_pid: HashMap<Pid, usize> = idx.iter().map(|&i| (old.processes[i].pid, i)).collect();
    let parent = |i: usize| {
        let p = &old.processes[i];
        by_pid.get(&p.ppid).copied().filter(|_| p.ppid != p.pid)
    };
    let mut kids: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for &i in &idx {
        match parent(i) {
            Some(p) => kids.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    let mut out: Vec<Row> = Vec::with_capacity(idx.len());
    let mut seen = HashSet::new();
    let walk = |starts: &[usize], out: &mut Vec<Row>, seen: &mut HashSet<usize>| {
        let mut stack: Vec<(usize, u32, bool, Option<u32>)> = starts
            .iter()
            .enumerate()
            .rev()
            .map(|(k, &i)| (i, 0, k + 1 == starts.len(), None))
            .collect();
        while let Some((i, depth, is_last, parent_row)) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            let r = (first + out.len()) as u32;
            out.push(row(i, depth, is_last, parent_row));
            let ks = kids.get(&i).map(Vec::as_slice).unwrap_or_default();
            for (k, &c) in ks.iter().enumerate().rev() {
                stack.push((c, depth + 1, k + 1 == ks.len(), Some(r)));
            }
        }
    };
    walk(&roots, &mut out, &mut seen);
    // why: processes whose parent links loop (a crafted snapshot file) hang below no root;
    // list them at the top level rather than drop them.
    for &i in &idx {
        if !seen.contains(&i) {
            walk(&[i], &mut out, &mut seen);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: Pid, ppid: Pid) -> Process {
        Process {
            pid,
            ppid,
            start_time: u64::from(pid) * 7,
            ..Process::default()
        }
    }

    #[test]
    fn gone_rows_nest_under_gone_parents_and_survive_parent_loops() {
        // 10 and 11 name each other as parent (a crafted file); 12 is under gone 13; 1 stays.
        let old = Snapshot {
            processes: vec![p(1, 0), p(10, 11), p(11, 10), p(12, 13), p(13, 1)],
            ..Snapshot::default()
        };
        let new = Snapshot {
            processes: vec![p(1, 0)],
            ..Snapshot::default()
        };
        let d = diff(&old, &new);
        let pid = |r: &Row| match r.kind {
            RowKind::Gone(i) => (old.processes[i].pid, r.depth, r.parent_row),
            _ => panic!("not a gone row"),
        };
        let rows = gone_rows(&old, &d, false, None, 5);
        let got: Vec<_> = rows.iter().map(pid).collect();
        assert_eq!(
            got,
            vec![
                (13, 0, None),
                (12, 1, Some(5)),
                (10, 0, None),
                (11, 1, Some(7))
            ]
        );
        assert!(rows.iter().all(|r| r.index == NO_INDEX));
        let flat: Vec<_> = gone_rows(&old, &d, true, None, 0).iter().map(pid).collect();
        assert_eq!(
            flat.iter().map(|x| x.0).collect::<Vec<_>>(),
            [10, 11, 12, 13]
        );
        let only = [false, false, true, false, false];
        let rows = gone_rows(&old, &d, false, Some(&only), 0);
        assert_eq!(rows.iter().map(pid).collect::<Vec<_>>(), [(11, 0, None)]);
    }
}
