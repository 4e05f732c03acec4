//! `--diff OLD`: the differences between a saved snapshot and the one shown, computed with the
//! scan, and the mark each process row carries (`+` started since OLD, `~` changed).

use crate::analysis::diff::{RowStatus, SnapshotDiff, diff};
use crate::analysis::secrets::{RuleSet, mask_snapshot};
use crate::model::{Process, Snapshot};

/// Compare `old` with `new`. A masked OLD is compared with a masked copy of NEW, so a value
/// that only differs by its masking is not reported as changed.
pub fn compute(old: &Snapshot, new: &Snapshot, rules: Option<&RuleSet>) -> SnapshotDiff {
    match (old.meta.masked && !new.meta.masked, rules) {
        (true, Some(rules)) => {
            let mut masked = new.clone();
            mask_snapshot(&mut masked, rules);
            diff(old, &masked)
        }
        _ => diff(old, new),
    }
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
