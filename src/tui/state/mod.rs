//! The TUI's state, free of any terminal type: [`App`] is a handful of parts, each in its own
//! module, and [`App::update`] (in `update`) turns one [`Action`] into state changes and
//! [`Effect`]s. Input (keys, mouse) becomes actions in `tui::input`; views draw an `&App`.
//!
//! Parts: [`Loaded`] (the snapshot and everything derived from it, swapped as one value),
//! [`Nav`] (the view and the back stack), [`ProcPane`] (rows, shape, cursor, queries),
//! [`DetailPane`], [`Files`] (root browser and viewer), [`SecretsPane`], [`ContainersPane`],
//! [`AlertsPane`],
//! [`Overlay`] (help, prompt), [`Reveal`], [`Status`] and [`Setup`] (what the session was
//! started with). A new screen is one more part here, one more [`View`] and one more view.

pub mod alerts;
pub mod containers;
pub mod cursor;
pub mod detail;
pub mod files;
pub mod fleet;
mod install;
mod integrity;
pub mod loaded;
pub mod nav;
mod open;
pub mod overlay;
pub mod peer;
pub mod procs;
pub mod reveal;
pub mod rows;
pub mod secrets;
pub mod status;
pub mod trace;
pub mod update;
pub mod viewer;

pub use alerts::AlertsPane;
pub use containers::ContainersPane;
pub use detail::{Detail, DetailPane, Tab};
pub use files::{Browser, Files};
pub use loaded::{Loaded, Metrics};
pub use nav::{Nav, View};
pub use overlay::{HelpText, Overlay, Prompt};
pub use procs::{ProcPane, QueryState};
pub use reveal::Reveal;
pub use secrets::SecretsPane;
pub use status::Status;
pub use trace::TracePane;

use super::action::Action;
use super::findings::Place;
use crate::analysis::secrets::RuleSet;
use crate::model::{Pid, ProcKey, Process, Snapshot};
use serde::Deserialize;
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
    /// Count the syscalls of this process for this many seconds, in the background.
    Trace(ProcKey, u64),
    /// Stop the running trace now (it detaches).
    CancelTrace,
    /// Hash this process's exe and read its mapped files (live only).
    Integrity(ProcKey),
}

/// Where keys are looked up (the keymap file's sections). `Global` applies in every mode
/// except `Search`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Global,
    Tree,
    Detail,
    Search,
    Secrets,
    Containers,
    Alerts,
    Rootfs,
    Viewer,
    Help,
    /// The host picker (many hosts).
    Hosts,
}

impl Mode {
    /// All modes, in help order.
    pub const ALL: [Mode; 11] = [
        Mode::Global,
        Mode::Tree,
        Mode::Detail,
        Mode::Secrets,
        Mode::Containers,
        Mode::Alerts,
        Mode::Hosts,
        Mode::Rootfs,
        Mode::Viewer,
        Mode::Search,
        Mode::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "Everywhere",
            Mode::Tree => "Tree and list",
            Mode::Detail => "Process detail",
            Mode::Search => "Search and filter prompt",
            Mode::Secrets => "Secrets",
            Mode::Containers => "Containers",
            Mode::Alerts => "Alerts (detections)",
            Mode::Rootfs => "Root browser",
            Mode::Viewer => "File viewer",
            Mode::Help => "Help",
            Mode::Hosts => "Host picker (--snapshot DIR)",
        }
    }
}

/// What the session was started with: rules, the `--diff` base, where the snapshot comes
/// from, the terminal size and whether to use colour.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Secret rules (None: detection unavailable, every environ value masked).
    pub rules: Option<Arc<RuleSet>>,
    /// `--diff OLD`: the older snapshot.
    pub base: Option<Arc<Snapshot>>,
    /// Why container roots cannot be browsed (a snapshot file), if so.
    pub root_unavailable: Option<String>,
    /// The snapshot file shown, when not a proc root.
    pub file: Option<String>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    /// Draw in colour (false under `NO_COLOR`).
    pub color: bool,
}

/// Everything the TUI shows, as parts.
pub struct App {
    pub(crate) loaded: Loaded,
    pub(crate) nav: Nav,
    pub(crate) procs: ProcPane,
    pub(crate) detail: DetailPane,
    pub(crate) files: Files,
    pub(crate) secrets: SecretsPane,
    pub(crate) containers: ContainersPane,
    pub(crate) alerts: AlertsPane,
    pub(crate) overlay: Overlay,
    pub(crate) reveal: Reveal,
    pub(crate) status: Status,
    pub(crate) setup: Setup,
    pub(crate) trace: TracePane,
    /// Many hosts (`--snapshot DIR`): the hosts and the parked snapshots of those not shown.
    pub(crate) fleet: Option<fleet::Fleet>,
}

/// Lines of the frame outside the body: the top bar and the status line.
const FRAME_LINES: u16 = 2;

impl App {
    /// A new app over `snap` (unmasked: the app masks what it draws), with the help text of
    /// the keymap in force. `reveal` starts with every value shown.
    pub fn new(snap: Snapshot, help: HelpText, rules: Option<RuleSet>, reveal: bool) -> App {
        let mut app = App {
            loaded: Loaded::default(),
            nav: Nav::default(),
            procs: ProcPane::default(),
            detail: DetailPane::default(),
            files: Files::default(),
            secrets: SecretsPane::default(),
            containers: ContainersPane::default(),
            alerts: AlertsPane::default(),
            overlay: Overlay::new(help),
            reveal: Reveal::new(reveal),
            status: Status::default(),
            setup: Setup {
                rules: rules.map(Arc::new),
                base: None,
                root_unavailable: None,
                file: None,
                size: (80, 24),
                color: true,
            },
            trace: TracePane::default(),
            fleet: None,
        };
        app.set_snapshot(snap, Metrics::new());
        app
    }

    /// Replace the snapshot, keeping selection, collapsed nodes and queries by (pid, start).
    /// The replaced data is dropped here (the event loop uses [`App::install`] instead).
    pub fn set_snapshot(&mut self, snap: Snapshot, metrics: Metrics) {
        let loaded = Loaded::compute(
            Arc::new(snap),
            self.setup.rules.as_deref(),
            self.setup.base.clone(),
            metrics,
        );
        drop(self.install(loaded));
    }

    /// Set the `--diff OLD` base (used from the next snapshot on).
    pub fn set_diff_base(&mut self, base: Option<Arc<Snapshot>>) {
        self.setup.base = base;
    }

    /// Mark the snapshot as read from `file`: container roots cannot be browsed.
    pub fn set_snapshot_file(&mut self, file: String, why_no_root: String) {
        self.setup.file = Some(file);
        self.setup.root_unavailable = Some(why_no_root);
    }

    /// Draw in colour or not.
    pub fn set_color(&mut self, color: bool) {
        self.setup.color = color;
    }

    /// The terminal was resized.
    pub fn resize(&mut self, w: u16, h: u16) {
        self.setup.size = (w, h);
        let page = self.page();
        self.procs.cur.clamp(self.procs.rows.len(), page);
    }

    /// Lines available to the list of the current screen (what PgDn moves, what keeps the
    /// selection in sight). The views split the frame the same way; a test checks that the
    /// list they draw has this height.
    pub fn page(&self) -> usize {
        if self.overlay.help.is_some() {
            return 1;
        }
        let prompt = u16::from(self.overlay.prompt.is_some());
        let body = self.setup.size.1.saturating_sub(FRAME_LINES + prompt);
        let above = if self.files.viewer.is_some() {
            1
        } else {
            match self.nav.view {
                View::Procs | View::Secrets | View::Containers | View::Alerts | View::Hosts => 1,
                View::Detail if matches!(self.detail.tab(), Some(Tab::Root | Tab::Trace)) => 4,
                View::Detail => 3,
            }
        };
        let h = body.saturating_sub(above);
        let h = match self.nav.view {
            _ if self.files.viewer.is_some() => h as usize,
            View::Containers => containers::table_height(h),
            View::Alerts => alerts::table_height(h),
            _ => h as usize,
        };
        h.max(1)
    }

    /// Rows of the help popup's text area (the popup is 90% of the screen, less its border).
    pub fn help_height(&self) -> usize {
        (self.setup.size.1 as usize * 9 / 10).saturating_sub(2)
    }

    /// The keymap scope now in force.
    pub fn mode(&self) -> Mode {
        if self.overlay.help.is_some() {
            Mode::Help
        } else if self.overlay.prompt.is_some() {
            Mode::Search
        } else if self.files.viewer.is_some() {
            Mode::Viewer
        } else {
            match self.nav.view {
                View::Procs => Mode::Tree,
                View::Detail if self.detail.tab() == Some(Tab::Root) => Mode::Rootfs,
                View::Detail => Mode::Detail,
                View::Secrets => Mode::Secrets,
                View::Containers => Mode::Containers,
                View::Alerts => Mode::Alerts,
                View::Hosts => Mode::Hosts,
            }
        }
    }

    /// Apply several actions in order, collecting their effects.
    pub fn update_all(&mut self, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
        actions.into_iter().flat_map(|a| self.update(a)).collect()
    }

    // Read access for the loop, tests and views.

    /// The snapshot shown and what is derived from it.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }
    /// The current screen.
    pub fn view(&self) -> View {
        self.nav.view
    }
    /// The process pane (rows, cursor, queries).
    pub fn procs(&self) -> &ProcPane {
        &self.procs
    }
    /// The detail screen's process and tab, if one is open.
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.open.as_ref()
    }
    /// The root browser, if one is open.
    pub fn browser(&self) -> Option<&Browser> {
        self.files.browser.as_ref()
    }
    /// The file viewer, if open.
    pub fn viewer(&self) -> Option<&viewer::Viewer> {
        self.files.viewer.as_ref()
    }
    /// Whether the help popup is open.
    pub fn help_open(&self) -> bool {
        self.overlay.help.is_some()
    }
    pub fn status(&self) -> &Status {
        &self.status
    }
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// The process of the selected row, in the current snapshot (a gone row has none: see
    /// [`App::selected_gone`]).
    pub fn selected(&self) -> Option<&Process> {
        self.procs.selected(&self.loaded)
    }

    /// The OLD process of the selected row, when it is a gone process.
    pub fn selected_gone(&self) -> Option<&Process> {
        self.loaded
            .gone_of_row(self.procs.rows.get(self.procs.cur.sel)?)
    }

    /// Select row `r` of the process pane.
    pub fn select_row(&mut self, r: usize) {
        let page = self.page();
        self.procs.cur.set(r, self.procs.rows.len(), page);
    }

    /// Select the row of process `k`, if visible.
    pub fn select_key(&mut self, k: ProcKey) -> bool {
        let page = self.page();
        self.procs.select_key(&self.loaded, k, page)
    }

    /// The process of the detail screen, if still in the snapshot.
    pub fn detail_process(&self) -> Option<&Process> {
        self.detail.process(&self.loaded)
    }

    /// The process of the detail screen when it is not in the current snapshot but was in
    /// OLD: its data as OLD recorded it, read-only.
    pub fn gone_detail_process(&self) -> Option<&Process> {
        self.detail.gone_process(&self.loaded)
    }

    /// The cursor of the current detail tab.
    pub fn detail_cursor(&self) -> cursor::Cursor {
        self.detail.cursor()
    }

    /// Whether the value at `place` of `p` is shown masked.
    pub fn value_masked(&self, p: &Process, place: Place) -> bool {
        self.reveal.value_masked(&self.loaded, p, place)
    }

    /// A value of `p` at `place` as drawn: escaped, its secret spans masked unless revealed.
    pub fn shown_value(&self, p: &Process, place: Place, raw: &[u8]) -> String {
        self.reveal.shown_value(&self.loaded, p, place, raw)
    }

    /// The command line as shown: secret parts of argv masked unless revealed.
    pub fn command_line(&self, p: &Process) -> String {
        self.reveal.command_line(&self.loaded, p)
    }

    /// Whether row `r` of the process pane is a process matching the search.
    pub fn row_matches(&self, r: usize) -> bool {
        self.procs.row_matches(r)
    }
}

#[cfg(test)]
mod tests;
