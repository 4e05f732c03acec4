//! The application state and its transitions. `App` never does I/O and never draws: keys
//! become [`Action`]s, actions change the state and return [`Effect`]s that the event loop
//! (or a test) carries out.

use super::cursor::Cursor;
use super::findings::{Findings, Place};
use super::fsview::{DirItem, Interesting};
use super::keymap::{Keymap, Mode};
use super::rows::{self, ProcKey, Row, Shape};
use super::search::{self, MatchMode};
use super::viewer::Viewer;
use crate::analysis::containers::{ContainerGroup, containers};
use crate::analysis::secrets::RuleSet;
use crate::model::{Bytes, Pid, Process, ProcessTree, Snapshot};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Something the event loop must do for the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Take a new snapshot in the background.
    Refresh,
    /// Open the root of this process and list `/`.
    OpenRoot(Pid),
    /// List a directory of the open root.
    List(Pid, Vec<u8>),
    /// Read a file of the open root into the viewer.
    Read(Pid, Vec<u8>),
    /// Find the interesting paths of the open root.
    Interesting(Pid),
}

/// The main screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Procs,
    Detail,
    Secrets,
    Containers,
}

/// Tabs of the detail screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Environ,
    Files,
    Sockets,
    Root,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Overview,
        Tab::Environ,
        Tab::Files,
        Tab::Sockets,
        Tab::Root,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Environ => "Environ",
            Tab::Files => "Files",
            Tab::Sockets => "Sockets",
            Tab::Root => "Root",
        }
    }
    fn pos(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Which text prompt is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    Search,
    Filter,
    ViewerSearch,
}

/// A search or filter query: its text, matcher, result per process and any error.
#[derive(Clone, Debug, Default)]
pub struct QueryState {
    pub text: String,
    pub mode: MatchMode,
    pub matches: Vec<bool>,
    pub count: usize,
    pub error: Option<String>,
}

/// The detail screen of one process.
#[derive(Clone, Debug)]
pub struct Detail {
    pub key: ProcKey,
    pub tab: Tab,
    pub cur: [Cursor; 5],
}

/// The root browser of one process.
#[derive(Clone, Debug, Default)]
pub struct Browser {
    pub pid: Pid,
    pub path: Vec<u8>,
    pub items: Vec<DirItem>,
    pub cur: Cursor,
    pub error: Option<String>,
    /// When set, the list shows these instead of the directory.
    pub interesting: Option<Vec<Interesting>>,
}

/// Status-bar state.
#[derive(Clone, Debug, Default)]
pub struct Status {
    /// A scan is running (started this many milliseconds ago, updated on ticks).
    pub scanning: Option<u64>,
    /// Last message (errors of a refresh, of a root, ...).
    pub message: Option<String>,
}

/// Everything the TUI shows.
pub struct App {
    pub snap: Arc<Snapshot>,
    pub tree: ProcessTree,
    /// Live CPU % and resident memory (bytes) by pid, when known.
    pub metrics: HashMap<Pid, (f32, u64)>,
    /// Lowercased search text of each process.
    hay: Vec<String>,
    pub findings: Findings,
    pub groups: Vec<ContainerGroup>,
    pub keymap: Keymap,
    pub view: View,
    back: Vec<View>,
    pub shape: Shape,
    pub rows: Vec<Row>,
    pub procs: Cursor,
    pub search: QueryState,
    pub filter: QueryState,
    pub prompt: Option<Prompt>,
    pub detail: Option<Detail>,
    pub revealed: HashSet<(Pid, u64, Place)>,
    pub reveal_all: bool,
    pub secrets: Cursor,
    pub containers: Cursor,
    pub browser: Option<Browser>,
    pub viewer: Option<Viewer>,
    pub help: Option<usize>,
    pub size: (u16, u16),
    pub status: Status,
    pub theme: super::theme::Theme,
    /// Secret rules (None: detection unavailable, every environ value masked).
    pub rules: Option<Arc<RuleSet>>,
    /// Why container roots cannot be browsed (a snapshot file), if so.
    pub root_unavailable: Option<String>,
}

impl App {
    /// A new app over `snap` (unmasked: the app masks what it draws). `reveal` starts with
    /// every value shown.
    pub fn new(snap: Snapshot, keymap: Keymap, rules: Option<RuleSet>, reveal: bool) -> App {
        let mut app = App {
            snap: Arc::new(Snapshot::default()),
            tree: ProcessTree::default(),
            metrics: HashMap::new(),
            hay: Vec::new(),
            findings: Findings::default(),
            groups: Vec::new(),
            keymap,
            view: View::Procs,
            back: Vec::new(),
            shape: Shape::default(),
            rows: Vec::new(),
            procs: Cursor::default(),
            search: QueryState::default(),
            filter: QueryState::default(),
            prompt: None,
            detail: None,
            revealed: HashSet::new(),
            reveal_all: reveal,
            secrets: Cursor::default(),
            containers: Cursor::default(),
            browser: None,
            viewer: None,
            help: None,
            size: (80, 24),
            status: Status::default(),
            theme: super::theme::Theme::from_env(),
            rules: rules.map(Arc::new),
            root_unavailable: None,
        };
        app.set_snapshot(snap, HashMap::new());
        app
    }

    /// Replace the snapshot, keeping selection, collapsed nodes and queries by (pid, start).
    pub fn set_snapshot(&mut self, snap: Snapshot, metrics: HashMap<Pid, (f32, u64)>) {
        let selected = self.selected_key();
        self.findings = Findings::scan(&snap, self.rules.as_deref());
        self.hay = snap.processes.iter().map(search::haystack).collect();
        self.snap = Arc::new(snap);
        self.tree = ProcessTree::build(&self.snap);
        self.groups = containers(&self.snap);
        self.metrics = metrics;
        self.status.scanning = None;
        self.eval_queries();
        // why: the old rows index the old snapshot; drop them before rebuilding.
        self.rows.clear();
        self.rebuild();
        if let Some(k) = selected {
            self.select_key(k);
        }
        self.secrets.clamp(self.findings.rows.len(), self.page());
        self.containers.clamp(self.groups.len(), self.page());
    }

    /// Lines available to a list body.
    pub fn page(&self) -> usize {
        super::views::list_area(self).map_or(1, |(_, h)| h.max(1))
    }

    /// The keymap scope now in force.
    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            Mode::Help
        } else if self.prompt.is_some() {
            Mode::Search
        } else if self.viewer.is_some() {
            Mode::Viewer
        } else {
            match self.view {
                View::Procs => Mode::Tree,
                View::Detail if self.detail.as_ref().is_some_and(|d| d.tab == Tab::Root) => {
                    Mode::Rootfs
                }
                View::Detail => Mode::Detail,
                View::Secrets => Mode::Secrets,
                View::Containers => Mode::Containers,
            }
        }
    }

    /// A key press: look it up in the current mode, or type it into an open prompt.
    pub fn key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let mode = self.mode();
        if let Some(a) = self.keymap.lookup(mode, &ev) {
            return self.handle(a);
        }
        if mode == Mode::Search
            && let KeyCode::Char(c) = ev.code
            && !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            self.type_char(c);
        }
        Vec::new()
    }

    /// A mouse event: the wheel scrolls, a click selects the row under it.
    pub fn mouse(&mut self, ev: MouseEvent) -> Vec<Effect> {
        match ev.kind {
            MouseEventKind::ScrollDown => {
                self.move_sel(3);
            }
            MouseEventKind::ScrollUp => {
                self.move_sel(-3);
            }
            MouseEventKind::Down(_) => {
                if let Some((top, height)) = super::views::list_area(self) {
                    let y = ev.row as usize;
                    if y >= top && y < top + height {
                        self.click(y - top);
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// The terminal was resized.
    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        let page = self.page();
        self.procs.clamp(self.rows.len(), page);
    }

    // ---- queries and rows ----

    fn flagged(&self) -> HashSet<Pid> {
        self.findings.rows.iter().map(|r| r.pid).collect()
    }

    fn eval(&self, q: &mut QueryState) {
        let flagged = self.flagged();
        let ctx = search::Context {
            snap: &self.snap,
            flagged: &flagged,
            hay: Some(&self.hay),
        };
        match search::parse(&q.text, q.mode) {
            Ok(parsed) if !parsed.is_empty() => {
                q.matches = parsed.eval(&ctx);
                q.count = q.matches.iter().filter(|m| **m).count();
                q.error = None;
            }
            Ok(_) => {
                q.matches.clear();
                q.count = 0;
                q.error = None;
            }
            // A bad query keeps the previous matches and says why.
            Err(e) => q.error = Some(e),
        }
    }

    pub(super) fn eval_queries(&mut self) {
        let mut s = std::mem::take(&mut self.search);
        self.eval(&mut s);
        self.search = s;
        let mut f = std::mem::take(&mut self.filter);
        self.eval(&mut f);
        self.filter = f;
    }

    /// Recompute the visible rows, keeping the selected process.
    pub(super) fn rebuild(&mut self) {
        let selected = self.selected_key();
        let visible = (!self.filter.matches.is_empty())
            .then(|| rows::with_ancestors(&self.tree, &self.filter.matches));
        self.rows = rows::build(
            &self.snap,
            &self.tree,
            &self.shape,
            visible.as_deref(),
            &self.metrics,
        );
        match selected {
            Some(k) => {
                self.select_key(k);
            }
            None => self.procs.clamp(self.rows.len(), self.page()),
        }
    }

    /// The process of the selected row.
    pub fn selected(&self) -> Option<&Process> {
        let r = self.rows.get(self.procs.sel)?;
        self.snap.processes.get(r.index)
    }

    fn selected_key(&self) -> Option<ProcKey> {
        self.selected().map(|p| (p.pid, p.start_time))
    }

    /// Select the row of process `k`, if visible.
    pub fn select_key(&mut self, k: ProcKey) -> bool {
        let found = self
            .rows
            .iter()
            .position(|r| r.kind == rows::RowKind::Process && rows::key(&self.snap, r.index) == k);
        let page = self.page();
        match found {
            Some(i) => {
                self.procs.set(i, self.rows.len(), page);
                true
            }
            None => {
                self.procs.clamp(self.rows.len(), page);
                false
            }
        }
    }

    /// The process of the detail screen, if still in the snapshot.
    pub fn detail_process(&self) -> Option<&Process> {
        let d = self.detail.as_ref()?;
        self.snap
            .process(d.key.0)
            .filter(|p| p.start_time == d.key.1)
    }

    /// Whether the value at `place` of `p` is shown masked. Without a detector every environ
    /// value is masked; with one, the values it flags (leads excepted).
    pub fn value_masked(&self, p: &Process, place: Place) -> bool {
        if self.reveal_all || self.revealed.contains(&(p.pid, p.start_time, place)) {
            return false;
        }
        if self.findings.unavailable.is_some() {
            return matches!(place, Place::Env(_));
        }
        self.findings
            .of(p.pid, p.start_time)
            .any(|f| f.place == place && !f.lead)
    }

    /// A value of `p` at `place` as drawn: escaped, its secret spans masked unless revealed.
    pub fn shown_value(&self, p: &Process, place: Place, raw: &Bytes) -> String {
        if !self.value_masked(p, place) {
            return raw.safe().into_owned();
        }
        if self.findings.unavailable.is_some() {
            return crate::model::escape(&crate::analysis::mask::mask(raw.as_bytes())).into_owned();
        }
        let spans = self.findings.spans(p.pid, p.start_time, place);
        crate::model::escape_bytes(&super::findings::mask_spans(raw.as_bytes(), &spans))
            .into_owned()
    }

    /// The command line as shown: secret parts of argv masked unless revealed.
    pub fn command_line(&self, p: &Process) -> String {
        if p.cmdline.is_empty() {
            return format!("[{}]", p.comm.safe());
        }
        let parts: Vec<String> = p
            .cmdline
            .iter()
            .enumerate()
            .map(|(i, a)| self.shown_value(p, Place::Argv(i), a))
            .collect();
        parts.join(" ")
    }

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
        let (Some(d), Some(p)) = (self.detail.as_ref(), self.detail_process()) else {
            return 0;
        };
        match d.tab {
            Tab::Overview => super::views::detail::overview_lines(self, p).len(),
            Tab::Environ => p.environ.as_ref().map_or(0, Vec::len),
            Tab::Files => p.fds.as_ref().map_or(0, Vec::len),
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

    fn click(&mut self, row: usize) {
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

    fn type_char(&mut self, c: char) {
        match self.prompt {
            Some(Prompt::Search) => {
                self.search.text.push(c);
                self.search_changed();
            }
            Some(Prompt::Filter) => {
                self.filter.text.push(c);
                self.filter_changed();
            }
            Some(Prompt::ViewerSearch) => {
                if let Some(v) = self.viewer.as_mut() {
                    v.query.push(c);
                    v.search();
                    let at = v.scroll.saturating_sub(1);
                    v.scroll = at;
                    v.jump(true);
                }
            }
            None => {}
        }
    }

    pub(super) fn search_changed(&mut self) {
        let mut s = std::mem::take(&mut self.search);
        self.eval(&mut s);
        self.search = s;
        // Incremental: stay on the selection if it matches, else go to the next match.
        if !self.row_matches(self.procs.sel) {
            self.next_match(true);
        }
    }

    pub(super) fn filter_changed(&mut self) {
        let mut f = std::mem::take(&mut self.filter);
        self.eval(&mut f);
        self.filter = f;
        self.rebuild();
    }

    /// Whether row `r` is a process matching the search.
    pub fn row_matches(&self, r: usize) -> bool {
        self.rows.get(r).is_some_and(|row| {
            row.kind == rows::RowKind::Process
                && self.search.matches.get(row.index).copied().unwrap_or(false)
        })
    }

    pub(super) fn next_match(&mut self, forward: bool) {
        let n = self.rows.len();
        if n == 0 || self.search.count == 0 {
            return;
        }
        let start = self.procs.sel;
        for step in 1..=n {
            let r = if forward {
                (start + step) % n
            } else {
                (start + n - step % n) % n
            };
            if self.row_matches(r) {
                let page = self.page();
                self.procs.set(r, n, page);
                return;
            }
        }
    }

    // ---- results of effects ----

    /// A directory listing arrived (or failed).
    pub fn set_listing(&mut self, pid: Pid, path: Vec<u8>, res: Result<Vec<DirItem>, String>) {
        let Some(b) = self.browser.as_mut().filter(|b| b.pid == pid) else {
            return;
        };
        b.interesting = None;
        match res {
            Ok(items) => {
                b.path = path;
                b.items = items;
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
