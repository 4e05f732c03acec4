//! Secret findings as the TUI shows them, and which values are masked. Detection is
//! `analysis::secrets`; this adapter indexes its findings by process and place, and masks the
//! matched spans the way `mask_snapshot` does for text output.

pub use crate::analysis::masking::{Place, mask_spans};
use crate::analysis::secrets::{self, RuleSet, SecretSource, Severity};
use crate::model::{Pid, Snapshot};
use std::collections::HashMap;

/// One finding, ready to draw. Text fields are already escaped.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
    pub pid: Pid,
    pub start_time: u64,
    pub comm: String,
    pub place: Place,
    pub name: String,
    pub rule: String,
    pub severity: Severity,
    pub description: String,
    pub container: Option<String>,
    pub entropy: f64,
    /// Byte span of the secret in the environ value or argv entry.
    pub span: (usize, usize),
    /// Points at key material (a path), not a secret itself: never masked.
    pub lead: bool,
}

/// Findings of a snapshot, or why there are none to show.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub rows: Vec<FindingRow>,
    /// Set when detection is unavailable (shown in the view; every environ value is masked).
    pub unavailable: Option<String>,
    by_pid: HashMap<Pid, Vec<usize>>,
}

impl Findings {
    /// Run the secret rules over the (unmasked) snapshot; most severe first.
    pub fn scan(snap: &Snapshot, rules: Option<&RuleSet>) -> Findings {
        let found = rules.map(|r| secrets::scan(snap, r));
        Findings::from_scan(found.as_deref())
    }

    /// Index the findings of a scan already run (None: no rules, detection unavailable).
    pub fn from_scan(found: Option<&[secrets::Finding]>) -> Findings {
        let Some(found) = found else {
            return Findings::from_rows(Vec::new(), Some("secrets: no rules loaded".into()));
        };
        let mut rows: Vec<FindingRow> = found
            .iter()
            .map(|f| FindingRow {
                pid: f.pid,
                start_time: f.start_time,
                comm: f.comm.safe().into_owned(),
                place: match f.source {
                    SecretSource::Environ => Place::Env(f.index),
                    SecretSource::Cmdline => Place::Argv(f.index),
                },
                name: f.name.safe().into_owned(),
                rule: crate::model::escape(&f.rule).into_owned(),
                severity: f.severity,
                description: crate::model::escape(&f.description).into_owned(),
                container: (f.container.as_deref()).map(|c| crate::model::escape(c).into_owned()),
                entropy: f.entropy,
                // why: the span the masking policy hides (the whole value when in doubt).
                span: f.mask,
                lead: f.lead,
            })
            .collect();
        rows.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.pid.cmp(&b.pid)));
        Findings::from_rows(rows, None)
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

    /// The first finding at this place, if any.
    pub fn at(&self, pid: Pid, st: u64, place: Place) -> Option<&FindingRow> {
        self.of(pid, st).find(|r| r.place == place)
    }

    /// Spans to mask at this place (leads excluded), sorted.
    pub fn spans(&self, pid: Pid, st: u64, place: Place) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = self
            .of(pid, st)
            .filter(|r| r.place == place && !r.lead)
            .map(|r| r.span)
            .collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spans_are_masked_in_place() {
        let b = b"--password=hunter2hunter2 -v";
        let m = super::mask_spans(b, &[(11, 25)]);
        assert_eq!(String::from_utf8(m).unwrap(), "--password=hunt…(14) -v");
        assert_eq!(super::mask_spans(b"abc", &[(1, 9)]), b"abc".to_vec());
    }
}
