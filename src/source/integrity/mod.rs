//! I/O for the integrity checks: a clean procfs view (a new procfs instance on a detached
//! mount, attached nowhere), the syscall probes of the pid range, the raw facts of `/proc`
//! entries, and (in [`exe`]) the running executable and mapped files of a process.

pub mod exe;

use super::{PidDir, ProcRoot};
use crate::model::{Pid, PidView};
use rustix::fs::{AtFlags, OFlags};
use rustix::io::Errno;
use rustix::mount::{FsMountFlags, FsOpenFlags, MountAttrFlags};
use rustix::process::Pid as RPid;
use std::io;
use std::path::PathBuf;

/// A procfs view nothing is mounted over: a new procfs instance of procscope's pid namespace
/// (`fsopen("proc")`, `fsconfig`, `fsmount`), held only by the returned root's fd, read-only,
/// attached to no mount tree (nothing appears in any mountinfo) and gone when dropped. Needs
/// CAP_SYS_ADMIN over the pid namespace; Linux 5.2 or later.
pub fn clean_proc() -> io::Result<ProcRoot> {
    let fs = rustix::mount::fsopen("proc", FsOpenFlags::FSOPEN_CLOEXEC)?;
    rustix::mount::fsconfig_create(&fs)?;
    let attrs = MountAttrFlags::MOUNT_ATTR_RDONLY
        | MountAttrFlags::MOUNT_ATTR_NOSUID
        | MountAttrFlags::MOUNT_ATTR_NODEV
        | MountAttrFlags::MOUNT_ATTR_NOEXEC;
    let mnt = rustix::mount::fsmount(&fs, FsMountFlags::FSMOUNT_CLOEXEC, attrs)?;
    // why: the fsmount fd is an O_PATH handle on the mount's root; reopen it as a directory
    // so it can also be listed.
    let dir = rustix::fs::openat(
        &mnt,
        ".",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    Ok(ProcRoot {
        path: PathBuf::from("/proc (clean view)"),
        dir,
        live: true,
        host: None,
    })
}

/// The highest pid the kernel hands out plus one (`sys/kernel/pid_max`).
pub fn pid_max(root: &ProcRoot) -> io::Result<Pid> {
    let b = root.read("sys/kernel/pid_max")?;
    String::from_utf8_lossy(&b)
        .trim()
        .parse()
        .map_err(|_| io::Error::other("sys/kernel/pid_max: not a number"))
}

/// Which probes say `pid` exists: syscalls that look a task up by pid (`kill` with signal 0
/// sends nothing; EPERM still means it exists) and a `stat` of `PID` by name in `root`.
pub fn probe(root: &ProcRoot, pid: Pid) -> Vec<PidView> {
    let mut v = Vec::new();
    let Some(p) = RPid::from_raw(pid as i32) else {
        return v;
    };
    let exists = |r: Result<(), Errno>| !matches!(r, Err(Errno::SRCH) | Err(Errno::INVAL));
    if exists(rustix::process::test_kill_process(p)) {
        v.push(PidView::Kill);
    }
    if exists(rustix::process::getpgid(Some(p)).map(drop)) {
        v.push(PidView::Getpgid);
    }
    if exists(rustix::process::getsid(Some(p)).map(drop)) {
        v.push(PidView::Getsid);
    }
    if exists(rustix::thread::sched_getaffinity(Some(p)).map(drop)) {
        v.push(PidView::SchedAffinity);
    }
    if exists(rustix::process::getpriority_process(Some(p)).map(drop)) {
        v.push(PidView::Priority);
    }
    let name = pid.to_string();
    if rustix::fs::statat(&root.dir, name.as_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok() {
        v.push(PidView::StatByName);
    }
    v
}

/// Probe every pid in `1..max` not in `known` (sorted), on `threads` threads (interleaved
/// blocks, so both meet the dense low pids). A pid probed cheaply first with `kill(pid, 0)`
/// and `getpgid`; only a pid either answers gets the other probes. Returns the pids that
/// answered, ascending, with the probes that said so.
pub fn probe_range(
    root: &ProcRoot,
    known: &[Pid],
    max: Pid,
    threads: usize,
) -> Vec<(Pid, Vec<PidView>)> {
    const BLOCK: Pid = 1024;
    let threads = threads.max(1) as Pid;
    let work = |t: Pid| {
        let mut found = Vec::new();
        let mut start = 1 + t * BLOCK;
        while start < max {
            let end = start.saturating_add(BLOCK).min(max);
            for pid in start..end {
                if known.binary_search(&pid).is_ok() {
                    continue;
                }
                if quick_alive(pid) || by_name(root, pid) {
                    found.push((pid, probe(root, pid)));
                }
            }
            start = start.saturating_add(BLOCK * threads);
        }
        found
    };
    let mut all: Vec<(Pid, Vec<PidView>)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads).map(|t| s.spawn(move || work(t))).collect();
        hs.into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    all.sort_unstable_by_key(|(p, _)| *p);
    all
}

fn quick_alive(pid: Pid) -> bool {
    let Some(p) = RPid::from_raw(pid as i32) else {
        return false;
    };
    !matches!(rustix::process::test_kill_process(p), Err(Errno::SRCH))
        || rustix::process::getpgid(Some(p)).is_ok()
}

fn by_name(root: &ProcRoot, pid: Pid) -> bool {
    let name = pid.to_string();
    rustix::fs::statat(&root.dir, name.as_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok()
}

/// The raw files of one `/proc` entry the cross-view needs: `stat`, the `task/` ids, and the
/// text of every `task/TID/children`.
#[derive(Debug, Default)]
pub struct RawEntry {
    pub stat: Option<Vec<u8>>,
    pub tids: Vec<Pid>,
    pub children: Vec<u8>,
}

/// Read the [`RawEntry`] of `pid` in `root` (missing parts stay empty).
pub fn raw_entry(root: &ProcRoot, pid: Pid) -> RawEntry {
    let mut e = RawEntry::default();
    let Ok(d) = root.process(pid) else { return e };
    e.stat = d.read("stat").ok();
    if let Ok(task) = d.sub("task") {
        let _ = task.for_each_entry(|name| {
            if let Some(tid) = std::str::from_utf8(name.to_bytes())
                .ok()
                .and_then(|n| n.parse().ok())
            {
                e.tids.push(tid);
            }
        });
        for tid in &e.tids {
            if let Ok(c) = task.read(&format!("{tid}/children")) {
                e.children.extend_from_slice(&c);
                e.children.push(b' ');
            }
        }
    }
    e
}

/// `stat` and `status` of `pid` in `root` (a lookup by name: works for a pid the listing
/// hides, and for a thread id).
pub fn stat_status(root: &ProcRoot, pid: Pid) -> Option<(Vec<u8>, Vec<u8>)> {
    let d: PidDir = root.process(pid).ok()?;
    Some((d.read("stat").ok()?, d.read("status").ok()?))
}

/// procscope's own mount table (`self/mountinfo` of a live root).
pub fn self_mountinfo(root: &ProcRoot) -> io::Result<Vec<u8>> {
    root.read("self/mountinfo")
}

/// The path the proc root is mounted at, as mountinfo spells it (symlinks resolved).
pub fn mount_point(root: &ProcRoot) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    std::fs::canonicalize(root.path())
        .unwrap_or_else(|_| root.path().to_path_buf())
        .as_os_str()
        .as_bytes()
        .to_vec()
}

/// Whether procscope may look at every process: effective uid 0 (the probes and the
/// clean view need it; unprivileged, other users' entries may be hidden by `hidepid`).
pub fn privileged() -> bool {
    rustix::process::geteuid().is_root()
}
