//! Snapshots and stages arriving from the collector: swapped into the app with the selection
//! and scroll kept, the scan's progress, and what is on screen (read first by the next scan).

use super::{App, Loaded, rows};

impl App {
    /// Swap in a snapshot whose derived data was computed elsewhere (the collector thread),
    /// and return the one it replaces, for the caller to free where it likes.
    pub fn install(&mut self, loaded: Loaded) -> Loaded {
        let old = self.install_stage(loaded);
        self.status.scanning = None;
        self.status.progress = None;
        old
    }

    /// Swap in a stage of a scan still running (the tree, then the processes on screen):
    /// like [`App::install`], the selection and scroll kept, the scan still shown as running.
    pub fn install_stage(&mut self, loaded: Loaded) -> Loaded {
        let selected = self.procs.selected_key(&self.loaded);
        let old = std::mem::replace(&mut self.loaded, loaded);
        let page = self.page();
        self.procs.reload(&self.loaded, selected, page);
        self.secrets
            .cur
            .clamp(self.loaded.findings.rows.len(), page);
        self.containers.cur.clamp(self.loaded.groups.len(), page);
        self.alerts.cur.clamp(self.loaded.alerts.rows.len(), page);
        old
    }

    /// A scan has been running for `ms` milliseconds.
    pub fn scan_running(&mut self, ms: u64) {
        self.status.scanning(ms);
    }

    /// The last stage of the running scan has read `done` of about `total` processes.
    pub fn scan_progress(&mut self, done: usize, total: usize) {
        self.status.progress(done, total);
    }

    /// The pids on screen, the selected one first: what the collector reads first.
    pub fn focus(&self) -> Vec<crate::model::Pid> {
        let procs = &self.procs;
        let on_screen = (procs.rows.iter().enumerate())
            .skip(procs.cur.off)
            .take(self.page().max(1));
        let mut out: Vec<_> = procs
            .selected(&self.loaded)
            .map(|p| p.pid)
            .into_iter()
            .collect();
        for (_, r) in on_screen {
            if r.kind == rows::RowKind::Process
                && let Some(p) = self.loaded.snap.processes.get(r.index)
                && !out.contains(&p.pid)
            {
                out.push(p.pid);
            }
        }
        out
    }
}
