//! A snapshot's thread activity as text: `read(3</tmp/x>, 0x7ffd.., 4096)` with fds resolved
//! through the snapshot's fd table (sockets described), `running`, or why it is unknown.

use super::decode::{self, FdNames, NoMemory};
use super::{Arch, name_or_number};
use crate::model::{
    FdKind, NotInSyscall, Process, Snapshot, SocketIndex, SyscallNow, ThreadNow, ThreadSyscall,
    endpoint,
};

/// The fds of one process of a snapshot, sockets described from the socket tables.
pub struct SnapshotFds<'a> {
    snap: &'a Snapshot,
    process: &'a Process,
    index: SocketIndex,
}

impl<'a> SnapshotFds<'a> {
    pub fn new(snap: &'a Snapshot, process: &'a Process) -> Self {
        SnapshotFds {
            snap,
            process,
            index: SocketIndex::build(snap),
        }
    }
}

impl FdNames for SnapshotFds<'_> {
    fn target(&self, fd: i32) -> Option<Vec<u8>> {
        let f = self.process.fd_list().iter().find(|f| f.fd == fd)?;
        if let (FdKind::Socket, Some(ino)) = (f.kind, f.inode) {
            let net = self.process.namespaces.get("net").copied();
            if let Some(s) = self.index.find(self.snap, net, ino) {
                let local = endpoint(&s.local_addr.lossy(), s.local_port);
                let mut t = format!("socket {} {local}", s.proto.as_str());
                if let (Some(r), Some(rp)) = (&s.remote_addr, s.remote_port) {
                    t.push_str(&format!(" -> {}", endpoint(r, Some(rp))));
                }
                t.push_str(&format!(" {}", s.state));
                return Some(t.into_bytes());
            }
        }
        Some(f.target.0.clone())
    }
}

/// `name(args)` of a syscall in progress, its fds resolved by `fds`.
pub fn call_text(arch: Option<Arch>, c: &SyscallNow, fds: &dyn FdNames) -> String {
    let name = match (&c.name, arch) {
        (Some(n), _) => crate::model::escape(n).into_owned(),
        (None, Some(a)) => name_or_number(a, c.nr),
        (None, None) => format!("syscall_{:#x}", c.nr),
    };
    let mut regs = [0u64; 6];
    for (r, a) in regs.iter_mut().zip(&c.args) {
        *r = *a;
    }
    format!("{name}({})", decode::args(&name, &regs, &NoMemory, fds))
}

/// The syscall column of a thread: the call decoded, `running`, `blocked (not in a syscall)`,
/// or `<reason>` when it could not be read (`-` for a kernel thread).
pub fn syscall_text(snap: &Snapshot, p: &Process, t: &ThreadNow, fds: &dyn FdNames) -> String {
    let arch = snap.meta.arch.as_deref().and_then(Arch::from_machine);
    match &t.syscall {
        Some(ThreadSyscall::Call(c)) => call_text(arch, c, fds),
        Some(ThreadSyscall::State(NotInSyscall::Running)) => "running".into(),
        Some(ThreadSyscall::State(NotInSyscall::Blocked)) => "blocked (not in a syscall)".into(),
        None => match p.thread_why(t.tid, "syscall") {
            Some(w) => format!("<{w}>"),
            None => "-".into(),
        },
    }
}

/// The wchan column: the kernel function, `-` when not sleeping, or `<reason>`.
pub fn wchan_text(p: &Process, t: &ThreadNow) -> String {
    match t.wchan.as_deref() {
        Some("0") | Some("") => "-".into(),
        Some(w) => crate::model::escape(w).into_owned(),
        None => match p.thread_why(t.tid, "wchan") {
            Some(w) => format!("<{w}>"),
            None => "-".into(),
        },
    }
}
