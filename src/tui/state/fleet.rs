//! Many hosts in one TUI (`--snapshot DIR`): every host's snapshot is loaded, one is shown at
//! a time (the others parked whole, with what is derived from them), and the tree's roots are
//! the hosts. Switching host swaps the whole [`Loaded`] and forgets everything keyed by
//! [`crate::model::ProcKey`] (selection, collapsed nodes, open detail, revealed values), so a
//! pid of one host can never stand for the same pid of another.

use super::cursor::Cursor;
use super::loaded::Loaded;
use super::rows::{NO_INDEX, Row, RowKind};
use super::{App, DetailPane, Files, Reveal, View};

/// What the host picker and the host rows say of one host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostInfo {
    /// The host name (untrusted: from the file; escaped where drawn).
    pub name: String,
    /// Unix milliseconds the snapshot was taken.
    pub taken_ms: u64,
    /// The file read (untrusted text too).
    pub path: String,
    pub processes: usize,
    /// Why the file could not be read, if so (one line).
    pub error: Option<String>,
}

/// One host as the loader delivers it: its summary and, when readable, its loaded snapshot.
pub struct LoadedHost {
    pub info: HostInfo,
    pub loaded: Option<Loaded>,
}

/// The hosts, the one shown, and the others' parked snapshots.
#[derive(Default)]
pub struct Fleet {
    pub hosts: Vec<HostInfo>,
    pub active: usize,
    /// Per host: its loaded snapshot while not shown (None for the shown one and the unreadable).
    parked: Vec<Option<Loaded>>,
    /// Matches of the filter per host (None: no filter), for the host rows and the picker.
    pub matches: Vec<Option<usize>>,
    /// The host picker's cursor.
    pub cur: Cursor,
}

impl Fleet {
    /// Whether host `i`'s row is shown (no filter, or the filter matches some of its processes).
    pub fn shown(&self, i: usize) -> bool {
        self.matches.get(i).copied().flatten() != Some(0)
    }
}

/// Which host rows frame the process rows: the hosts shown (in order) and the one whose tree
/// is under its row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostFrame {
    pub shown: Vec<usize>,
    pub active: usize,
}

impl Fleet {
    /// The host rows to draw now.
    pub fn frame(&self) -> HostFrame {
        HostFrame {
            shown: (0..self.hosts.len())
                .filter(|&i| self.shown(i) || i == self.active)
                .collect(),
            active: self.active,
        }
    }
}

/// Frame the rows of the shown host's tree between the host rows: every host is a root, the
/// shown one's processes one level below it.
pub fn frame_rows(rows: &mut Vec<Row>, frame: &HostFrame) {
    let host_row = |i: usize, is_last: bool, folded: bool| Row {
        index: NO_INDEX,
        kind: RowKind::Host(i),
        depth: 0,
        is_last,
        parent_row: None,
        folded,
    };
    let mut out = Vec::with_capacity(rows.len() + frame.shown.len());
    for (k, &i) in frame.shown.iter().enumerate() {
        let last = k + 1 == frame.shown.len();
        if i != frame.active {
            out.push(host_row(i, last, true));
            continue;
        }
        let at = out.len() as u32;
        out.push(host_row(i, last, false));
        let base = at + 1;
        out.extend(rows.drain(..).map(|r| Row {
            depth: r.depth + 1,
            parent_row: Some(r.parent_row.map_or(at, |p| p + base)),
            ..r
        }));
    }
    *rows = out;
}

impl App {
    /// The hosts, when several snapshots are open.
    pub fn fleet(&self) -> Option<&Fleet> {
        self.fleet.as_ref()
    }

    /// Install a new load of every host, showing the host shown before (by name) or the
    /// first readable one; returns the replaced snapshots, to be freed where the caller likes.
    pub fn install_hosts(&mut self, hosts: Vec<LoadedHost>) -> Vec<Loaded> {
        let was = self.fleet.as_ref().and_then(|f| f.hosts.get(f.active));
        let was = was.map(|h| h.name.clone());
        let mut old: Vec<Loaded> = self
            .fleet
            .take()
            .map_or(Vec::new(), |f| f.parked.into_iter().flatten().collect());
        let (infos, mut parked): (Vec<HostInfo>, Vec<Option<Loaded>>) =
            hosts.into_iter().map(|h| (h.info, h.loaded)).unzip();
        let readable = |i: &usize| parked[*i].is_some();
        let active = (0..infos.len())
            .filter(readable)
            .find(|&i| Some(&infos[i].name) == was.as_ref())
            .or_else(|| (0..infos.len()).find(readable));
        let shown = active.and_then(|i| parked[i].take()).unwrap_or_default();
        let same_host = was.is_some() && active.map(|i| &infos[i].name) == was.as_ref();
        self.fleet = Some(Fleet {
            matches: vec![None; infos.len()],
            hosts: infos,
            active: active.unwrap_or(0),
            parked,
            cur: Cursor::default(),
        });
        if !same_host {
            self.forget_host_state();
        }
        // why: the hosts are snapshot files: a pid of theirs must never open this machine's
        // process of the same pid.
        self.setup.root_unavailable = Some(crate::model::NO_ROOT_IN_SNAPSHOT.to_string());
        self.procs.hosts = self.fleet.as_ref().map(Fleet::frame);
        old.push(self.install(shown));
        self.count_host_matches();
        old
    }

    /// Show host `i` (a readable one): the shown host is parked, its ProcKey-keyed state
    /// forgotten, and the tree of `i` shown with the cursor on its host row.
    pub fn switch_host(&mut self, i: usize) -> bool {
        let Some(f) = self.fleet.as_mut() else {
            return false;
        };
        if i == f.active {
            return true;
        }
        let Some(next) = f.parked.get_mut(i).and_then(Option::take) else {
            return false;
        };
        let prev = std::mem::replace(&mut self.loaded, next);
        if let Some(slot) = f.parked.get_mut(f.active) {
            *slot = Some(prev);
        }
        f.active = i;
        self.procs.hosts = Some(f.frame());
        self.forget_host_state();
        let page = self.page();
        self.procs.reload(&self.loaded, None, page);
        self.select_host_row(i);
        true
    }

    /// Forget what names processes of the host shown until now.
    fn forget_host_state(&mut self) {
        self.detail = DetailPane::default();
        self.files = Files::default();
        self.reveal = Reveal::new(self.reveal.all);
        self.procs.shape.collapsed.clear();
        // why: the rows and the cursor index the host shown until now.
        self.procs.rows.clear();
        self.procs.cur = Cursor::default();
        self.secrets = Default::default();
        self.containers = Default::default();
        self.alerts = Default::default();
        if self.nav.view == View::Detail {
            self.nav = Default::default();
        }
    }

    /// Put the cursor on host `i`'s row.
    fn select_host_row(&mut self, i: usize) {
        let at = self
            .procs
            .rows
            .iter()
            .position(|r| r.kind == RowKind::Host(i));
        if let Some(r) = at {
            self.select_row(r);
        }
    }

    /// The filter changed: count its matches on every host; when the shown host has none and
    /// another has some (`host=NAME`), show that one.
    pub(super) fn count_host_matches(&mut self) {
        let Some(f) = self.fleet.as_mut() else {
            return;
        };
        let q = &self.procs.filter;
        let on = !q.text.trim().is_empty() && q.error.is_none();
        for (i, m) in f.matches.iter_mut().enumerate() {
            *m = match (on, f.parked.get(i)) {
                (false, _) => None,
                (true, _) if i == f.active => Some(q.count),
                (true, Some(Some(l))) => Some(q.count_in(l)),
                (true, _) => Some(0),
            };
        }
        let to = (f.matches.get(f.active).copied().flatten() == Some(0))
            .then(|| f.matches.iter().position(|m| m.is_some_and(|n| n > 0)))
            .flatten();
        self.procs.hosts = Some(f.frame());
        if let Some(i) = to {
            self.switch_host(i);
        }
        let page = self.page();
        self.procs.rebuild(&self.loaded, page);
    }

    /// The search changed and matches nothing on the shown host: show the first other host
    /// where it matches (`host=NAME`, or a name running only there), on its first match.
    pub(super) fn search_other_hosts(&mut self) {
        let Some(f) = self.fleet.as_ref() else {
            return;
        };
        let q = &self.procs.search;
        if q.text.trim().is_empty() || q.error.is_some() || q.count > 0 {
            return;
        }
        let matches = |i: usize| {
            let l = f.parked.get(i).and_then(Option::as_ref);
            i != f.active && l.is_some_and(|l| q.count_in(l) > 0)
        };
        if let Some(i) = (0..f.hosts.len()).find(|&i| matches(i)) {
            self.switch_host(i);
            let page = self.page();
            self.procs.next_match(true, page);
        }
    }

    /// Open the host picker on the shown host.
    pub(super) fn show_hosts(&mut self) {
        if let Some(f) = self.fleet.as_mut() {
            let (n, at) = (f.hosts.len(), f.active);
            f.cur.set(at, n, 1);
            self.files.viewer = None;
            self.nav.go(View::Hosts);
        } else {
            self.status.message =
                Some("one host: the picker lists the hosts of --snapshot DIR".into());
        }
    }

    /// Enter in the picker: show the selected host's tree.
    pub(super) fn open_host(&mut self) {
        let Some(i) = self.fleet.as_ref().map(|f| f.cur.sel) else {
            return;
        };
        if self.switch_host(i) {
            self.nav.go(View::Procs);
            self.select_host_row(i);
        } else {
            self.status.message = Some("that host's snapshot could not be read".into());
        }
    }

    /// Enter on a host row: show that host (or fold it back when it is shown).
    pub(super) fn open_host_row(&mut self, i: usize) {
        if !self.switch_host(i) {
            self.status.message = Some("that host's snapshot could not be read".into());
        }
    }
}
