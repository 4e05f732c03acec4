//! Exe integrity and preload/mapped-library facts of one process, read on demand (never in a
//! scan): the running image's digest against the file at its path in the process's root,
//! the overlay upper layer, `maps`, `/etc/ld.so.preload` and the loader's variables.

use super::parse;
use crate::analysis::integrity::{
    exe_findings, exe_verdicts, library_findings, map_flags, process_hidden_findings,
};
use crate::model::{
    Bytes, ExeIntegrity, Libraries, Process, ProcessIntegrity, Snapshot, Unavailable,
};
use crate::source::ProcRoot;
use crate::source::integrity::exe as src;
use crate::source::rootfs::RootFsError;

fn why_root(e: &RootFsError) -> Unavailable {
    match e {
        RootFsError::Gone => Unavailable::Gone,
        RootFsError::Denied => Unavailable::Denied,
        RootFsError::NotFound(_) => Unavailable::Missing,
        e => Unavailable::Unparsable(e.to_string()),
    }
}

/// Whether `/proc/PID` of `root` is still the process `p` (same start time).
fn same_process(root: &ProcRoot, p: &Process) -> Option<crate::source::PidDir> {
    let d = root.process(p.pid).ok()?;
    let stat = d.read("stat").ok()?;
    let s = crate::collect::parse::stat(&stat).ok()?;
    (s.start_time == p.start_time).then_some(d)
}

/// The exe integrity of `p`, read from `root` (live), with its verdicts.
pub fn exe_integrity(root: &ProcRoot, p: &Process) -> ExeIntegrity {
    let mut ex = ExeIntegrity {
        exe: p.exe.clone(),
        ..ExeIntegrity::default()
    };
    let Some(d) = same_process(root, p) else {
        ex.unavailable.insert("running".into(), Unavailable::Gone);
        return ex;
    };
    match src::running_exe(&d, src::HASH_CAP) {
        Ok(x) => ex.running = Some(x),
        Err(e) => {
            ex.unavailable.insert("running".into(), d.why(&e));
        }
    }
    let Some(exe) = p.exe.as_ref().filter(|e| !e.memfd) else {
        ex.verdicts = exe_verdicts(&ex);
        return ex;
    };
    match src::on_disk(root, p.pid, exe.path.as_bytes(), src::HASH_CAP) {
        Ok(x) => ex.on_disk = x,
        Err(e) => {
            ex.unavailable.insert("on_disk".into(), why_root(&e));
        }
    }
    match d.read("mountinfo") {
        Ok(text) => overlay(&mut ex, &text, exe.path.as_bytes()),
        Err(e) => {
            ex.unavailable.insert("overlay".into(), d.why(&e));
        }
    }
    ex.verdicts = exe_verdicts(&ex);
    ex
}

/// Whether `path` lies in the upper directory of the overlay mount holding it (`Ok(false)`
/// when that mount is not an overlay); `None` when no mount of `mounts` holds it.
pub fn overlay_upper(mounts: &[parse::Mount], path: &[u8]) -> Option<std::io::Result<bool>> {
    let m = parse::mount_of(mounts, path)?;
    if m.fs_type != b"overlay" {
        return Some(Ok(false));
    }
    let Some(upper) = parse::option(&m.super_options, b"upperdir") else {
        return Some(Ok(false));
    };
    // why: the path inside the mount is its path below the mount point, under the mount's root.
    let below = if m.mount_point == b"/" {
        path
    } else {
        &path[m.mount_point.len().min(path.len())..]
    };
    let mut inner = m.root.clone();
    inner.extend_from_slice(below);
    Some(src::in_upper(upper, &inner))
}

/// Set `overlay_upper` from the process's mount table: whether the mount holding `path` is
/// an overlay whose upperdir holds the file.
fn overlay(ex: &mut ExeIntegrity, mountinfo: &[u8], path: &[u8]) {
    match overlay_upper(&parse::mountinfo(mountinfo), path) {
        None => {}
        Some(Ok(b)) => ex.overlay_upper = Some(b),
        Some(Err(e)) => {
            ex.unavailable
                .insert("overlay".into(), Unavailable::Unparsable(e.to_string()));
        }
    }
}

/// The preload settings and mapped files of `p`, each mapped file flagged.
pub fn libraries(root: &ProcRoot, p: &Process) -> Libraries {
    let mut l = Libraries {
        ld_preload: p.env("LD_PRELOAD").map(Bytes::from),
        ld_library_path: p.env("LD_LIBRARY_PATH").map(Bytes::from),
        ..Libraries::default()
    };
    match same_process(root, p) {
        Some(d) => match d.read("maps") {
            Ok(text) => l.maps = parse::maps(&text),
            Err(e) => {
                l.unavailable.insert("maps".into(), d.why(&e));
            }
        },
        None => {
            l.unavailable.insert("maps".into(), Unavailable::Gone);
        }
    }
    let exe = p.exe.as_ref().map(|e| e.path.as_bytes());
    for m in &mut l.maps {
        m.flags = map_flags(m, exe);
    }
    match preload_entries(root, p.pid) {
        Ok(list) => l.ld_so_preload = list,
        Err(why) => {
            l.unavailable.insert("ld_so_preload".into(), why);
        }
    }
    l
}

/// The non-comment entries of `/etc/ld.so.preload` in the root of `pid` (none when absent).
pub fn preload_entries(root: &ProcRoot, pid: crate::model::Pid) -> Result<Vec<Bytes>, Unavailable> {
    let mut out = Vec::new();
    match src::ld_so_preload(root, pid) {
        Ok(Some(b)) => {
            for line in b.split(|&c| c == b'\n') {
                let line = line.split(|&c| c == b'#').next().unwrap_or_default();
                out.extend(
                    line.split(|c| c.is_ascii_whitespace())
                        .filter(|w| !w.is_empty())
                        .map(Bytes::from),
                );
            }
            Ok(out)
        }
        Ok(None) => Ok(out),
        Err(e) => Err(why_root(&e)),
    }
}

/// `/etc/ld.so.preload` of every distinct root of a live snapshot (by mount namespace and root
/// link), read once through its oldest readable process: (that process, its entries) for each
/// root whose file lists something, with how many processes share the root.
pub fn preloads(snap: &Snapshot) -> Vec<(crate::model::Pid, Vec<Bytes>, usize)> {
    let Some(root) = snap
        .meta
        .live
        .then(|| ProcRoot::open(std::path::Path::new(&snap.meta.source)).ok())
        .flatten()
    else {
        return Vec::new();
    };
    let mut roots: std::collections::BTreeMap<(u64, Vec<u8>), Vec<&Process>> = Default::default();
    for p in snap.processes.iter().filter(|p| !p.kernel_thread) {
        let (Some(&mnt), Some(r)) = (p.namespaces.get("mnt"), p.root.as_ref()) else {
            continue;
        };
        roots
            .entry((mnt, r.as_bytes().to_vec()))
            .or_default()
            .push(p);
    }
    let mut out = Vec::new();
    for members in roots.values() {
        let mut oldest: Vec<&&Process> = members.iter().collect();
        oldest.sort_by_key(|p| (p.start_time, p.pid));
        let first =
            (oldest.iter()).find_map(|p| preload_entries(&root, p.pid).ok().map(|l| (p.pid, l)));
        if let Some((pid, list)) = first
            && !list.is_empty()
        {
            out.push((pid, list, members.len()));
        }
    }
    out
}

/// The integrity of snapshot process `p` read from the live system the snapshot came from
/// (through a clean procfs view for a hidden process): libraries always, the exe digest and
/// verdicts when `hash`, and the findings of both. `None` when the snapshot is not live.
pub fn for_process(snap: &Snapshot, p: &Process, hash: bool) -> Option<ProcessIntegrity> {
    if !snap.meta.live {
        return None;
    }
    let root = if p.hidden.is_some() {
        crate::source::integrity::clean_proc().ok()?
    } else {
        ProcRoot::open(std::path::Path::new(&snap.meta.source)).ok()?
    };
    let libraries = libraries(&root, p);
    let mut findings = library_findings(p, &libraries);
    let exe = hash.then(|| exe_integrity(&root, p));
    if let Some(ex) = &exe {
        findings.extend(exe_findings(p, ex));
    }
    findings.extend(process_hidden_findings(p));
    Some(ProcessIntegrity {
        exe,
        libraries,
        findings,
    })
}
