//! The update step, continued: opening things (a process's detail on a tab, a peer, a
//! directory or file of a root), going back, revealing, and taking in the results of the
//! effects the loop carried out.

use super::detail::Tab;
use super::files::Browser;
use super::nav::View;
use super::{App, Effect};
use crate::model::ProcKey;
use crate::tui::findings::Place;
use crate::tui::fsview::{FileData, FsError, Interesting, Listing};

impl App {
    /// Esc: close the help or the viewer, leave the interesting paths, or go back.
    pub(super) fn back(&mut self) {
        if self.overlay.help.take().is_some() || self.files.viewer.take().is_some() {
            return;
        }
        if let Some(b) = self.files.browser.as_mut()
            && self.nav.view == View::Detail
            && self.detail.tab() == Some(Tab::Root)
            && b.interesting.take().is_some()
        {
            return;
        }
        if !self.nav.back() && self.nav.view == View::Procs {
            self.procs.search = Default::default();
        }
    }

    /// Open the detail of process `k` on `tab`.
    fn open_detail(&mut self, k: ProcKey, tab: Tab) -> Vec<Effect> {
        self.detail.open(k);
        self.nav.go(View::Detail);
        self.set_tab(tab)
    }

    /// Show `tab` of the detail screen; the Root tab opens the process's root.
    fn set_tab(&mut self, tab: Tab) -> Vec<Effect> {
        // why: a process no longer in the snapshot may have had its pid reused: nothing of
        // it is read live (no root opened); a gone one shows its OLD overview only.
        let tab = if self.detail_process().is_none() {
            Tab::Overview
        } else {
            tab
        };
        let Some(d) = self.detail.open.as_mut() else {
            return Vec::new();
        };
        d.tab = tab;
        let pid = d.key.pid;
        if tab != Tab::Root {
            return Vec::new();
        }
        if let Some(why) = &self.setup.root_unavailable {
            self.files.browser = Some(Browser::at_root(pid, Some(why.clone())));
            return Vec::new();
        }
        if self.files.browser.as_ref().is_none_or(|b| b.pid != pid) {
            self.files.browser = Some(Browser::at_root(pid, None));
            return vec![Effect::OpenRoot(pid)];
        }
        Vec::new()
    }

    /// A click on a tab label (only while the detail screen is in front).
    pub(super) fn select_tab(&mut self, tab: Tab) -> Vec<Effect> {
        if self.nav.view != View::Detail
            || self.files.viewer.is_some()
            || self.overlay.help.is_some()
        {
            return Vec::new();
        }
        self.set_tab(tab)
    }

    /// Tab / BackTab: the next detail tab, or the next main screen.
    pub(super) fn next_tab(&mut self, delta: isize) -> Vec<Effect> {
        if self.nav.view != View::Detail {
            self.nav.cycle(delta);
            return Vec::new();
        }
        match self.detail.tab() {
            Some(t) => self.set_tab(t.step(delta)),
            None => Vec::new(),
        }
    }

    /// `e`, `f`, `R`: the selected process (or container's init) on `tab`.
    pub(super) fn show_tab(&mut self, tab: Tab) -> Vec<Effect> {
        if self.files.viewer.is_some() {
            return Vec::new();
        }
        match self.nav.view {
            View::Detail => self.set_tab(tab),
            View::Containers => {
                let init = self.containers.selected(&self.loaded).map(|g| g.root_pid);
                match init.and_then(|pid| self.loaded.snap.process(pid)) {
                    Some(p) => {
                        let k = p.key();
                        self.open_detail(k, tab)
                    }
                    None => Vec::new(),
                }
            }
            _ => match (self.selected(), self.selected_gone()) {
                (Some(p), _) => {
                    let k = p.key();
                    self.open_detail(k, tab)
                }
                // why: a gone process only has what OLD recorded; its pid may belong to
                // another process now, so nothing is read live (set_tab keeps Overview).
                (None, Some(p)) => {
                    let k = p.key();
                    self.open_detail(k, Tab::Overview)
                }
                (None, None) => Vec::new(),
            },
        }
    }

    /// `v`: reveal (or mask again) the selected secret value.
    pub(super) fn reveal_one(&mut self) {
        let target = match self.nav.view {
            View::Secrets => self
                .secrets
                .selected(&self.loaded)
                .map(|f| (ProcKey::new(f.pid, f.start_time), f.place)),
            View::Detail => match (self.detail.tab(), self.detail_process()) {
                (Some(Tab::Environ), Some(p)) => {
                    Some((p.key(), Place::Env(self.detail.cursor().sel)))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((k, place)) = target {
            self.reveal.toggle(k, place);
        }
    }

    /// Enter: open what is selected.
    pub(super) fn open(&mut self) -> Vec<Effect> {
        if self.files.viewer.is_some() || self.overlay.help.is_some() {
            return Vec::new();
        }
        match self.nav.view {
            View::Procs => {
                let row = self.procs.rows.get(self.procs.cur.sel).map(|r| r.kind);
                if let Some(super::rows::RowKind::Host(i)) = row {
                    self.open_host_row(i);
                    return Vec::new();
                }
                self.show_tab(Tab::Overview)
            }
            View::Hosts => {
                self.open_host();
                Vec::new()
            }
            View::Secrets => self.open_finding(),
            View::Containers => self.show_tab(Tab::Root),
            View::Alerts => self.open_alert(),
            View::Detail => self.open_in_detail(),
        }
    }

    /// Enter on a finding: its process, on the tab and row of the value.
    fn open_finding(&mut self) -> Vec<Effect> {
        let Some(f) = self.secrets.selected(&self.loaded).cloned() else {
            return Vec::new();
        };
        let (tab, sel) = match f.place {
            Place::Env(i) => (Tab::Environ, i),
            Place::Argv(_) => (Tab::Overview, 0),
        };
        let k = ProcKey::new(f.pid, f.start_time);
        self.select_key(k);
        let fx = self.open_detail(k, tab);
        let page = self.page();
        let len = self.detail_len();
        if let Some(c) = self.detail.cursor_mut(tab) {
            c.set(sel, len, page);
        }
        fx
    }

    /// Enter on an alert: its process's overview, on the first alert line.
    fn open_alert(&mut self) -> Vec<Effect> {
        let Some(a) = self.alerts.selected(&self.loaded) else {
            return Vec::new();
        };
        let k = ProcKey::new(a.pid, a.start_time);
        self.select_key(k);
        let fx = self.open_detail(k, Tab::Overview);
        let line = self.detail_process().and_then(|p| {
            (crate::tui::overview::overview_lines(self, p).iter()).position(|(l, _)| l == "alert")
        });
        let (page, len) = (self.page(), self.detail_len());
        if let (Some(sel), Some(c)) = (line, self.detail.cursor_mut(Tab::Overview)) {
            c.set(sel, len, page);
        }
        fx
    }

    fn open_in_detail(&mut self) -> Vec<Effect> {
        match self.detail.tab() {
            Some(tab @ (Tab::Files | Tab::Sockets)) => match self.selected_peer() {
                Some(Ok(k)) => {
                    self.select_key(k);
                    self.detail.open = None;
                    self.open_detail(k, tab)
                }
                Some(Err(m)) => {
                    self.status.message = Some(m.into());
                    Vec::new()
                }
                None => Vec::new(),
            },
            Some(Tab::Root) => self
                .files
                .browser
                .as_ref()
                .and_then(Browser::open_selected)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A directory listing arrived (or failed).
    pub fn set_listing(
        &mut self,
        pid: crate::model::Pid,
        path: Vec<u8>,
        res: Result<Listing, FsError>,
    ) {
        self.files.set_listing(pid, path, res);
    }

    /// The interesting paths arrived (or failed).
    pub fn set_interesting(
        &mut self,
        pid: crate::model::Pid,
        res: Result<Vec<Interesting>, FsError>,
    ) {
        self.files.set_interesting(pid, res);
    }

    /// A file was read for the viewer (or failed).
    pub fn set_file(&mut self, path: Vec<u8>, res: Result<FileData, FsError>) {
        self.files.set_file(path, res);
    }

    /// A refresh failed.
    pub fn scan_failed(&mut self, msg: String) {
        self.status.scan_failed(msg);
    }
}
