//! Writing a snapshot file safely: a new file (`O_CREAT | O_EXCL`, mode 0600) beside the
//! target, synced, then renamed over it; a final symlink is never followed, and an existing
//! file is replaced only when the caller allows it. A pipe or character device (`/dev/null`,
//! `/dev/stdout`) is written in place.

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, RenameFlags};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Whether an existing file at the target may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse any existing file (or symlink): `snapshot -o` without `--force`.
    Refuse,
    /// Replace it (a symlink is replaced itself, its target is never touched).
    Allow,
}

/// Where the bytes go: a new file to rename into place, or a stream opened in place.
pub enum Sink {
    Rename {
        dir: OwnedFd,
        tmp: Vec<u8>,
        name: Vec<u8>,
        file: std::fs::File,
        overwrite: Overwrite,
    },
    InPlace(std::fs::File),
}

fn refuse(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::AlreadyExists, msg.to_string())
}

/// Open the sink for `path`.
pub fn open_sink(path: &Path, overwrite: Overwrite) -> io::Result<Sink> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = rustix::fs::open(
        parent,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    match rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Err(Errno::NOENT) => {}
        Err(e) => return Err(e.into()),
        Ok(st) => match FileType::from_raw_mode(st.st_mode) {
            FileType::CharacterDevice | FileType::Fifo | FileType::Socket => {
                return in_place(path);
            }
            FileType::Symlink => {
                // why: `/dev/stdout` is a link to a pipe or tty: write there. A link to a
                // file (or to nothing) is never followed.
                if let Ok(t) = rustix::fs::stat(path)
                    && matches!(
                        FileType::from_raw_mode(t.st_mode),
                        FileType::CharacterDevice | FileType::Fifo
                    )
                {
                    return in_place(path);
                }
                if overwrite == Overwrite::Refuse {
                    return Err(refuse(
                        "is a symlink: not followed (use --force to replace the link itself)",
                    ));
                }
            }
            FileType::RegularFile if overwrite == Overwrite::Refuse => {
                return Err(refuse(
                    "exists: not overwritten (use --force to replace it)",
                ));
            }
            FileType::RegularFile => {}
            _ => return Err(refuse("exists and is not a regular file")),
        },
    }
    let (tmp, file) = create_temp(&dir, name)?;
    Ok(Sink::Rename {
        dir,
        tmp,
        name: name.as_bytes().to_vec(),
        file,
        overwrite,
    })
}

/// Open a pipe or character device for writing without creating or truncating anything; a
/// FIFO without a reader fails at once instead of blocking.
fn in_place(path: &Path) -> io::Result<Sink> {
    let fd = rustix::fs::open(
        path,
        OFlags::WRONLY | OFlags::NOCTTY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let st = rustix::fs::fstat(&fd)?;
    if !matches!(
        FileType::from_raw_mode(st.st_mode),
        FileType::CharacterDevice | FileType::Fifo | FileType::Socket
    ) {
        return Err(refuse("changed while being opened"));
    }
    // why: the snapshot is written with ordinary blocking writes.
    let flags = rustix::fs::fcntl_getfl(&fd)?;
    rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK)?;
    Ok(Sink::InPlace(std::fs::File::from(fd)))
}

/// A new file `.NAME.procscope-PID-N.tmp` beside the target, mode 0600 whatever the umask.
fn create_temp(dir: &OwnedFd, name: &OsStr) -> io::Result<(Vec<u8>, std::fs::File)> {
    let pid = std::process::id();
    for n in 0..100u32 {
        let mut tmp = b".".to_vec();
        tmp.extend_from_slice(name.as_bytes());
        tmp.extend_from_slice(format!(".procscope-{pid}-{n}.tmp").as_bytes());
        let flags = OFlags::WRONLY
            | OFlags::CREATE
            | OFlags::EXCL
            | OFlags::NOFOLLOW
            | OFlags::NOCTTY
            | OFlags::CLOEXEC;
        match rustix::fs::openat(dir, tmp.as_slice(), flags, Mode::from_raw_mode(0o600)) {
            Ok(fd) => {
                rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o600))?;
                return Ok((tmp, std::fs::File::from(fd)));
            }
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(refuse("no free temporary name beside it"))
}

impl Sink {
    /// The file to write into.
    pub fn file(&mut self) -> &mut std::fs::File {
        match self {
            Sink::Rename { file, .. } | Sink::InPlace(file) => file,
        }
    }

    /// Sync and move the new file into place (removing it on failure); a stream is flushed.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Sink::InPlace(mut f) => f.flush(),
            Sink::Rename {
                dir,
                tmp,
                name,
                file,
                overwrite,
            } => {
                let done = file.sync_all().and_then(|()| {
                    let flags = match overwrite {
                        Overwrite::Refuse => RenameFlags::NOREPLACE,
                        Overwrite::Allow => RenameFlags::empty(),
                    };
                    rustix::fs::renameat_with(&dir, tmp.as_slice(), &dir, name.as_slice(), flags)
                        .map_err(|e| match e {
                            Errno::EXIST => refuse("appeared while writing: not overwritten"),
                            e => e.into(),
                        })
                });
                if done.is_err() {
                    let _ = rustix::fs::unlinkat(&dir, tmp.as_slice(), AtFlags::empty());
                    return done;
                }
                sync_dir(&dir);
                Ok(())
            }
        }
    }

    /// Remove a new file that will not be committed.
    pub fn abort(self) {
        if let Sink::Rename { dir, tmp, .. } = self {
            let _ = rustix::fs::unlinkat(&dir, tmp.as_slice(), AtFlags::empty());
        }
    }
}

/// Make the rename durable; a directory that cannot be synced does not fail the capture.
fn sync_dir<Fd: AsFd>(dir: Fd) {
    if let Ok(d) = rustix::fs::openat(
        dir,
        ".",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        let _ = rustix::fs::fsync(d);
    }
}
