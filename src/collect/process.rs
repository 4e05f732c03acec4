//! Read one `/proc/PID` directory into a [`Process`], recording why each missing field is missing.

use super::fds::read_fds;
use super::parse;
use super::share::Shared;
use crate::model::{Bytes, Exe, Ids, NS_KINDS, Parts, Process, Thread, Unavailable};
use crate::source::{PidDir, ProcRoot};
use std::io;

pub use super::fds::classify;

/// What to read per process.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// The parts beyond `stat`, `status` and `cmdline`.
    pub parts: Parts,
    /// stat each path fd's target to tell dirs, devices and fifos from files (live only:
    /// `parts.fd_detail` on the live procfs).
    pub stat_fds: bool,
}

impl ReadOptions {
    /// Read `parts`, stat'ing fd targets when `live`.
    pub fn new(parts: Parts, live: bool) -> ReadOptions {
        ReadOptions {
            parts,
            stat_fds: parts.fd_detail && live,
        }
    }
}

/// Outcome of reading one pid.
pub enum Read {
    Ok(Box<Process>),
    /// The process exited between readdir and the read of its `stat`.
    Vanished,
}

pub(super) fn note(p: &mut Process, field: &str, why: Unavailable) {
    p.unavailable.insert(field.to_string(), why);
}

/// Read what `PidDir` gives for `rel`, or record why not.
fn get(d: &PidDir, p: &mut Process, field: &str, r: io::Result<Vec<u8>>) -> Option<Vec<u8>> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            let why = zombie_aware(d, p, &e);
            note(p, field, why);
            None
        }
    }
}

/// why: a zombie has released its mm and files, so ENOENT/EACCES on exe, cwd and environ mean
/// the process has exited, not that the reader lacks rights or the kernel lacks the file.
pub(super) fn zombie_aware(d: &PidDir, p: &Process, e: &io::Error) -> Unavailable {
    let why = d.why(e);
    // why: a kernel thread has no mm: its environ read fails with ESRCH and its exe link is
    // absent although the thread is alive. That is "missing", not "gone".
    if p.kernel_thread && why == Unavailable::Gone && p.state != "Z" {
        return Unavailable::Missing;
    }
    if p.state == "Z" && why != Unavailable::Gone {
        Unavailable::Gone
    } else {
        why
    }
}

/// Read one process. Only a missing `stat` makes it vanish; every other failure is recorded.
pub fn read(root: &ProcRoot, pid: u32, opt: ReadOptions, shared: &Shared) -> Read {
    let Ok(d) = root.process(pid) else {
        return Read::Vanished;
    };
    let stat = match d.read("stat") {
        Ok(b) => b,
        Err(_) => return Read::Vanished,
    };
    let mut p = Process {
        pid,
        ..Process::default()
    };
    match parse::stat(&stat) {
        Ok(s) => {
            p.kernel_thread = s.is_kernel_thread();
            p.comm = s.comm;
            p.state = s.state;
            p.ppid = s.ppid;
            p.start_time = s.start_time;
            p.pgid = s.pgid;
            p.sid = s.sid;
            p.tty_nr = s.tty_nr;
            p.cpu_ticks = s.cpu_ticks;
            p.rss = s.rss_pages.map(|n| n.saturating_mul(shared.page_size));
        }
        Err(e) => note(&mut p, "stat", Unavailable::Unparsable(e.to_string())),
    }
    // why: until `status` is read the ids are unknown; (uid_t)-1 is the kernel's "no id", so a
    // process whose status cannot be read never passes for root.
    p.uid = Ids::unknown();
    p.gid = Ids::unknown();
    if let Some(b) = get(&d, &mut p, "status", d.read("status")) {
        match parse::status(&b) {
            Ok(s) => {
                p.uid = s.uid.unwrap_or_else(Ids::unknown);
                p.gid = s.gid.unwrap_or_else(Ids::unknown);
                p.tracer_pid = s.tracer_pid;
                p.cap_eff = s.cap_eff;
                p.cap_prm = s.cap_prm;
                p.seccomp = s.seccomp;
                p.nspid = s.nspid;
            }
            Err(e) => note(&mut p, "status", Unavailable::Unparsable(e.to_string())),
        }
    }
    if let Some(b) = get(&d, &mut p, "cmdline", d.read("cmdline")) {
        p.cmdline = parse::cmdline(&b);
    }
    p.collected = opt.parts;
    read_parts(&d, &mut p, opt, shared);
    Read::Ok(Box::new(p))
}

/// Everything past the tree's own files, as `opt` asks.
fn read_parts(d: &PidDir, p: &mut Process, opt: ReadOptions, shared: &Shared) {
    let parts = opt.parts;
    let pid = p.pid;
    if parts.environ
        && let Some(b) = get(d, p, "environ", d.read("environ"))
    {
        p.environ = Some(shared.environ(pid, p.start_time, &b));
    }
    if parts.links {
        if let Some(b) = get(d, p, "exe", d.read_link("exe")) {
            p.exe = Some(exe(b));
        }
        if let Some(b) = get(d, p, "cwd", d.read_link("cwd")) {
            p.cwd = Some(Bytes(b));
        }
    }
    if (parts.links || parts.root)
        && let Some(b) = get(d, p, "root", d.read_link("root"))
    {
        p.root = Some(Bytes(b));
    }
    if parts.cgroups
        && let Some(b) = get(d, p, "cgroup", d.read("cgroup"))
    {
        match shared.cgroups(&b) {
            Ok(c) => p.cgroups = c,
            Err(e) => note(p, "cgroup", Unavailable::Unparsable(e.to_string())),
        }
    }
    if parts.links && !p.kernel_thread {
        p.loginuid = d
            .read("loginuid")
            .ok()
            .and_then(|b| String::from_utf8_lossy(&b).trim().parse().ok());
    }
    if parts.namespaces {
        read_namespaces(d, p, shared, &NS_KINDS);
    } else if parts.sockets {
        // why: the socket tables are read per network namespace; nothing else is needed.
        read_namespaces(d, p, shared, &["net"]);
    }
    if parts.fds {
        read_fds(d, p, opt.stat_fds, parts.fd_detail, shared);
    }
    if parts.threads {
        read_threads(d, p, shared);
    }
}

/// The `exe` link text as an [`Exe`] (` (deleted)` stripped, memfd flagged).
pub fn exe_of(b: Vec<u8>) -> Exe {
    exe(b)
}

fn exe(mut b: Vec<u8>) -> Exe {
    const DELETED: &[u8] = b" (deleted)";
    let deleted = b.ends_with(DELETED);
    if deleted {
        b.truncate(b.len() - DELETED.len());
    }
    let memfd = b.starts_with(b"/memfd:");
    Exe {
        path: Bytes(b),
        deleted,
        memfd,
    }
}

fn read_namespaces(d: &PidDir, p: &mut Process, shared: &Shared, kinds: &[&str]) {
    let mut map = std::collections::BTreeMap::new();
    for &kind in kinds {
        match d.read_link(&format!("ns/{kind}")) {
            Ok(link) => match parse::ns_inode(&link) {
                Some(ino) => {
                    map.insert(kind.to_string(), ino);
                }
                None => note(
                    p,
                    &format!("ns.{kind}"),
                    Unavailable::Unparsable("ns link text".into()),
                ),
            },
            Err(e) => {
                let why = zombie_aware(d, p, &e);
                note(p, &format!("ns.{kind}"), why);
            }
        }
    }
    p.namespaces = shared.namespaces(map);
}

fn read_threads(d: &PidDir, p: &mut Process, shared: &Shared) {
    let task = match d.sub("task") {
        Ok(t) => t,
        Err(e) => {
            let why = zombie_aware(d, p, &e);
            note(p, "threads", why);
            return;
        }
    };
    let mut tids = Vec::new();
    let listed = task.for_each_entry(|name| {
        if let Some(tid) = std::str::from_utf8(name.to_bytes())
            .ok()
            .and_then(|n| n.parse::<u32>().ok())
        {
            tids.push(tid);
        }
    });
    if listed.is_err() {
        note(p, "threads", Unavailable::Gone);
        return;
    }
    let mut threads: Vec<(Thread, Option<String>)> = tids
        .into_iter()
        .map(|tid| {
            // why: the leader's comm and state are the process's, already read from `stat`;
            // another thread's `stat` gives its name and state in the one read `comm` took.
            if tid == p.pid {
                let t = Thread {
                    tid,
                    name: p.comm.clone(),
                };
                return (t, Some(p.state.clone()));
            }
            let st = task.read(&format!("{tid}/stat")).ok();
            match st.and_then(|b| parse::stat(&b).ok()) {
                Some(s) => (Thread { tid, name: s.comm }, Some(s.state)),
                // why: a copied tree may hold only `comm`; live procfs always has `stat`.
                None => {
                    let mut name = task.read(&format!("{tid}/comm")).unwrap_or_default();
                    if name.last() == Some(&b'\n') {
                        name.pop();
                    }
                    (
                        Thread {
                            tid,
                            name: Bytes(name),
                        },
                        None,
                    )
                }
            }
        })
        .collect();
    threads.sort_unstable_by_key(|t| t.0.tid);
    let (threads, states): (Vec<Thread>, Vec<Option<String>>) = threads.into_iter().unzip();
    super::activity::read(&task, p, &threads, &states, shared.arch, shared.live);
    p.threads = threads;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FdKind;
    use rustix::fs::FileType;

    #[test]
    fn classify_by_link_text_and_stat() {
        assert_eq!(classify(b"socket:[12]", None), (FdKind::Socket, Some(12)));
        assert_eq!(classify(b"pipe:[7]", None), (FdKind::Pipe, Some(7)));
        assert_eq!(classify(b"anon_inode:[eventfd]", None).0, FdKind::AnonInode);
        assert_eq!(classify(b"/memfd:x (deleted)", None).0, FdKind::Memfd);
        assert_eq!(classify(b"/dev/null", None).0, FdKind::Device);
        assert_eq!(classify(b"/dev/shm/x", None).0, FdKind::File);
        assert_eq!(classify(b"/tmp", Some(FileType::Directory)).0, FdKind::Dir);
        assert_eq!(
            classify(b"/dev/planted", Some(FileType::RegularFile)).0,
            FdKind::File
        );
        assert_eq!(classify(b"net:[4026531840]", None).0, FdKind::Other);
        assert_eq!(
            exe(b"/bin/x (deleted)".to_vec()),
            Exe {
                path: "/bin/x".into(),
                deleted: true,
                memfd: false
            }
        );
    }
}
