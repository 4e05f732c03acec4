//! The container root as the TUI browses it: an adapter over `source::rootfs` (the only code
//! that resolves paths inside a root) returning plain listings and file contents.

use crate::model::{Bytes, Pid};
use std::path::Path;

/// One directory entry, ready to draw (the name is untrusted: views escape it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirItem {
    pub name: Bytes,
    /// dir, file, link, fifo, socket, char, block or other.
    pub kind: String,
    pub size: Option<u64>,
    /// Symlink target text.
    pub link: Option<Bytes>,
}

impl DirItem {
    pub fn is_dir(&self) -> bool {
        self.kind == "dir"
    }
}

/// The start of a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileData {
    pub bytes: Vec<u8>,
    pub size: u64,
    pub truncated: bool,
}

/// An interesting path inside a root, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interesting {
    pub path: Bytes,
    pub why: String,
}

/// An open root of one process.
#[derive(Debug)]
pub struct FsHandle {
    _pid: Pid,
}

/// Largest file prefix loaded into the viewer.
pub const VIEW_MAX: u64 = 4 << 20;

impl FsHandle {
    /// Open the root of `pid` under the proc root at `proc_root`.
    pub fn open(_proc_root: &Path, _pid: Pid) -> Result<FsHandle, String> {
        Err("root browser: not available in this build".to_string())
    }

    /// Entries of directory `path` (absolute inside the root), directories first.
    pub fn list(&self, _path: &[u8]) -> Result<Vec<DirItem>, String> {
        Err("root browser: not available in this build".to_string())
    }

    /// The first [`VIEW_MAX`] bytes of a file.
    pub fn read(&self, _path: &[u8]) -> Result<FileData, String> {
        Err("root browser: not available in this build".to_string())
    }

    /// Paths worth a look (credentials, keys, shell histories).
    pub fn interesting(&self) -> Result<Vec<Interesting>, String> {
        Err("root browser: not available in this build".to_string())
    }
}
