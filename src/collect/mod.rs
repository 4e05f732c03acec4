//! Builds a [`Snapshot`] from a [`ProcRoot`]: processes read in parallel, sockets once per
//! network namespace, then container identity and namespace marks derived.

pub mod activity;
pub mod diag_rows;
mod fds;
pub mod fleet;
pub mod integrity;
pub mod interesting;
pub mod parse;
pub mod peers;
pub mod process;
pub mod rules;
pub mod runtime_meta;
pub mod share;
pub mod sockets;
pub mod tables;
pub mod upper_layer;

use crate::analysis::container;
use crate::analysis::syscall::Arch;
use crate::model::{Format, Meta, Parts, Process, SCHEMA_VERSION, Snapshot, Stats, Unavailable};
use crate::source::{ProcRoot, SourceError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub use process::ReadOptions;

/// What a scan reads.
#[derive(Debug, Clone)]
pub struct Options {
    /// What to read beyond the tree's own files (`Parts::ALL` for a whole snapshot).
    pub parts: Parts,
    /// Read only these pids (and the tables of their network namespaces); `None` for all.
    pub only: Option<Vec<u32>>,
    /// Read these pids before the others (what is on screen), when listed.
    pub first: Vec<u32>,
    /// Counts the processes read so far, for a progress display.
    pub progress: Option<Arc<AtomicUsize>>,
    /// Worker threads (0 = one per core).
    pub workers: usize,
    /// `--host-root`: where the host's own files are (else the proc root's parent when it is
    /// named `proc`).
    pub host_root: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            parts: Parts::ALL,
            only: None,
            first: Vec::new(),
            progress: None,
            workers: 0,
            host_root: None,
        }
    }
}

/// Scan the proc root at `path`.
pub fn snapshot_at(path: &Path, opt: &Options) -> Result<Snapshot, SourceError> {
    let root = ProcRoot::open(path)?.with_host_root(opt.host_root.as_deref());
    snapshot(&root, opt, None)
}

/// Scan the proc root at `path` again, sharing unchanged data with `previous` (its earlier
/// snapshot), so that holding both costs little more than holding one.
pub fn rescan_at(path: &Path, opt: &Options, previous: &Snapshot) -> Result<Snapshot, SourceError> {
    let root = ProcRoot::open(path)?.with_host_root(opt.host_root.as_deref());
    snapshot(&root, opt, Some(previous))
}

/// Scan `root` into a snapshot, sharing unchanged environ blocks with `previous`.
pub fn snapshot(
    root: &ProcRoot,
    opt: &Options,
    previous: Option<&Snapshot>,
) -> Result<Snapshot, SourceError> {
    let started = Instant::now();
    let taken_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let listed = root.pids().map_err(|e| SourceError::List {
        path: root.path().to_path_buf(),
        source: e,
    })?;
    let asked = asked_pids(root, opt, &listed);
    let mut pids = asked.clone().unwrap_or_else(|| listed.clone());
    first_things_first(&mut pids, &opt.first);
    let parts = opt.parts;
    let read = ReadOptions::new(parts, root.is_live());
    // why: the socket tables (megabytes of text on a busy host) are read by a third thread
    // while the workers scan processes; other namespaces' tables are read afterwards.
    let ((mut processes, vanished), pre) = std::thread::scope(|s| {
        let pre = s.spawn(|| first_tables(root, opt, &pids, previous));
        let mut shared = share::Shared::new(previous);
        shared.arch = activity::arch(root).as_deref().and_then(Arch::from_machine);
        shared.live = root.is_live();
        shared.page_size = page_size(root);
        let mut scanned = read_all(root, &pids, read, opt, &shared);
        if parts.hidden {
            // why: with `only`, the pids asked for stand for the listing (sorted, as it is).
            let (scope, only) = match &asked {
                Some(asked) => (asked, Some(&asked[..])),
                None => (&listed, None),
            };
            integrity::merge_masked(root, scope, &mut scanned.0, read, &shared, only);
        }
        (scanned, pre.join().ok().flatten())
    });
    let mut meta = meta(root, taken_at);
    meta.collected = parts;
    meta.only = opt.only.clone().unwrap_or_default();
    derive(root, &meta, &mut processes);
    if root.is_live() && parts.links && parts.namespaces {
        upper_layer::mark(root, &mut processes);
    }
    let (sockets, netns) = if parts.sockets {
        sockets::collect(root, &mut processes, pre)
    } else {
        Default::default()
    };
    let stats = stats(&processes, vanished);
    meta.scan_ms = started.elapsed().as_millis() as u64;
    Ok(Snapshot {
        format: Format,
        schema: SCHEMA_VERSION,
        meta,
        processes,
        sockets,
        netns,
        stats,
    })
}

/// With `--only`, the pids to read: those asked for and the reference process, sorted, each
/// once; `None` when every listed pid is read.
fn asked_pids(root: &ProcRoot, opt: &Options, listed: &[u32]) -> Option<Vec<u32>> {
    let only = opt.only.as_ref()?;
    // why: pid 1 and procscope itself are the reference for "namespaced" (see
    // `reference_namespaces`), so a scan of a few pids reads them too.
    let me = if root.is_live() && !listed.contains(&1) {
        self_pid()
    } else {
        1
    };
    // why: a pid asked for is read even when the listing leaves it out (a process
    // hidden from readdir is still reachable by its pid).
    let mut keep: Vec<u32> = only.iter().copied().chain([me]).collect();
    keep.sort_unstable();
    keep.dedup();
    Some(keep)
}

/// The socket tables of the first network namespace (the first `--only` pid's, else
/// procscope's own on the live system, else the first pid's), when sockets are read.
fn first_tables(
    root: &ProcRoot,
    opt: &Options,
    pids: &[u32],
    previous: Option<&Snapshot>,
) -> Option<sockets::Tables> {
    if !opt.parts.sockets {
        return None;
    }
    let seed = if root.is_live() {
        self_pid()
    } else {
        pids.first().copied().unwrap_or(0)
    };
    let seed = opt
        .only
        .as_ref()
        .and_then(|o| o.first().copied())
        .unwrap_or(seed);
    let ns = root.process(seed).ok()?.read_link("ns/net").ok()?;
    let expect = previous.map_or(0, |p| p.sockets.len());
    sockets::read_tables_sized(root, seed, parse::ns_inode(&ns)?, expect)
}

/// What is derived once every process is read: user and group names, start times, container
/// identity and the "namespaced" mark.
fn derive(root: &ProcRoot, meta: &Meta, processes: &mut [Process]) {
    // why: names come from the host's files (beneath the host root: `/host/etc/passwd` for
    // `--proc-root /host/proc`); a copied tree with no host root gets none rather than the
    // wrong users'.
    let names = |file: &str| {
        root.host_file(file)
            .map(|b| parse::passwd(&b))
            .unwrap_or_default()
    };
    let (users, groups) = (names("/etc/passwd"), names("/etc/group"));
    let reference = reference_namespaces(processes, meta.self_pid);
    for p in processes.iter_mut() {
        p.uid.real_name = users.get(&p.uid.real).cloned();
        p.uid.effective_name = users.get(&p.uid.effective).cloned();
        p.gid.real_name = groups.get(&p.gid.real).cloned();
        p.gid.effective_name = groups.get(&p.gid.effective).cloned();
        if let Some(bt) = meta.boot_time {
            p.started_at = Some(bt + p.start_time / meta.ticks_per_second.max(1));
        }
        p.container = container::identify(&p.cgroups);
        p.namespaced = container::is_namespaced(p, &reference);
    }
}

/// Move the listed pids of `first` to the front of `pids`, in their order (each once).
fn first_things_first(pids: &mut Vec<u32>, first: &[u32]) {
    if first.is_empty() {
        return;
    }
    let listed: std::collections::HashSet<u32> = pids.iter().copied().collect();
    let mut seen = std::collections::HashSet::new();
    let mut front: Vec<u32> = (first.iter().copied())
        .filter(|p| listed.contains(p) && seen.insert(*p))
        .collect();
    pids.retain(|p| !seen.contains(p));
    front.append(pids);
    *pids = front;
}

fn read_all(
    root: &ProcRoot,
    pids: &[u32],
    read: ReadOptions,
    opt: &Options,
    shared: &share::Shared,
) -> (Vec<Process>, usize) {
    let (opt, workers, progress) = (read, opt.workers, opt.progress.as_deref());
    let n = if workers == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        workers
    };
    let next = AtomicUsize::new(0);
    let out = Mutex::new((Vec::with_capacity(pids.len()), 0usize));
    std::thread::scope(|s| {
        for _ in 0..n.max(1) {
            s.spawn(|| {
                // why: sized up front, so no doubling copies of a growing list (megabytes
                // at 10,000 processes) sit in freed memory at the scan's peak.
                let mut mine = Vec::with_capacity(pids.len() / n.max(1) + 64);
                let mut gone = 0;
                loop {
                    // why: small chunks balance the load; a few processes hold most fds.
                    let i = next.fetch_add(16, Ordering::Relaxed);
                    if i >= pids.len() {
                        break;
                    }
                    for &pid in &pids[i..(i + 16).min(pids.len())] {
                        match process::read(root, pid, opt, shared) {
                            process::Read::Ok(p) => mine.push(*p),
                            process::Read::Vanished => gone += 1,
                        }
                        if let Some(c) = progress {
                            c.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                let mut o = out.lock().unwrap_or_else(|e| e.into_inner());
                o.0.append(&mut mine);
                o.1 += gone;
            });
        }
    });
    let (mut procs, gone) = out.into_inner().unwrap_or_else(|e| e.into_inner());
    procs.sort_unstable_by_key(|p: &Process| p.pid);
    (procs, gone)
}

/// The namespaces a process is compared against to be called namespaced: pid 1's when
/// readable, else procscope's own, else the most common ones.
fn reference_namespaces(procs: &[Process], self_pid: u32) -> container::Reference {
    let find = |pid: u32| procs.iter().find(|p| p.pid == pid);
    let pick = |kind: &str| -> Option<u64> {
        if let Some(v) = find(1).and_then(|p| p.namespaces.get(kind)) {
            return Some(*v);
        }
        if let Some(v) = find(self_pid).and_then(|p| p.namespaces.get(kind)) {
            return Some(*v);
        }
        let mut counts: HashMap<u64, usize> = HashMap::new();
        for p in procs {
            if let Some(v) = p.namespaces.get(kind) {
                *counts.entry(*v).or_default() += 1;
            }
        }
        counts.into_iter().max_by_key(|(_, c)| *c).map(|(v, _)| v)
    };
    container::Reference {
        mnt: pick("mnt"),
        pid: pick("pid"),
    }
}

fn text(root: &ProcRoot, rel: &str) -> Option<String> {
    let b = root.read(rel).ok()?;
    let s = String::from_utf8_lossy(&b).trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn meta(root: &ProcRoot, taken_at: u64) -> Meta {
    let boot_time = root.read("stat").ok().and_then(|b| {
        String::from_utf8_lossy(&b)
            .lines()
            .find_map(|l| l.strip_prefix("btime ")?.trim().parse().ok())
    });
    let self_pid = if root.is_live() { self_pid() } else { 0 };
    Meta {
        procscope_version: env!("CARGO_PKG_VERSION").to_string(),
        source: root.path().display().to_string(),
        live: root.is_live(),
        taken_at,
        hostname: text(root, "sys/kernel/hostname"),
        kernel: text(root, "sys/kernel/osrelease"),
        boot_id: text(root, "sys/kernel/random/boot_id"),
        boot_time,
        ticks_per_second: if root.is_live() {
            procfs::ticks_per_second()
        } else {
            100
        },
        scan_ms: 0,
        // why: values are raw as read; `cli::prepare` masks them and sets this.
        masked: false,
        self_pid,
        arch: activity::arch(root),
        collected: Parts::ALL,
        only: Vec::new(),
    }
}

fn stats(procs: &[Process], vanished: usize) -> Stats {
    let mut s = Stats {
        processes: procs.len(),
        vanished,
        ..Stats::default()
    };
    for p in procs {
        s.threads += p.threads.len();
        s.fds += p.fd_list().len();
        s.unresolved_fds += p.fds_unresolved;
        for why in p.unavailable.values() {
            match why {
                Unavailable::Denied => s.denied_fields += 1,
                Unavailable::Gone => s.gone_fields += 1,
                Unavailable::Missing => s.missing_fields += 1,
                Unavailable::Unparsable(_) => s.unparsable_fields += 1,
                Unavailable::NotCollected => {}
            }
        }
    }
    s
}

/// Bytes per page of the kernel read (the common 4 KiB for a copied tree).
fn page_size(root: &ProcRoot) -> u64 {
    if root.is_live() {
        rustix::param::page_size() as u64
    } else {
        4096
    }
}

fn self_pid() -> u32 {
    rustix::process::getpid().as_raw_nonzero().get() as u32
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_is_on_screen_is_read_first_and_nothing_twice() {
        let mut pids = vec![1, 2, 3, 4, 5, 6];
        // 9 is not listed (gone); 4 is named twice.
        super::first_things_first(&mut pids, &[5, 9, 4, 2, 4]);
        assert_eq!(pids, [5, 4, 2, 1, 3, 6]);
        let mut same = vec![3, 1, 2];
        super::first_things_first(&mut same, &[]);
        assert_eq!(same, [3, 1, 2]);
    }
}
