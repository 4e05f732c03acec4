//! The interactive terminal UI (ratatui + crossterm) over a snapshot: the process tree, a
//! process's detail, the secrets, the containers and a container's files. The only module
//! that imports ratatui or crossterm.
//!
//! The loop: terminal input becomes [`Action`]s (`input`, with the [`Layout`] of the last
//! frame for the mouse); [`App::update`] applies them to the state (`state`, no terminal
//! types) and returns [`Effect`]s; `views` draw an `&App` and return the layout they drew;
//! `event` runs the input and collector threads; `exec` carries out file effects.

pub mod action;
pub mod alerts;
pub mod collector;
pub mod diffmark;
pub mod event;
pub mod exec;
pub mod findings;
pub mod fleet;
pub mod fsview;
pub mod input;
pub mod keymap;
pub mod overview;
pub mod search;
pub mod state;
pub mod term;
pub mod text;
pub mod theme;
pub mod tracer;
pub mod views;

pub use action::Action;
pub use exec::Exec;
pub use input::Input;
pub use keymap::Keymap;
pub use state::{App, Effect, Tab, View};
pub use views::Layout;

use crate::model::{Meta, Snapshot};
use anyhow::{Result, anyhow};
use crossterm::event::{EnableMouseCapture, Event as TermEvent};
use event::{Event, Source};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

/// What the TUI opens.
#[derive(Clone, Debug)]
pub struct Options {
    pub proc_root: PathBuf,
    /// A saved snapshot file to open instead of the proc root.
    pub snapshot: Option<PathBuf>,
    /// Many hosts: snapshot files and directories, every host's newest file opened (when set,
    /// `snapshot` is not used).
    pub hosts: Vec<PathBuf>,
    /// Extra secret rules (YAML).
    pub rules: Option<PathBuf>,
    /// Start with every secret value revealed.
    pub reveal: bool,
    /// Take a new snapshot every this many seconds.
    pub interval: Option<u64>,
    /// Mark rows new or changed since this saved snapshot.
    pub diff: Option<PathBuf>,
}

/// Draw the whole UI for `app` (used by the loop, tests and benches); returns where the
/// clickable parts went.
pub fn draw(frame: &mut ratatui::Frame, app: &App) -> Layout {
    views::draw(frame, app)
}

/// Run the TUI until the user quits. The terminal is restored on return and on panic.
pub fn run(opts: &Options) -> Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!("the interactive UI needs a terminal; use a subcommand (see --help)");
    }
    let keymap = Keymap::load(crate::source::config::keymap_file().as_deref())
        .map_err(|e| anyhow!("keymap: {e}"))?;
    let rules = crate::collect::rules::load(opts.rules.as_deref())?;
    // Fail with a one-line error before taking over the terminal.
    if !opts.hosts.is_empty() && opts.diff.is_some() {
        anyhow::bail!("--diff compares one system; with many hosts use `diff` (per host)");
    }
    let (source, label) = source_of(opts)?;
    let empty = Snapshot {
        meta: Meta {
            source: label,
            ..Meta::default()
        },
        ..Snapshot::default()
    };
    let base = match &opts.diff {
        Some(path) => Some(Arc::new(crate::source::snapshot_file::read_snapshot(path)?)),
        None => None,
    };
    let mut app = App::new(empty, keymap.help(), Some(rules), opts.reveal);
    app.set_color(!crate::source::config::no_color());
    app.set_diff_base(base.clone());
    if let Some(path) = opts.snapshot.as_ref().filter(|_| opts.hosts.is_empty()) {
        app.set_snapshot_file(
            path.display().to_string(),
            crate::model::NO_ROOT_IN_SNAPSHOT.to_string(),
        );
    }
    let input = Input::new(keymap);
    app.status.scanning(0);
    let (tx, rx) = channel();
    let focus = collector::Focus::default();
    let req = collector::start(
        source,
        app.setup().rules.clone(),
        base,
        focus.clone(),
        tx.clone(),
    );
    let _ = req.send(());

    let mut terminal = ratatui::try_init()?;
    term::install_panic_hook(term::restore);
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    event::input(tx);
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut exec = Exec::new(opts.proc_root.clone());
    let mut ui = Ui {
        app: &mut app,
        input: &input,
        layout: Layout::default(),
        exec: &mut exec,
        focus,
    };
    let res = run_loop(&mut terminal, &mut ui, &rx, &req, opts.interval);
    // why: leave nothing attached: a running trace detaches before procscope exits.
    exec.stop_trace(&mut app, Duration::from_secs(2));
    term::restore();
    res
}

/// Where the snapshots come from, and how the status bar names it; a one-line error (before
/// the terminal is taken over) when it cannot be read.
fn source_of(opts: &Options) -> Result<(Source, String)> {
    Ok(match &opts.snapshot {
        _ if !opts.hosts.is_empty() => (
            Source::Hosts(opts.hosts.clone()),
            crate::source::hosts::shown(&opts.hosts),
        ),
        Some(path) => {
            if !crate::source::config::is_file(path) {
                anyhow::bail!("cannot read snapshot {}: not a file", path.display());
            }
            (Source::File(path.clone()), path.display().to_string())
        }
        None => {
            crate::source::ProcRoot::open(&opts.proc_root)?;
            (
                Source::Proc(opts.proc_root.clone()),
                opts.proc_root.display().to_string(),
            )
        }
    })
}

struct Clock {
    scan_started: Option<Instant>,
    /// The last stage's counter of processes read, and about how many there are.
    progress: Option<(Arc<AtomicUsize>, usize)>,
    next_refresh: Option<Instant>,
    interval: Option<Duration>,
}

/// What the loop works on: the state, the keymap, the layout of the last frame drawn (for
/// the mouse) and the executor of file effects.
struct Ui<'a> {
    app: &'a mut App,
    input: &'a Input,
    layout: Layout,
    exec: &'a mut Exec,
    /// Where the UI tells the collector what is on screen.
    focus: collector::Focus,
}

fn run_loop(
    terminal: &mut ratatui::DefaultTerminal,
    ui: &mut Ui,
    rx: &Receiver<Event>,
    req: &Sender<()>,
    interval: Option<u64>,
) -> Result<()> {
    let interval = interval.filter(|s| *s > 0).map(Duration::from_secs);
    let mut clock = Clock {
        scan_started: Some(Instant::now()),
        progress: None,
        next_refresh: None,
        interval,
    };
    loop {
        let app = &*ui.app;
        let mut drawn = Layout::default();
        terminal.draw(|f| drawn = draw(f, app))?;
        ui.layout = drawn;
        if clock.scan_started.is_some()
            && let Ok(mut f) = ui.focus.lock()
        {
            *f = ui.app.focus();
        }
        let timeout = if clock.scan_started.is_some() {
            Duration::from_millis(250)
        } else if let Some(t) = clock.next_refresh {
            t.saturating_duration_since(Instant::now())
        } else {
            Duration::from_secs(3600)
        };
        let timeout = ui.exec.timeout(timeout);
        let mut effects = Vec::new();
        match rx.recv_timeout(timeout) {
            Ok(ev) => {
                if !on_event(ui, ev, &mut clock, &mut effects) {
                    return Ok(());
                }
                // Handle whatever else is queued before drawing again.
                while let Ok(ev) = rx.try_recv() {
                    if !on_event(ui, ev, &mut clock, &mut effects) {
                        return Ok(());
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        if let Some(s) = clock.scan_started {
            ui.app.scan_running(s.elapsed().as_millis() as u64);
            if let Some((done, total)) = &clock.progress {
                ui.app.scan_progress(done.load(Ordering::Relaxed), *total);
            }
        } else if clock.next_refresh.is_some_and(|t| Instant::now() >= t) {
            clock.next_refresh = None;
            effects.extend(ui.app.update(Action::Refresh));
        }
        for e in effects {
            match e {
                Effect::Quit => return Ok(()),
                Effect::Refresh => {
                    clock.scan_started = Some(Instant::now());
                    let _ = req.send(());
                }
                other => {
                    ui.exec.apply(ui.app, other);
                }
            }
        }
        ui.exec.poll(ui.app);
    }
}

/// Apply one event; false when the UI must end.
fn on_event(ui: &mut Ui, ev: Event, clock: &mut Clock, effects: &mut Vec<Effect>) -> bool {
    match ev {
        Event::Term(TermEvent::Resize(w, h)) => ui.app.resize(w, h),
        Event::Term(t) => {
            if let Some(a) = ui.input.event(ui.app.mode(), &ui.layout, &t) {
                effects.extend(ui.app.update(a));
            }
        }
        Event::Stage(loaded) => event::retire(ui.app.install_stage(*loaded)),
        Event::Progress { done, total } => clock.progress = Some((done, total)),
        Event::Snapshot(res) => {
            clock.progress = None;
            match res {
                Ok(loaded) => event::retire(ui.app.install(*loaded)),
                Err(e) => ui.app.scan_failed(e.to_string()),
            }
            clock.scan_started = None;
            clock.next_refresh = clock.interval.map(|d| Instant::now() + d);
        }
        Event::Hosts(res) => {
            match res {
                Ok(hosts) => event::retire(ui.app.install_hosts(hosts)),
                Err(e) => ui.app.scan_failed(e.to_string()),
            }
            clock.scan_started = None;
            clock.next_refresh = clock.interval.map(|d| Instant::now() + d);
        }
        Event::InputClosed => return false,
    }
    true
}
