//! Ending a trace cleanly (interrupt every tracee, detach each from its stop, signals handed
//! back), a deadline, and [`BackgroundTrace`]: a counting trace of one process on its own
//! thread, for a UI that must never block (start, read the rows at any time, cancel).

use super::TraceError;
use super::session::{self, Config, End, NoSink, Session, Sink, Target};
use super::spawn::Stopper;
use crate::analysis::syscall::summary::{Summary, Table};
use nix::errno::Errno;
use nix::sys::ptrace::{self, Event};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Stop every tracee and detach it; none is left stopped. A tracee stopped to receive a signal
/// gets that signal on detach; one born meanwhile (clone) is detached from its first stop.
pub(super) fn detach_all(s: &mut Session<'_>, _sink: &mut dyn Sink) {
    let mut pending: HashSet<i32> = s.tracee_pids().into_iter().collect();
    for &pid in pending.clone().iter() {
        if ptrace::interrupt(Pid::from_raw(pid)) == Err(Errno::ESRCH) {
            pending.remove(&pid);
            s.forget(pid);
        }
    }
    let flags = WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD;
    while !pending.is_empty() {
        let st = match waitpid(None, Some(flags)) {
            Ok(st) => st,
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        };
        let (pid, sig) = match st {
            WaitStatus::Exited(pid, _) | WaitStatus::Signaled(pid, _, _) => {
                pending.remove(&pid.as_raw());
                s.forget(pid.as_raw());
                continue;
            }
            WaitStatus::PtraceEvent(pid, _, ev) => {
                let forks = [
                    Event::PTRACE_EVENT_CLONE,
                    Event::PTRACE_EVENT_FORK,
                    Event::PTRACE_EVENT_VFORK,
                ];
                if forks.iter().any(|e| *e as i32 == ev)
                    && let Ok(child) = ptrace::getevent(pid)
                {
                    pending.insert(child as i32);
                }
                (pid, None)
            }
            WaitStatus::PtraceSyscall(pid) => (pid, None),
            WaitStatus::Stopped(pid, sig) => (pid, Some(sig)),
            _ => continue,
        };
        if pending.remove(&pid.as_raw())
            || s.is_tracee(pid.as_raw())
            || s.waker() != Some(pid.as_raw())
        {
            let _ = ptrace::detach(pid, sig);
            s.forget(pid.as_raw());
        }
    }
}

/// Call `stop.stop()` once `after` has passed, unless `done` is set first.
pub fn stop_after(stop: Stopper, after: Duration, done: Arc<AtomicBool>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let until = Instant::now() + after;
        while !done.load(Ordering::SeqCst) && !stop.stopped() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                stop.stop();
                return;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
    })
}

/// A counting trace of one process (`-f`: with its threads and children) running on its own
/// thread for at most a duration. The rows can be read at any time; [`cancel`](Self::cancel)
/// detaches at once. Dropping it cancels it (without waiting).
pub struct BackgroundTrace {
    stop: Stopper,
    summary: Arc<Mutex<Summary>>,
    done: Arc<AtomicBool>,
    handle: Option<JoinHandle<Result<End, TraceError>>>,
}

impl BackgroundTrace {
    /// Start counting the syscalls of `pid` for `duration` (wall time per call when `wall`).
    pub fn start(pid: u32, duration: Duration, follow: bool, wall: bool) -> BackgroundTrace {
        let stop = Stopper::default();
        let summary = Arc::new(Mutex::new(Summary::default()));
        let done = Arc::new(AtomicBool::new(false));
        let (s2, sum2, done2) = (stop.clone(), summary.clone(), done.clone());
        let handle = std::thread::spawn(move || {
            let cfg = Config {
                follow,
                wall,
                decode: false,
                ..Config::default()
            };
            let timer = stop_after(s2.clone(), duration, done2.clone());
            let r = session::run(&Target::Pids(vec![pid]), &cfg, &s2, &sum2, &mut NoSink);
            done2.store(true, Ordering::SeqCst);
            let _ = timer.join();
            r
        });
        BackgroundTrace {
            stop,
            summary,
            done,
            handle: Some(handle),
        }
    }

    /// Detach now (returns at once; the thread finishes shortly).
    pub fn cancel(&self) {
        self.stop.stop();
    }

    /// Whether the trace has ended (duration, cancel, the process exited, or an error).
    pub fn is_finished(&self) -> bool {
        self.done.load(Ordering::SeqCst) || self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// The summary rows so far.
    pub fn table(&self) -> Table {
        self.summary
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .table()
    }

    /// Wait for the end and take the outcome (a refusal says why in one line) and the rows.
    pub fn finish(mut self) -> Result<(End, Table), TraceError> {
        let end = match self.handle.take().map(JoinHandle::join) {
            Some(Ok(r)) => r?,
            _ => End::Detached,
        };
        Ok((end, self.table()))
    }
}

impl Drop for BackgroundTrace {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.stop.stop();
        }
    }
}
