//! The TUI's side of a background syscall count: starts a [`BackgroundTrace`] for an
//! [`Effect::Trace`](super::state::Effect::Trace) (after checking the pid is still the process
//! shown), cancels it, and on each turn of the loop reports its rows and its end to the app.
//! The ptrace work stays in `trace`, which always detaches.

use super::state::App;
use crate::model::ProcKey;
use crate::source::ProcRoot;
use crate::trace::background::BackgroundTrace;
use crate::trace::session::End;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why a trace is not started, in one line.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("needs /proc itself (pids of {0} may be another namespace's)")]
    NotOwnProc(String),
    #[error("{0}")]
    Source(#[from] crate::source::SourceError),
    #[error("no process with pid {0} (exited)")]
    Exited(u32),
    #[error("pid {0} is now another process (the one shown exited)")]
    Reused(u32),
    #[error("{0}")]
    Stat(crate::collect::parse::ParseError),
}

/// How often the loop wakes to report a running trace's rows.
pub const TICK: Duration = Duration::from_millis(250);

struct Running {
    key: ProcKey,
    trace: BackgroundTrace,
    started: Instant,
}

/// At most one running trace.
pub struct Tracer {
    proc_root: PathBuf,
    running: Option<Running>,
}

impl Tracer {
    pub fn new(proc_root: PathBuf) -> Tracer {
        Tracer {
            proc_root,
            running: None,
        }
    }

    /// Whether a trace is running (the loop then wakes every [`TICK`]).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Start counting `key` for `secs` seconds, replacing (cancelling) a running trace.
    pub fn start(&mut self, app: &mut App, key: ProcKey, secs: u64) {
        if let Some(old) = self.running.take() {
            old.trace.cancel();
            app.trace_ended(old.key, Err("stopped: another trace started".into()));
        }
        if let Err(why) = self.check(key) {
            app.trace_ended(key, Err(why.to_string()));
            return;
        }
        let trace = BackgroundTrace::start(key.pid, Duration::from_secs(secs), true, true);
        self.running = Some(Running {
            key,
            trace,
            started: Instant::now(),
        });
    }

    /// The pid must be this namespace's (procscope's own `/proc`) and still the process
    /// shown: a pid reused since the snapshot is another process.
    fn check(&self, key: ProcKey) -> Result<(), Refusal> {
        if self.proc_root != Path::new("/proc") {
            let shown = crate::model::escape(&self.proc_root.display().to_string()).into_owned();
            return Err(Refusal::NotOwnProc(shown));
        }
        let root = ProcRoot::open(&self.proc_root)?;
        let stat = (root.process(key.pid).and_then(|d| d.read("stat")))
            .map_err(|_| Refusal::Exited(key.pid))?;
        match crate::collect::parse::stat(&stat) {
            Ok(s) if s.start_time == key.start_time => Ok(()),
            Ok(_) => Err(Refusal::Reused(key.pid)),
            Err(e) => Err(Refusal::Stat(e)),
        }
    }

    /// Stop the running trace now (it detaches; [`poll`](Self::poll) reports its end).
    pub fn cancel(&self) {
        if let Some(r) = &self.running {
            r.trace.cancel();
        }
    }

    /// Report the running trace's rows, or its end once it has ended.
    pub fn poll(&mut self, app: &mut App) {
        let Some(r) = self.running.as_ref() else {
            return;
        };
        let elapsed = r.started.elapsed().as_millis() as u64;
        if !r.trace.is_finished() {
            app.trace_progress(r.key, r.trace.table(), elapsed);
            return;
        }
        let Some(r) = self.running.take() else {
            return;
        };
        let res = match r.trace.finish() {
            Ok((End::Exited(_), table)) => Ok(("the process exited".to_string(), table)),
            Ok((End::Detached, table)) => Ok((
                format!("detached after {:.1} s", elapsed as f64 / 1000.0),
                table,
            )),
            Err(e) => Err(e.to_string()),
        };
        app.trace_ended(r.key, res);
    }

    /// Wait (up to `limit`) for the running trace to end and report it: for tests and for
    /// leaving the UI with nothing attached.
    pub fn wait(&mut self, app: &mut App, limit: Duration) {
        let until = Instant::now() + limit;
        while self.busy() && Instant::now() < until {
            self.poll(app);
            if self.busy() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}
