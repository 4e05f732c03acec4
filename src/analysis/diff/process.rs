//! Process side of a diff: match processes by (pid, start time) and compare what both read.

use super::{Change, EnvChange, ProcessChange, ProcessDiff, ProcessRef};
use crate::model::{Bytes, EnvVar, Environ, Ids, ProcKey, Process, Snapshot};
use std::collections::BTreeMap;

/// Processes of `snap` keyed by identity, without procscope's own process.
fn keyed(snap: &Snapshot) -> BTreeMap<ProcKey, &Process> {
    let me = snap.meta.self_pid;
    snap.processes
        .iter()
        .filter(|p| me == 0 || p.pid != me)
        .map(|p| (p.key(), p))
        .collect()
}

pub(super) fn diff(old: &Snapshot, new: &Snapshot, same_boot: bool) -> ProcessDiff {
    let (o, n) = (keyed(old), keyed(new));
    let mut d = ProcessDiff::default();
    // why: start time counts clock ticks since boot, so across a reboot no (pid, start time)
    // pair names the same process even when the numbers coincide.
    let matched =
        |k: &ProcKey, other: &BTreeMap<ProcKey, &Process>| same_boot && other.contains_key(k);
    for (k, p) in &n {
        if !matched(k, &o) {
            d.started.push(reference(p));
        }
    }
    for (k, p) in &o {
        match n.get(k) {
            Some(q) if same_boot => {
                if let Some(c) = compare(p, q) {
                    d.changed.push(c);
                }
            }
            _ => d.gone.push(reference(p)),
        }
    }
    d
}

fn reference(p: &Process) -> ProcessRef {
    ProcessRef {
        pid: p.pid,
        start_time: p.start_time,
        ppid: p.ppid,
        started_at: p.started_at,
        comm: p.comm.clone(),
        cmdline: p.cmdline.clone(),
        uid: p.uid.effective,
        user: p.uid.effective_name.clone(),
        exe: p.exe.as_ref().map(|e| e.path.clone()),
        container: p.container.clone(),
    }
}

/// `Some(change)` when both values are known and differ.
fn change<T: PartialEq + Clone>(old: Option<&T>, new: Option<&T>) -> Option<Change<T>> {
    match (old, new) {
        (Some(a), Some(b)) if a != b => Some(Change {
            old: a.clone(),
            new: b.clone(),
        }),
        _ => None,
    }
}

fn same_ids(a: &Ids, b: &Ids) -> bool {
    (a.real, a.effective, a.saved, a.fs) == (b.real, b.effective, b.saved, b.fs)
}

/// argv when it can be compared. why: a zombie's cmdline reads empty and a kernel thread has
/// none; neither is a change.
fn argv(p: &Process) -> Option<&Vec<Bytes>> {
    (!p.unavailable.contains_key("cmdline") && p.state != "Z" && !p.cmdline.is_empty())
        .then_some(&p.cmdline)
}

/// Compare one process across snapshots; `None` when nothing compared differs.
fn compare(old: &Process, new: &Process) -> Option<ProcessChange> {
    let ids_known = |p: &Process| !p.unavailable.contains_key("status");
    let uid = (ids_known(old) && ids_known(new) && !same_ids(&old.uid, &new.uid)).then(|| Change {
        old: old.uid.clone(),
        new: new.uid.clone(),
    });
    let mut c = ProcessChange {
        pid: new.pid,
        start_time: new.start_time,
        comm: new.comm.clone(),
        // why: kernel workers rename themselves after the work they run (kworker/0:2-events).
        comm_change: change(Some(&old.comm), Some(&new.comm))
            .filter(|_| !(old.kernel_thread || new.kernel_thread)),
        exe: change(old.exe.as_ref(), new.exe.as_ref()),
        cwd: change(old.cwd.as_ref(), new.cwd.as_ref()),
        uid,
        cmdline: change(argv(old), argv(new)),
        ..ProcessChange::default()
    };
    if let (Some(a), Some(b)) = (&old.environ, &new.environ) {
        environ(a, b, &mut c);
    }
    let empty = c.comm_change.is_none()
        && c.exe.is_none()
        && c.cwd.is_none()
        && c.uid.is_none()
        && c.cmdline.is_none()
        && c.env_added.is_empty()
        && c.env_changed.is_empty()
        && c.env_removed.is_empty();
    (!empty).then_some(c)
}

/// First entry of each name, in kernel order (what `getenv` would find).
fn first_by_name(env: &Environ) -> Vec<(&[u8], EnvVar<'_>)> {
    let mut seen = std::collections::HashSet::new();
    env.iter()
        .filter(|e| seen.insert(e.name))
        .map(|e| (e.name, e))
        .collect()
}

fn environ(old: &Environ, new: &Environ, c: &mut ProcessChange) {
    if old.shares(new) {
        return;
    }
    let o = first_by_name(old);
    let n = first_by_name(new);
    let om: BTreeMap<&[u8], EnvVar<'_>> = o.iter().copied().collect();
    let nm: BTreeMap<&[u8], EnvVar<'_>> = n.iter().copied().collect();
    for (name, e) in &n {
        match om.get(name) {
            None => c.env_added.push(e.to_entry()),
            Some(prev) if prev.value != e.value => c.env_changed.push(EnvChange {
                name: Bytes::from(*name),
                old: prev.value.map(Bytes::from),
                new: e.value.map(Bytes::from),
            }),
            Some(_) => {}
        }
    }
    for (name, e) in &o {
        if !nm.contains_key(name) {
            c.env_removed.push(e.to_entry());
        }
    }
}
