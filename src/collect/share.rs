//! What a scan stores once: identical cgroup and namespace sets are shared between processes,
//! and an environ block that did not change since the previous snapshot is shared with it.

use super::parse;
use crate::model::{Cgroup, Environ, Fd, Pid, Process, Snapshot};
use crate::source::TargetStat;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Parsed `cgroup` files by their text.
type CgroupsByText = HashMap<Box<[u8]>, Arc<Vec<Cgroup>>>;

/// What stat said of an fd target, by mount namespace, root and link text.
type StatsByPath = HashMap<(u64, Box<[u8]>), TargetStat>;

/// At most this many targets are remembered (a host of unique paths gains nothing).
const MAX_STATS: usize = 4096;

/// Interning tables of one scan, used by every worker.
#[derive(Default)]
pub struct Shared<'a> {
    cgroups: Mutex<CgroupsByText>,
    namespaces: Mutex<HashSet<Arc<BTreeMap<String, u64>>>>,
    stats: Mutex<StatsByPath>,
    /// The snapshot this scan replaces, whose unchanged environ blocks are reused.
    previous: Option<&'a Snapshot>,
    /// The architecture whose table names the threads' syscalls (none: numbers only).
    pub arch: Option<crate::analysis::syscall::Arch>,
    /// Whether the root is the running kernel's procfs.
    pub live: bool,
    /// Bytes per page, for `stat`'s resident pages.
    pub page_size: u64,
}

impl<'a> Shared<'a> {
    pub fn new(previous: Option<&'a Snapshot>) -> Shared<'a> {
        Shared {
            previous,
            ..Shared::default()
        }
    }

    /// The cgroups in the text of a `cgroup` file, shared with any process whose file reads
    /// the same.
    pub fn cgroups(&self, text: &[u8]) -> Result<Arc<Vec<Cgroup>>, parse::ParseError> {
        let mut map = self.cgroups.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(text) {
            return Ok(c.clone());
        }
        let c = Arc::new(parse::cgroups(text)?);
        map.insert(text.into(), c.clone());
        Ok(c)
    }

    /// `ns`, shared with any process in the same namespaces.
    pub fn namespaces(&self, ns: BTreeMap<String, u64>) -> Arc<BTreeMap<String, u64>> {
        let mut set = self.namespaces.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = set.get(&ns) {
            return n.clone();
        }
        let n = Arc::new(ns);
        set.insert(n.clone());
        n
    }

    /// The stat of the target an fd link names as `target`, seen by a process in mount
    /// namespace `mnt` with root `root`: stat'ed by `stat` once per scan. why: a host's
    /// processes hold the same few paths (`/dev/null`, `/dev/pts/0`, shared logs), and the same
    /// text in the same mount namespace and root names the same file; a deleted file's text
    /// does not, nor do `/proc` paths, so those are stat'ed each time.
    pub fn stat_of(
        &self,
        mnt: u64,
        root: &[u8],
        target: &[u8],
        stat: impl FnOnce() -> Option<TargetStat>,
    ) -> Option<TargetStat> {
        if target.ends_with(b" (deleted)") || target.starts_with(b"/proc/") {
            return stat();
        }
        let mut key = Vec::with_capacity(root.len() + 1 + target.len());
        key.extend_from_slice(root);
        key.push(0);
        key.extend_from_slice(target);
        let key = (mnt, key.into_boxed_slice());
        if let Some(s) = self
            .stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Some(*s);
        }
        let got = stat()?;
        let mut map = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() < MAX_STATS {
            map.insert(key, got);
        }
        Some(got)
    }

    /// The fds read for (`pid`, `start_time`): the previous snapshot's list when the same
    /// process held the same fds (the peers are checked again by the socket join).
    pub fn fds(&self, pid: Pid, start_time: u64, fds: Vec<Fd>) -> Arc<Vec<Fd>> {
        let same = |a: &Fd, b: &Fd| {
            a.fd == b.fd && a.kind == b.kind && a.inode == b.inode && a.target == b.target
        };
        match self
            .previous_of(pid, start_time)
            .and_then(|p| p.fds.as_ref())
        {
            Some(old)
                if old.len() == fds.len() && old.iter().zip(&fds).all(|(a, b)| same(a, b)) =>
            {
                old.clone()
            }
            _ => Arc::new(fds),
        }
    }

    /// The same process in the previous snapshot.
    fn previous_of(&self, pid: Pid, start_time: u64) -> Option<&'a Process> {
        self.previous
            .and_then(|s| s.process(pid))
            .filter(|p| p.start_time == start_time)
    }

    /// The environ read for (`pid`, `start_time`) as `raw`: the previous snapshot's block when
    /// the same process had the same bytes there.
    pub fn environ(&self, pid: Pid, start_time: u64, raw: &[u8]) -> Environ {
        let old = self
            .previous_of(pid, start_time)
            .and_then(|p| p.environ.as_ref());
        match old {
            Some(e) if e.is_raw(raw) => e.clone(),
            _ => Environ::from_raw(raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::FileType;
    use std::cell::Cell;

    #[test]
    fn a_path_is_stated_once_per_mount_namespace_and_root() {
        let s = Shared::default();
        let calls = Cell::new(0);
        let stat = |ino: u64| {
            calls.set(calls.get() + 1);
            Some(TargetStat {
                file_type: FileType::CharacterDevice,
                inode: ino,
            })
        };
        let ino = |r: Option<TargetStat>| r.map(|t| t.inode);
        assert_eq!(ino(s.stat_of(1, b"/", b"/dev/null", || stat(5))), Some(5));
        assert_eq!(ino(s.stat_of(1, b"/", b"/dev/null", || stat(6))), Some(5));
        assert_eq!(calls.get(), 1);
        // Another mount namespace or root: another file, stat'ed again.
        assert_eq!(ino(s.stat_of(2, b"/", b"/dev/null", || stat(7))), Some(7));
        assert_eq!(
            ino(s.stat_of(1, b"/srv", b"/dev/null", || stat(8))),
            Some(8)
        );
        // A deleted file's text and /proc paths are never shared.
        for _ in 0..2 {
            s.stat_of(1, b"/", b"/tmp/x (deleted)", || stat(9));
            s.stat_of(1, b"/", b"/proc/7/stat", || stat(9));
        }
        assert_eq!(calls.get(), 7);
        // A failed stat is not remembered.
        assert!(s.stat_of(1, b"/", b"/gone", || None).is_none());
        assert_eq!(ino(s.stat_of(1, b"/", b"/gone", || stat(3))), Some(3));
    }
}
