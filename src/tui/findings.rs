//! Secret findings as the TUI shows them, and which values are masked. The detection itself
//! lives in `analysis::secrets`; this adapter indexes its findings by process.

use crate::model::{Pid, Snapshot};
use std::collections::HashMap;

/// Where a finding sits in its process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// environ entry index.
    Env(usize),
    /// argv index.
    Argv(usize),
}

/// One finding, ready to draw. `name`, `rule` and `description` are untrusted or rule text:
/// views escape them.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
    pub pid: Pid,
    pub start_time: u64,
    pub comm: String,
    pub place: Place,
    pub name: String,
    pub rule: String,
    pub severity: String,
    pub description: String,
    pub container: Option<String>,
    pub entropy: f64,
}

/// Findings of a snapshot, or why there are none to show.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub rows: Vec<FindingRow>,
    /// Set when detection is unavailable in this build or failed (shown in the view).
    pub unavailable: Option<String>,
    by_pid: HashMap<Pid, Vec<usize>>,
}

impl Findings {
    /// Run the secret rules over `snap`.
    pub fn scan(_snap: &Snapshot) -> Findings {
        Findings::from_rows(
            Vec::new(),
            Some("secrets: not available in this build".to_string()),
        )
    }

    /// Index rows by pid.
    pub fn from_rows(rows: Vec<FindingRow>, unavailable: Option<String>) -> Findings {
        let mut by_pid: HashMap<Pid, Vec<usize>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            by_pid.entry(r.pid).or_default().push(i);
        }
        Findings {
            rows,
            unavailable,
            by_pid,
        }
    }

    /// Findings of process `pid` (with start time `st`).
    pub fn of(&self, pid: Pid, st: u64) -> impl Iterator<Item = &FindingRow> {
        self.by_pid
            .get(&pid)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i])
            .filter(move |r| r.start_time == st)
    }

    /// Whether the process has any finding.
    pub fn flagged(&self, pid: Pid) -> bool {
        self.by_pid.contains_key(&pid)
    }

    /// The finding at this place, if any.
    pub fn at(&self, pid: Pid, st: u64, place: Place) -> Option<&FindingRow> {
        self.of(pid, st).find(|r| r.place == place)
    }
}
