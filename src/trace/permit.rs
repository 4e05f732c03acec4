//! Whether a pid may be traced, said in one line before and after PTRACE_SEIZE: never
//! procscope itself, not a process another tracer holds (named), and why the kernel refuses
//! (no CAP_SYS_PTRACE, Yama's `ptrace_scope`).

use super::TraceError;
use crate::model::Pid;
use crate::source::ProcRoot;
use std::path::Path;

/// `CAP_SYS_PTRACE` (capability number 19).
const CAP_SYS_PTRACE: u32 = 19;

fn status_field(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .map(|v| v.trim().to_string())
}

/// Refuse before attaching: procscope's own process, a missing pid, an already traced one.
pub fn check(root: &ProcRoot, pid: Pid) -> Result<(), TraceError> {
    let me = std::process::id();
    let own_threads = root
        .process(me)
        .and_then(|d| d.list("task"))
        .unwrap_or_default();
    let is_own = pid == me
        || own_threads
            .iter()
            .any(|e| e.name == pid.to_string().as_bytes());
    if is_own {
        return Err(TraceError::Refused(format!(
            "pid {pid} is procscope itself: it does not trace itself"
        )));
    }
    let status = root
        .process(pid)
        .and_then(|d| d.read("status"))
        .map_err(|_| TraceError::NoProcess(pid))?;
    let text = String::from_utf8_lossy(&status);
    let tracer: Pid = status_field(&text, "TracerPid:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if tracer != 0 {
        let comm = root
            .process(tracer)
            .and_then(|d| d.read("comm"))
            .map(|c| String::from_utf8_lossy(&c).trim().to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(TraceError::Refused(format!(
            "pid {pid} is already traced by pid {tracer} ({}): one tracer at a time",
            crate::model::escape(&comm)
        )));
    }
    Ok(())
}

/// The one-line reason the kernel refused PTRACE_SEIZE of `pid` with EPERM.
pub fn refused(root: &ProcRoot, pid: Pid) -> TraceError {
    let scope = root
        .read("sys/kernel/yama/ptrace_scope")
        .ok()
        .and_then(|b| String::from_utf8_lossy(&b).trim().parse::<u8>().ok());
    let cap = root
        .read("self/status")
        .ok()
        .and_then(|b| status_field(&String::from_utf8_lossy(&b), "CapEff:"))
        .and_then(|h| u64::from_str_radix(&h, 16).ok())
        .is_some_and(|m| m & (1 << CAP_SYS_PTRACE) != 0);
    let why = match (scope, cap) {
        (Some(3), _) => "kernel.yama.ptrace_scope is 3: no process may be traced".to_string(),
        (Some(2), false) => "kernel.yama.ptrace_scope is 2: only CAP_SYS_PTRACE may trace".into(),
        (Some(1), false) => {
            "kernel.yama.ptrace_scope is 1: only descendants, unless CAP_SYS_PTRACE".into()
        }
        (_, false) => "needs CAP_SYS_PTRACE or the same uid (and a dumpable process)".into(),
        (_, true) => "the kernel refused (a dumpable or LSM policy)".into(),
    };
    TraceError::Refused(format!("cannot trace pid {pid}: permission denied ({why})"))
}

/// The live proc root tracing reads through.
pub fn proc_root() -> Result<ProcRoot, TraceError> {
    ProcRoot::open(Path::new("/proc")).map_err(|e| TraceError::Refused(e.to_string()))
}
