//! A regular file inside a container root opened for streaming (hashing an executable of any
//! size), with the same checks as reading: nothing but a regular file is ever opened.

use super::{RootFs, RootFsError, kind_of, open_in, relative};
use crate::model::FsKind;
use rustix::fs::OFlags;

impl RootFs {
    /// Open the regular file `path` leads to (symlinks followed, inside the root) for reading.
    /// Anything but a regular file is refused before it is opened for reading.
    pub fn open_regular(&self, path: &[u8]) -> Result<std::fs::File, RootFsError> {
        let err = |e| RootFsError::from_errno(e, path);
        let rel = relative(path);
        let probe = open_in(&self.root, rel, OFlags::PATH, false).map_err(err)?;
        let st = rustix::fs::fstat(&probe).map_err(err)?;
        if kind_of(st.st_mode) != FsKind::File {
            return Err(RootFsError::NotAFile(kind_of(st.st_mode)));
        }
        let fd = open_in(
            &self.root,
            rel,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY,
            true,
        )
        .map_err(err)?;
        let st2 = rustix::fs::fstat(&fd).map_err(err)?;
        if kind_of(st2.st_mode) != FsKind::File
            || (st2.st_dev, st2.st_ino) != (st.st_dev, st.st_ino)
        {
            return Err(RootFsError::Io(std::io::Error::other(format!(
                "{}: changed while being opened",
                crate::model::escape_bytes(path)
            ))));
        }
        Ok(std::fs::File::from(fd))
    }
}
