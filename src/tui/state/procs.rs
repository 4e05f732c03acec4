//! The process pane: how the rows are shaped (tree or list, collapsed nodes, threads, sort),
//! the visible rows, the cursor, and the search and filter queries with their results.

use super::cursor::Cursor;
use super::loaded::Loaded;
use super::rows::{self, Row, RowKind, Shape};
use crate::model::{ProcKey, Process, Snapshot};
use crate::tui::diffmark;
use crate::tui::search::{self, MatchMode};
use std::collections::HashSet;

/// A search or filter query: its text, matcher, result per process and any error.
#[derive(Clone, Debug, Default)]
pub struct QueryState {
    pub text: String,
    pub mode: MatchMode,
    pub matches: Vec<bool>,
    pub count: usize,
    pub error: Option<String>,
}

impl QueryState {
    /// Evaluate the query over the loaded snapshot. A bad query keeps the previous matches
    /// and says why.
    fn eval(&mut self, loaded: &Loaded) {
        let flagged = loaded.flagged();
        let ctx = search::Context {
            snap: &loaded.snap,
            flagged: &flagged,
            hay: Some(&loaded.hay),
        };
        match search::parse(&self.text, self.mode) {
            Ok(parsed) if !parsed.is_empty() => {
                self.matches = parsed.eval(&ctx);
                self.count = self.matches.iter().filter(|m| **m).count();
                self.error = None;
            }
            Ok(_) => {
                self.matches.clear();
                self.count = 0;
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// How many processes of `loaded` (another host's) the query matches (0 when it does not parse).
    pub fn count_in(&self, loaded: &Loaded) -> usize {
        let mut other = self.clone();
        other.eval(loaded);
        other.count
    }

    /// The query evaluated over another snapshot (all false when it does not parse).
    fn matches_in(&self, snap: &Snapshot) -> Vec<bool> {
        let none = HashSet::new();
        let ctx = search::Context {
            snap,
            flagged: &none,
            hay: None,
        };
        match search::parse(&self.text, self.mode) {
            Ok(q) if !q.is_empty() => q.eval(&ctx),
            _ => vec![false; snap.processes.len()],
        }
    }
}

/// The process pane.
#[derive(Clone, Debug, Default)]
pub struct ProcPane {
    pub shape: Shape,
    pub rows: Vec<Row>,
    pub cur: Cursor,
    pub search: QueryState,
    pub filter: QueryState,
    /// Show the SYSCALL column (each process's main thread's syscall or state).
    pub syscalls: bool,
    /// Many hosts: the host rows framing the shown host's tree (see `fleet::frame_rows`).
    pub hosts: Option<super::fleet::HostFrame>,
}

impl ProcPane {
    /// A new snapshot was loaded: evaluate the queries again, rebuild the rows and select
    /// `selected` again if it is still there.
    pub fn reload(&mut self, loaded: &Loaded, selected: Option<ProcKey>, page: usize) {
        self.search.eval(loaded);
        self.filter.eval(loaded);
        // why: the old rows index the old snapshot; drop them before rebuilding.
        self.rows.clear();
        self.rebuild(loaded, page);
        if let Some(k) = selected {
            self.select_key(loaded, k, page);
        }
    }

    /// Recompute the visible rows, keeping the selected process.
    pub fn rebuild(&mut self, loaded: &Loaded, page: usize) {
        let selected = self.selected_key(loaded);
        let visible = (!self.filter.matches.is_empty())
            .then(|| rows::with_ancestors(&loaded.tree, &self.filter.matches));
        self.rows = rows::build(
            &loaded.snap,
            &loaded.tree,
            &self.shape,
            visible.as_deref(),
            &loaded.metrics,
        );
        if let (Some(old), Some(d)) = (loaded.base.as_deref(), loaded.diff.as_ref()) {
            // why: the filter's matches index the current snapshot; gone rows are matched
            // against the OLD snapshot they are drawn from.
            let shown = (!self.filter.matches.is_empty()).then(|| self.filter.matches_in(old));
            let gone =
                diffmark::gone_rows(old, d, self.shape.flat, shown.as_deref(), self.rows.len());
            self.rows.extend(gone);
        }
        if let Some(frame) = &self.hosts {
            super::fleet::frame_rows(&mut self.rows, frame);
        }
        match selected {
            Some(k) => {
                self.select_key(loaded, k, page);
            }
            None => self.cur.clamp(self.rows.len(), page),
        }
    }

    /// The process of the selected row, in the current snapshot (none for a gone row).
    pub fn selected<'a>(&self, loaded: &'a Loaded) -> Option<&'a Process> {
        let r = self.rows.get(self.cur.sel)?;
        match r.kind {
            RowKind::Gone(_) | RowKind::Host(_) => None,
            _ => loaded.snap.processes.get(r.index),
        }
    }

    /// The identity of the selected row's process, current or gone.
    pub fn selected_key(&self, loaded: &Loaded) -> Option<ProcKey> {
        let row = self.rows.get(self.cur.sel)?;
        self.selected(loaded)
            .or_else(|| loaded.gone_of_row(row))
            .map(Process::key)
    }

    /// Select the row of process `k`, if visible.
    pub fn select_key(&mut self, loaded: &Loaded, k: ProcKey, page: usize) -> bool {
        let found = self.rows.iter().position(|r| match r.kind {
            RowKind::Process => rows::key(&loaded.snap, r.index) == k,
            RowKind::Gone(_) => loaded.gone_of_row(r).is_some_and(|p| k.is(p)),
            RowKind::Thread(_) | RowKind::Host(_) => false,
        });
        match found {
            Some(i) => {
                self.cur.set(i, self.rows.len(), page);
                true
            }
            None => {
                self.cur.clamp(self.rows.len(), page);
                false
            }
        }
    }

    /// Forget the search and the filter.
    pub fn clear_queries(&mut self, loaded: &Loaded, page: usize) {
        self.search = QueryState::default();
        self.filter = QueryState::default();
        self.rebuild(loaded, page);
    }

    /// The search text changed: evaluate it; stay on the selection if it matches, else go to
    /// the next match.
    pub fn search_changed(&mut self, loaded: &Loaded, page: usize) {
        self.search.eval(loaded);
        if !self.row_matches(self.cur.sel) {
            self.next_match(true, page);
        }
    }

    /// The filter text changed: evaluate it and rebuild the rows.
    pub fn filter_changed(&mut self, loaded: &Loaded, page: usize) {
        self.filter.eval(loaded);
        self.rebuild(loaded, page);
    }

    /// Whether row `r` is a process matching the search.
    pub fn row_matches(&self, r: usize) -> bool {
        self.rows.get(r).is_some_and(|row| {
            row.kind == RowKind::Process
                && self.search.matches.get(row.index).copied().unwrap_or(false)
        })
    }

    /// Select the next (or previous) row matching the search, wrapping around.
    pub fn next_match(&mut self, forward: bool, page: usize) {
        let n = self.rows.len();
        if n == 0 || self.search.count == 0 {
            return;
        }
        let start = self.cur.sel;
        for step in 1..=n {
            let r = if forward {
                (start + step) % n
            } else {
                (start + n - step % n) % n
            };
            if self.row_matches(r) {
                self.cur.set(r, n, page);
                return;
            }
        }
    }

    /// Collapse the selected node, or go to its parent row when there is nothing to fold.
    pub fn collapse(&mut self, loaded: &Loaded, page: usize) {
        let Some(row) = self.rows.get(self.cur.sel).copied() else {
            return;
        };
        if self.shape.flat {
            return;
        }
        // why: only a current process row indexes the snapshot (not a thread, not a gone row).
        let k = (row.kind == RowKind::Process).then(|| rows::key(&loaded.snap, row.index));
        let has_kids = self
            .rows
            .get(self.cur.sel + 1)
            .is_some_and(|n| n.depth > row.depth);
        if let Some(k) = k
            && has_kids
            && !self.shape.collapsed.contains(&k)
        {
            self.shape.collapsed.insert(k);
            self.rebuild(loaded, page);
        } else if let Some(pr) = row.parent_row {
            self.cur.set(pr as usize, self.rows.len(), page);
        }
    }

    /// Expand the selected node.
    pub fn expand(&mut self, loaded: &Loaded, page: usize) {
        if let Some(k) = self.selected(loaded).map(Process::key) {
            self.shape.collapsed.remove(&k);
            self.rebuild(loaded, page);
        }
    }

    /// Collapse every node with children.
    pub fn collapse_all(&mut self, loaded: &Loaded, page: usize) {
        let snap = &loaded.snap;
        self.shape.collapsed = (0..snap.processes.len())
            .filter(|&i| !loaded.tree.children[i].is_empty())
            .map(|i| rows::key(snap, i))
            .collect();
        self.rebuild(loaded, page);
    }

    /// Change the shape (tree or list, threads, sort) and rebuild.
    pub fn reshape(&mut self, loaded: &Loaded, page: usize, change: impl FnOnce(&mut Shape)) {
        change(&mut self.shape);
        self.rebuild(loaded, page);
    }
}
