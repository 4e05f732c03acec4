//! `procscope trace`: a ptrace tracer that only observes (PTRACE_SEIZE, syscall stops, always
//! detach; registers and memory are read, never written). Like `source`, this is an I/O
//! module: the only code that calls ptrace, waits for tracees or reads their memory. Decoding
//! what it reads is pure and lives in `analysis::syscall`.

pub mod background;
mod calls;
pub mod mem;
pub mod permit;
pub mod regs;
pub mod session;
pub mod spawn;

use crate::model::Pid;

/// Why a trace could not start or went wrong. Each renders as one line.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// Tracing is not allowed (self, another tracer, ptrace_scope, privileges).
    #[error("{0}")]
    Refused(String),
    #[error("no process with pid {0}")]
    NoProcess(Pid),
    #[error("cannot start {cmd}")]
    Spawn { cmd: String, source: std::io::Error },
    #[error("ptrace {what} of pid {pid} failed: {source}")]
    Ptrace {
        what: &'static str,
        pid: Pid,
        source: nix::Error,
    },
    #[error("waiting for tracees failed: {0}")]
    Wait(nix::Error),
}
