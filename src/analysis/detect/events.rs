//! Inferred events: each fact of a snapshot as the syscall that must have happened for it
//! (a process: `execve`; a file fd: `openat`; a socket fd: `socket` then `connect`, `accept`
//! or `bind`/`listen`; fds 0-2 on a socket or pipe: `dup2`; TracerPid: `ptrace`).

use crate::model::{Fd, FdKind, Pid, Process, Proto, Snapshot, Socket, SocketIndex};
use std::collections::HashSet;

/// The syscalls procscope infers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Execve,
    Openat,
    Dup2,
    Socket,
    Connect,
    Accept,
    Bind,
    Listen,
    Ptrace,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Execve,
        Kind::Openat,
        Kind::Dup2,
        Kind::Socket,
        Kind::Connect,
        Kind::Accept,
        Kind::Bind,
        Kind::Listen,
        Kind::Ptrace,
    ];

    /// `evt.type`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Execve => "execve",
            Kind::Openat => "openat",
            Kind::Dup2 => "dup2",
            Kind::Socket => "socket",
            Kind::Connect => "connect",
            Kind::Accept => "accept",
            Kind::Bind => "bind",
            Kind::Listen => "listen",
            Kind::Ptrace => "ptrace",
        }
    }

    /// `evt.dir`: exit events, but `ptrace` whose arguments Falco reads on entry.
    pub fn dir(self) -> &'static str {
        if self == Kind::Ptrace { ">" } else { "<" }
    }

    /// Bit of this kind in an event-type mask.
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// One inferred event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub kind: Kind,
    /// The acting process (for `ptrace`, the tracer).
    pub proc: &'a Process,
    pub fd: Option<&'a Fd>,
    pub sock: Option<&'a Socket>,
    /// For `ptrace`: the traced process.
    pub tracee: Option<&'a Process>,
}

/// What the events are built from, once per snapshot.
pub struct Index<'a> {
    pub snap: &'a Snapshot,
    sockets: SocketIndex,
    /// (netns, port) of listening inet sockets: an established socket on one is the server side.
    listening: HashSet<(u64, u16)>,
}

impl<'a> Index<'a> {
    pub fn new(snap: &'a Snapshot) -> Self {
        let listening = snap
            .sockets
            .iter()
            .filter(|s| s.is_listening() && s.proto != Proto::Unix)
            .filter_map(|s| Some((s.netns, s.local_port?)))
            .collect();
        Index {
            snap,
            sockets: SocketIndex::build(snap),
            listening,
        }
    }

    pub fn process(&self, pid: Pid) -> Option<&'a Process> {
        self.snap.process(pid)
    }

    fn socket(&self, p: &Process, fd: &Fd) -> Option<&'a Socket> {
        let netns = p.namespaces.get("net").copied();
        self.sockets.find(self.snap, netns, fd.inode?)
    }

    /// Whether `s` (not listening) is the accepted, server side of a connection.
    pub fn is_server(&self, s: &Socket) -> bool {
        s.is_listening()
            || s.local_port
                .is_some_and(|port| self.listening.contains(&(s.netns, port)))
    }

    /// Every event inferred from process `p`, handed to `f` one by one.
    pub fn events_of(&self, p: &'a Process, f: &mut dyn FnMut(&Event<'a>)) {
        if p.kernel_thread {
            return;
        }
        let base = Event {
            kind: Kind::Execve,
            proc: p,
            fd: None,
            sock: None,
            tracee: None,
        };
        f(&base);
        for fd in p.fd_list() {
            let ev = |kind, sock| Event {
                kind,
                fd: Some(fd),
                sock,
                ..base.clone()
            };
            match fd.kind {
                FdKind::File | FdKind::Dir => f(&ev(Kind::Openat, None)),
                FdKind::Socket => {
                    let sock = self.socket(p, fd);
                    f(&ev(Kind::Socket, sock));
                    if let Some(s) = sock {
                        for kind in self.socket_kinds(s) {
                            f(&ev(*kind, sock));
                        }
                    }
                    if fd.fd <= 2 {
                        f(&ev(Kind::Dup2, sock));
                    }
                }
                FdKind::Pipe | FdKind::Fifo if fd.fd <= 2 => f(&ev(Kind::Dup2, None)),
                _ => {}
            }
        }
        if let Some(tracer) = p
            .tracer_pid
            .filter(|&t| t != 0)
            .and_then(|t| self.process(t))
        {
            f(&Event {
                kind: Kind::Ptrace,
                proc: tracer,
                tracee: Some(p),
                ..base
            });
        }
    }

    fn socket_kinds(&self, s: &Socket) -> &'static [Kind] {
        if s.is_listening() {
            return match s.proto {
                Proto::Tcp | Proto::Tcp6 | Proto::Unix => &[Kind::Bind, Kind::Listen],
                _ => &[Kind::Bind],
            };
        }
        let connected = s.remote_port.is_some_and(|p| p != 0)
            || (s.proto == Proto::Unix && s.state == "CONNECTED");
        match (connected, self.is_server(s)) {
            (true, true) => &[Kind::Accept],
            (true, false) => &[Kind::Connect],
            _ => &[],
        }
    }
}

/// A line naming what state an event was inferred from (raw text: escape it for a terminal).
pub fn evidence(idx: &Index, e: &Event) -> String {
    let p = e.proc;
    match e.kind {
        Kind::Execve => match &p.exe {
            Some(x) => format!("process {} is running {}", p.pid, x.path.lossy()),
            None => format!("process {} is running", p.pid),
        },
        Kind::Ptrace => format!(
            "TracerPid of {} is {}",
            e.tracee.map_or(0, |t| t.pid),
            p.pid
        ),
        _ => {
            let Some(fd) = e.fd else { return String::new() };
            let mut s = format!("fd {} is {}", fd.fd, fd.target.lossy());
            if let Some(k) = e.sock {
                s.push(' ');
                s.push_str(k.proto.as_str());
                s.push(' ');
                s.push_str(&crate::model::endpoint(&k.local_addr.lossy(), k.local_port));
                if let Some(r) = &k.remote_addr {
                    s.push_str(" -> ");
                    s.push_str(&crate::model::endpoint(r, k.remote_port));
                }
                s.push(' ');
                s.push_str(&k.state);
            } else if let Some(flags) = p.fd_flags_of(fd.fd) {
                s.push_str(&format!(" ({})", super::fields::open_flags(flags)));
            }
            let _ = idx;
            s
        }
    }
}
