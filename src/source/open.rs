//! Opening files so that nothing can block or escape: user-named files (snapshot, rules,
//! keymap) are opened without blocking and read only when they are regular files; files of a
//! copied proc root are resolved beneath it (`openat2` `RESOLVE_BENEATH | NO_MAGICLINKS`),
//! looked at through an `O_PATH` handle first, and read only when they are regular files.

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
use rustix::io::Errno;
use std::io;
use std::path::Path;

/// How a copied proc root is resolved: never above the directory the lookup starts from,
/// never through a magic link.
const BENEATH: ResolveFlags = ResolveFlags::BENEATH.union(ResolveFlags::NO_MAGICLINKS);

/// The flags every read opens with: a FIFO cannot block the open, a tty cannot become ours.
const READ: OFlags = OFlags::RDONLY
    .union(OFlags::NONBLOCK)
    .union(OFlags::NOCTTY)
    .union(OFlags::CLOEXEC);

/// The one-line refusal for a file that is not a regular file.
pub fn not_regular(kind: FileType) -> io::Error {
    let what = match kind {
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Directory => "a directory",
        FileType::Symlink => "a symlink",
        _ => "not a regular file",
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("refused: {what}, only regular files are read"),
    )
}

/// Fail unless `fd` is a regular file; gives its (device, inode).
fn regular(fd: &OwnedFd) -> io::Result<(u64, u64)> {
    let st = rustix::fs::fstat(fd)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => Ok((st.st_dev, st.st_ino)),
        other => Err(not_regular(other)),
    }
}

/// Open a file the user named (snapshot, rules, keymap) for reading: never blocks on a FIFO,
/// and fails with a one-line reason unless it is a regular file.
pub fn open_user_file(path: &Path) -> io::Result<std::fs::File> {
    // why: O_PATH has no side effect on any file type (a device open runs driver code).
    let probe = rustix::fs::open(path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty())?;
    let id = regular(&probe)?;
    let fd = rustix::fs::open(path, READ, Mode::empty())?;
    if regular(&fd)? != id {
        return Err(io::Error::other("changed while being opened"));
    }
    Ok(std::fs::File::from(fd))
}

/// Map the errnos of a refused beneath-resolution to one clear line.
fn beneath_err(e: Errno) -> io::Error {
    match e {
        Errno::XDEV => io::Error::new(
            io::ErrorKind::InvalidInput,
            "refused: a link leads outside the proc root",
        ),
        Errno::LOOP => io::Error::new(
            io::ErrorKind::InvalidInput,
            "refused: a symlink loop or magic link",
        ),
        e => e.into(),
    }
}

/// `openat2(at, rel, flags, BENEATH)`, retried on EAGAIN (a rename raced with `..`).
fn openat2_beneath<Fd: AsFd>(at: Fd, rel: &str, flags: OFlags) -> io::Result<OwnedFd> {
    let mut last = Errno::AGAIN;
    for _ in 0..16 {
        match rustix::fs::openat2(&at, rel, flags | OFlags::CLOEXEC, Mode::empty(), BENEATH) {
            Err(Errno::AGAIN) => continue,
            Err(e) => {
                last = e;
                break;
            }
            Ok(fd) => return Ok(fd),
        }
    }
    Err(beneath_err(last))
}

/// Open `rel` under `at` for reading. On live procfs (`live`), a plain non-blocking open:
/// its files are what the kernel makes them. Elsewhere the path is resolved beneath `at`,
/// probed with `O_PATH`, and opened only when it is a regular file.
pub fn open_file_at<Fd: AsFd>(at: Fd, rel: &str, live: bool) -> io::Result<OwnedFd> {
    if live {
        return Ok(rustix::fs::openat(at, rel, READ, Mode::empty())?);
    }
    let probe = openat2_beneath(&at, rel, OFlags::PATH)?;
    let id = regular(&probe)?;
    let fd = openat2_beneath(&at, rel, READ)?;
    if regular(&fd)? != id {
        return Err(io::Error::other("changed while being opened"));
    }
    Ok(fd)
}

/// Open the directory `rel` under `at` (beneath it unless `live`).
pub fn open_dir_at<Fd: AsFd>(at: Fd, rel: &str, live: bool) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NONBLOCK;
    if live {
        return Ok(rustix::fs::openat(
            at,
            rel,
            flags | OFlags::CLOEXEC,
            Mode::empty(),
        )?);
    }
    openat2_beneath(at, rel, flags)
}

/// The directory holding the last component of `rel`, opened `O_PATH` beneath `at`, and that
/// component: links inside a copy are read without following any component above them.
pub fn parent_at<Fd: AsFd>(at: Fd, rel: &str) -> io::Result<(OwnedFd, &str)> {
    let (dir, name) = rel.rsplit_once('/').unwrap_or((".", rel));
    let dir = if dir.is_empty() { "." } else { dir };
    Ok((
        openat2_beneath(at, dir, OFlags::PATH | OFlags::DIRECTORY)?,
        name,
    ))
}

/// `fstat` of what `rel` under `at` leads to, resolved beneath `at` (for a copy's `fd/N`).
pub fn stat_beneath<Fd: AsFd>(at: Fd, rel: &str) -> io::Result<rustix::fs::Stat> {
    let fd = openat2_beneath(at, rel, OFlags::PATH)?;
    Ok(rustix::fs::fstat(&fd)?)
}

/// Create (or truncate) the output file the user named with `-o FILE`, for text output that
/// is appended as it is produced (alerts, traced calls). Mode 0600: it may hold command lines.
pub fn create_output(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}
