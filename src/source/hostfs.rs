//! Files of the host's runtime state (container runtimes' `config.json`), read beneath a host
//! root: resolved inside it (RESOLVE_IN_ROOT, no magic links), regular files only, capped.

use rustix::fd::OwnedFd;
use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Largest runtime state file read.
pub const STATE_CAP: u64 = 1 << 20;

/// A host root directory (`/`, or `<host>` for a proc root at `<host>/proc`).
#[derive(Debug)]
pub struct HostRoot {
    dir: OwnedFd,
}

/// The host root that belongs to a proc root: `/` for `/proc`, the parent of `<host>/proc`,
/// none for any other directory (a fixture tree has no host state).
pub fn host_root_of(proc_root: &Path) -> Option<PathBuf> {
    if proc_root == Path::new("/proc") {
        return Some(PathBuf::from("/"));
    }
    if proc_root.file_name()? == "proc" {
        return proc_root.parent().map(Path::to_path_buf);
    }
    None
}

impl HostRoot {
    pub fn open(path: &Path) -> io::Result<HostRoot> {
        let dir = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(HostRoot { dir })
    }

    fn open_beneath(&self, rel: &str, flags: OFlags) -> io::Result<OwnedFd> {
        Ok(rustix::fs::openat2(
            &self.dir,
            rel.trim_start_matches('/'),
            flags | OFlags::CLOEXEC | OFlags::NONBLOCK,
            Mode::empty(),
            ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
        )?)
    }

    /// Read a regular file beneath the root, at most [`STATE_CAP`] bytes.
    pub fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        let fd = self.open_beneath(rel, OFlags::RDONLY | OFlags::NOCTTY)?;
        let st = rustix::fs::fstat(&fd)?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(io::Error::other("not a regular file"));
        }
        let mut buf = Vec::new();
        std::fs::File::from(fd)
            .take(STATE_CAP)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }

    /// Names in a directory beneath the root (at most `max`).
    pub fn list(&self, rel: &str, max: usize) -> io::Result<Vec<String>> {
        let fd = self.open_beneath(rel, OFlags::RDONLY | OFlags::DIRECTORY)?;
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 4096];
        let mut dir = rustix::fs::RawDir::new(&fd, &mut buf);
        let mut out = Vec::new();
        while let Some(e) = dir.next() {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name != "." && name != ".." {
                out.push(name);
            }
            if out.len() >= max {
                break;
            }
        }
        Ok(out)
    }
}
