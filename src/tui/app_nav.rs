//! `App`: moving between screens and tabs, moving the selection of the current list, and
//! taking in the results of the effects the loop carried out.

use super::app::{App, Browser, Detail, Effect, Tab, View};
use super::cursor::Cursor;
use super::fsview::{Interesting, Listing};
use super::rows::ProcKey;
use super::viewer::Viewer;
use crate::model::{Bytes, Environ, Pid};

impl App {
    pub(super) fn go(&mut self, v: View) {
        if self.view != v {
            self.back.push(self.view);
            if self.back.len() > 32 {
                self.back.remove(0);
            }
            self.view = v;
        }
    }

    pub(super) fn go_back(&mut self) -> bool {
        match self.back.pop() {
            Some(v) => {
                self.view = v;
                true
            }
            None => false,
        }
    }

    /// Open the detail of process `k` on `tab`.
    pub(super) fn open_detail(&mut self, k: ProcKey, tab: Tab) -> Vec<Effect> {
        let same = self.detail.as_ref().is_some_and(|d| d.key == k);
        if !same {
            self.detail = Some(Detail {
                key: k,
                tab: Tab::Overview,
                cur: [Cursor::default(); 5],
            });
        }
        self.go(View::Detail);
        self.set_tab(tab)
    }

    pub(super) fn set_tab(&mut self, tab: Tab) -> Vec<Effect> {
        // why: a process no longer in the snapshot may have had its pid reused: nothing of
        // it is read live (no root opened); a gone one shows its OLD overview only.
        let tab = if self.detail_process().is_none() {
            Tab::Overview
        } else {
            tab
        };
        let Some(d) = self.detail.as_mut() else {
            return Vec::new();
        };
        d.tab = tab;
        let pid = d.key.0;
        if tab == Tab::Root
            && let Some(why) = &self.root_unavailable
        {
            self.browser = Some(Browser {
                pid,
                path: b"/".to_vec(),
                error: Some(why.clone()),
                ..Browser::default()
            });
            return Vec::new();
        }
        if tab == Tab::Root && self.browser.as_ref().is_none_or(|b| b.pid != pid) {
            self.browser = Some(Browser {
                pid,
                path: b"/".to_vec(),
                ..Browser::default()
            });
            return vec![Effect::OpenRoot(pid)];
        }
        Vec::new()
    }

    pub(super) fn tab_step(&mut self, delta: isize) -> Vec<Effect> {
        let Some(d) = self.detail.as_ref() else {
            return Vec::new();
        };
        let n = Tab::ALL.len() as isize;
        let t = Tab::ALL[((d.tab.pos() as isize + delta).rem_euclid(n)) as usize];
        self.set_tab(t)
    }

    /// The cursor of the current detail tab.
    pub fn detail_cursor(&self) -> Cursor {
        self.detail
            .as_ref()
            .map(|d| d.cur[d.tab.pos()])
            .unwrap_or_default()
    }

    /// Number of rows of the current detail tab.
    pub fn detail_len(&self) -> usize {
        let Some(d) = self.detail.as_ref() else {
            return 0;
        };
        let Some(p) = self.detail_process() else {
            return match (d.tab, self.gone_detail_process()) {
                (Tab::Overview, Some(old)) => {
                    super::views::overview::overview_lines(self, old).len()
                }
                _ => 0,
            };
        };
        match d.tab {
            Tab::Overview => super::views::overview::overview_lines(self, p).len(),
            Tab::Environ => p.environ.as_ref().map_or(0, Environ::len),
            Tab::Files => p.fd_list().len(),
            Tab::Sockets => super::views::detail::sockets_of(self, p).len(),
            Tab::Root => self.browser_len(),
        }
    }

    pub(super) fn browser_len(&self) -> usize {
        self.browser.as_ref().map_or(0, |b| match &b.interesting {
            Some(i) => i.len(),
            None => b.items.len(),
        })
    }

    pub(super) fn move_sel(&mut self, delta: isize) {
        let page = self.page();
        if let Some(h) = self.help {
            // The popup is 90% of the screen, less its border.
            let inner = (self.size.1 as usize * 9 / 10).saturating_sub(2);
            let max = super::views::help::lines(self).len().saturating_sub(inner) as isize;
            self.help = Some((h as isize + delta).clamp(0, max.max(0)) as usize);
            return;
        }
        if let Some(v) = self.viewer.as_mut() {
            v.scroll =
                (v.scroll as isize + delta).clamp(0, v.len().saturating_sub(1) as isize) as usize;
            return;
        }
        match self.view {
            View::Procs => self.procs.move_by(delta, self.rows.len(), page),
            View::Secrets => self.secrets.move_by(delta, self.findings.rows.len(), page),
            View::Containers => self.containers.move_by(delta, self.groups.len(), page),
            View::Detail => {
                let len = self.detail_len();
                let is_root = self.detail.as_ref().is_some_and(|d| d.tab == Tab::Root);
                if is_root {
                    if let Some(b) = self.browser.as_mut() {
                        b.cur.move_by(delta, len, page);
                    }
                } else if let Some(d) = self.detail.as_mut() {
                    d.cur[d.tab.pos()].move_by(delta, len, page);
                }
            }
        }
    }

    pub(super) fn click(&mut self, row: usize) {
        let (cur, len) = match self.view {
            _ if self.viewer.is_some() || self.help.is_some() => return,
            View::Procs => (self.procs, self.rows.len()),
            View::Secrets => (self.secrets, self.findings.rows.len()),
            View::Containers => (self.containers, self.groups.len()),
            View::Detail => match self.detail.as_ref() {
                Some(d) if d.tab == Tab::Root => (
                    self.browser.as_ref().map(|b| b.cur).unwrap_or_default(),
                    self.browser_len(),
                ),
                Some(d) => (d.cur[d.tab.pos()], self.detail_len()),
                None => return,
            },
        };
        let off = super::cursor::offset(cur.sel, cur.off, len, self.page());
        if off + row >= len {
            return;
        }
        let target = off + row;
        self.move_sel(target as isize - cur.sel as isize);
    }

    /// A directory listing arrived (or failed).
    pub fn set_listing(&mut self, pid: Pid, path: Vec<u8>, res: Result<Listing, String>) {
        let Some(b) = self.browser.as_mut().filter(|b| b.pid == pid) else {
            return;
        };
        b.interesting = None;
        match res {
            Ok(listing) => {
                b.path = path;
                b.items = listing.items;
                b.truncated = listing.truncated;
                b.cur = Cursor::default();
                b.error = None;
            }
            Err(e) => b.error = Some(e),
        }
    }

    /// The interesting paths arrived (or failed).
    pub fn set_interesting(&mut self, pid: Pid, res: Result<Vec<Interesting>, String>) {
        let Some(b) = self.browser.as_mut().filter(|b| b.pid == pid) else {
            return;
        };
        match res {
            Ok(list) => {
                b.interesting = Some(list);
                b.cur = Cursor::default();
                b.error = None;
            }
            Err(e) => b.error = Some(e),
        }
    }

    /// A file was read for the viewer (or failed).
    pub fn set_file(&mut self, path: Vec<u8>, res: Result<super::fsview::FileData, String>) {
        match res {
            Ok(data) => self.viewer = Some(Viewer::new(Bytes(path), data)),
            Err(e) => {
                if let Some(b) = self.browser.as_mut() {
                    b.error = Some(e);
                }
            }
        }
    }

    /// A refresh failed.
    pub fn scan_failed(&mut self, msg: String) {
        self.status.scanning = None;
        self.status.message = Some(msg);
    }
}
