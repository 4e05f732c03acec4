//! `App` and the processes gone since `--diff OLD`: their rows, selection and detail are drawn
//! from the OLD snapshot, and never looked up in the current one (the pid may be reused).

use super::app::App;
use super::findings::Findings;
use super::rows::{Row, RowKind};
use crate::model::Process;

impl App {
    /// The findings that mask `p`'s values: those of the current snapshot when `p` is in it,
    /// else those of the processes gone since OLD.
    pub fn findings_for(&self, p: &Process) -> &Findings {
        let current = self
            .snap
            .process(p.pid)
            .is_some_and(|q| q.start_time == p.start_time);
        if current {
            &self.findings
        } else {
            &self.gone_findings
        }
    }

    /// The OLD process a gone row stands for.
    pub fn gone_of_row(&self, row: &Row) -> Option<&Process> {
        match row.kind {
            RowKind::Gone(i) => self.diff_base.as_ref()?.processes.get(i),
            _ => None,
        }
    }

    /// The OLD process of the selected row, when it is a gone process.
    pub fn selected_gone(&self) -> Option<&Process> {
        self.gone_of_row(self.rows.get(self.procs.sel)?)
    }

    /// The process of the detail screen when it is not in the current snapshot but was in
    /// OLD: its data as OLD recorded it, read-only.
    pub fn gone_detail_process(&self) -> Option<&Process> {
        if self.detail_process().is_some() {
            return None;
        }
        let (pid, start) = self.detail.as_ref()?.key;
        self.diff_base
            .as_ref()?
            .process(pid)
            .filter(|p| p.start_time == start)
    }
}
