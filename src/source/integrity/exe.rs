//! The running executable read through `/proc/PID/exe` (so deleted and memfd images are read
//! too), the file at its path inside the process's root, the overlay upper layer, `maps` and
//! `/etc/ld.so.preload`. Only regular files are read, capped; nothing is written.

use crate::model::{FileDigest, Pid};
use crate::source::rootfs::{RootFs, RootFsError};
use crate::source::{PidDir, ProcRoot};
use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// Largest file hashed (256 MiB); a larger one is described without its digest.
pub const HASH_CAP: u64 = 256 << 20;

/// Hash an open regular file (dev, inode, size from `fstat`; no digest past `cap`).
pub fn digest_file(file: std::fs::File, cap: u64) -> io::Result<FileDigest> {
    let st = rustix::fs::fstat(&file)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(io::Error::other("not a regular file"));
    }
    let size = u64::try_from(st.st_size).unwrap_or(0);
    let mut d = FileDigest {
        dev: st.st_dev,
        inode: st.st_ino,
        size,
        sha256: None,
    };
    if size > cap {
        return Ok(d);
    }
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    let mut r = file.take(cap);
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
    }
    d.sha256 = Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect());
    Ok(d)
}

/// The image `PID/exe` points at, opened through the magic link (it is always a regular file:
/// the kernel only executes those) and hashed.
pub fn running_exe(d: &PidDir, cap: u64) -> io::Result<FileDigest> {
    let fd = rustix::fs::openat(
        &d.dir,
        "exe",
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
        Mode::empty(),
    )?;
    digest_file(std::fs::File::from(fd), cap)
}

/// The file at `path` inside the root of `pid` (safe in-root resolution), hashed; `Ok(None)`
/// when nothing is there.
pub fn on_disk(
    root: &ProcRoot,
    pid: Pid,
    path: &[u8],
    cap: u64,
) -> Result<Option<FileDigest>, RootFsError> {
    let fs = RootFs::open(root, pid)?;
    match fs.open_regular(path) {
        Ok(f) => Ok(Some(digest_file(f, cap)?)),
        Err(RootFsError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `path` is a regular file in the overlay upper directory `upper` (a path in
/// procscope's mount namespace, from the mount options), resolved inside it. A whiteout
/// (a character device) or an absent file is not.
pub fn in_upper(upper: &[u8], path: &[u8]) -> io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let dir = rustix::fs::open(
        std::ffi::OsStr::from_bytes(upper),
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let start = path.iter().position(|&b| b != b'/').unwrap_or(path.len());
    let rel = if start == path.len() {
        b".".as_slice()
    } else {
        &path[start..]
    };
    match rustix::fs::openat2(
        &dir,
        rel,
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
    ) {
        Ok(fd) => {
            let st = rustix::fs::fstat(&fd)?;
            Ok(FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
        }
        Err(rustix::io::Errno::NOENT) | Err(rustix::io::Errno::NOTDIR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// `/etc/ld.so.preload` of the root of `pid` (64 KiB at most); `Ok(None)` when absent.
pub fn ld_so_preload(root: &ProcRoot, pid: Pid) -> Result<Option<Vec<u8>>, RootFsError> {
    let fs = RootFs::open(root, pid)?;
    match fs.read(b"/etc/ld.so.preload", 64 << 10) {
        Ok(c) => Ok(Some(c.bytes)),
        Err(RootFsError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
