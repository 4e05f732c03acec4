//! The collector thread: takes snapshots on request and derives what the app shows from them,
//! so the UI never blocks on a scan. The first scan of a proc root is staged: the tree alone
//! (stat, status, cmdline) is shown at once, then the processes on screen in full, then every
//! process in full with its sockets and secrets, read in the order of what is on screen; a
//! counter says how far the last stage is. Later scans are whole, the old snapshot shown
//! meanwhile.

use super::event::{Event, ScanError, Source, purge_soon};
use super::state::Loaded;
use crate::analysis::secrets::RuleSet;
use crate::analysis::usage;
use crate::collect;
use crate::model::{Parts, Pid, ProcessTree, Snapshot};
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The pids on screen (selected first), published by the UI after each frame: the order in
/// which the collector reads processes.
pub type Focus = Arc<Mutex<Vec<Pid>>>;

/// How many tree rows stand for "on screen" before the UI has published its own.
const FIRST_SCREEN: usize = 100;

/// What the collector works with.
struct Ctx {
    source: Source,
    rules: Option<Arc<RuleSet>>,
    base: Option<Arc<Snapshot>>,
    focus: Focus,
    tx: Sender<Event>,
}

/// Start the collector; each `()` sent on the returned channel takes one snapshot (staged the
/// first time) and derives the findings, tree and containers from it with `rules`.
pub fn start(
    source: Source,
    rules: Option<Arc<RuleSet>>,
    base: Option<Arc<Snapshot>>,
    focus: Focus,
    tx: Sender<Event>,
) -> Sender<()> {
    let (req_tx, req_rx): (Sender<()>, Receiver<()>) = channel();
    let ctx = Ctx {
        source,
        rules,
        base,
        focus,
        tx,
    };
    std::thread::spawn(move || {
        // why: the next scan shares unchanged environ blocks with this one, so the UI holding
        // the old snapshot while the new one is built costs little more than one snapshot;
        // its CPU times give the new one's CPU %.
        let mut prev: Option<(Arc<Snapshot>, Instant)> = None;
        while req_rx.recv().is_ok() {
            // Coalesce requests queued while the last scan ran.
            while req_rx.try_recv().is_ok() {}
            purge_soon();
            if let Source::Hosts(paths) = &ctx.source {
                let opt = crate::tui::fleet::LoadOptions::default();
                let rules = ctx.rules.as_deref();
                let work = || super::fleet::load(paths, rules, ctx.base.clone(), &opt);
                let work = std::panic::AssertUnwindSafe(work);
                let res = std::panic::catch_unwind(work).unwrap_or(Err(ScanError::Internal));
                if ctx.tx.send(Event::Hosts(res)).is_err() {
                    return;
                }
                continue;
            }
            // why: a bug met in one scan must not end the UI; report it and keep the old one.
            let work = std::panic::AssertUnwindSafe(|| take(&ctx, prev.as_ref()));
            let res = std::panic::catch_unwind(work).unwrap_or(Err(ScanError::Internal));
            if let Ok((b, at)) = &res {
                prev = Some((b.snap.clone(), *at));
            }
            if ctx.tx.send(Event::Snapshot(res.map(|r| r.0))).is_err() {
                return;
            }
        }
    });
    req_tx
}

/// One snapshot and what is derived from it, with when its scan started.
fn take(
    ctx: &Ctx,
    prev: Option<&(Arc<Snapshot>, Instant)>,
) -> Result<(Box<Loaded>, Instant), ScanError> {
    let path = match &ctx.source {
        Source::File(path) => {
            let snap = crate::source::snapshot_file::read_snapshot(path)
                .map_err(|e| ScanError::File(e.to_string()))?;
            return Ok((derive(ctx, snap, None), Instant::now()));
        }
        Source::Proc(path) => path,
        Source::Hosts(_) => return Err(ScanError::Internal),
    };
    let scan = |opt: &collect::Options| {
        collect::snapshot_at(path, opt).map_err(|e| ScanError::Scan(e.to_string()))
    };
    let (prev, tree_only) = match prev {
        Some((p, at)) => (Some((p.clone(), *at)), None),
        None => {
            let at = Instant::now();
            let tree = Arc::new(scan(&collect::Options {
                parts: Parts::NONE,
                ..collect::Options::default()
            })?);
            stage(ctx, derive(ctx, Arc::unwrap_or_clone(tree.clone()), None));
            (Some((tree.clone(), at)), Some(tree))
        }
    };
    let first = focus(ctx, tree_only.as_deref());
    if let Some(tree) = &tree_only {
        let on_screen = scan(&collect::Options {
            parts: Parts {
                sockets: false,
                hidden: false,
                ..Parts::ALL
            },
            only: Some(first.clone()),
            ..collect::Options::default()
        })?;
        stage(ctx, derive(ctx, merge(tree, on_screen), None));
    }
    let done = Arc::new(AtomicUsize::new(0));
    let total = prev.as_ref().map_or(0, |p| p.0.processes.len());
    let _ = ctx.tx.send(Event::Progress {
        done: done.clone(),
        total,
    });
    let at = Instant::now();
    let opt = collect::Options {
        first,
        progress: Some(done),
        ..collect::Options::default()
    };
    let snap = match (&prev, &tree_only) {
        // why: a staged first scan has no full snapshot to share environ blocks with.
        (Some((p, _)), None) => collect::rescan_at(path, &opt, p),
        _ => collect::snapshot_at(path, &opt),
    }
    .map_err(|e| ScanError::Scan(e.to_string()))?;
    let before = prev
        .as_ref()
        .map(|(p, t)| (&**p, at.duration_since(*t).as_secs_f64()));
    Ok((derive(ctx, snap, before), at))
}

/// Send an intermediate stage to the UI (the scan goes on).
fn stage(ctx: &Ctx, loaded: Box<Loaded>) {
    let _ = ctx.tx.send(Event::Stage(loaded));
}

/// Everything the app shows of `snap`, CPU % measured against `before` (and its age in seconds).
fn derive(ctx: &Ctx, snap: Snapshot, before: Option<(&Snapshot, f64)>) -> Box<Loaded> {
    let metrics = usage::usage(before.map(|b| b.0), &snap, before.map_or(0.0, |b| b.1));
    Box::new(Loaded::compute(
        Arc::new(snap),
        ctx.rules.as_deref(),
        ctx.base.clone(),
        metrics,
    ))
}

/// The pids to read first: what the UI published, else the first screen of `tree`'s rows.
fn focus(ctx: &Ctx, tree: Option<&Snapshot>) -> Vec<Pid> {
    let published = ctx.focus.lock().map(|f| f.clone()).unwrap_or_default();
    if !published.is_empty() {
        return published;
    }
    let Some(snap) = tree else {
        return Vec::new();
    };
    let t = ProcessTree::build(snap);
    (t.walk(&t.roots, &|_| true).into_iter())
        .take(FIRST_SCREEN)
        .filter_map(|r| snap.processes.get(r.index).map(|p| p.pid))
        .collect()
}

/// The tree-stage snapshot with the processes of `full` (same pid and start time) replacing
/// their tree-only entries.
fn merge(tree: &Snapshot, full: Snapshot) -> Snapshot {
    let mut out = tree.clone();
    for p in full.processes {
        if let Some(i) = out.index_of(p.pid)
            && out.processes[i].start_time == p.start_time
        {
            out.processes[i] = p;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Process;

    fn proc_(pid: Pid, start: u64, comm: &str) -> Process {
        Process {
            pid,
            start_time: start,
            comm: comm.into(),
            collected: Parts::NONE,
            ..Process::default()
        }
    }

    #[test]
    fn a_stage_replaces_only_the_same_processes() {
        let tree = Snapshot {
            processes: vec![proc_(1, 10, "init"), proc_(2, 20, "a"), proc_(3, 30, "b")],
            ..Snapshot::default()
        };
        let mut full_2 = proc_(2, 20, "a");
        full_2.collected = Parts::ALL;
        // pid 3 was reused since the tree was read: its full read is another process.
        let mut other_3 = proc_(3, 31, "c");
        other_3.collected = Parts::ALL;
        let full = Snapshot {
            processes: vec![full_2, other_3],
            ..Snapshot::default()
        };
        let m = merge(&tree, full);
        let got: Vec<(Pid, bool)> = (m.processes.iter())
            .map(|p| (p.pid, p.collected.is_all()))
            .collect();
        assert_eq!(got, [(1, false), (2, true), (3, false)]);
        assert_eq!(m.processes[2].comm, "b".into());
    }
}
