//! The root browser of one process (directory listing or interesting paths, cursor, last
//! error) and the file viewer opened from it. File contents arrive as results of effects.

use super::Effect;
use super::cursor::Cursor;
use super::viewer::Viewer;
use crate::model::{Bytes, Pid};
use crate::tui::fsview::{DirItem, FileData, FsError, Interesting, Listing};

/// The root browser of one process.
#[derive(Clone, Debug, Default)]
pub struct Browser {
    pub pid: Pid,
    pub path: Vec<u8>,
    pub items: Vec<DirItem>,
    /// Set when the directory had more entries than were read (shown below the list).
    pub truncated: Option<String>,
    pub cur: Cursor,
    pub error: Option<String>,
    /// When set, the list shows these instead of the directory.
    pub interesting: Option<Vec<Interesting>>,
}

impl Browser {
    /// A browser of `pid`'s root at `/`, with an error to show, if any.
    pub fn at_root(pid: Pid, error: Option<String>) -> Browser {
        Browser {
            pid,
            path: b"/".to_vec(),
            error,
            ..Browser::default()
        }
    }

    /// Rows of the list shown.
    pub fn len(&self) -> usize {
        match &self.interesting {
            Some(i) => i.len(),
            None => self.items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What Enter on the selected row asks for: a directory listed or a file read.
    pub fn open_selected(&self) -> Option<Effect> {
        if let Some(list) = &self.interesting {
            return list
                .get(self.cur.sel)
                .map(|i| Effect::Read(self.pid, i.path.0.clone()));
        }
        let item = self.items.get(self.cur.sel)?;
        let mut path = self.path.clone();
        if !path.ends_with(b"/") {
            path.push(b'/');
        }
        path.extend_from_slice(item.name.as_bytes());
        Some(if item.is_dir() {
            Effect::List(self.pid, path)
        } else {
            Effect::Read(self.pid, path)
        })
    }

    /// Leave the interesting paths, or ask for the parent directory's listing.
    pub fn parent_dir(&mut self) -> Option<Effect> {
        if self.interesting.take().is_some() {
            return None;
        }
        let path = &self.path;
        if path.as_slice() == b"/" {
            return None;
        }
        let trimmed = path.strip_suffix(b"/").unwrap_or(path);
        let cut = trimmed.iter().rposition(|&c| c == b'/').unwrap_or(0);
        let parent = if cut == 0 {
            b"/".to_vec()
        } else {
            trimmed[..cut].to_vec()
        };
        Some(Effect::List(self.pid, parent))
    }
}

/// The root browser and the viewer.
#[derive(Clone, Debug, Default)]
pub struct Files {
    pub browser: Option<Browser>,
    pub viewer: Option<Viewer>,
}

impl Files {
    /// Rows of the browser's list.
    pub fn browser_len(&self) -> usize {
        self.browser.as_ref().map_or(0, Browser::len)
    }

    /// A directory listing arrived (or failed).
    pub fn set_listing(&mut self, pid: Pid, path: Vec<u8>, res: Result<Listing, FsError>) {
        let Some(b) = self.browser.as_mut().filter(|b| b.pid == pid) else {
            return;
        };
        b.interesting = None;
        match res {
            Ok(listing) => {
                b.path = path;
                b.items = listing.items;
                b.truncated = listing.truncated;
                b.cur = Cursor::default();
                b.error = None;
            }
            Err(e) => b.error = Some(e.to_string()),
        }
    }

    /// The interesting paths arrived (or failed).
    pub fn set_interesting(&mut self, pid: Pid, res: Result<Vec<Interesting>, FsError>) {
        let Some(b) = self.browser.as_mut().filter(|b| b.pid == pid) else {
            return;
        };
        match res {
            Ok(list) => {
                b.interesting = Some(list);
                b.cur = Cursor::default();
                b.error = None;
            }
            Err(e) => b.error = Some(e.to_string()),
        }
    }

    /// A file was read for the viewer (or failed).
    pub fn set_file(&mut self, path: Vec<u8>, res: Result<FileData, FsError>) {
        match res {
            Ok(data) => self.viewer = Some(Viewer::new(Bytes(path), data)),
            Err(e) => {
                if let Some(b) = self.browser.as_mut() {
                    b.error = Some(e.to_string());
                }
            }
        }
    }
}
