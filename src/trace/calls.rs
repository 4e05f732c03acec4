//! The calls of a trace: at a syscall-entry stop a call is named, decoded and its clock started;
//! at its exit stop it is timed, counted into the summary and handed to the [`Sink`].

use super::mem::{TraceeFds, TraceeMemory};
use super::regs;
use super::session::{Call, Session, Sink};
use crate::analysis::syscall::{decode, name_or_number};
use crate::source::PidDir;
use nix::unistd::Pid;
use std::time::{Duration, Instant};

/// A call seen at its entry stop, waiting for its exit.
pub(super) struct Entry {
    pub(super) nr: i64,
    pub(super) name: String,
    pub(super) regs: [u64; 6],
    pub(super) args: String,
    pub(super) wall: Instant,
    pub(super) cpu: Option<u64>,
}

impl Session<'_> {
    /// The thread's on-CPU time so far in ns (the first field of `schedstat`).
    fn cpu_ns(dir: Option<&PidDir>) -> Option<u64> {
        let b = dir?.read("schedstat").ok()?;
        std::str::from_utf8(&b)
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }

    /// A syscall stop: at entry the call is named, decoded and timed from now; at exit it is
    /// finished. A call that never returns (`exit`) is finished at its entry.
    pub(super) fn syscall_stop(&mut self, pid: Pid, sink: &mut dyn Sink) {
        let raw = pid.as_raw();
        let Ok(r) = regs::get(pid) else { return };
        let (wall, decode_on) = (self.cfg.wall, self.cfg.decode);
        let arch = self.arch;
        let Some(t) = self.tracees.get_mut(&raw) else {
            return;
        };
        match t.in_call.take() {
            None => {
                let name = match arch {
                    Some(a) => name_or_number(a, r.nr),
                    None => format!("syscall_{:#x}", r.nr),
                };
                if !t.visible && matches!(name.as_str(), "execve" | "execveat") {
                    t.visible = true;
                }
                let args = if decode_on && t.visible && self.cfg.filter.selects(&name) {
                    decode::args(
                        &name,
                        &r.args,
                        &TraceeMemory(pid),
                        &TraceeFds(t.dir.as_ref()),
                    )
                } else {
                    String::new()
                };
                let never_returns = matches!(name.as_str(), "exit" | "exit_group");
                let cpu = if wall {
                    None
                } else {
                    Self::cpu_ns(t.dir.as_ref())
                };
                let e = Entry {
                    nr: r.nr,
                    name,
                    regs: r.args,
                    args,
                    wall: Instant::now(),
                    cpu,
                };
                if never_returns {
                    if t.visible {
                        self.finish(raw, e, None, Duration::ZERO, sink);
                    }
                } else {
                    t.in_call = Some(e);
                }
            }
            Some(e) => {
                if !t.visible {
                    return;
                }
                let time = match (e.cpu, Self::cpu_ns(t.dir.as_ref())) {
                    (Some(a), Some(b)) if !wall => Duration::from_nanos(b.saturating_sub(a)),
                    _ => e.wall.elapsed(),
                };
                self.finish(raw, e, Some(r.ret), time, sink);
            }
        }
    }

    /// Count a finished call and hand it to the sink (when the filter selects it).
    pub(super) fn finish(
        &mut self,
        pid: i32,
        e: Entry,
        ret: Option<i64>,
        time: Duration,
        sink: &mut dyn Sink,
    ) {
        if !self.cfg.filter.selects(&e.name) {
            return;
        }
        let dir = self.tracees.get(&pid).and_then(|t| t.dir.as_ref());
        let ret_text = match ret {
            Some(r) if self.cfg.decode => decode::ret(&e.name, r, &TraceeFds(dir)),
            Some(r) => r.to_string(),
            None => "?".into(),
        };
        let call = Call {
            pid: pid as u32,
            nr: e.nr,
            name: e.name,
            regs: e.regs,
            args: e.args,
            ret,
            ret_text,
            time,
        };
        // why: like strace -c, a call that never returned (exit_group) is not counted.
        if ret.is_some() {
            let mut sum = self.summary.lock().unwrap_or_else(|p| p.into_inner());
            sum.add(&call.name, call.is_error(), time);
        }
        sink.call(&call);
    }
}
