//! The detail pane: which process is open (by identity: a reused pid is another process), on
//! which tab, and a cursor per tab.

use super::cursor::Cursor;
use super::loaded::Loaded;
use crate::model::{ProcKey, Process};

/// Tabs of the detail screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    Environ,
    Files,
    Sockets,
    Root,
    /// Each thread's state, current syscall and wchan.
    Threads,
    /// The syscall count of a background trace.
    Trace,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Environ,
        Tab::Files,
        Tab::Sockets,
        Tab::Root,
        Tab::Threads,
        Tab::Trace,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Environ => "Environ",
            Tab::Files => "Files",
            Tab::Sockets => "Sockets",
            Tab::Root => "Root",
            Tab::Threads => "Threads",
            Tab::Trace => "Trace",
        }
    }
    /// Position in [`Tab::ALL`].
    pub fn pos(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
    /// The tab `delta` steps away, wrapping around.
    pub fn step(self, delta: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.pos() as isize + delta).rem_euclid(n) as usize]
    }
}

/// The detail screen of one process.
#[derive(Clone, Debug)]
pub struct Detail {
    pub key: ProcKey,
    pub tab: Tab,
    pub cur: [Cursor; Tab::ALL.len()],
}

/// The detail pane: the process open, if any.
#[derive(Clone, Debug, Default)]
pub struct DetailPane {
    pub open: Option<Detail>,
    /// The last integrity check (`X`): of which process, and its lines (or why none).
    pub integrity: Option<(ProcKey, Result<Vec<crate::present::Cell>, String>)>,
}

impl DetailPane {
    /// Open process `k` (on Overview, unless it is already the one open).
    pub fn open(&mut self, k: ProcKey) {
        if self.open.as_ref().is_none_or(|d| d.key != k) {
            self.open = Some(Detail {
                key: k,
                tab: Tab::Overview,
                cur: [Cursor::default(); Tab::ALL.len()],
            });
        }
    }

    /// The tab shown, when a process is open.
    pub fn tab(&self) -> Option<Tab> {
        self.open.as_ref().map(|d| d.tab)
    }

    /// The cursor of the current tab.
    pub fn cursor(&self) -> Cursor {
        self.open
            .as_ref()
            .map(|d| d.cur[d.tab.pos()])
            .unwrap_or_default()
    }

    /// The cursor of `tab`, when a process is open.
    pub fn cursor_mut(&mut self, tab: Tab) -> Option<&mut Cursor> {
        self.open.as_mut().map(|d| &mut d.cur[tab.pos()])
    }

    /// The process open, if still in the snapshot.
    pub fn process<'a>(&self, loaded: &'a Loaded) -> Option<&'a Process> {
        loaded.process(self.open.as_ref()?.key)
    }

    /// The process open when it is not in the current snapshot but was in OLD.
    pub fn gone_process<'a>(&self, loaded: &'a Loaded) -> Option<&'a Process> {
        if self.process(loaded).is_some() {
            return None;
        }
        loaded.old_process(self.open.as_ref()?.key)
    }
}
