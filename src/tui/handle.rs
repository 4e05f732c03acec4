//! `App::handle`: what each action does in each mode. Pure state transitions; I/O is
//! requested through the returned effects.

use super::action::Action;
use super::app::{App, Effect, Prompt, Tab, View};
use super::findings::Place;
use super::rows::{self, RowKind};

impl App {
    /// Apply one action.
    pub fn handle(&mut self, a: Action) -> Vec<Effect> {
        let page = self.page() as isize;
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Up => self.move_sel(-1),
            Action::Down => self.move_sel(1),
            Action::PageUp => self.move_sel(-page),
            Action::PageDown => self.move_sel(page),
            Action::Top => self.move_sel(isize::MIN / 2),
            Action::Bottom => self.move_sel(isize::MAX / 2),
            Action::Help => self.help = Some(0),
            Action::Refresh => {
                if self.status.scanning.is_none() {
                    self.status.scanning = Some(0);
                    return vec![Effect::Refresh];
                }
            }
            Action::RevealAll => self.reveal_all = !self.reveal_all,
            Action::Back => return self.back_action(),
            Action::Search | Action::Filter => self.open_prompt(a),
            Action::Submit => self.prompt = None,
            Action::Cancel => self.cancel_prompt(),
            Action::DeleteChar => self.delete_char(),
            Action::ToggleMatcher => self.toggle_matcher(),
            Action::NextMatch | Action::PrevMatch => {
                let fwd = a == Action::NextMatch;
                match self.viewer.as_mut() {
                    Some(v) => v.jump(fwd),
                    None => self.next_match(fwd),
                }
            }
            Action::ClearFilter => {
                self.search = Default::default();
                self.filter = Default::default();
                self.rebuild();
            }
            Action::Collapse => self.collapse(),
            Action::Expand => {
                if let Some(p) = self.selected() {
                    let k = (p.pid, p.start_time);
                    self.shape.collapsed.remove(&k);
                    self.rebuild();
                }
            }
            Action::CollapseAll => {
                let snap = self.snap.clone();
                self.shape.collapsed = (0..snap.processes.len())
                    .filter(|&i| !self.tree.children[i].is_empty())
                    .map(|i| rows::key(&snap, i))
                    .collect();
                self.rebuild();
            }
            Action::ExpandAll => {
                self.shape.collapsed.clear();
                self.rebuild();
            }
            Action::ToggleThreads => {
                self.shape.threads = !self.shape.threads;
                self.rebuild();
            }
            Action::ToggleTree => {
                self.shape.flat = !self.shape.flat;
                self.rebuild();
            }
            Action::SortNext => {
                self.shape.sort = self.shape.sort.next();
                self.shape.flat = true;
                self.rebuild();
            }
            Action::SortReverse => {
                self.shape.reverse = !self.shape.reverse;
                self.rebuild();
            }
            Action::ShowTree => {
                self.viewer = None;
                self.go(View::Procs);
            }
            Action::ShowSecrets => {
                self.viewer = None;
                self.go(View::Secrets);
            }
            Action::ShowContainers => {
                self.viewer = None;
                self.go(View::Containers);
            }
            Action::ShowEnviron => return self.show_tab(Tab::Environ),
            Action::ShowFiles => return self.show_tab(Tab::Files),
            Action::ShowRoot => return self.show_tab(Tab::Root),
            Action::NextTab | Action::PrevTab => {
                let d = if a == Action::NextTab { 1 } else { -1 };
                if self.view == View::Detail {
                    return self.tab_step(d);
                }
                let order = [View::Procs, View::Secrets, View::Containers];
                let i = order.iter().position(|v| *v == self.view).unwrap_or(0) as isize;
                self.view = order[(i + d).rem_euclid(3) as usize];
            }
            Action::Reveal => self.reveal_one(),
            Action::Open => return self.open(),
            Action::ParentDir => return self.parent_dir(),
            Action::Interesting => {
                if let Some(b) = self.browser.as_ref() {
                    return vec![Effect::Interesting(b.pid)];
                }
            }
            Action::ViewerMode => {
                if let Some(v) = self.viewer.as_mut() {
                    v.cycle_mode();
                }
            }
        }
        Vec::new()
    }

    fn back_action(&mut self) -> Vec<Effect> {
        if self.help.take().is_some() || self.viewer.take().is_some() {
            return Vec::new();
        }
        if let Some(b) = self.browser.as_mut()
            && self.view == View::Detail
            && self.detail.as_ref().is_some_and(|d| d.tab == Tab::Root)
            && b.interesting.take().is_some()
        {
            return Vec::new();
        }
        if !self.go_back() && self.view == View::Procs {
            self.search = Default::default();
        }
        Vec::new()
    }

    fn open_prompt(&mut self, a: Action) {
        if let Some(v) = self.viewer.as_mut() {
            v.query.clear();
            v.search();
            self.prompt = Some(Prompt::ViewerSearch);
            return;
        }
        if self.view != View::Procs {
            self.go(View::Procs);
        }
        // A new search starts empty; the filter opens for editing.
        self.prompt = Some(if a == Action::Search {
            self.search = Default::default();
            Prompt::Search
        } else {
            Prompt::Filter
        });
    }

    fn cancel_prompt(&mut self) {
        match self.prompt.take() {
            Some(Prompt::Search) => self.search = Default::default(),
            Some(Prompt::Filter) => {
                self.filter = Default::default();
                self.rebuild();
            }
            Some(Prompt::ViewerSearch) => {
                if let Some(v) = self.viewer.as_mut() {
                    v.query.clear();
                    v.search();
                }
            }
            None => {}
        }
    }

    fn delete_char(&mut self) {
        match self.prompt {
            Some(Prompt::Search) => {
                self.search.text.pop();
                self.search_changed();
            }
            Some(Prompt::Filter) => {
                self.filter.text.pop();
                self.filter_changed();
            }
            Some(Prompt::ViewerSearch) => {
                if let Some(v) = self.viewer.as_mut() {
                    v.query.pop();
                    v.search();
                }
            }
            None => {}
        }
    }

    fn toggle_matcher(&mut self) {
        match self.prompt {
            Some(Prompt::Search) => {
                self.search.mode = self.search.mode.next();
                self.search_changed();
            }
            Some(Prompt::Filter) => {
                self.filter.mode = self.filter.mode.next();
                self.filter_changed();
            }
            _ => {}
        }
    }

    fn collapse(&mut self) {
        let Some(row) = self.rows.get(self.procs.sel).copied() else {
            return;
        };
        if self.shape.flat {
            return;
        }
        // why: only a current process row indexes the snapshot (not a thread, not a gone row).
        let k = (row.kind == RowKind::Process).then(|| rows::key(&self.snap, row.index));
        let has_kids = self
            .rows
            .get(self.procs.sel + 1)
            .is_some_and(|n| n.depth > row.depth);
        if let Some(k) = k
            && has_kids
            && !self.shape.collapsed.contains(&k)
        {
            self.shape.collapsed.insert(k);
            self.rebuild();
        } else if let Some(pr) = row.parent_row {
            let page = self.page();
            self.procs.set(pr as usize, self.rows.len(), page);
        }
    }

    fn show_tab(&mut self, tab: Tab) -> Vec<Effect> {
        if self.viewer.is_some() {
            return Vec::new();
        }
        match self.view {
            View::Detail => self.set_tab(tab),
            View::Containers => match self.groups.get(self.containers.sel) {
                Some(g) => match self.snap.process(g.root_pid) {
                    Some(p) => {
                        let k = (p.pid, p.start_time);
                        self.open_detail(k, tab)
                    }
                    None => Vec::new(),
                },
                None => Vec::new(),
            },
            _ => match (self.selected(), self.selected_gone()) {
                (Some(p), _) => {
                    let k = (p.pid, p.start_time);
                    self.open_detail(k, tab)
                }
                // why: a gone process only has what OLD recorded; its pid may belong to
                // another process now, so nothing is read live (set_tab keeps Overview).
                (None, Some(p)) => {
                    let k = (p.pid, p.start_time);
                    self.open_detail(k, Tab::Overview)
                }
                (None, None) => Vec::new(),
            },
        }
    }

    fn reveal_one(&mut self) {
        let target = match self.view {
            View::Secrets => self
                .findings
                .rows
                .get(self.secrets.sel)
                .map(|f| (f.pid, f.start_time, f.place)),
            View::Detail => match (self.detail.as_ref(), self.detail_process()) {
                (Some(d), Some(p)) if d.tab == Tab::Environ => {
                    Some((p.pid, p.start_time, Place::Env(self.detail_cursor().sel)))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(t) = target
            && !self.revealed.remove(&t)
        {
            self.revealed.insert(t);
        }
    }

    fn open(&mut self) -> Vec<Effect> {
        if self.viewer.is_some() || self.help.is_some() {
            return Vec::new();
        }
        match self.view {
            View::Procs => self.show_tab(Tab::Overview),
            View::Secrets => {
                let Some(f) = self.findings.rows.get(self.secrets.sel).cloned() else {
                    return Vec::new();
                };
                let (tab, sel) = match f.place {
                    Place::Env(i) => (Tab::Environ, i),
                    Place::Argv(_) => (Tab::Overview, 0),
                };
                self.select_key((f.pid, f.start_time));
                let fx = self.open_detail((f.pid, f.start_time), tab);
                let page = self.page();
                let len = self.detail_len();
                if let Some(d) = self.detail.as_mut() {
                    d.cur[Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0)].set(sel, len, page);
                }
                fx
            }
            View::Containers => self.show_tab(Tab::Root),
            View::Detail => self.open_in_detail(),
        }
    }

    fn open_in_detail(&mut self) -> Vec<Effect> {
        let Some(d) = self.detail.as_ref() else {
            return Vec::new();
        };
        match d.tab {
            Tab::Files | Tab::Sockets => {
                let tab = d.tab;
                match self.selected_peer() {
                    Some(Ok(k)) => {
                        self.select_key(k);
                        self.detail = None;
                        self.open_detail(k, tab)
                    }
                    Some(Err(m)) => {
                        self.status.message = Some(m.into());
                        Vec::new()
                    }
                    None => Vec::new(),
                }
            }
            Tab::Root => self.open_in_browser(),
            _ => Vec::new(),
        }
    }

    fn open_in_browser(&mut self) -> Vec<Effect> {
        let Some(b) = self.browser.as_ref() else {
            return Vec::new();
        };
        if let Some(list) = &b.interesting {
            return match list.get(b.cur.sel) {
                Some(i) => vec![Effect::Read(b.pid, i.path.0.clone())],
                None => Vec::new(),
            };
        }
        let Some(item) = b.items.get(b.cur.sel) else {
            return Vec::new();
        };
        let mut path = b.path.clone();
        if !path.ends_with(b"/") {
            path.push(b'/');
        }
        path.extend_from_slice(item.name.as_bytes());
        if item.is_dir() {
            vec![Effect::List(b.pid, path)]
        } else {
            vec![Effect::Read(b.pid, path)]
        }
    }

    fn parent_dir(&mut self) -> Vec<Effect> {
        let Some(b) = self.browser.as_mut() else {
            return Vec::new();
        };
        if b.interesting.take().is_some() {
            return Vec::new();
        }
        let path = &b.path;
        if path.as_slice() == b"/" {
            return Vec::new();
        }
        let trimmed = path.strip_suffix(b"/").unwrap_or(path);
        let cut = trimmed.iter().rposition(|&c| c == b'/').unwrap_or(0);
        let parent = if cut == 0 {
            b"/".to_vec()
        } else {
            trimmed[..cut].to_vec()
        };
        vec![Effect::List(b.pid, parent)]
    }
}
