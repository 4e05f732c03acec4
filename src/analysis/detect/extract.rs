//! Field values of an inferred event, with Falco's meanings (`proc.exe` is argv[0],
//! `proc.cmdline` is name plus arguments, `proc.cwd` ends with `/`, `container.id` is 12
//! characters or `host`). `None` is Falco's `<NA>`.

use super::events::{Event, Index, Kind};
use super::fields::{Field, cap_names, open_flags};
use crate::model::{Fd, FdKind, Process, Proto, Socket};
use std::borrow::Cow;
use std::collections::HashMap;

/// A field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Str(Cow<'a, str>),
    Num(i64),
    Bool(bool),
    /// Multi-valued fields (`proc.aname` without an index: every ancestor).
    List(Vec<Val<'a>>),
}

impl Val<'_> {
    /// The value as Falco prints it in an output.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Val::Str(s) => Cow::Borrowed(s),
            Val::Num(n) => Cow::Owned(n.to_string()),
            Val::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Val::List(v) => Cow::Owned(
                v.iter()
                    .map(|x| x.text().into_owned())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    }
}

/// What extraction needs besides the event.
pub struct Ctx<'a> {
    pub idx: Index<'a>,
    pub hostname: &'a str,
    /// uid -> user name, from the names the snapshot has.
    pub users: HashMap<u32, &'a str>,
    /// (pid, start time) -> credentials found in environ, masked (`NAME=mask (rule)`).
    pub secrets: HashMap<(u32, u64), String>,
}

impl<'a> Ctx<'a> {
    pub fn new(snap: &'a crate::model::Snapshot) -> Self {
        let mut users = HashMap::new();
        for p in &snap.processes {
            if let Some(n) = &p.uid.real_name {
                users.insert(p.uid.real, n.as_str());
            }
            if let Some(n) = &p.uid.effective_name {
                users.insert(p.uid.effective, n.as_str());
            }
        }
        Ctx {
            idx: Index::new(snap),
            hostname: snap.meta.hostname.as_deref().unwrap_or(""),
            users,
            secrets: HashMap::new(),
        }
    }

    /// The `n`-th ancestor (0: the process itself), following ppid with a bound.
    pub fn ancestor(&self, p: &'a Process, n: u32) -> Option<&'a Process> {
        let mut cur = p;
        for _ in 0..n {
            if cur.ppid == 0 || cur.ppid == cur.pid {
                return None;
            }
            cur = self.idx.process(cur.ppid)?;
        }
        Some(cur)
    }

    /// Ancestors from the parent up (at most 64).
    fn ancestors(&self, p: &'a Process) -> Vec<&'a Process> {
        (1..=64).map_while(|n| self.ancestor(p, n)).collect()
    }
}

fn s(x: impl Into<Cow<'static, str>>) -> Option<Val<'static>> {
    Some(Val::Str(x.into()))
}

fn b<'a>(x: &'a crate::model::Bytes) -> Val<'a> {
    Val::Str(x.lossy())
}

fn exe_arg(p: &Process) -> Option<Val<'_>> {
    p.cmdline.first().map(b)
}

fn exepath(p: &Process) -> Option<Val<'_>> {
    p.exe.as_ref().map(|x| b(&x.path))
}

fn cmdline(p: &Process) -> Val<'static> {
    let mut out = p.comm.lossy().into_owned();
    for a in p.cmdline.iter().skip(1) {
        out.push(' ');
        out.push_str(&a.lossy());
    }
    Val::Str(Cow::Owned(out))
}

fn args(p: &Process) -> Val<'static> {
    let v: Vec<String> = p
        .cmdline
        .iter()
        .skip(1)
        .map(|a| a.lossy().into_owned())
        .collect();
    Val::Str(Cow::Owned(v.join(" ")))
}

fn num(n: impl Into<i64>) -> Option<Val<'static>> {
    Some(Val::Num(n.into()))
}

/// Extract field `f` of event `e`.
pub fn extract<'a>(c: &Ctx<'a>, e: &Event<'a>, f: &Field) -> Option<Val<'a>> {
    use Field::*;
    match f {
        EvtType => s(e.kind.name()),
        EvtDir => s(e.kind.dir()),
        EvtNum => None,
        EvtRes => s("SUCCESS"),
        EvtRawRes => num(match e.kind {
            Kind::Openat | Kind::Socket | Kind::Dup2 | Kind::Accept => e.fd.map_or(0, |f| f.fd),
            _ => 0,
        }),
        EvtFailed => Some(Val::Bool(false)),
        EvtSource => s("syscall"),
        EvtHostname => Some(Val::Str(Cow::Borrowed(c.hostname))),
        EvtIsOpenRead | EvtIsOpenWrite | EvtIsOpenExec => {
            let flags = open_flags_of(e)?;
            let acc = flags & 3;
            Some(Val::Bool(match f {
                EvtIsOpenRead => acc == 0 || acc == 2,
                EvtIsOpenWrite => acc == 1 || acc == 2,
                _ => false,
            }))
        }
        EvtArg(name) => evt_arg(c, e, name),
        _ => proc_field(c, e, f),
    }
}

/// Fields of the process classes (`proc.*`, `thread.*`, `user.*`, `group.*`).
fn proc_field<'a>(c: &Ctx<'a>, e: &Event<'a>, f: &Field) -> Option<Val<'a>> {
    use Field::*;
    let p = e.proc;
    match f {
        ProcPid | ThreadTid => num(p.pid),
        ProcPpid => num(p.ppid),
        ProcVpid => num(p.nspid.last().copied().unwrap_or(p.pid)),
        ProcName => Some(b(&p.comm)),
        ProcExe => exe_arg(p),
        ProcExePath => exepath(p),
        ProcCmdline => Some(cmdline(p)),
        ProcArgs => Some(args(p)),
        ProcPName => c.ancestor(p, 1).map(|q| b(&q.comm)),
        ProcPCmdline => c.ancestor(p, 1).map(cmdline),
        ProcPExe => c.ancestor(p, 1).and_then(exe_arg),
        ProcPExePath => c.ancestor(p, 1).and_then(exepath),
        ProcAName(n) => along(c, p, *n, |q| Some(b(&q.comm))),
        ProcAPid(n) => along(c, p, *n, |q| num(q.pid)),
        ProcAExePath(n) => along(c, p, *n, exepath),
        ProcAExe(n) => along(c, p, *n, exe_arg),
        ProcTty => num(p.tty_nr?),
        ProcSid => num(p.sid?),
        ProcPgid | ProcVpgid => num(p.pgid?),
        ProcIsSidLeader => Some(Val::Bool(p.sid? == p.pid)),
        ProcIsVpgidLeader => Some(Val::Bool(p.pgid? == p.pid)),
        ProcCwd => p.cwd.as_ref().map(|d| {
            let mut t = d.lossy().into_owned();
            if !t.ends_with('/') {
                t.push('/');
            }
            Val::Str(Cow::Owned(t))
        }),
        ProcEnv(None) => env(p),
        ProcEnv(Some(name)) => p.env(name).map(|v| Val::Str(String::from_utf8_lossy(v))),
        ProcIsExeFromMemfd => p.exe.as_ref().map(|x| Val::Bool(x.memfd)),
        ProcIsExeUpperLayer => p.exe_upper_layer.map(Val::Bool),
        ProcNThreads => num(p.threads.len().max(1) as i64),
        ProcStdType(n) => std_fd(p, *n).map(|f| Val::Str(fd_type(c, p, f).into())),
        ProcStdName(n) => std_fd(p, *n).map(|f| b(&f.target)),
        ThreadCapEffective => caps(p.cap_eff.as_deref()),
        ThreadCapPermitted => caps(p.cap_prm.as_deref()),
        UserUid => p.uid.known().then(|| Val::Num(p.uid.effective.into())),
        UserName => p.uid.effective_name.as_deref().map(|n| Val::Str(n.into())),
        UserLoginUid => num(p
            .loginuid
            .map_or(-1, |u| if u == u32::MAX { -1 } else { u as i64 })),
        UserLoginName => {
            let u = p.loginuid.filter(|&u| u != u32::MAX)?;
            c.users.get(&u).map(|n| Val::Str(Cow::Borrowed(*n)))
        }
        GroupGid => p.gid.known().then(|| Val::Num(p.gid.effective.into())),
        GroupName => p.gid.effective_name.as_deref().map(|n| Val::Str(n.into())),
        _ => super::extract_more::extract(c, e, f),
    }
}

/// `proc.env`: every entry, `NAME=value` joined by spaces.
fn env(p: &Process) -> Option<Val<'static>> {
    let v: Vec<String> = p
        .environ
        .as_ref()?
        .iter()
        .map(|v| {
            let mut t = String::from_utf8_lossy(v.name).into_owned();
            if let Some(val) = v.value {
                t.push('=');
                t.push_str(&String::from_utf8_lossy(val));
            }
            t
        })
        .collect();
    Some(Val::Str(Cow::Owned(v.join(" "))))
}

fn std_fd(p: &Process, n: i32) -> Option<&Fd> {
    p.fd_list().iter().find(|f| f.fd == n)
}

fn caps(hex: Option<&str>) -> Option<Val<'static>> {
    hex.and_then(cap_names).map(|v| Val::Str(v.into()))
}

fn along<'a>(
    c: &Ctx<'a>,
    p: &'a Process,
    n: Option<u32>,
    get: impl Fn(&'a Process) -> Option<Val<'a>>,
) -> Option<Val<'a>> {
    match n {
        Some(n) => c.ancestor(p, n).and_then(get),
        None => {
            let v: Vec<Val<'a>> = c.ancestors(p).into_iter().filter_map(get).collect();
            (!v.is_empty()).then_some(Val::List(v))
        }
    }
}

fn open_flags_of(e: &Event) -> Option<u32> {
    if e.kind != Kind::Openat {
        return None;
    }
    e.proc.fd_flags_of(e.fd?.fd)
}

fn evt_arg<'a>(c: &Ctx<'a>, e: &Event<'a>, name: &str) -> Option<Val<'a>> {
    let fd = e.fd;
    match (e.kind, name) {
        (_, "res") => num(0),
        (Kind::Execve, "exe") => exe_arg(e.proc),
        (Kind::Execve, "args") => Some(args(e.proc)),
        (Kind::Execve, "filename") => exepath(e.proc),
        (Kind::Openat, "fd") | (Kind::Socket, "fd") | (Kind::Accept, "fd") => num(fd?.fd),
        (Kind::Openat, "name") | (Kind::Openat, "path") | (Kind::Openat, "filename") => {
            Some(b(&fd?.target))
        }
        (Kind::Openat, "flags") => open_flags_of(e).map(|f| Val::Str(open_flags(f).into())),
        (Kind::Dup2, "newfd")
        | (Kind::Connect, "fd")
        | (Kind::Bind, "fd")
        | (Kind::Listen, "fd") => num(fd?.fd),
        (Kind::Socket, "domain") => s(domain(e.sock?)),
        (Kind::Ptrace, "request") => s("PTRACE_ATTACH"),
        (Kind::Ptrace, "pid") => num(e.tracee?.pid),
        (Kind::Connect, "tuple") | (Kind::Accept, "tuple") => super::extract_more::fd_name(c, e),
        _ => None,
    }
}

/// `AF_INET` ... of a socket.
pub fn domain(s: &Socket) -> &'static str {
    match s.proto {
        Proto::Tcp | Proto::Udp | Proto::Raw => "AF_INET",
        Proto::Tcp6 | Proto::Udp6 | Proto::Raw6 => "AF_INET6",
        Proto::Unix => "AF_UNIX",
        Proto::Packet => "AF_PACKET",
    }
}

/// Falco's `fd.type`.
pub fn fd_type(c: &Ctx, p: &Process, f: &Fd) -> &'static str {
    let _ = (c, p);
    match f.kind {
        FdKind::File | FdKind::Device | FdKind::Memfd => "file",
        FdKind::Dir => "directory",
        FdKind::Pipe | FdKind::Fifo => "pipe",
        FdKind::Socket => "socket",
        FdKind::AnonInode => {
            let t = f.target.as_bytes();
            if t.ends_with(b"[eventfd]") {
                "event"
            } else if t.ends_with(b"[eventpoll]") {
                "eventpoll"
            } else if t.ends_with(b"inotify") {
                "inotify"
            } else if t.ends_with(b"[signalfd]") {
                "signalfd"
            } else if t.ends_with(b"[timerfd]") {
                "timerfd"
            } else {
                "file"
            }
        }
        FdKind::Other => "file",
    }
}
