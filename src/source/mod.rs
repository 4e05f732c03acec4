//! The I/O boundary: the only code that touches the filesystem. A proc root (live `/proc`,
//! a copied tree or a test fixture) read through directory fds, never by joining path strings.

pub mod config;
pub mod detect_io;
pub mod hostfs;
pub mod hosts;
pub mod integrity;
pub mod open;
mod pid_dir;
pub mod record;
pub mod rootfs;
pub mod snapshot_file;
pub mod sockdiag;

pub use pid_dir::PidDir;

use crate::model::Pid;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{FileType, Mode, OFlags, RawDir, ResolveFlags};
use rustix::io::Errno;
use std::io::{self, Read};
use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};

/// procfs's filesystem magic (statfs(2)).
const PROC_SUPER_MAGIC: u64 = 0x9fa0;

/// Largest file read from a proc root (environ and cmdline are bounded by ARG_MAX anyway).
pub const READ_CAP: u64 = 16 << 20;

/// Errors opening a proc root.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot open proc root {path}")]
    Open { path: PathBuf, source: io::Error },
    #[error("cannot list proc root {path}")]
    List { path: PathBuf, source: io::Error },
}

/// A directory laid out like `/proc`.
#[derive(Debug)]
pub struct ProcRoot {
    path: PathBuf,
    dir: OwnedFd,
    live: bool,
    /// The root of the host this proc root belongs to (its `/etc/passwd`, its runtime state),
    /// when known: `--host-root`, else the parent of a proc root named `proc` (`/proc` → `/`,
    /// `/host/proc` → `/host`).
    host: Option<PathBuf>,
}

/// An entry of a directory listing: name and, when the filesystem reports it, its type.
#[derive(Debug, Clone)]
pub struct DirEntry {
    pub name: Vec<u8>,
    pub is_dir: bool,
}

/// What `stat` of an fd's target says, used to classify it.
#[derive(Debug, Clone, Copy)]
pub struct TargetStat {
    pub file_type: FileType,
    pub inode: u64,
}

fn open_dir<Fd: AsFd>(at: Fd, rel: &str, live: bool) -> io::Result<OwnedFd> {
    open::open_dir_at(at, rel, live)
}

/// Whether `name` is a pid as the kernel writes it: decimal digits, no sign, no leading zero
/// (`00012` or `+14` in a copied tree would alias pid 12 and 14).
pub fn canonical_pid(name: &[u8]) -> Option<Pid> {
    if name.is_empty() || name.len() > 10 || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if name[0] == b'0' {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

thread_local! {
    // why: one zeroed scratch buffer per scanning thread turns each small /proc file into one
    // read(2) plus the EOF read, with no reallocation; the result is copied out at its exact size.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 << 10]);
}

fn read_at<Fd: AsFd>(at: Fd, rel: &str, live: bool) -> io::Result<Vec<u8>> {
    let fd = open::open_file_at(at, rel, live)?;
    SCRATCH.with(|cell| {
        let Ok(mut buf) = cell.try_borrow_mut() else {
            let mut v = Vec::new();
            std::fs::File::from(fd).take(READ_CAP).read_to_end(&mut v)?;
            return Ok(v);
        };
        let mut len = 0;
        loop {
            if len == buf.len() {
                if len as u64 >= READ_CAP {
                    break;
                }
                let grow = buf.len();
                buf.resize(grow * 2, 0);
            }
            let n = match rustix::io::read(&fd, &mut buf[len..]) {
                Ok(n) => n,
                Err(Errno::INTR) => continue,
                // why: a non-blocking fd that has nothing yet (never a regular file).
                Err(Errno::AGAIN) => break,
                Err(e) => return Err(e.into()),
            };
            if n == 0 {
                break;
            }
            len += n;
        }
        Ok(buf[..len.min(READ_CAP as usize)].to_vec())
    })
}

/// Text of a link, read into an uninitialised stack buffer and copied out at its exact size
/// (the scan reads ~30 links per process: no zeroing, no regrowth); longer texts take the
/// growing path.
fn link_at<Fd: AsFd, P: rustix::path::Arg + Copy>(at: Fd, name: P) -> io::Result<Vec<u8>> {
    // (callers pass one component, or resolve the parent beneath the root first)
    let mut buf = [MaybeUninit::<u8>::uninit(); 4096];
    let (text, rest) = rustix::fs::readlinkat_raw(&at, name, &mut buf)?;
    if !rest.is_empty() {
        return Ok(text.to_vec());
    }
    Ok(rustix::fs::readlinkat(at, name, Vec::new())?.into_bytes())
}

fn list_at<Fd: AsFd>(at: Fd, rel: &str, live: bool) -> io::Result<Vec<DirEntry>> {
    let fd = open_dir(at, rel, live)?;
    list_fd(&fd)
}

fn list_fd(fd: &OwnedFd) -> io::Result<Vec<DirEntry>> {
    let mut buf = [MaybeUninit::<u8>::uninit(); 8192];
    let mut dir = RawDir::new(fd, &mut buf);
    let mut out = Vec::new();
    while let Some(entry) = dir.next() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        out.push(DirEntry {
            name: name.to_vec(),
            is_dir: entry.file_type() == FileType::Directory,
        });
    }
    Ok(out)
}

/// The host root implied by a proc root's path: its parent when it is named `proc`.
fn default_host_root(path: &Path) -> Option<PathBuf> {
    if path.file_name()? != "proc" {
        return None;
    }
    let parent = path.parent()?;
    Some(if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent.to_path_buf()
    })
}

impl ProcRoot {
    /// Open a proc root. Fails with a clear error when it is not a readable directory.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let dir = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| SourceError::Open {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
        let live = rustix::fs::fstatfs(&dir)
            .map(|s| s.f_type as u64 == PROC_SUPER_MAGIC)
            .unwrap_or(false);
        // why: a directory we cannot list is unusable; say so now rather than show no processes.
        list_fd(&dir).map_err(|e| SourceError::List {
            path: path.to_path_buf(),
            source: e,
        })?;
        Ok(ProcRoot {
            path: path.to_path_buf(),
            dir,
            live,
            host: default_host_root(path),
        })
    }

    /// Use `host` as the host root (`--host-root`) instead of the default.
    pub fn with_host_root(mut self, host: Option<&Path>) -> Self {
        if let Some(h) = host {
            self.host = Some(h.to_path_buf());
        }
        self
    }

    /// The host root files like `/etc/passwd` are read beneath, if any.
    pub fn host_root(&self) -> Option<&Path> {
        self.host.as_deref()
    }

    /// The path this root was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this is the running kernel's procfs (not a copy or fixture).
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// Numeric entries of the root, ascending.
    pub fn pids(&self) -> io::Result<Vec<Pid>> {
        let fd = open_dir(&self.dir, ".", self.live)?;
        let mut pids: Vec<Pid> = list_fd(&fd)?
            .into_iter()
            .filter_map(|e| canonical_pid(&e.name))
            .collect();
        pids.sort_unstable();
        Ok(pids)
    }

    /// Read a file relative to the root (`stat`, `sys/kernel/random/boot_id`).
    pub fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        read_at(&self.dir, rel, self.live)
    }

    /// Open `PID/`. Fails when the process is gone.
    pub fn process(&self, pid: Pid) -> io::Result<PidDir> {
        let dir = open_dir(&self.dir, &pid.to_string(), self.live)?;
        Ok(PidDir {
            pid,
            dir,
            live: self.live,
        })
    }

    /// Open `PID/root` as an `O_PATH` directory handle, the anchor of [`rootfs::RootFs`].
    /// On live procfs this deliberately follows the magic link into the process's root as the
    /// process sees it (its mount namespace). In a copy or fixture, `PID/root` must be a real
    /// directory below this proc root: no symlink is followed, so a copied tree cannot send
    /// procscope to the host's `/`.
    pub fn open_pid_root(&self, pid: Pid) -> io::Result<OwnedFd> {
        let rel = format!("{pid}/root");
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        if self.live {
            Ok(rustix::fs::openat(
                &self.dir,
                rel.as_str(),
                flags,
                Mode::empty(),
            )?)
        } else {
            Ok(rustix::fs::openat2(
                &self.dir,
                rel.as_str(),
                flags,
                Mode::empty(),
                ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS,
            )?)
        }
    }

    /// Read a host file (e.g. `/etc/passwd` for user names), resolved inside the host root as
    /// if it were `/` (absolute links and `..` stay beneath it), regular files only, capped.
    /// `NotFound` when no host root is known.
    pub fn host_file(&self, path: &str) -> io::Result<Vec<u8>> {
        let Some(host) = &self.host else {
            return Err(io::ErrorKind::NotFound.into());
        };
        let dir = rustix::fs::open(
            host,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let rel = path.trim_start_matches('/');
        let fd = rustix::fs::openat2(
            &dir,
            rel,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
            ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
        )?;
        // why: a FIFO or device planted at a host path must not be read (it could block).
        if !rustix::fs::FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode).is_file() {
            return Err(io::Error::other(format!("{path} is not a regular file")));
        }
        let mut buf = Vec::new();
        std::fs::File::from(fd)
            .take(READ_CAP)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }
}
