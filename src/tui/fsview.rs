//! The container root as the TUI browses it: an adapter over `source::rootfs` (the only code
//! that resolves paths inside a root, with the same safe resolution as `procscope fs`) and the
//! interesting-paths finder, returning plain listings and file contents.

use crate::analysis::interesting::InterestingList;
use crate::analysis::masking::content_mask;
use crate::analysis::secrets::RuleSet;
use crate::collect::interesting::{find_interesting, is_whole_secret};
use crate::model::{Bytes, FsKind, Pid};
use crate::source::rootfs::{DEFAULT_MAX_ENTRIES, RootFs, RootFsError};
use crate::source::{ProcRoot, SourceError};
use std::path::Path;

/// Why a root, a directory, a file or the interesting paths could not be read (one line).
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error(transparent)]
    ProcRoot(#[from] SourceError),
    #[error("root of {pid}: {source}")]
    Root { pid: Pid, source: RootFsError },
    #[error(transparent)]
    InRoot(#[from] RootFsError),
    #[error("interesting-paths list unavailable")]
    NoList,
}

/// One directory entry, ready to draw (the name is untrusted: views escape it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirItem {
    pub name: Bytes,
    /// dir, file, symlink, fifo, socket, char_device, block_device or other.
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

/// The entries of one directory, at most [`DEFAULT_MAX_ENTRIES`] of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    pub items: Vec<DirItem>,
    /// Set when the directory holds more entries than were read: what to tell the user.
    pub truncated: Option<String>,
}

/// The start of a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileData {
    pub bytes: Vec<u8>,
    pub size: u64,
    pub truncated: bool,
    /// The content is a secret (key, token, shadow file): masked unless revealed.
    pub sensitive: bool,
}

/// An interesting path inside a root, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interesting {
    pub path: Bytes,
    pub why: String,
}

/// An open root of one process.
pub struct FsHandle {
    fs: RootFs,
    list: Option<InterestingList>,
    /// Secret rules for the values inside files (None: files are masked whole).
    rules: Option<RuleSet>,
}

/// Largest file prefix loaded into the viewer.
pub const VIEW_MAX: u64 = 4 << 20;

impl FsHandle {
    /// Open the root of `pid` under the proc root at `proc_root`.
    pub fn open(proc_root: &Path, pid: Pid) -> Result<FsHandle, FsError> {
        let root = ProcRoot::open(proc_root)?;
        let fs = RootFs::open(&root, pid).map_err(|source| FsError::Root { pid, source })?;
        Ok(FsHandle {
            fs,
            list: InterestingList::builtin().ok(),
            rules: RuleSet::builtin().ok(),
        })
    }

    /// Entries of directory `path` (absolute inside the root), directories first; at most
    /// [`DEFAULT_MAX_ENTRIES`] are read, and the listing says so when there are more.
    pub fn list(&self, path: &[u8]) -> Result<Listing, FsError> {
        let listing = self.fs.list(path, DEFAULT_MAX_ENTRIES)?;
        let truncated = listing.truncation_note();
        let mut items: Vec<DirItem> = listing
            .entries
            .into_iter()
            .map(|e| DirItem {
                size: (e.kind == FsKind::File).then_some(e.size),
                kind: e.kind.as_str().to_string(),
                link: e.link_target,
                name: e.name,
            })
            .collect();
        items.sort_by(|a, b| (!a.is_dir(), &a.name).cmp(&(!b.is_dir(), &b.name)));
        Ok(Listing { items, truncated })
    }

    /// The first [`VIEW_MAX`] bytes of a file under the masking policy: `sensitive` when it is
    /// a secret as a whole, otherwise the secret values inside it masked.
    pub fn read(&self, path: &[u8]) -> Result<FileData, FsError> {
        let c = self.fs.read(path, VIEW_MAX)?;
        // why: fail closed: without the list, treat every file as sensitive.
        let whole = self
            .list
            .as_ref()
            .is_none_or(|l| is_whole_secret(&self.fs, l, path, &c));
        let mask = content_mask(&c.bytes, whole, self.rules.as_ref(), false);
        Ok(FileData {
            sensitive: mask.is_whole(),
            bytes: if mask.is_whole() {
                c.bytes
            } else {
                mask.apply(&c.bytes)
            },
            size: c.size,
            truncated: c.truncated,
        })
    }

    /// Paths worth a look (credentials, keys, shell histories, executables in /tmp).
    pub fn interesting(&self) -> Result<Vec<Interesting>, FsError> {
        let list = self.list.as_ref().ok_or(FsError::NoList)?;
        Ok(find_interesting(&self.fs, list)
            .into_iter()
            .map(|h| Interesting {
                path: h.path,
                why: if h.sensitive {
                    format!("{} (sensitive)", h.what)
                } else {
                    h.what
                },
            })
            .collect())
    }
}
