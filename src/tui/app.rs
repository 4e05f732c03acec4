//! The application state and its transitions. `App` never does I/O and never draws: keys
//! become [`Action`]s, actions change the state and return [`Effect`]s that the event loop
//! (or a test) carries out.

use super::cursor::Cursor;
pub use super::derived::Derived;
use super::findings::{Findings, Place};
use super::fsview::{DirItem, Interesting};
use super::keymap::{Keymap, Mode};
use super::rows::{ProcKey, Row, Shape};
use super::search::MatchMode;
use super::viewer::Viewer;
use crate::analysis::containers::ContainerGroup;
use crate::analysis::diff::SnapshotDiff;
use crate::analysis::secrets::RuleSet;
use crate::model::{Pid, Process, ProcessTree, Snapshot, SocketIndex};
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
    pub(super) fn pos(self) -> usize {
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
    /// Set when the directory had more entries than were read (shown below the list).
    pub truncated: Option<String>,
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
    pub(super) hay: Vec<String>,
    pub findings: Findings,
    pub groups: Vec<ContainerGroup>,
    pub keymap: Keymap,
    pub view: View,
    pub(super) back: Vec<View>,
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
    /// The snapshot file shown, when not a proc root.
    pub file: Option<String>,
    /// `--diff OLD`: the older snapshot, and the differences of the one shown from it.
    pub diff_base: Option<Arc<Snapshot>>,
    pub diff: Option<SnapshotDiff>,
    /// Secret findings of the processes gone since OLD, whose rows are drawn from OLD.
    pub gone_findings: Findings,
    /// Sockets of `snap` by inode.
    pub sockets: SocketIndex,
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
            file: None,
            diff_base: None,
            diff: None,
            gone_findings: Findings::default(),
            sockets: SocketIndex::default(),
        };
        app.set_snapshot(snap, HashMap::new());
        app
    }

    /// Replace the snapshot, keeping selection, collapsed nodes and queries by (pid, start).
    pub fn set_snapshot(&mut self, snap: Snapshot, metrics: HashMap<Pid, (f32, u64)>) {
        let derived = Derived::compute(&snap, self.rules.as_deref(), self.diff_base.as_deref());
        self.install(Arc::new(snap), derived, metrics);
    }

    /// Replace the snapshot with one whose derived data was computed elsewhere (the collector
    /// thread), so the UI thread only swaps it in.
    pub fn install(&mut self, snap: Arc<Snapshot>, d: Derived, metrics: HashMap<Pid, (f32, u64)>) {
        let selected = self.selected_key();
        let old = (
            std::mem::replace(&mut self.snap, snap),
            std::mem::replace(&mut self.findings, d.findings),
            std::mem::replace(&mut self.hay, d.hay),
            std::mem::replace(&mut self.tree, d.tree),
            std::mem::replace(&mut self.groups, d.groups),
            std::mem::replace(&mut self.sockets, d.sockets),
            std::mem::replace(&mut self.diff, d.diff),
            std::mem::replace(&mut self.gone_findings, d.gone_findings),
        );
        super::event::retire(old);
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
            MouseEventKind::Down(_) if ev.row == 0 => {
                let labels: Vec<_> = super::views::top_labels(self)
                    .into_iter()
                    .map(|(l, a, _)| (l, a))
                    .collect();
                if let Some(Some(a)) = super::views::hit(&labels, ev.column) {
                    return self.handle(a);
                }
            }
            // The detail screen's tab row: under the top bar and the process line.
            MouseEventKind::Down(_)
                if ev.row == 2
                    && self.view == View::Detail
                    && self.viewer.is_none()
                    && self.help.is_none() =>
            {
                if let Some(Some(tab)) = super::views::hit(&super::views::tab_labels(), ev.column) {
                    return self.set_tab(tab);
                }
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

    pub fn detail_process(&self) -> Option<&Process> {
        let d = self.detail.as_ref()?;
        self.snap
            .process(d.key.0)
            .filter(|p| p.start_time == d.key.1)
    }

    /// Whether the value at `place` of `p` is shown masked. Without a detector every environ
    /// value is masked; with one, the values it flags (leads excepted).
    pub fn value_masked(&self, p: &Process, place: Place) -> bool {
        self.value_mask(p, place).hides()
    }

    /// What of the value at `place` of `p` is hidden (`analysis::masking::value_mask`).
    fn value_mask(&self, p: &Process, place: Place) -> crate::analysis::masking::ValueMask {
        let reveal = self.reveal_all || self.revealed.contains(&(p.pid, p.start_time, place));
        let findings = self.findings_for(p);
        let found: Vec<_> = findings
            .of(p.pid, p.start_time)
            .filter(|f| f.place == place)
            .map(|f| (f.span, f.lead))
            .collect();
        let found = findings.unavailable.is_none().then_some(&found[..]);
        crate::analysis::masking::value_mask(place, found, reveal)
    }

    /// A value of `p` at `place` as drawn: escaped, its secret spans masked unless revealed.
    pub fn shown_value(&self, p: &Process, place: Place, raw: &[u8]) -> String {
        crate::model::escape_bytes(&self.value_mask(p, place).apply(raw)).into_owned()
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
            .map(|(i, a)| self.shown_value(p, Place::Argv(i), a.as_bytes()))
            .collect();
        parts.join(" ")
    }
}
