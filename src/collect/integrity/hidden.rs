//! The hidden-process search: list `/proc`, read what each entry says, find the masks in
//! mountinfo, probe the pid range, then sight every candidate twice through a clean procfs
//! view and keep only those still there, as the same process, after the recheck.

use super::parse;
use crate::analysis::integrity::{EntryFacts, Sighting, confirmed, cross_view};
use crate::model::{Bytes, HiddenEvidence, HiddenProcess, HiddenReport, Pid, PidView};
use crate::source::ProcRoot;
use crate::source::integrity as src;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// How the search runs.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// Probe every pid up to `kernel/pid_max` (live roots only).
    pub probe_range: bool,
    /// Threads probing the range.
    pub threads: usize,
    /// Pause before the recheck.
    pub recheck_after: Duration,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            probe_range: true,
            threads: 2,
            recheck_after: Duration::from_millis(100),
        }
    }
}

/// The facts of one listed entry.
fn facts(root: &ProcRoot, pid: Pid) -> EntryFacts {
    let raw = src::raw_entry(root, pid);
    let ids = raw.stat.as_deref().and_then(parse::stat_ids);
    let ppid = raw
        .stat
        .as_deref()
        .and_then(|s| crate::collect::parse::stat(s).ok())
        .map_or(0, |s| s.ppid);
    EntryFacts {
        pid,
        stat_pid: ids.map(|i| i.0),
        ppid,
        pgrp: ids.map_or(0, |i| i.1),
        session: ids.map_or(0, |i| i.2),
        tids: raw.tids,
        children: parse::pid_list(&raw.children),
    }
}

/// The facts of every listed entry, read on `threads` threads over contiguous slices.
fn all_facts(root: &ProcRoot, listed: &[Pid], threads: usize) -> Vec<EntryFacts> {
    let per = listed.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let hs: Vec<_> = listed
            .chunks(per)
            .map(|part| s.spawn(move || part.iter().map(|&p| facts(root, p)).collect::<Vec<_>>()))
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Mounts on `PROC/PID` (or inside it) in procscope's mount table, as evidence per pid.
pub fn mount_masks(root: &ProcRoot) -> Vec<(Pid, HiddenEvidence)> {
    let Ok(text) = src::self_mountinfo(root) else {
        return Vec::new();
    };
    let at = src::mount_point(root);
    parse::mountinfo(&text)
        .into_iter()
        .filter_map(|m| {
            let pid = parse::masked_pid(&m, &at)?;
            Some((
                pid,
                HiddenEvidence::MountedOver {
                    mount_point: Bytes(m.mount_point),
                    fs_type: Bytes(m.fs_type),
                    source: Bytes(m.source),
                    root: Bytes(m.root),
                },
            ))
        })
        .collect()
}

/// Start time and thread group of `pid` as `view` shows it.
fn sight(view: &ProcRoot, pid: Pid) -> Option<Sighting> {
    let (stat, status) = src::stat_status(view, pid)?;
    let s = crate::collect::parse::stat(&stat).ok()?;
    Some(Sighting {
        start_time: s.start_time,
        tgid: parse::tgid(&status)?,
    })
}

fn is_mask(e: &HiddenEvidence) -> bool {
    matches!(
        e,
        HiddenEvidence::MountedOver { .. } | HiddenEvidence::EntryMismatch { .. }
    )
}

/// Whether the mask of `pid` is still there: its mount, or its entry still not describing it.
fn still_masked(root: &ProcRoot, pid: Pid, ev: &[HiddenEvidence], mounts: &HashSet<Pid>) -> bool {
    if ev
        .iter()
        .any(|e| matches!(e, HiddenEvidence::MountedOver { .. }))
        && mounts.contains(&pid)
    {
        return true;
    }
    ev.iter()
        .any(|e| matches!(e, HiddenEvidence::EntryMismatch { .. }))
        && facts(root, pid).mismatched()
}

/// Candidates that are threads become their process (thread group): a thread of a listed,
/// unmasked process is dropped, one of an unlisted process names that process.
fn to_processes(
    view: &ProcRoot,
    cands: BTreeMap<Pid, Vec<HiddenEvidence>>,
    plain: &HashSet<Pid>,
) -> BTreeMap<Pid, Vec<HiddenEvidence>> {
    let mut out: BTreeMap<Pid, Vec<HiddenEvidence>> = BTreeMap::new();
    for (pid, ev) in cands {
        let masked = ev.iter().any(is_mask);
        let tgid = if masked {
            pid
        } else {
            sight(view, pid).map_or(pid, |s| s.tgid)
        };
        if tgid == pid {
            out.entry(pid).or_default().extend(ev);
        } else if !plain.contains(&tgid) {
            let e = out.entry(tgid).or_default();
            e.push(HiddenEvidence::NotListed);
            e.push(HiddenEvidence::SeenBy {
                view: PidView::ThreadGroup,
                via: Some(pid),
            });
        }
    }
    for ev in out.values_mut() {
        let mut seen = Vec::with_capacity(ev.len());
        for e in ev.drain(..) {
            if !seen.contains(&e) {
                seen.push(e);
            }
        }
        *ev = seen;
    }
    out
}

/// The clean view, or why there is none (a line in `refused`).
fn open_clean(root: &ProcRoot, refused: &mut Vec<String>) -> Option<ProcRoot> {
    if !root.is_live() {
        refused.push(
            "not the running kernel's procfs: no pid probes and no clean view, only the listing's own views".into(),
        );
        return None;
    }
    if !src::privileged() {
        refused.push(
            "not root: entries of other users may be invisible (hidepid) and are then not reported"
                .into(),
        );
    }
    match src::clean_proc() {
        Ok(c) => Some(c),
        Err(e) => {
            refused.push(format!(
                "clean procfs view refused ({e}; needs CAP_SYS_ADMIN): masked entries are reported without their real data"
            ));
            None
        }
    }
}

/// The unconfirmed candidates of one pass: the listing's facts, its masks and the probes.
fn candidates(
    root: &ProcRoot,
    view: &ProcRoot,
    opt: &SearchOptions,
    report: &mut HiddenReport,
) -> std::io::Result<BTreeMap<Pid, Vec<HiddenEvidence>>> {
    let listed = root.pids()?;
    report.listed = listed.len();
    let entries = all_facts(root, &listed, opt.threads);
    let mounts = mount_masks(root);
    let mut known: Vec<Pid> = listed;
    for e in entries.iter().filter(|e| !e.mismatched()) {
        known.extend(e.tids.iter().copied());
    }
    known.sort_unstable();
    known.dedup();
    let probes = match (root.is_live() && opt.probe_range, src::pid_max(root)) {
        (true, Ok(max)) => {
            report.pid_max = max.saturating_sub(1);
            src::probe_range(root, &known, max, opt.threads)
        }
        (true, Err(e)) => {
            report.refused.push(format!(
                "pid range not probed: kernel/pid_max unreadable ({e})"
            ));
            Vec::new()
        }
        _ => Vec::new(),
    };
    let plain: HashSet<Pid> = entries
        .iter()
        .filter(|e| !e.mismatched())
        .map(|e| e.pid)
        .collect();
    Ok(to_processes(
        view,
        cross_view(&entries, &mounts, &probes),
        &plain,
    ))
}

/// A sighting of `pid`: through the clean view, else through `root` when not masked.
fn sight_any(
    root: &ProcRoot,
    clean: Option<&ProcRoot>,
    pid: Pid,
    masked: bool,
) -> Option<Sighting> {
    clean
        .and_then(|c| sight(c, pid))
        .or_else(|| (!masked).then(|| sight(root, pid)).flatten())
}

/// Search `root` for hidden processes. Probes refused and views unavailable are listed in
/// `refused`, one line each; nothing unconfirmed is reported.
pub fn search(root: &ProcRoot, opt: &SearchOptions) -> std::io::Result<HiddenReport> {
    let mut report = HiddenReport::default();
    let clean = open_clean(root, &mut report.refused);
    let view = clean.as_ref().unwrap_or(root);
    let cands = candidates(root, view, opt, &mut report)?;
    let first: BTreeMap<Pid, Option<Sighting>> = cands
        .iter()
        .map(|(&p, ev)| {
            (
                p,
                sight_any(root, clean.as_ref(), p, ev.iter().any(is_mask)),
            )
        })
        .collect();
    std::thread::sleep(opt.recheck_after);
    let listed_again: HashSet<Pid> = root.pids()?.into_iter().collect();
    let mounts_again: HashSet<Pid> = mount_masks(root).into_iter().map(|(p, _)| p).collect();
    let mut unreadable = 0usize;
    for (pid, ev) in cands {
        let masked = ev.iter().any(is_mask);
        if masked && !still_masked(root, pid, &ev, &mounts_again) {
            continue;
        }
        let again = sight_any(root, clean.as_ref(), pid, masked);
        let f = first.get(&pid).copied().flatten();
        if f.is_none() && again.is_none() {
            // why: without a readable entry the start time is unknown: a mount over the
            // entry is still evidence in itself; anything else cannot be confirmed.
            if masked && clean.is_none() && mounts_again.contains(&pid) {
                report.processes.push(HiddenProcess {
                    pid,
                    evidence: ev,
                    ..HiddenProcess::default()
                });
            } else if !masked && !src::probe(root, pid).is_empty() {
                // why: a pid that no longer answers simply exited (churn), not a refusal.
                unreadable += 1;
            }
            continue;
        }
        if confirmed(f, again, masked, listed_again.contains(&pid)) {
            report.processes.push(describe(view, pid, f, ev));
        }
    }
    if unreadable > 0 {
        report.refused.push(format!(
            "{unreadable} pid(s) answered a probe but no procfs view could show them (no permission?): not reported"
        ));
    }
    Ok(report)
}

/// The reported form of a confirmed candidate, read through `view`.
fn describe(
    view: &ProcRoot,
    pid: Pid,
    s: Option<Sighting>,
    evidence: Vec<HiddenEvidence>,
) -> HiddenProcess {
    let d = view.process(pid).ok();
    let stat = d.as_ref().and_then(|d| d.read("stat").ok());
    let st = stat
        .as_deref()
        .and_then(|b| crate::collect::parse::stat(b).ok());
    let exe = d
        .as_ref()
        .and_then(|d| d.read_link("exe").ok())
        .map(crate::collect::process::exe_of);
    HiddenProcess {
        pid,
        start_time: s.map(|s| s.start_time),
        ppid: st.as_ref().map(|s| s.ppid),
        comm: st.map(|s| s.comm),
        exe,
        evidence,
    }
}
