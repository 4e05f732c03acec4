//! Reading a regular file inside a container root, capped, without ever opening a FIFO, a
//! socket or a device.

use super::{RootFs, RootFsError, kind_of, open_in, relative};
use crate::model::FsKind;
use rustix::fs::OFlags;
use std::io::Read;

/// The first bytes of a regular file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileContent {
    /// At most the requested number of bytes, from the start of the file.
    pub bytes: Vec<u8>,
    /// The file's size (`st_size`) when it was opened.
    pub size: u64,
    /// Whether the file holds more than `bytes`.
    pub truncated: bool,
    /// Device and inode of the file read, to compare it with known secret files whatever path
    /// (or symlink) led to it.
    pub dev: u64,
    pub inode: u64,
}

impl RootFs {
    /// Read at most `max_bytes` of the regular file `path` leads to (symlinks followed, inside
    /// the root). Anything but a regular file is refused before it is opened for reading.
    /// Memory used is bounded by `max_bytes` whatever the file's size (a sparse 10 GiB file
    /// costs the cap).
    pub fn read(&self, path: &[u8], max_bytes: u64) -> Result<FileContent, RootFsError> {
        let err = |e| RootFsError::from_errno(e, path);
        let rel = relative(path);
        // why: an O_PATH open has no side effect on any file type (a FIFO open would block
        // without a writer, a device open runs driver code); look before opening for real.
        let max_bytes = max_bytes.min(super::MAX_READ_BYTES);
        let probe = open_in(&self.root, rel, OFlags::PATH, false).map_err(err)?;
        let st = rustix::fs::fstat(&probe).map_err(err)?;
        let kind = kind_of(st.st_mode);
        if kind != FsKind::File {
            return Err(RootFsError::NotAFile(kind));
        }
        // why: reading a file of procfs, sysfs, debugfs... runs kernel code that can consume
        // or change state (`/proc/kmsg` eats the kernel log); such files are listed only.
        let fs = rustix::fs::fstatfs(&probe).map_err(err)?;
        if let Some(name) = pseudo_fs_name(fs.f_type as u64) {
            return Err(RootFsError::PseudoFs(name));
        }
        // why: the path is resolved again, so something else may have been swapped in since
        // the probe. O_NONBLOCK keeps a FIFO from blocking the open, O_NOCTTY keeps a tty from
        // becoming ours, and the fstat below refuses anything that is not the file we probed.
        let fd = open_in(
            &self.root,
            rel,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY,
            true,
        )
        .map_err(err)?;
        let st2 = rustix::fs::fstat(&fd).map_err(err)?;
        let kind2 = kind_of(st2.st_mode);
        if kind2 != FsKind::File {
            return Err(RootFsError::NotAFile(kind2));
        }
        if (st2.st_dev, st2.st_ino) != (st.st_dev, st.st_ino) {
            return Err(RootFsError::Io(std::io::Error::other(format!(
                "{}: changed while being opened",
                crate::model::escape_bytes(path)
            ))));
        }
        let fs2 = rustix::fs::fstatfs(&fd).map_err(err)?;
        if let Some(name) = pseudo_fs_name(fs2.f_type as u64) {
            return Err(RootFsError::PseudoFs(name));
        }
        let size = u64::try_from(st2.st_size).unwrap_or(0);
        let cap = usize::try_from(size.min(max_bytes)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(cap.saturating_add(1));
        // why: one byte past the cap tells whether there is more, even when st_size lies
        // (files whose size is 0 in stat but that have content).
        std::fs::File::from(fd)
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        let truncated = bytes.len() as u64 > max_bytes;
        if truncated {
            bytes.truncate(usize::try_from(max_bytes).unwrap_or(usize::MAX));
        }
        Ok(FileContent {
            bytes,
            size,
            truncated,
            dev: st2.st_dev,
            inode: st2.st_ino,
        })
    }
}

/// The name of a kernel pseudo-filesystem whose files are never read, from its `f_type`
/// (statfs(2), linux/magic.h).
pub fn pseudo_fs_name(f_type: u64) -> Option<&'static str> {
    Some(match f_type {
        0x9fa0 => "procfs",
        0x6265_6572 => "sysfs",
        0x6462_6720 => "debugfs",
        0x7472_6163 => "tracefs",
        0x7363_6673 => "securityfs",
        0x6265_6570 => "configfs",
        0xcafe_4a11 => "bpf",
        0x0027_e0eb => "cgroupfs",
        0x6367_7270 => "cgroup2",
        0x6165_676c => "pstore",
        0xde5e_81e4 => "efivarfs",
        0xf97c_ff8c => "selinuxfs",
        0x4341_5d53 => "smackfs",
        0x6573_5543 => "fusectl",
        0x4249_4e4d => "binfmt_misc",
        0x1980_0202 => "mqueue",
        0x6e73_6673 => "nsfs",
        0x1cd1 => "devpts",
        _ => return None,
    })
}
