//! Safe access to a process's root filesystem (`/proc/PID/root`): every path is resolved by the
//! kernel inside the root (`openat2` with `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS`) on a handle
//! to that root, never by joining strings, so absolute symlinks, `..` chains and magic links
//! planted in a container cannot reach the host. Nothing is ever written inside the root.

mod open;
mod read;

use crate::model::{Bytes, DirListing, FsEntry, FsKind, Pid, octal_mode};
use crate::source::ProcRoot;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{FileType, Mode, OFlags, RawDir, ResolveFlags};
use rustix::io::Errno;
use std::mem::MaybeUninit;

pub use read::{FileContent, pseudo_fs_name};

/// Default cap on the bytes read from one file (`fs --cat`).
pub const DEFAULT_MAX_BYTES: u64 = 1 << 20;
/// Most bytes ever read from one file, whatever the caller asks (`--max-bytes` is checked
/// against it; library callers are clamped to it).
pub const MAX_READ_BYTES: u64 = 64 << 20;
/// Most entries ever read from one directory listing.
pub const MAX_LIST_ENTRIES: usize = 1_000_000;
/// Default cap on the entries read from one directory (`fs`, the TUI root browser): a hostile
/// container can hold millions of files in one directory.
pub const DEFAULT_MAX_ENTRIES: usize = 10_000;
/// Most names counted past the entry cap to say how many were not shown. Counting reads names
/// only (about 30 bytes each, a few hundred per `getdents64` call), so this bounds the time.
pub const COUNT_LIMIT: u64 = 1_000_000;

/// Why a container-root operation failed; each message is one line.
#[derive(Debug, thiserror::Error)]
pub enum RootFsError {
    #[error("the process is gone")]
    Gone,
    #[error("permission denied")]
    Denied,
    #[error("{}: no such file or directory", .0.safe())]
    NotFound(Bytes),
    #[error("{}: not a directory", .0.safe())]
    NotADirectory(Bytes),
    #[error("not a regular file ({0}): only regular files are read, nothing else is opened")]
    NotAFile(FsKind),
    #[error(
        "a file of {0}, a kernel pseudo-filesystem: listed, never read (reading it can consume or change kernel state)"
    )]
    PseudoFs(&'static str),
    #[error("{}: symlink loop or magic link (not followed)", .0.safe())]
    Loop(Bytes),
    #[error(
        "this kernel has no openat2(2) (Linux 5.6 or later is needed to resolve paths safely \
         inside a container root); refusing to read it"
    )]
    Unsupported,
    // why: transparent, not "{0}" with a source: `{:#}` would print the io error twice.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl RootFsError {
    /// Map an errno met while resolving `path` inside the root.
    pub fn from_errno(e: Errno, path: &[u8]) -> Self {
        match e {
            Errno::NOENT => RootFsError::NotFound(Bytes::from(path)),
            Errno::NOTDIR => RootFsError::NotADirectory(Bytes::from(path)),
            Errno::LOOP => RootFsError::Loop(Bytes::from(path)),
            Errno::ACCESS | Errno::PERM => RootFsError::Denied,
            Errno::SRCH => RootFsError::Gone,
            Errno::NOSYS => RootFsError::Unsupported,
            e => RootFsError::Io(e.into()),
        }
    }
}

/// A handle on the root directory of one process, as that process sees it. Processes that
/// share a mount namespace and root share this filesystem: any of their pids gives the same view.
#[derive(Debug)]
pub struct RootFs {
    pid: Pid,
    root: OwnedFd,
}

/// The resolution every lookup uses: `/` and `..` stop at the root, absolute symlinks are
/// taken relative to it, and `/proc/*/root`-style magic links fail with ELOOP.
const RESOLVE: ResolveFlags = ResolveFlags::IN_ROOT.union(ResolveFlags::NO_MAGICLINKS);

/// `path` made relative to the root: leading slashes dropped, empty meaning the root itself.
fn relative(path: &[u8]) -> &[u8] {
    let start = path.iter().position(|&b| b != b'/').unwrap_or(path.len());
    if start == path.len() {
        b"."
    } else {
        &path[start..]
    }
}

/// The last component of `path` (`/` for the root).
fn last_component(path: &[u8]) -> &[u8] {
    let trimmed = match path.iter().rposition(|&b| b != b'/') {
        Some(end) => &path[..=end],
        None => return b"/",
    };
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// `openat2(at, rel, flags, RESOLVE)`. Retried on EAGAIN (the kernel's answer when a rename or
/// mount raced with `..` resolution); with `O_NOATIME` first when `noatime`, so reading does not
/// even touch access times inside the root, then without it when not permitted (EPERM: the
/// caller neither owns the file nor has CAP_FOWNER).
fn open_in<Fd: AsFd>(at: Fd, rel: &[u8], flags: OFlags, noatime: bool) -> Result<OwnedFd, Errno> {
    let attempt = |flags: OFlags| {
        let mut last = Errno::AGAIN;
        for _ in 0..16 {
            match rustix::fs::openat2(&at, rel, flags | OFlags::CLOEXEC, Mode::empty(), RESOLVE) {
                Err(Errno::AGAIN) => continue,
                Err(e) => {
                    last = e;
                    break;
                }
                Ok(fd) => return Ok(fd),
            }
        }
        Err(last)
    };
    if noatime {
        match attempt(flags | OFlags::NOATIME) {
            Err(Errno::PERM) => attempt(flags),
            r => r,
        }
    } else {
        attempt(flags)
    }
}

/// Kind of a file from its `st_mode`.
pub fn kind_of(st_mode: u32) -> FsKind {
    match FileType::from_raw_mode(st_mode) {
        FileType::RegularFile => FsKind::File,
        FileType::Directory => FsKind::Dir,
        FileType::Symlink => FsKind::Symlink,
        FileType::Fifo => FsKind::Fifo,
        FileType::Socket => FsKind::Socket,
        FileType::CharacterDevice => FsKind::CharDevice,
        FileType::BlockDevice => FsKind::BlockDevice,
        _ => FsKind::Other,
    }
}

/// Describe the file an `O_PATH` fd refers to (a symlink itself when opened `O_NOFOLLOW`).
fn entry_of(fd: &OwnedFd, name: &[u8]) -> Result<FsEntry, Errno> {
    let st = rustix::fs::fstat(fd)?;
    let kind = kind_of(st.st_mode);
    // why: readlinkat with an empty path reads the symlink an O_PATH|O_NOFOLLOW fd points
    // at (Linux >= 2.6.39): no second lookup by name that could be raced.
    let link_target = match kind {
        FsKind::Symlink => Some(Bytes::from(
            rustix::fs::readlinkat(fd, c"", Vec::new())?.into_bytes(),
        )),
        _ => None,
    };
    let device = matches!(kind, FsKind::CharDevice | FsKind::BlockDevice)
        .then(|| [rustix::fs::major(st.st_rdev), rustix::fs::minor(st.st_rdev)]);
    Ok(FsEntry {
        name: Bytes::from(name),
        kind,
        size: u64::try_from(st.st_size).unwrap_or(0),
        mode: octal_mode(st.st_mode),
        uid: st.st_uid,
        gid: st.st_gid,
        mtime: st.st_mtime,
        inode: st.st_ino,
        dev: st.st_dev,
        link_target,
        device,
    })
}

impl RootFs {
    /// Open the root of `pid` under `proc_root`. Fails with [`RootFsError::Gone`] when the
    /// process does not exist (or exited), [`RootFsError::Denied`] when its root cannot be
    /// opened, and [`RootFsError::Unsupported`] when the kernel has no `openat2`.
    pub fn open(proc_root: &ProcRoot, pid: Pid) -> Result<RootFs, RootFsError> {
        let errno = |e: &std::io::Error| Errno::from_io_error(e).unwrap_or(Errno::IO);
        let pid_dir = proc_root.process(pid).map_err(|e| match errno(&e) {
            Errno::NOENT | Errno::SRCH => RootFsError::Gone,
            Errno::ACCESS | Errno::PERM => RootFsError::Denied,
            _ => RootFsError::Io(e),
        })?;
        let root = proc_root.open_pid_root(pid).map_err(|e| match errno(&e) {
            // why: a zombie (or a process exiting) keeps its /proc entry but has no root.
            Errno::NOENT | Errno::SRCH => match pid_dir.read("stat") {
                Err(_) => RootFsError::Gone,
                Ok(_) => RootFsError::NotFound(Bytes::from(format!("{pid}/root").as_str())),
            },
            Errno::ACCESS | Errno::PERM => RootFsError::Denied,
            Errno::NOSYS => RootFsError::Unsupported,
            Errno::LOOP | Errno::XDEV | Errno::NOTDIR => RootFsError::Io(std::io::Error::other(
                format!("{pid}/root is not a real directory inside the proc root"),
            )),
            _ => RootFsError::Io(e),
        })?;
        let fs = RootFs { pid, root };
        // why: probe openat2 once now so an old kernel is refused up front with one clear error.
        fs.stat(b"/")?;
        Ok(fs)
    }

    /// The pid this root was opened through.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Describe `path` itself (a symlink is reported as the link, with its target text).
    /// Symlinks on the way to it are followed, inside the root.
    pub fn stat(&self, path: &[u8]) -> Result<FsEntry, RootFsError> {
        let fd = open_in(
            &self.root,
            relative(path),
            OFlags::PATH | OFlags::NOFOLLOW,
            false,
        )
        .map_err(|e| RootFsError::from_errno(e, path))?;
        entry_of(&fd, last_component(path)).map_err(|e| RootFsError::from_errno(e, path))
    }

    /// Describe the file `path` leads to, following a final symlink too (inside the root).
    /// The entry keeps the name of `path`.
    pub fn resolve(&self, path: &[u8]) -> Result<FsEntry, RootFsError> {
        let fd = open_in(&self.root, relative(path), OFlags::PATH, false)
            .map_err(|e| RootFsError::from_errno(e, path))?;
        entry_of(&fd, last_component(path)).map_err(|e| RootFsError::from_errno(e, path))
    }

    /// The entries of directory `path` (a symlink to a directory is followed, inside the root),
    /// without `.` and `..`, at most `max_entries` of them, sorted by name. Entries are
    /// described with `lstat` semantics and never opened for reading: FIFOs, sockets and
    /// devices are only looked at. Past the cap, names are only counted (no lookup, no
    /// allocation), and only up to [`COUNT_LIMIT`]: a directory of millions of entries costs
    /// bounded memory and time.
    pub fn list(&self, path: &[u8], max_entries: usize) -> Result<DirListing, RootFsError> {
        let max_entries = max_entries.min(MAX_LIST_ENTRIES);
        let err = |e| RootFsError::from_errno(e, path);
        let dir = open_in(
            &self.root,
            relative(path),
            OFlags::RDONLY | OFlags::DIRECTORY,
            true,
        )
        .map_err(err)?;
        let mut buf = [MaybeUninit::<u8>::uninit(); 8192];
        let mut raw = RawDir::new(&dir, &mut buf);
        let mut out = Vec::new();
        let mut more: u64 = 0;
        let mut counted_all = true;
        while let Some(item) = raw.next() {
            let item = item.map_err(err)?;
            let name = item.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            if out.len() >= max_entries {
                if more >= COUNT_LIMIT {
                    counted_all = false;
                    break;
                }
                more += 1;
                continue;
            }
            // why: one component relative to the listed directory, opened O_PATH|O_NOFOLLOW
            // and still under RESOLVE_IN_ROOT: describing an entry can neither follow it nor
            // open a FIFO or a device.
            let entry = open_in(&dir, name, OFlags::PATH | OFlags::NOFOLLOW, false)
                .and_then(|fd| entry_of(&fd, name));
            match entry {
                Ok(e) => out.push(e),
                // why: removed between readdir and the lookup; it is simply no longer there.
                Err(Errno::NOENT) => {}
                Err(e) => return Err(err(e)),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        let truncated = more > 0;
        Ok(DirListing {
            path: Bytes::from(path),
            entries: out,
            truncated,
            more: truncated.then_some(more),
            more_exact: truncated.then_some(counted_all),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_to_the_root() {
        assert_eq!(relative(b"/"), b".");
        assert_eq!(relative(b""), b".");
        assert_eq!(relative(b"///etc/passwd"), b"etc/passwd");
        assert_eq!(relative(b"etc"), b"etc");
        assert_eq!(last_component(b"/"), b"/");
        assert_eq!(last_component(b"/etc/passwd"), b"passwd");
        assert_eq!(last_component(b"/etc/pki/"), b"pki");
        assert_eq!(last_component(b"name"), b"name");
    }

    #[test]
    fn errnos_map_to_one_line_errors() {
        let p = b"/etc/x";
        assert!(matches!(
            RootFsError::from_errno(Errno::NOSYS, p),
            RootFsError::Unsupported
        ));
        assert!(matches!(
            RootFsError::from_errno(Errno::LOOP, p),
            RootFsError::Loop(_)
        ));
        assert!(matches!(
            RootFsError::from_errno(Errno::ACCESS, p),
            RootFsError::Denied
        ));
        let msg = RootFsError::from_errno(Errno::NOENT, b"/a\x1b[2Jb").to_string();
        assert_eq!(msg, "/a\\e[2Jb: no such file or directory");
        assert!(!RootFsError::Unsupported.to_string().contains('\n'));
    }
}
