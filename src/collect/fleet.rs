//! Opening many hosts' snapshot files at once (`--snapshot DIR` in the TUI): the files are read
//! on worker threads, and what hosts (and processes) hold identically is stored once: environ
//! blocks, cgroup sets and namespace sets, as a rescan shares them with the previous snapshot.

use crate::model::{Cgroup, Environ, Snapshot};
use crate::source::hosts::Pick;
use crate::source::snapshot_file;
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One host's snapshot as read, or why it could not be (one line).
#[derive(Debug)]
pub struct HostSnap {
    pub pick: Pick,
    pub snap: Result<Snapshot, String>,
}

/// Interning tables shared by every file opened together.
#[derive(Default)]
pub struct Pool {
    environ: Mutex<HashSet<Environ>>,
    cgroups: Mutex<HashSet<Arc<Vec<Cgroup>>>>,
    namespaces: Mutex<HashSet<Arc<BTreeMap<String, u64>>>>,
}

/// The pooled value equal to `v`, inserting `v` when it is the first.
fn intern<T: Clone + Eq + std::hash::Hash>(set: &Mutex<HashSet<T>>, v: T) -> T {
    let mut set = set.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(old) = set.get(&v) {
        return old.clone();
    }
    set.insert(v.clone());
    v
}

impl Pool {
    /// Replace every environ block, cgroup set and namespace set of `snap` by the pool's equal
    /// one (the duplicates are freed).
    pub fn share(&self, snap: &mut Snapshot) {
        for p in &mut snap.processes {
            if let Some(e) = p.environ.take() {
                p.environ = Some(intern(&self.environ, e));
            }
            p.cgroups = intern(&self.cgroups, std::mem::take(&mut p.cgroups));
            p.namespaces = intern(&self.namespaces, std::mem::take(&mut p.namespaces));
        }
    }
}

/// Read every picked file on `workers` threads (at least one), sharing identical blocks
/// across all of them when `share`; the result is in the order of `picks`.
pub fn open(picks: &[Pick], workers: usize, share: bool) -> Vec<HostSnap> {
    open_map(picks, workers, share, &|h| h)
}

/// [`open`], each host's snapshot passed to `then` on the worker that read it (what is derived
/// from a snapshot is computed in parallel too, while the next file is read).
pub fn open_map<T: Send>(
    picks: &[Pick],
    workers: usize,
    share: bool,
    then: &(dyn Fn(HostSnap) -> T + Sync),
) -> Vec<T> {
    let pool = Pool::default();
    let next = AtomicUsize::new(0);
    let out: Vec<Mutex<Option<T>>> = picks.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, picks.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(pick) = picks.get(i) else { return };
                    let snap = read_one(pick, share.then_some(&pool));
                    let one = then(HostSnap {
                        pick: pick.clone(),
                        snap,
                    });
                    if let Some(Ok(mut slot)) = out.get(i).map(|m| m.lock()) {
                        *slot = Some(one);
                    }
                }
            });
        }
    });
    // why: a worker that panicked left its slot empty; the scope re-raised that panic already,
    // so every slot is filled here.
    out.into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}

/// One file, with its host name filled in from the pick when the file has none.
fn read_one(pick: &Pick, pool: Option<&Pool>) -> Result<Snapshot, String> {
    let mut snap = snapshot_file::read_snapshot(&pick.path).map_err(|e| e.to_string())?;
    if snap.meta.hostname.is_none() {
        snap.meta.hostname = Some(pick.host.clone());
    }
    if let Some(pool) = pool {
        pool.share(&mut snap);
    }
    Ok(snap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Process;

    #[test]
    fn equal_blocks_are_stored_once() {
        let p = |pid| Process {
            pid,
            environ: Some(Environ::from_raw(b"A=1\0")),
            ..Process::default()
        };
        let mut a = Snapshot {
            processes: vec![p(1), p(2)],
            ..Snapshot::default()
        };
        let mut b = a.clone();
        b.processes[1].environ = Some(Environ::from_raw(b"B=2\0"));
        let pool = Pool::default();
        pool.share(&mut a);
        pool.share(&mut b);
        let raw = |s: &Snapshot, i: usize| s.processes[i].environ.as_ref().unwrap().raw().as_ptr();
        assert_eq!(raw(&a, 0), raw(&a, 1));
        assert_eq!(raw(&a, 0), raw(&b, 0));
        assert_ne!(raw(&a, 0), raw(&b, 1));
        assert!(Arc::ptr_eq(
            &a.processes[0].cgroups,
            &b.processes[1].cgroups
        ));
    }
}
