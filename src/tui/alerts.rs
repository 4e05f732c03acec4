//! Detection alerts as the TUI shows them: the built-in Falco rules (`analysis::detect`,
//! compiled once per process) and the hidden-process alerts over the snapshot shown, their
//! text masked like the CLI's (secret spans of the subject and its ancestors hidden), indexed
//! by process. The TUI takes no detect rules file: `--rules` names secret rules there.

use super::findings::{Findings, Place, mask_spans};
use crate::analysis::detect::{self, Alert, Priority, Rules};
use crate::analysis::secrets::Finding;
use crate::model::{Pid, ProcessTree, Snapshot};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The built-in rules, compiled on first use (or why they cannot be).
pub fn builtin() -> Result<&'static Rules, &'static str> {
    static RULES: OnceLock<Result<Rules, String>> = OnceLock::new();
    let r = RULES.get_or_init(|| {
        let files = [(
            detect::BUILTIN_NAME.to_string(),
            detect::BUILTIN.to_string(),
        )];
        Rules::load(&files).map_err(|e| format!("alerts: built-in rules: {e}"))
    });
    r.as_ref().map_err(String::as_str)
}

/// Alerts of a snapshot, or why there are none to show.
#[derive(Clone, Debug, Default)]
pub struct Alerts {
    /// Most severe first, then by pid (rule order within a process).
    pub rows: Vec<Alert>,
    /// Set when alerts are unavailable (shown in the view).
    pub unavailable: Option<String>,
    by_pid: HashMap<Pid, Vec<usize>>,
}

/// Ancestors looked at when masking an alert's text (its output names the parent's command
/// line and ancestors' names).
const MASK_DEPTH: usize = 8;

impl Alerts {
    /// Evaluate the built-in rules and the hidden-process check over `snap` (unmasked).
    /// `found` is the secret scan of `snap` (None without secret rules: the alerts are then
    /// not computed, since their text could not be masked).
    pub fn compute(
        snap: &Snapshot,
        tree: &ProcessTree,
        findings: &Findings,
        found: Option<&[Finding]>,
    ) -> Alerts {
        let Some(found) = found else {
            return Alerts::from_rows(
                Vec::new(),
                Some("alerts: no secret rules to mask with".into()),
            );
        };
        // why: a rule over a part the scan has not read yet (the staged first scan) could
        // fire on an absent value or miss; alerts wait for the whole snapshot.
        if !snap.meta.collected.is_all() || snap.processes.iter().any(|p| !p.collected.is_all()) {
            return Alerts::from_rows(
                Vec::new(),
                Some("alerts: after the scan has read every process".into()),
            );
        }
        let rules = match builtin() {
            Ok(r) => r,
            Err(why) => return Alerts::from_rows(Vec::new(), Some(why.to_string())),
        };
        let mut rows = detect::detect_with(snap, rules, found);
        rows.extend(detect::integrity::integrity_alerts(snap));
        for a in &mut rows {
            mask(a, snap, tree, findings);
            // why: the views show the output, evidence and tags; the per-field values (a map
            // of JSON values per alert, the bulk of an alert's memory) serve `detect --json`.
            a.output_fields = Default::default();
        }
        rows.sort_by_key(|a| (a.priority, a.pid));
        Alerts::from_rows(rows, None)
    }

    /// Index rows by pid.
    pub fn from_rows(rows: Vec<Alert>, unavailable: Option<String>) -> Alerts {
        let mut by_pid: HashMap<Pid, Vec<usize>> = HashMap::new();
        for (i, a) in rows.iter().enumerate() {
            by_pid.entry(a.pid).or_default().push(i);
        }
        Alerts {
            rows,
            unavailable,
            by_pid,
        }
    }

    /// Alerts of process `pid` (with start time `st`).
    pub fn of(&self, pid: Pid, st: u64) -> impl Iterator<Item = &Alert> {
        self.by_pid
            .get(&pid)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i])
            .filter(move |a| a.start_time == st)
    }

    /// The most severe priority of the process's alerts and how many it has.
    pub fn worst(&self, pid: Pid, st: u64) -> Option<(Priority, usize)> {
        self.of(pid, st).fold(None, |acc, a| match acc {
            None => Some((a.priority, 1)),
            Some((p, n)) => Some((p.min(a.priority), n + 1)),
        })
    }
}

/// Replace, in the alert's output and evidence, every secret value of its subject and of the
/// subject's ancestors by its masked form (as `mask_snapshot` masks the CLI's snapshot).
fn mask(a: &mut Alert, snap: &Snapshot, tree: &ProcessTree, findings: &Findings) {
    let mut at = snap.index_of(a.pid);
    for _ in 0..MASK_DEPTH {
        let Some(i) = at else { break };
        let p = &snap.processes[i];
        let mut places: Vec<Place> = findings
            .of(p.pid, p.start_time)
            .filter(|f| !f.lead)
            .map(|f| f.place)
            .collect();
        places.dedup();
        for place in places {
            let raw = match place {
                Place::Env(k) => p
                    .environ
                    .as_ref()
                    .and_then(|e| e.get(k))
                    .and_then(|e| e.value),
                Place::Argv(k) => p.cmdline.get(k).map(|b| b.as_bytes()),
            };
            let Some(raw) = raw.filter(|r| !r.is_empty()) else {
                continue;
            };
            let spans = findings.spans(p.pid, p.start_time, place);
            let from = String::from_utf8_lossy(raw);
            let to = String::from_utf8_lossy(&mask_spans(raw, &spans)).into_owned();
            if from != to {
                a.output = a.output.replace(from.as_ref(), &to);
                a.evidence = a.evidence.replace(from.as_ref(), &to);
            }
        }
        at = tree.parent[i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::secrets::{self, RuleSet};
    use crate::model::{Bytes, Fd, FdKind, Process};

    fn shell(pid: Pid, ppid: Pid, argv: &[&str]) -> Process {
        Process {
            pid,
            ppid,
            start_time: 100 + u64::from(pid),
            comm: Bytes::from("bash"),
            cmdline: argv.iter().map(|a| Bytes::from(*a)).collect(),
            exe: Some(crate::model::Exe {
                path: "/tmp/bash".into(),
                deleted: false,
                memfd: false,
            }),
            fds: Some(std::sync::Arc::new(vec![Fd {
                fd: 3,
                kind: FdKind::File,
                target: "/etc/passwd".into(),
                inode: Some(1),
                peers: vec![],
            }])),
            ..Process::default()
        }
    }

    #[test]
    fn builtin_rules_compile_and_argv_secrets_are_masked_in_the_text() {
        assert!(builtin().is_ok(), "{:?}", builtin().err());
        let token = "--password=hunter2hunter2hunter2";
        let snap = Snapshot {
            processes: vec![
                shell(1, 0, &["/tmp/bash", token]),
                shell(2, 1, &["/tmp/bash"]),
            ],
            ..Snapshot::default()
        };
        let rules = RuleSet::builtin().expect("secret rules");
        let found = secrets::scan(&snap, &rules);
        let findings = Findings::from_scan(Some(&found));
        let tree = ProcessTree::build(&snap);
        let alerts = Alerts::compute(&snap, &tree, &findings, Some(&found));
        assert!(alerts.unavailable.is_none());
        assert!(!alerts.rows.is_empty(), "exe in /tmp fires");
        for a in &alerts.rows {
            assert!(!a.output.contains("hunter2hunter2"), "{}", a.output);
        }
        assert!(alerts.of(1, 101).count() > 0 && alerts.of(1, 999).count() == 0);
        let (worst, n) = alerts.worst(1, 101).expect("alerts of pid 1");
        assert_eq!(n, alerts.of(1, 101).count());
        assert!(alerts.of(1, 101).all(|a| a.priority >= worst));
        let sorted = alerts
            .rows
            .windows(2)
            .all(|w| w[0].priority <= w[1].priority);
        assert!(sorted);
        let none = Alerts::compute(&snap, &tree, &Findings::default(), None);
        assert!(none.rows.is_empty() && none.unavailable.is_some());
    }
}
