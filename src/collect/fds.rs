//! One process's fds: each `fd/N` link read and classified by its text and a stat of its
//! target (shared per mount namespace and root), and the open flags of file fds from `fdinfo/N`.

use super::parse;
use super::process::{note, zombie_aware};
use super::share::Shared;
use crate::model::{Bytes, Fd, FdKind, Process};
use crate::source::PidDir;
use rustix::fs::FileType;

/// Classify an fd from its link text, and for paths from a stat of its target when available.
pub fn classify(target: &[u8], stat: Option<FileType>) -> (FdKind, Option<u64>) {
    if let Some(ino) = parse::bracket_inode(target, b"socket:") {
        return (FdKind::Socket, Some(ino));
    }
    if let Some(ino) = parse::bracket_inode(target, b"pipe:") {
        return (FdKind::Pipe, Some(ino));
    }
    if target.starts_with(b"anon_inode:") {
        return (FdKind::AnonInode, None);
    }
    if target.starts_with(b"/memfd:") {
        return (FdKind::Memfd, None);
    }
    if !target.starts_with(b"/") {
        return (FdKind::Other, None);
    }
    let kind = match stat {
        Some(FileType::Directory) => FdKind::Dir,
        Some(FileType::CharacterDevice) | Some(FileType::BlockDevice) => FdKind::Device,
        Some(FileType::Fifo) => FdKind::Fifo,
        Some(FileType::Socket) => FdKind::Socket,
        Some(_) => FdKind::File,
        None if target.starts_with(b"/dev/")
            && !target.starts_with(b"/dev/shm/")
            && !target.starts_with(b"/dev/mqueue/") =>
        {
            FdKind::Device
        }
        None => FdKind::File,
    };
    (kind, None)
}

/// Reads the fds of `p` from `fd/`: each link, classified (with a stat of its target when
/// `stat_fds`), and their open flags when `flags`.
pub(super) fn read_fds(d: &PidDir, p: &mut Process, stat_fds: bool, flags: bool, shared: &Shared) {
    let dir = match d.sub("fd") {
        Ok(dir) => dir,
        Err(e) => {
            let why = zombie_aware(d, p, &e);
            note(p, "fds", why);
            return;
        }
    };
    let mut fds = Vec::new();
    let mut unresolved = 0;
    // why: the stat of a path is shared within one mount namespace and root (`Shared::stat_of`).
    let mnt = p.namespaces.get("mnt").copied();
    let root = p.root.as_ref().map(|r| r.as_bytes().to_vec());
    let root = root.as_deref();
    let listed = dir.for_each_entry(|name| {
        let Some(num) = std::str::from_utf8(name.to_bytes())
            .ok()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            return;
        };
        let Ok(target) = dir.read_link_c(name) else {
            // why: the fd exists but its link is unreadable (closed meanwhile, or denied).
            unresolved += 1;
            return;
        };
        let st = if stat_fds && target.starts_with(b"/") {
            match (mnt, root) {
                (Some(m), Some(r)) => {
                    shared.stat_of(m, r, &target, || dir.stat_target_c(name).ok())
                }
                _ => dir.stat_target_c(name).ok(),
            }
        } else {
            None
        };
        let (kind, ino) = classify(&target, st.map(|s| s.file_type));
        let inode = ino.or(st.map(|s| s.inode));
        fds.push(Fd {
            fd: num,
            kind,
            target: Bytes(target),
            inode,
            peers: Vec::new(),
        });
    });
    p.fds_unresolved += unresolved;
    if flags {
        p.fd_flags = fd_flags(d, &fds);
    }
    if let Err(e) = listed {
        note(p, "fds", d.why(&e));
        return;
    }
    fds.sort_unstable_by_key(|f| f.fd);
    p.fds = Some(shared.fds(p.pid, p.start_time, fds));
}

/// Open flags of the file, directory and memfd fds from `fdinfo/N`: one small read each, and
/// none for sockets, pipes and devices (most of a busy host's fds).
fn fd_flags(d: &PidDir, fds: &[Fd]) -> Vec<(i32, u32)> {
    let mut out: Vec<(i32, u32)> = fds
        .iter()
        .filter(|f| matches!(f.kind, FdKind::File | FdKind::Dir | FdKind::Memfd))
        .filter_map(|f| {
            let b = d.read(&format!("fdinfo/{}", f.fd)).ok()?;
            Some((f.fd, parse::fdinfo_flags(&b)?))
        })
        .collect();
    out.sort_unstable();
    out
}
