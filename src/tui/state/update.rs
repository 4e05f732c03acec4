//! The update step: what each [`Action`] does to the parts of the [`App`], in each mode.
//! Pure state transitions; I/O is asked for through the returned [`Effect`]s.

use super::detail::Tab;
use super::nav::View;
use super::overlay::Prompt;
use super::{App, Effect};
use crate::tui::action::Action;

impl App {
    /// Apply one action.
    pub fn update(&mut self, a: Action) -> Vec<Effect> {
        let page = self.page() as isize;
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Up => self.move_sel(-1),
            Action::Down => self.move_sel(1),
            Action::PageUp => self.move_sel(-page),
            Action::PageDown => self.move_sel(page),
            Action::Top => self.move_sel(isize::MIN / 2),
            Action::Bottom => self.move_sel(isize::MAX / 2),
            Action::ScrollBy(n) => self.move_sel(n as isize),
            Action::ClickRow(r) => self.click(r),
            Action::Help => self.overlay.help = Some(0),
            Action::Refresh => {
                if self.status.scanning.is_none() {
                    self.status.scanning(0);
                    return vec![Effect::Refresh];
                }
            }
            Action::RevealAll => self.reveal.toggle_all(),
            Action::Reveal => self.reveal_one(),
            Action::Back if self.esc_stops_trace() => return self.stop_trace(),
            Action::Back => self.back(),
            Action::TraceSyscalls => return self.toggle_trace(),
            Action::CheckIntegrity => return self.check_integrity(),
            Action::ToggleSyscalls => self.procs.syscalls = !self.procs.syscalls,
            Action::Search | Action::Filter => self.open_prompt(a),
            Action::Submit => self.overlay.prompt = None,
            Action::Cancel => self.cancel_prompt(),
            Action::Type(c) => self.type_char(c),
            Action::DeleteChar => self.delete_char(),
            Action::ToggleMatcher => self.toggle_matcher(),
            Action::NextMatch | Action::PrevMatch => self.next_match(a == Action::NextMatch),
            Action::ClearFilter
            | Action::Collapse
            | Action::Expand
            | Action::CollapseAll
            | Action::ExpandAll
            | Action::ToggleThreads
            | Action::ToggleTree
            | Action::SortNext
            | Action::SortReverse => self.shape(a),
            Action::ShowTree => self.show(View::Procs),
            Action::ShowSecrets => self.show(View::Secrets),
            Action::ShowContainers => self.show(View::Containers),
            Action::ShowAlerts => self.show(View::Alerts),
            Action::ShowHosts => self.show_hosts(),
            Action::ShowEnviron => return self.show_tab(Tab::Environ),
            Action::ShowFiles => return self.show_tab(Tab::Files),
            Action::ShowRoot => return self.show_tab(Tab::Root),
            Action::SelectTab(tab) => return self.select_tab(tab),
            Action::NextTab => return self.next_tab(1),
            Action::PrevTab => return self.next_tab(-1),
            Action::Open => return self.open(),
            Action::ParentDir => {
                return self
                    .files
                    .browser
                    .as_mut()
                    .and_then(|b| b.parent_dir())
                    .into_iter()
                    .collect();
            }
            Action::Interesting => {
                if let Some(b) = self.files.browser.as_ref() {
                    return vec![Effect::Interesting(b.pid)];
                }
            }
            Action::ViewerMode => {
                if let Some(v) = self.files.viewer.as_mut() {
                    v.cycle_mode();
                }
            }
        }
        Vec::new()
    }

    /// The actions that reshape the process rows.
    fn shape(&mut self, a: Action) {
        let page = self.page();
        let (procs, loaded) = (&mut self.procs, &self.loaded);
        match a {
            Action::ClearFilter => {
                procs.clear_queries(loaded, page);
                self.count_host_matches();
            }
            Action::Collapse => procs.collapse(loaded, page),
            Action::Expand => procs.expand(loaded, page),
            Action::CollapseAll => procs.collapse_all(loaded, page),
            Action::ExpandAll => procs.reshape(loaded, page, |s| s.collapsed.clear()),
            Action::ToggleThreads => procs.reshape(loaded, page, |s| s.threads = !s.threads),
            Action::ToggleTree => procs.reshape(loaded, page, |s| s.flat = !s.flat),
            Action::SortNext => procs.reshape(loaded, page, |s| {
                s.sort = s.sort.next();
                s.flat = true;
            }),
            Action::SortReverse => procs.reshape(loaded, page, |s| s.reverse = !s.reverse),
            _ => {}
        }
    }

    /// Show one of the main screens (closing the viewer).
    fn show(&mut self, v: View) {
        self.files.viewer = None;
        self.nav.go(v);
    }

    /// Move the selection of whatever is in front (help, viewer, the current list).
    fn move_sel(&mut self, delta: isize) {
        let page = self.page();
        if self.overlay.help.is_some() {
            let height = self.help_height();
            self.overlay.scroll_help(delta, height);
            return;
        }
        if let Some(v) = self.files.viewer.as_mut() {
            v.scroll =
                (v.scroll as isize + delta).clamp(0, v.len().saturating_sub(1) as isize) as usize;
            return;
        }
        let len = self.list_len();
        match self.nav.view {
            View::Procs => self.procs.cur.move_by(delta, len, page),
            View::Secrets => self.secrets.cur.move_by(delta, len, page),
            View::Containers => self.containers.cur.move_by(delta, len, page),
            View::Alerts => self.alerts.cur.move_by(delta, len, page),
            View::Hosts => {
                if let Some(f) = self.fleet.as_mut() {
                    f.cur.move_by(delta, len, page);
                }
            }
            View::Detail => match self.detail.tab() {
                Some(Tab::Root) => {
                    if let Some(b) = self.files.browser.as_mut() {
                        b.cur.move_by(delta, len, page);
                    }
                }
                Some(tab) => {
                    if let Some(c) = self.detail.cursor_mut(tab) {
                        c.move_by(delta, len, page);
                    }
                }
                None => {}
            },
        }
    }

    /// Rows of the list of the current screen.
    fn list_len(&self) -> usize {
        match self.nav.view {
            View::Procs => self.procs.rows.len(),
            View::Secrets => self.loaded.findings.rows.len(),
            View::Containers => self.loaded.groups.len(),
            View::Alerts => self.loaded.alerts.rows.len(),
            View::Hosts => self.fleet.as_ref().map_or(0, |f| f.hosts.len()),
            View::Detail => self.detail_len(),
        }
    }

    /// The cursor of the list of the current screen.
    fn list_cursor(&self) -> super::cursor::Cursor {
        match self.nav.view {
            View::Procs => self.procs.cur,
            View::Secrets => self.secrets.cur,
            View::Containers => self.containers.cur,
            View::Alerts => self.alerts.cur,
            View::Hosts => self.fleet.as_ref().map(|f| f.cur).unwrap_or_default(),
            View::Detail if self.detail.tab() == Some(Tab::Root) => self
                .files
                .browser
                .as_ref()
                .map(|b| b.cur)
                .unwrap_or_default(),
            View::Detail => self.detail.cursor(),
        }
    }

    /// A click on the `row`-th line of the current list.
    fn click(&mut self, row: usize) {
        if self.files.viewer.is_some() || self.overlay.help.is_some() {
            return;
        }
        if self.nav.view == View::Detail && self.detail.open.is_none() {
            return;
        }
        let (cur, len) = (self.list_cursor(), self.list_len());
        let off = super::cursor::offset(cur.sel, cur.off, len, self.page());
        if off + row >= len {
            return;
        }
        let target = off + row;
        self.move_sel(target as isize - cur.sel as isize);
    }

    /// Number of rows of the current detail tab.
    pub fn detail_len(&self) -> usize {
        let Some(tab) = self.detail.tab() else {
            return 0;
        };
        let Some(p) = self.detail_process() else {
            return match (tab, self.gone_detail_process()) {
                (Tab::Overview, Some(old)) => crate::tui::overview::overview_lines(self, old).len(),
                _ => 0,
            };
        };
        match tab {
            Tab::Overview => crate::tui::overview::overview_lines(self, p).len(),
            Tab::Environ => p.environ.as_ref().map_or(0, crate::model::Environ::len),
            Tab::Files => p.fd_list().len(),
            Tab::Sockets => self.loaded.sockets_of(p).len(),
            Tab::Root => self.files.browser_len(),
            Tab::Threads => p.threads.len(),
            Tab::Trace => self.trace_lines().len(),
        }
    }

    fn next_match(&mut self, forward: bool) {
        match self.files.viewer.as_mut() {
            Some(v) => v.jump(forward),
            None => {
                let page = self.page();
                self.procs.next_match(forward, page);
            }
        }
    }

    fn open_prompt(&mut self, a: Action) {
        if let Some(v) = self.files.viewer.as_mut() {
            v.query.clear();
            v.search();
            self.overlay.prompt = Some(Prompt::ViewerSearch);
            return;
        }
        if self.nav.view != View::Procs {
            self.nav.go(View::Procs);
        }
        // A new search starts empty; the filter opens for editing.
        self.overlay.prompt = Some(if a == Action::Search {
            self.procs.search = Default::default();
            Prompt::Search
        } else {
            Prompt::Filter
        });
    }

    fn cancel_prompt(&mut self) {
        match self.overlay.prompt.take() {
            Some(Prompt::Search) => self.procs.search = Default::default(),
            Some(Prompt::Filter) => {
                let page = self.page();
                self.procs.filter = Default::default();
                self.procs.rebuild(&self.loaded, page);
            }
            Some(Prompt::ViewerSearch) => {
                if let Some(v) = self.files.viewer.as_mut() {
                    v.query.clear();
                    v.search();
                }
            }
            None => {}
        }
    }

    /// Edit the open prompt's text with `edit`, then run what depends on it.
    fn edit_prompt(&mut self, edit: impl FnOnce(&mut String), viewer_jump: bool) {
        let page = self.page();
        match self.overlay.prompt {
            Some(Prompt::Search) => {
                edit(&mut self.procs.search.text);
                self.procs.search_changed(&self.loaded, page);
                self.search_other_hosts();
            }
            Some(Prompt::Filter) => {
                edit(&mut self.procs.filter.text);
                self.procs.filter_changed(&self.loaded, page);
                self.count_host_matches();
            }
            Some(Prompt::ViewerSearch) => {
                if let Some(v) = self.files.viewer.as_mut() {
                    edit(&mut v.query);
                    v.search();
                    if viewer_jump {
                        v.scroll = v.scroll.saturating_sub(1);
                        v.jump(true);
                    }
                }
            }
            None => {}
        }
    }

    fn type_char(&mut self, c: char) {
        self.edit_prompt(|t| t.push(c), true);
    }

    fn delete_char(&mut self) {
        self.edit_prompt(
            |t| {
                t.pop();
            },
            false,
        );
    }

    fn toggle_matcher(&mut self) {
        let page = self.page();
        match self.overlay.prompt {
            Some(Prompt::Search) => {
                self.procs.search.mode = self.procs.search.mode.next();
                self.procs.search_changed(&self.loaded, page);
                self.search_other_hosts();
            }
            Some(Prompt::Filter) => {
                self.procs.filter.mode = self.procs.filter.mode.next();
                self.procs.filter_changed(&self.loaded, page);
                self.count_host_matches();
            }
            _ => {}
        }
    }
}
