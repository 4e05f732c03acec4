//! `App`: queries (search and filter), the visible rows and the selection, and typing into
//! the prompts.

use super::app::{App, Prompt, QueryState};
use super::diffmark;
use super::rows::{self, ProcKey, RowKind};
use super::search;
use crate::model::{Pid, Process, Snapshot};
use std::collections::HashSet;

impl App {
    pub(super) fn flagged(&self) -> HashSet<Pid> {
        self.findings.rows.iter().map(|r| r.pid).collect()
    }

    pub(super) fn eval(&self, q: &mut QueryState) {
        let flagged = self.flagged();
        let ctx = search::Context {
            snap: &self.snap,
            flagged: &flagged,
            hay: Some(&self.hay),
        };
        match search::parse(&q.text, q.mode) {
            Ok(parsed) if !parsed.is_empty() => {
                q.matches = parsed.eval(&ctx);
                q.count = q.matches.iter().filter(|m| **m).count();
                q.error = None;
            }
            Ok(_) => {
                q.matches.clear();
                q.count = 0;
                q.error = None;
            }
            // A bad query keeps the previous matches and says why.
            Err(e) => q.error = Some(e),
        }
    }

    pub(super) fn eval_queries(&mut self) {
        let mut s = std::mem::take(&mut self.search);
        self.eval(&mut s);
        self.search = s;
        let mut f = std::mem::take(&mut self.filter);
        self.eval(&mut f);
        self.filter = f;
    }

    /// Recompute the visible rows, keeping the selected process.
    pub(super) fn rebuild(&mut self) {
        let selected = self.selected_key();
        let visible = (!self.filter.matches.is_empty())
            .then(|| rows::with_ancestors(&self.tree, &self.filter.matches));
        self.rows = rows::build(
            &self.snap,
            &self.tree,
            &self.shape,
            visible.as_deref(),
            &self.metrics,
        );
        if let (Some(old), Some(d)) = (self.diff_base.clone(), self.diff.as_ref()) {
            // why: the filter's matches index the current snapshot; gone rows are matched
            // against the OLD snapshot they are drawn from.
            let shown = (!self.filter.matches.is_empty()).then(|| self.matches_in(&old));
            let gone =
                diffmark::gone_rows(&old, d, self.shape.flat, shown.as_deref(), self.rows.len());
            self.rows.extend(gone);
        }
        match selected {
            Some(k) => {
                self.select_key(k);
            }
            None => self.procs.clamp(self.rows.len(), self.page()),
        }
    }

    /// The filter evaluated over another snapshot (all false when it does not parse).
    fn matches_in(&self, snap: &Snapshot) -> Vec<bool> {
        let none = HashSet::new();
        let ctx = search::Context {
            snap,
            flagged: &none,
            hay: None,
        };
        match search::parse(&self.filter.text, self.filter.mode) {
            Ok(q) if !q.is_empty() => q.eval(&ctx),
            _ => vec![false; snap.processes.len()],
        }
    }

    /// The process of the selected row, in the current snapshot (a gone row has none: see
    /// [`App::selected_gone`]).
    pub fn selected(&self) -> Option<&Process> {
        let r = self.rows.get(self.procs.sel)?;
        match r.kind {
            RowKind::Gone(_) => None,
            _ => self.snap.processes.get(r.index),
        }
    }

    pub(super) fn selected_key(&self) -> Option<ProcKey> {
        self.selected()
            .or_else(|| self.selected_gone())
            .map(|p| (p.pid, p.start_time))
    }

    /// Select the row of process `k`, if visible.
    pub fn select_key(&mut self, k: ProcKey) -> bool {
        let found = self.rows.iter().position(|r| match r.kind {
            RowKind::Process => rows::key(&self.snap, r.index) == k,
            RowKind::Gone(_) => self
                .gone_of_row(r)
                .is_some_and(|p| (p.pid, p.start_time) == k),
            RowKind::Thread(_) => false,
        });
        let page = self.page();
        match found {
            Some(i) => {
                self.procs.set(i, self.rows.len(), page);
                true
            }
            None => {
                self.procs.clamp(self.rows.len(), page);
                false
            }
        }
    }

    /// The process of the detail screen, if still in the snapshot.
    pub(super) fn type_char(&mut self, c: char) {
        match self.prompt {
            Some(Prompt::Search) => {
                self.search.text.push(c);
                self.search_changed();
            }
            Some(Prompt::Filter) => {
                self.filter.text.push(c);
                self.filter_changed();
            }
            Some(Prompt::ViewerSearch) => {
                if let Some(v) = self.viewer.as_mut() {
                    v.query.push(c);
                    v.search();
                    let at = v.scroll.saturating_sub(1);
                    v.scroll = at;
                    v.jump(true);
                }
            }
            None => {}
        }
    }

    pub(super) fn search_changed(&mut self) {
        let mut s = std::mem::take(&mut self.search);
        self.eval(&mut s);
        self.search = s;
        // Incremental: stay on the selection if it matches, else go to the next match.
        if !self.row_matches(self.procs.sel) {
            self.next_match(true);
        }
    }

    pub(super) fn filter_changed(&mut self) {
        let mut f = std::mem::take(&mut self.filter);
        self.eval(&mut f);
        self.filter = f;
        self.rebuild();
    }

    /// Whether row `r` is a process matching the search.
    pub fn row_matches(&self, r: usize) -> bool {
        self.rows.get(r).is_some_and(|row| {
            row.kind == rows::RowKind::Process
                && self.search.matches.get(row.index).copied().unwrap_or(false)
        })
    }

    pub(super) fn next_match(&mut self, forward: bool) {
        let n = self.rows.len();
        if n == 0 || self.search.count == 0 {
            return;
        }
        let start = self.procs.sel;
        for step in 1..=n {
            let r = if forward {
                (start + step) % n
            } else {
                (start + n - step % n) % n
            };
            if self.row_matches(r) {
                let page = self.page();
                self.procs.set(r, n, page);
                return;
            }
        }
    }
}
