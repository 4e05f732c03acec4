//! An open `/proc/PID` directory: one process's files, links and listings, read through an fd
//! that pins the process.

use super::{DirEntry, READ_CAP, TargetStat, link_at, list_at, list_fd, open, open_dir, read_at};
use crate::model::{Pid, Unavailable};
use rustix::fd::OwnedFd;
use rustix::fs::{AtFlags, FileType, RawDir};
use rustix::io::Errno;
use std::io::{self, Read};
use std::mem::MaybeUninit;

/// An open `/proc/PID` directory. Holding its fd pins this process: if the pid is reused,
/// reads through it fail with ESRCH instead of reading the newcomer.
#[derive(Debug)]
pub struct PidDir {
    pub(super) pid: Pid,
    pub(super) dir: OwnedFd,
    /// Whether this is live procfs (else everything is resolved beneath the directory).
    pub(super) live: bool,
}

impl PidDir {
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Read `PID/<rel>` whole.
    pub fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        read_at(&self.dir, rel, self.live)
    }

    /// `PID/<rel>` opened for reading as a stream, capped like [`PidDir::read`], for files
    /// too large to hold whole (the socket tables of a busy host).
    pub fn open_stream(&self, rel: &str) -> io::Result<impl Read + use<>> {
        let fd = open::open_file_at(&self.dir, rel, self.live)?;
        Ok(io::BufReader::with_capacity(
            64 << 10,
            std::fs::File::from(fd).take(READ_CAP),
        ))
    }

    /// Text of the link `PID/<rel>` (exe, cwd, root, ns/net, fd/3).
    /// Live procfs reads the link itself (magic links are never followed); in a copy, the
    /// directories above the link are resolved beneath this one first.
    pub fn read_link(&self, rel: &str) -> io::Result<Vec<u8>> {
        if self.live || !rel.contains('/') {
            return link_at(&self.dir, rel);
        }
        let (dir, name) = open::parent_at(&self.dir, rel)?;
        link_at(&dir, name)
    }

    /// Entries of `PID/<rel>/`.
    pub fn list(&self, rel: &str) -> io::Result<Vec<DirEntry>> {
        list_at(&self.dir, rel, self.live)
    }

    /// Open a subdirectory (`fd`, `task`) for repeated relative access.
    pub fn sub(&self, rel: &str) -> io::Result<PidDir> {
        Ok(PidDir {
            pid: self.pid,
            dir: open_dir(&self.dir, rel, self.live)?,
            live: self.live,
        })
    }

    /// Entries of this directory itself.
    pub fn entries(&self) -> io::Result<Vec<DirEntry>> {
        list_fd(&self.dir)
    }

    /// Call `f` with the name of each entry of this directory (no `.`/`..`), without
    /// allocating per entry: the fd and task listings of a large scan go through here.
    pub fn for_each_entry(&self, mut f: impl FnMut(&std::ffi::CStr)) -> io::Result<()> {
        let mut buf = [MaybeUninit::<u8>::uninit(); 8192];
        let mut dir = RawDir::new(&self.dir, &mut buf);
        while let Some(entry) = dir.next() {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_bytes() != b"." && name.to_bytes() != b".." {
                f(name);
            }
        }
        Ok(())
    }

    /// Text of the link `name` in this directory.
    pub fn read_link_c(&self, name: &std::ffi::CStr) -> io::Result<Vec<u8>> {
        link_at(&self.dir, name)
    }

    /// stat (following links) the entry `name` of this directory.
    pub fn stat_target_c(&self, name: &std::ffi::CStr) -> io::Result<TargetStat> {
        if !self.live {
            return self.stat_target(&name.to_string_lossy());
        }
        let st = rustix::fs::statat(&self.dir, name, AtFlags::empty())?;
        Ok(TargetStat {
            file_type: FileType::from_raw_mode(st.st_mode),
            inode: st.st_ino,
        })
    }

    /// stat the target of a link in this directory, following it (for `fd/N`).
    pub fn stat_target(&self, rel: &str) -> io::Result<TargetStat> {
        let st = if self.live {
            rustix::fs::statat(&self.dir, rel, AtFlags::empty())?
        } else {
            open::stat_beneath(&self.dir, rel)?
        };
        Ok(TargetStat {
            file_type: FileType::from_raw_mode(st.st_mode),
            inode: st.st_ino,
        })
    }

    /// Map an I/O error on this process to why the field is unavailable. A missing file on a
    /// process whose `stat` is also gone means the process exited.
    pub fn why(&self, err: &io::Error) -> Unavailable {
        match Errno::from_io_error(err) {
            Some(Errno::ACCESS) | Some(Errno::PERM) => Unavailable::Denied,
            Some(Errno::SRCH) => Unavailable::Gone,
            Some(Errno::NOENT) => {
                if rustix::fs::statat(&self.dir, "stat", AtFlags::empty()).is_err() {
                    Unavailable::Gone
                } else {
                    Unavailable::Missing
                }
            }
            _ => Unavailable::Unparsable(err.to_string()),
        }
    }
}
