//! The background syscall count the Trace tab shows: which process, whether it still runs,
//! the rows reported so far and how it ended. The trace itself is I/O: the state asks for it
//! with [`Effect::Trace`] and [`Effect::CancelTrace`], and the executor reports back through
//! [`App::trace_progress`] and [`App::trace_ended`].

use super::detail::Tab;
use super::nav::View;
use super::{App, Effect};
use crate::analysis::syscall::summary::Table;
use crate::model::ProcKey;

/// How long the TUI's trace counts (seconds), unless stopped first.
pub const TRACE_SECS: u64 = 5;

/// Where a trace is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Counting (a stop may have been asked for).
    Running { stopping: bool },
    /// Ended and detached: how (`detached after 5 s`, `the process exited`).
    Done(String),
    /// Refused or failed, in one line.
    Failed(String),
}

/// One trace of one process.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRun {
    pub key: ProcKey,
    pub secs: u64,
    pub elapsed_ms: u64,
    pub phase: Phase,
    pub table: Table,
}

impl TraceRun {
    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Running { .. })
    }
}

/// The last trace started, if any (one at a time).
#[derive(Clone, Debug, Default)]
pub struct TracePane {
    pub run: Option<TraceRun>,
}

impl App {
    /// The last trace started, if any.
    pub fn trace(&self) -> Option<&TraceRun> {
        self.trace.run.as_ref()
    }

    /// The trace of the process open in the detail pane, if it is the last one started.
    pub fn detail_trace(&self) -> Option<&TraceRun> {
        let d = self.detail.open.as_ref()?;
        self.trace().filter(|t| t.key == d.key)
    }

    /// The Trace tab's list: `strace -c`'s table as `procscope trace -c` prints it, without
    /// its header line (the tab's column header), empty before a trace of this process.
    pub fn trace_lines(&self) -> Vec<String> {
        match self.detail_trace() {
            Some(t) if !matches!(t.phase, Phase::Failed(_)) => (t.table.text().lines().skip(1))
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `T`: count the syscalls of the selected (or open) process for [`TRACE_SECS`] on its
    /// Trace tab; on the process already counting, stop instead.
    pub(super) fn toggle_trace(&mut self) -> Vec<Effect> {
        let p = match self.nav.view {
            View::Detail => self.detail_process(),
            View::Procs => self.selected(),
            _ => None,
        };
        let Some(p) = p else {
            return Vec::new();
        };
        let (key, pid) = (p.key(), p.pid);
        if self.trace().is_some_and(|t| t.key == key && t.running()) {
            return self.stop_trace();
        }
        if let Some(why) = self.why_no_trace(pid) {
            self.status.message = Some(why);
            return Vec::new();
        }
        let mut fx = self.show_tab(Tab::Trace);
        self.trace.run = Some(TraceRun {
            key,
            secs: TRACE_SECS,
            elapsed_ms: 0,
            phase: Phase::Running { stopping: false },
            table: Table::default(),
        });
        fx.push(Effect::Trace(key, TRACE_SECS));
        fx
    }

    /// Why this session cannot trace `pid`: a snapshot file, not this system's processes, or
    /// procscope itself.
    fn why_no_trace(&self, pid: crate::model::Pid) -> Option<String> {
        let meta = &self.loaded.snap.meta;
        if self.setup.file.is_some() || !meta.live {
            return Some("trace: needs the live /proc (this snapshot is not live)".into());
        }
        if pid == meta.self_pid {
            return Some(format!(
                "trace: pid {pid} is procscope itself: it does not trace itself"
            ));
        }
        None
    }

    /// Esc on a running trace's tab, or `T` again: detach now (the rows so far stay).
    pub(super) fn stop_trace(&mut self) -> Vec<Effect> {
        match self.trace.run.as_mut() {
            Some(t) if t.running() => {
                t.phase = Phase::Running { stopping: true };
                vec![Effect::CancelTrace]
            }
            _ => Vec::new(),
        }
    }

    /// Whether Esc stops a trace here: its Trace tab is in front and it is running.
    pub(super) fn esc_stops_trace(&self) -> bool {
        self.nav.view == View::Detail
            && self.files.viewer.is_none()
            && self.overlay.help.is_none()
            && self.detail.tab() == Some(Tab::Trace)
            && (self.trace().zip(self.detail.open.as_ref()))
                .is_some_and(|(t, d)| t.running() && t.key == d.key)
    }

    /// The running trace of `key` counted `table` in `elapsed_ms`.
    pub fn trace_progress(&mut self, key: ProcKey, table: Table, elapsed_ms: u64) {
        if let Some(t) = self
            .trace
            .run
            .as_mut()
            .filter(|t| t.key == key && t.running())
        {
            t.table = table;
            t.elapsed_ms = elapsed_ms;
        }
    }

    /// The trace of `key` ended: its final rows and how it ended, or why it failed (also put
    /// on the status line, one line).
    pub fn trace_ended(&mut self, key: ProcKey, res: Result<(String, Table), String>) {
        let Some(t) = self.trace.run.as_mut().filter(|t| t.key == key) else {
            return;
        };
        match res {
            Ok((how, table)) => {
                t.table = table;
                t.phase = Phase::Done(how);
            }
            Err(why) => {
                self.status.message = Some(format!("trace of pid {}: {why}", key.pid));
                t.phase = Phase::Failed(why);
            }
        }
    }
}
