//! What each thread is doing now: `task/TID/syscall` (decoded to a number, name and
//! arguments), `wchan` and `stack`, each with why it could not be read.

use crate::analysis::syscall::Arch;
use crate::model::{Pid, Process, Thread, ThreadNow, ThreadSyscall, Unavailable, thread_field};
use crate::source::{PidDir, ProcRoot};
use rustix::io::Errno;
use std::io;

/// The machine of the kernel the root belongs to: its `sys/kernel/arch`, else (live) uname's.
pub fn arch(root: &ProcRoot) -> Option<String> {
    if let Ok(b) = root.read("sys/kernel/arch") {
        let s = String::from_utf8_lossy(&b).trim().to_string();
        if !s.is_empty() {
            return Some(s);
        }
    }
    root.is_live().then(|| {
        rustix::system::uname()
            .machine()
            .to_string_lossy()
            .into_owned()
    })
}

/// Why a thread file could not be read; `None` when a copied tree simply lacks it.
fn why(e: &io::Error, live: bool) -> Option<Unavailable> {
    match Errno::from_io_error(e) {
        Some(Errno::ACCESS) | Some(Errno::PERM) => Some(Unavailable::Denied),
        Some(Errno::SRCH) => Some(Unavailable::Gone),
        // why: on live procfs every thread has these files, so a missing one is a thread that
        // exited; a copy or fixture that lacks them did not collect them.
        Some(Errno::NOENT) if live => Some(Unavailable::Gone),
        Some(Errno::NOENT) => None,
        _ => Some(Unavailable::Unparsable(e.to_string())),
    }
}

fn note(p: &mut Process, tid: Pid, field: &str, why: Unavailable) {
    p.unavailable.insert(thread_field(tid, field), why);
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b).trim_end().to_string()
}

/// Read the activity of `threads` of `p` through its `task/` directory; `states[i]` is the
/// state of `threads[i]`, already read from its `stat`.
pub fn read(
    task: &PidDir,
    p: &mut Process,
    threads: &[Thread],
    states: &[Option<String>],
    arch: Option<Arch>,
    live: bool,
) {
    let name = |nr: i64| arch.and_then(|a| a.name(nr));
    let mut stack_denied = false;
    let mut out = Vec::with_capacity(threads.len());
    for (i, t) in threads.iter().enumerate() {
        let tid = t.tid;
        let mut now = ThreadNow {
            tid,
            state: states.get(i).cloned().flatten(),
            ..ThreadNow::default()
        };
        let mut denied = false;
        // why: a kernel thread makes no syscalls; its file shows zeros that would read as `read(0, ...)`.
        if !p.kernel_thread {
            match task.read(&format!("{tid}/syscall")) {
                Ok(b) => match ThreadSyscall::parse(&b, name) {
                    Some(s) => now.syscall = Some(s),
                    None => note(
                        p,
                        tid,
                        "syscall",
                        Unavailable::Unparsable("syscall text".into()),
                    ),
                },
                Err(e) => {
                    if let Some(w) = why(&e, live) {
                        denied = w == Unavailable::Denied;
                        note(p, tid, "syscall", w);
                    }
                }
            }
        }
        if denied {
            // why: without ptrace access the kernel shows `0` as the wchan of every thread:
            // not reading it spares a read that would mislead.
            note(p, tid, "wchan", Unavailable::Denied);
        } else {
            match task.read(&format!("{tid}/wchan")) {
                Ok(b) => now.wchan = Some(text(b)),
                Err(e) => {
                    if let Some(w) = why(&e, live) {
                        note(p, tid, "wchan", w);
                    }
                }
            }
        }
        if denied || stack_denied {
            note(p, tid, "stack", Unavailable::Denied);
        } else {
            match task.read(&format!("{tid}/stack")) {
                Ok(b) => now.stack = Some(text(b).lines().map(str::to_string).collect()),
                Err(e) => {
                    if let Some(w) = why(&e, live) {
                        // why: the same rights decide for every thread of a process.
                        stack_denied = w == Unavailable::Denied;
                        note(p, tid, "stack", w);
                    }
                }
            }
        }
        if now.state.is_some()
            || now.syscall.is_some()
            || now.wchan.is_some()
            || now.stack.is_some()
        {
            out.push(now);
        }
    }
    p.activity = out;
}
