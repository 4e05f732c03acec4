//! The interactive terminal UI (ratatui + crossterm) over a snapshot: the process tree, a
//! process's detail, the secrets, the containers and a container's files. The only module
//! that imports ratatui or crossterm.
//!
//! Structure: [`App`] holds the state and turns [`Action`]s into state changes and
//! [`Effect`]s; `views` draw an `&App`; `event` runs the input and collector threads; `exec`
//! carries out file effects; the loop here ties them together.

pub mod action;
pub mod app;
mod app_gone;
mod app_nav;
mod app_peer;
mod app_query;
pub mod cursor;
pub mod derived;
pub mod diffmark;
pub mod event;
pub mod exec;
pub mod findings;
pub mod fsview;
mod handle;
pub mod keymap;
pub mod rows;
pub mod search;
pub mod term;
pub mod theme;
pub mod viewer;
pub mod views;

pub use action::Action;
pub use app::{App, Effect, Tab, View};
pub use exec::Exec;
pub use keymap::Keymap;

use crate::model::{Meta, Snapshot};
use anyhow::{Result, anyhow};
use crossterm::event::{EnableMouseCapture, Event as TermEvent, KeyEventKind};
use event::{Event, Source};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

/// What the TUI opens.
#[derive(Clone, Debug)]
pub struct Options {
    pub proc_root: PathBuf,
    /// A saved snapshot file to open instead of the proc root.
    pub snapshot: Option<PathBuf>,
    /// Extra secret rules (YAML).
    pub rules: Option<PathBuf>,
    /// Start with every secret value revealed.
    pub reveal: bool,
    /// Take a new snapshot every this many seconds.
    pub interval: Option<u64>,
    /// Mark rows new or changed since this saved snapshot.
    pub diff: Option<PathBuf>,
}

/// Draw the whole UI for `app` (used by the loop, tests and benches).
pub fn draw(frame: &mut ratatui::Frame, app: &App) {
    views::draw(frame, app)
}

/// Run the TUI until the user quits. The terminal is restored on return and on panic.
pub fn run(opts: &Options) -> Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!("the interactive UI needs a terminal; use a subcommand (see --help)");
    }
    let keymap = Keymap::load().map_err(|e| anyhow!("keymap: {e}"))?;
    let rules = crate::collect::rules::load(opts.rules.as_deref())?;
    // Fail with a one-line error before taking over the terminal.
    let (source, label) = match &opts.snapshot {
        Some(path) => {
            if !path.is_file() {
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
    };
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
    let mut app = App::new(empty, keymap, Some(rules), opts.reveal);
    app.diff_base = base.clone();
    if let Some(path) = &opts.snapshot {
        app.root_unavailable = Some(crate::model::NO_ROOT_IN_SNAPSHOT.to_string());
        app.file = Some(path.display().to_string());
    }
    app.status.scanning = Some(0);
    let (tx, rx) = channel();
    let req = event::collector(source, app.rules.clone(), base, tx.clone());
    let _ = req.send(());

    let mut terminal = ratatui::try_init()?;
    term::install_panic_hook(term::restore);
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    event::input(tx);
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut exec = Exec::new(opts.proc_root.clone());
    let res = run_loop(&mut terminal, &mut app, &rx, &req, opts.interval, &mut exec);
    term::restore();
    res
}

struct Clock {
    scan_started: Option<Instant>,
    next_refresh: Option<Instant>,
    interval: Option<Duration>,
}

fn run_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Event>,
    req: &Sender<()>,
    interval: Option<u64>,
    exec: &mut Exec,
) -> Result<()> {
    let interval = interval.filter(|s| *s > 0).map(Duration::from_secs);
    let mut clock = Clock {
        scan_started: Some(Instant::now()),
        next_refresh: None,
        interval,
    };
    loop {
        terminal.draw(|f| draw(f, app))?;
        let timeout = if clock.scan_started.is_some() {
            Duration::from_millis(250)
        } else if let Some(t) = clock.next_refresh {
            t.saturating_duration_since(Instant::now())
        } else {
            Duration::from_secs(3600)
        };
        let mut effects = Vec::new();
        match rx.recv_timeout(timeout) {
            Ok(ev) => {
                if !on_event(app, ev, &mut clock, &mut effects) {
                    return Ok(());
                }
                // Handle whatever else is queued before drawing again.
                while let Ok(ev) = rx.try_recv() {
                    if !on_event(app, ev, &mut clock, &mut effects) {
                        return Ok(());
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        if let Some(s) = clock.scan_started {
            app.status.scanning = Some(s.elapsed().as_millis() as u64);
        } else if clock.next_refresh.is_some_and(|t| Instant::now() >= t) {
            clock.next_refresh = None;
            effects.extend(app.handle(Action::Refresh));
        }
        for e in effects {
            match e {
                Effect::Quit => return Ok(()),
                Effect::Refresh => {
                    clock.scan_started = Some(Instant::now());
                    let _ = req.send(());
                }
                other => {
                    exec.apply(app, other);
                }
            }
        }
    }
}

/// Apply one event; false when the UI must end.
fn on_event(app: &mut App, ev: Event, clock: &mut Clock, effects: &mut Vec<Effect>) -> bool {
    match ev {
        Event::Term(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => {
            effects.extend(app.key(k));
        }
        Event::Term(TermEvent::Mouse(m)) => effects.extend(app.mouse(m)),
        Event::Term(TermEvent::Resize(w, h)) => app.resize(w, h),
        Event::Term(_) => {}
        Event::Snapshot(res, metrics) => {
            match res {
                Ok(b) => {
                    let (snap, derived) = *b;
                    app.install(snap, derived, metrics);
                }
                Err(e) => app.scan_failed(e),
            }
            clock.scan_started = None;
            clock.next_refresh = clock.interval.map(|d| Instant::now() + d);
        }
        Event::InputClosed => return false,
    }
    true
}
