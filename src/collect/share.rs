//! What a scan stores once: identical cgroup and namespace sets are shared between processes,
//! and an environ block that did not change since the previous snapshot is shared with it.

use super::parse;
use crate::model::{Cgroup, Environ, Fd, Pid, Process, Snapshot};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Parsed `cgroup` files by their text.
type CgroupsByText = HashMap<Box<[u8]>, Arc<Vec<Cgroup>>>;

/// Interning tables of one scan, used by every worker.
#[derive(Default)]
pub struct Shared<'a> {
    cgroups: Mutex<CgroupsByText>,
    namespaces: Mutex<HashSet<Arc<BTreeMap<String, u64>>>>,
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
