//! Cross-view of pids: what the `/proc` listing shows against what the listed processes'
//! own data (parents, groups, sessions, children) and the pid probes reveal, and the recheck
//! that keeps short-lived processes from ever being reported.

use crate::model::{HiddenEvidence, Pid, PidView};
use std::collections::{BTreeMap, HashSet};

/// What the first pass read from one entry of the `/proc` listing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryFacts {
    /// The entry's name.
    pub pid: Pid,
    /// The pid its `stat` names (absent when it has no readable `stat`).
    pub stat_pid: Option<Pid>,
    pub ppid: Pid,
    pub pgrp: Pid,
    pub session: Pid,
    /// Thread ids from `task/`.
    pub tids: Vec<Pid>,
    /// Pids from every `task/TID/children`.
    pub children: Vec<Pid>,
}

impl EntryFacts {
    /// Whether the entry describes another pid than its name, or nothing.
    pub fn mismatched(&self) -> bool {
        self.stat_pid != Some(self.pid)
    }
}

/// Every pid that looks hidden, with the evidence so far: entries whose content is not their
/// pid (`mismatched`, and pids with a mount on their entry: `mounts`), and pids named by the
/// listed entries or answering the probes (`probes`) that the listing and its threads do not
/// hold. Unconfirmed: the caller rechecks each (see [`confirmed`]).
pub fn cross_view(
    entries: &[EntryFacts],
    mounts: &[(Pid, HiddenEvidence)],
    probes: &[(Pid, Vec<PidView>)],
) -> BTreeMap<Pid, Vec<HiddenEvidence>> {
    let mut out: BTreeMap<Pid, Vec<HiddenEvidence>> = BTreeMap::new();
    let listed: HashSet<Pid> = entries.iter().map(|e| e.pid).collect();
    let mut known = listed.clone();
    for e in entries.iter().filter(|e| !e.mismatched()) {
        known.extend(e.tids.iter().copied());
    }
    for (pid, ev) in mounts {
        out.entry(*pid).or_default().push(ev.clone());
    }
    for e in entries.iter().filter(|e| e.mismatched()) {
        out.entry(e.pid)
            .or_default()
            .push(HiddenEvidence::EntryMismatch {
                stat_pid: e.stat_pid,
            });
    }
    let mut seen = |pid: Pid, view: PidView, via: Option<Pid>| {
        if pid == 0 || known.contains(&pid) {
            return;
        }
        let ev = out.entry(pid).or_default();
        if !ev.contains(&HiddenEvidence::NotListed) {
            ev.push(HiddenEvidence::NotListed);
        }
        let item = HiddenEvidence::SeenBy { view, via };
        if !ev.contains(&item) {
            ev.push(item);
        }
    };
    // why: a masked entry's data describes another process (or nothing); only trust the rest.
    for e in entries.iter().filter(|e| !e.mismatched()) {
        seen(e.ppid, PidView::Parent, Some(e.pid));
        seen(e.pgrp, PidView::ProcessGroup, Some(e.pid));
        seen(e.session, PidView::Session, Some(e.pid));
        for &c in &e.children {
            seen(c, PidView::Children, Some(e.pid));
        }
    }
    for (pid, views) in probes {
        for &v in views {
            seen(*pid, v, None);
        }
    }
    out
}

/// One look at a candidate through a clean procfs view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub start_time: u64,
    /// The thread group (process) the pid belongs to: the pid itself for a process.
    pub tgid: Pid,
}

/// Whether a candidate holds after the recheck: seen twice as the same process (same start
/// time, its own thread group), and, unless its entry is masked (a mask keeps the pid
/// listed), still missing from a second listing. A process that started after the first
/// listing appears in the second; one that exited or whose pid was reused fails the sighting.
pub fn confirmed(
    first: Option<Sighting>,
    again: Option<Sighting>,
    masked: bool,
    listed_again: bool,
) -> bool {
    match (first, again) {
        (Some(a), Some(b)) => a == b && (masked || !listed_again),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pid: Pid, ppid: Pid) -> EntryFacts {
        EntryFacts {
            pid,
            stat_pid: Some(pid),
            ppid,
            pgrp: pid,
            session: pid,
            tids: vec![pid],
            children: Vec::new(),
        }
    }

    #[test]
    fn clean_listing_reveals_nothing() {
        let mut a = entry(1, 0);
        a.children = vec![2];
        let mut b = entry(2, 1);
        b.tids = vec![2, 3];
        let probes = vec![(3, vec![PidView::StatByName])];
        assert!(cross_view(&[a, b], &[], &probes).is_empty());
    }

    #[test]
    fn parent_group_children_and_probes_reveal() {
        let mut a = entry(10, 1);
        a.children = vec![12];
        a.pgrp = 11;
        let v = cross_view(&[entry(1, 0), a], &[], &[(13, vec![PidView::Kill])]);
        assert_eq!(v.keys().copied().collect::<Vec<_>>(), vec![11, 12, 13]);
        assert!(v[&12].contains(&HiddenEvidence::SeenBy {
            view: PidView::Children,
            via: Some(10)
        }));
        assert_eq!(v[&13][0], HiddenEvidence::NotListed);
    }

    #[test]
    fn mismatched_entry_is_flagged_and_its_data_ignored() {
        let mut masked = entry(20, 99);
        masked.stat_pid = Some(1);
        let v = cross_view(&[entry(1, 0), masked], &[], &[]);
        assert_eq!(
            v[&20],
            vec![HiddenEvidence::EntryMismatch { stat_pid: Some(1) }]
        );
        assert!(!v.contains_key(&99));
    }

    #[test]
    fn recheck_rules() {
        let s = Sighting {
            start_time: 5,
            tgid: 7,
        };
        let later = Sighting {
            start_time: 6,
            tgid: 7,
        };
        assert!(confirmed(Some(s), Some(s), false, false));
        assert!(!confirmed(Some(s), Some(s), false, true));
        assert!(confirmed(Some(s), Some(s), true, true));
        assert!(!confirmed(Some(s), Some(later), false, false));
        assert!(!confirmed(Some(s), None, true, false));
    }
}
