//! One trace: attach (or spawn), the wait loop over syscall, clone, exec and signal stops,
//! each finished call handed to a [`Sink`] and counted, then a clean detach of every tracee.

use super::calls::Entry;
use super::spawn::{Stopper, spawn_stopped};
use super::{TraceError, permit};
use crate::analysis::syscall::summary::Summary;
use crate::analysis::syscall::{Arch, Filter};
use crate::source::{PidDir, ProcRoot};
use nix::errno::Errno;
use nix::sys::ptrace::{self, Event, Options};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What to trace.
#[derive(Clone, Debug)]
pub enum Target {
    Pids(Vec<u32>),
    Command(Vec<OsString>),
}

/// How to trace.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Follow threads and children, new ones too.
    pub follow: bool,
    /// Time calls by wall clock (CLOCK_MONOTONIC) from entry to exit; else by the thread's
    /// on-CPU time between entry and exit (`schedstat`), close to strace's system time.
    pub wall: bool,
    pub filter: Filter,
    /// Decode arguments (off when only counting).
    pub decode: bool,
}

/// One finished (or never returning) call.
#[derive(Clone, Debug)]
pub struct Call {
    pub pid: u32,
    pub nr: i64,
    pub name: String,
    pub regs: [u64; 6],
    /// Decoded arguments (empty when not decoding).
    pub args: String,
    /// Return value; `None` for a call that never returned (`exit_group`, a tracee killed).
    pub ret: Option<i64>,
    pub ret_text: String,
    pub time: Duration,
}

impl Call {
    pub fn is_error(&self) -> bool {
        self.ret.is_some_and(|r| (-4095..0).contains(&r))
    }
}

/// Receives each call as it finishes.
pub trait Sink {
    fn call(&mut self, c: &Call);
}

/// A sink that keeps nothing (counting only).
pub struct NoSink;
impl Sink for NoSink {
    fn call(&mut self, _: &Call) {}
}

/// One traced thread: its `/proc` directory and the call it is in, if any.
pub(super) struct Tracee {
    pub(super) dir: Option<PidDir>,
    pub(super) in_call: Option<Entry>,
    /// The `-- CMD` wrapper before its `execve`: its calls are procscope's, not shown.
    pub(super) visible: bool,
}

/// How the trace ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Every tracee exited (the spawned command's status when there was one).
    Exited(Option<i32>),
    /// Stopped (Ctrl-C, deadline, cancel): every tracee was detached.
    Detached,
}

pub(super) struct Session<'a> {
    pub(super) cfg: &'a Config,
    root: ProcRoot,
    pub(super) arch: Option<Arch>,
    pub(super) tracees: HashMap<i32, Tracee>,
    pub(super) summary: &'a Mutex<Summary>,
    waker: Option<i32>,
    main: Option<i32>,
    status: Option<i32>,
}

fn options(follow: bool) -> Options {
    let mut o = Options::PTRACE_O_TRACESYSGOOD | Options::PTRACE_O_TRACEEXEC;
    if follow {
        o |= Options::PTRACE_O_TRACECLONE
            | Options::PTRACE_O_TRACEFORK
            | Options::PTRACE_O_TRACEVFORK;
    }
    o
}

fn pt(what: &'static str, pid: i32) -> impl Fn(nix::Error) -> TraceError {
    move |source| TraceError::Ptrace {
        what,
        pid: pid as u32,
        source,
    }
}

/// Trace `target` until it exits or `stop` is asked, handing calls to `sink` and counting
/// them into `summary`. Runs on the calling thread, which becomes the tracer.
pub fn run(
    target: &Target,
    cfg: &Config,
    stop: &Stopper,
    summary: &Arc<Mutex<Summary>>,
    sink: &mut dyn Sink,
) -> Result<End, TraceError> {
    let mut s = Session {
        cfg,
        root: permit::proc_root()?,
        arch: Arch::host(),
        tracees: HashMap::new(),
        summary,
        waker: None,
        main: None,
        status: None,
    };
    match target {
        Target::Pids(pids) => {
            for &pid in pids {
                permit::check(&s.root, pid)?;
            }
            for &pid in pids {
                s.attach(pid)?;
            }
        }
        Target::Command(cmd) => s.spawn(cmd)?,
    }
    let waker = stop.start_waker().ok();
    s.waker = waker.as_ref().map(|c| c.id() as i32);
    let end = s.wait_loop(stop, sink)?;
    drop(waker);
    Ok(end)
}

impl Session<'_> {
    fn add(&mut self, tid: i32, visible: bool) {
        let dir = self.root.process(tid as u32).ok();
        self.tracees.insert(
            tid,
            Tracee {
                dir,
                in_call: None,
                visible,
            },
        );
    }

    /// Seize `pid` (and with `-f` every thread of it) and interrupt it into a first stop.
    fn attach(&mut self, pid: u32) -> Result<(), TraceError> {
        let mut tids = vec![pid as i32];
        if self.cfg.follow
            && let Ok(d) = self.root.process(pid)
            && let Ok(list) = d.list("task")
        {
            tids = list
                .iter()
                .filter_map(|e| std::str::from_utf8(&e.name).ok()?.parse().ok())
                .collect();
        }
        for tid in tids {
            match ptrace::seize(Pid::from_raw(tid), options(self.cfg.follow)) {
                Ok(()) => {}
                Err(Errno::EPERM) => return Err(permit::refused(&self.root, pid)),
                Err(Errno::ESRCH) if tid != pid as i32 => continue,
                Err(Errno::ESRCH) => return Err(TraceError::NoProcess(pid)),
                Err(e) => return Err(pt("seize", tid)(e)),
            }
            self.add(tid, true);
            let _ = ptrace::interrupt(Pid::from_raw(tid));
        }
        Ok(())
    }

    /// Start the command stopped behind the wrapper, seize it, let it run into its `execve`.
    fn spawn(&mut self, cmd: &[OsString]) -> Result<(), TraceError> {
        let child = spawn_stopped(cmd)?;
        let pid = Pid::from_raw(child.id() as i32);
        match waitpid(pid, Some(WaitPidFlag::WUNTRACED)).map_err(TraceError::Wait)? {
            WaitStatus::Stopped(..) => {}
            other => {
                return Err(TraceError::Refused(format!(
                    "the command did not start: {other:?}"
                )));
            }
        }
        ptrace::seize(pid, options(self.cfg.follow) | Options::PTRACE_O_TRACEEXEC)
            .map_err(pt("seize", pid.as_raw()))?;
        self.add(pid.as_raw(), false);
        self.main = Some(pid.as_raw());
        kill(pid, Signal::SIGCONT).map_err(pt("continue", pid.as_raw()))?;
        Ok(())
    }

    fn wait_loop(&mut self, stop: &Stopper, sink: &mut dyn Sink) -> Result<End, TraceError> {
        let flags = WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD;
        loop {
            if stop.stopped() {
                super::background::detach_all(self, sink);
                return Ok(End::Detached);
            }
            if self.tracees.is_empty() {
                return Ok(End::Exited(self.status));
            }
            let st = match waitpid(None, Some(flags)) {
                Ok(st) => st,
                Err(Errno::EINTR) => continue,
                Err(Errno::ECHILD) => return Ok(End::Exited(self.status)),
                Err(e) => return Err(TraceError::Wait(e)),
            };
            self.handle(st, stop, sink);
        }
    }

    /// One wait status: resume the tracee as it was found (signals re-delivered).
    pub(super) fn handle(&mut self, st: WaitStatus, stop: &Stopper, sink: &mut dyn Sink) {
        match st {
            WaitStatus::Exited(pid, code) => self.gone(pid, Some(code), stop, sink),
            WaitStatus::Signaled(pid, sig, _) => self.gone(pid, Some(128 + sig as i32), stop, sink),
            WaitStatus::PtraceSyscall(pid) => {
                self.syscall_stop(pid, sink);
                let _ = ptrace::syscall(pid, None);
            }
            WaitStatus::PtraceEvent(pid, _, ev) => {
                if ev == Event::PTRACE_EVENT_CLONE as i32
                    || ev == Event::PTRACE_EVENT_FORK as i32
                    || ev == Event::PTRACE_EVENT_VFORK as i32
                {
                    let visible = self.tracees.get(&pid.as_raw()).is_none_or(|t| t.visible);
                    if let Ok(child) = ptrace::getevent(pid) {
                        self.tracees.entry(child as i32).or_insert_with(|| Tracee {
                            dir: self.root.process(child as u32).ok(),
                            in_call: None,
                            visible,
                        });
                    }
                } else if ev == Event::PTRACE_EVENT_EXEC as i32 {
                    self.exec_event(pid);
                }
                let _ = ptrace::syscall(pid, None);
            }
            WaitStatus::Stopped(pid, sig) => {
                // why: a signal-delivery stop: the signal is the tracee's, hand it back.
                let _ = ptrace::syscall(pid, Some(sig));
            }
            _ => {}
        }
    }

    /// A tracee (or the waker) exited: a call in progress is shown as never returning.
    fn gone(&mut self, pid: Pid, code: Option<i32>, stop: &Stopper, sink: &mut dyn Sink) {
        let raw = pid.as_raw();
        if Some(raw) == self.waker {
            self.waker = None;
            if !stop.stopped() {
                // why: someone else killed the waker: keep one, so a later stop still wakes us.
                std::thread::sleep(Duration::from_millis(20));
                self.waker = stop.start_waker().ok().map(|c| c.id() as i32);
            }
            return;
        }
        if Some(raw) == self.main {
            self.status = code;
        }
        if let Some(t) = self.tracees.remove(&raw)
            && let Some(e) = t.in_call
            && t.visible
        {
            self.finish(raw, e, None, Duration::ZERO, sink);
        }
    }

    /// execve of a multi-threaded process: the execing thread takes the leader's tid.
    fn exec_event(&mut self, pid: Pid) {
        let raw = pid.as_raw();
        if let Ok(former) = ptrace::getevent(pid)
            && former as i32 != raw
            && let Some(t) = self.tracees.remove(&(former as i32))
        {
            self.tracees.insert(raw, t);
        }
        if let Some(t) = self.tracees.get_mut(&raw) {
            t.dir = self.root.process(raw as u32).ok();
        }
    }

    pub(super) fn tracee_pids(&self) -> Vec<i32> {
        self.tracees.keys().copied().collect()
    }

    pub(super) fn forget(&mut self, pid: i32) {
        self.tracees.remove(&pid);
    }

    pub(super) fn is_tracee(&self, pid: i32) -> bool {
        self.tracees.contains_key(&pid)
    }

    pub(super) fn waker(&self) -> Option<i32> {
        self.waker
    }
}
