//! Integrity collection: the hidden-process search ([`hidden`]), the masked `/proc` entries
//! re-read through a clean procfs view during every live scan ([`merge_masked`]), and the
//! exe and mapped-file checks of one process ([`exe`]).

pub mod exe;
pub mod hidden;
pub mod parse;

use super::process::{self, ReadOptions};
use super::share::Shared;
use crate::model::{Hidden, HiddenEvidence, Pid, Process};
use crate::source::ProcRoot;
use std::collections::BTreeMap;

/// Put the processes whose `/proc` entries are masked into the scan, read through a clean
/// procfs view and flagged hidden: entries with something mounted on them (mountinfo), and
/// listed entries that yielded no process (no `stat`) while the clean view still shows the
/// process with the visible entry still lacking it. Live roots only; nothing happens when no
/// entry is suspect or the clean view is refused (the `hidden` command says so).
/// With `only` (a scan of a few pids), only those pids are looked at.
pub fn merge_masked(
    root: &ProcRoot,
    listed: &[Pid],
    procs: &mut Vec<Process>,
    opt: ReadOptions,
    shared: &Shared,
    only: Option<&[Pid]>,
) {
    if !root.is_live() {
        return;
    }
    let mut suspects: BTreeMap<Pid, Vec<HiddenEvidence>> = BTreeMap::new();
    let wanted = |pid: &Pid| only.is_none_or(|o| o.contains(pid));
    for (pid, ev) in hidden::mount_masks(root)
        .into_iter()
        .filter(|(p, _)| wanted(p))
    {
        suspects.entry(pid).or_default().push(ev);
    }
    // why: both lists are sorted by pid; a listed pid with no process had no readable stat.
    let mut have = procs.iter().map(|p| p.pid).peekable();
    for &pid in listed {
        while have.next_if(|&p| p < pid).is_some() {}
        if have.peek() != Some(&pid) {
            suspects.entry(pid).or_default();
        }
    }
    if suspects.is_empty() {
        return;
    }
    let Ok(clean) = crate::source::integrity::clean_proc() else {
        return;
    };
    for (pid, mut ev) in suspects {
        let visible = crate::source::integrity::raw_entry(root, pid)
            .stat
            .and_then(|s| parse::stat_ids(&s))
            .map(|i| i.0);
        if visible != Some(pid) {
            ev.push(HiddenEvidence::EntryMismatch { stat_pid: visible });
        }
        let masked = ev
            .iter()
            .any(|e| matches!(e, HiddenEvidence::MountedOver { .. }));
        if !masked && visible == Some(pid) {
            continue;
        }
        let process::Read::Ok(mut p) = process::read(&clean, pid, opt, shared) else {
            continue;
        };
        p.hidden = Some(Hidden { evidence: ev });
        match procs.binary_search_by_key(&pid, |q| q.pid) {
            Ok(i) => procs[i] = *p,
            Err(i) => procs.insert(i, *p),
        }
    }
}
