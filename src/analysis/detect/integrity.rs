//! Integrity findings as detection alerts: a process hidden from `/proc` (seen through the
//! clean procfs view, `Process::hidden`) is an alert of rule `hidden_process`, priority
//! Critical, with its evidence, beside the Falco rules' alerts; the exe and library findings
//! read on demand (`detect --integrity`) become alerts of the same shape.

use super::{Alert, Priority};
use crate::analysis::integrity::process_hidden_findings;
use crate::model::{IntegrityFinding, Priority as Level, Snapshot};
use std::collections::BTreeMap;

fn priority(p: Level) -> Priority {
    match p {
        Level::Critical => Priority::Critical,
        Level::Error => Priority::Error,
        Level::Warning => Priority::Warning,
        Level::Notice => Priority::Notice,
    }
}

/// What an integrity rule's alert says, before its fields.
fn title(rule: &str) -> &'static str {
    match rule {
        "hidden_process" => "Process hidden from /proc",
        "exe_memfd" => "Process runs an executable from a memfd",
        "exe_replaced_on_disk" => "Process runs an executable replaced on disk",
        "exe_deleted" => "Process runs a deleted executable",
        "exe_on_overlay_upper" => "Process runs an executable from an overlay upper layer",
        "ld_so_preload" => "/etc/ld.so.preload preloads libraries into the process",
        "ld_preload_env" => "LD_PRELOAD in the process's environment",
        "ld_library_path_env" => "LD_LIBRARY_PATH in the process's environment",
        "mapped_memfd_code" => "Code mapped from a memfd",
        "mapped_deleted_library" => "A deleted library is mapped",
        _ => "Code mapped from outside the library directories",
    }
}

fn tags(rule: &str) -> Vec<String> {
    let tactic = if rule.starts_with("exe_memfd") || rule.starts_with("mapped_memfd") {
        "mitre_execution"
    } else if rule.starts_with("ld_") {
        "mitre_persistence"
    } else {
        "mitre_defense_evasion"
    };
    vec!["integrity".to_string(), tactic.to_string()]
}

/// One alert for an integrity finding about a process of `snap`.
pub fn alert(snap: &Snapshot, f: IntegrityFinding) -> Alert {
    let comm = snap
        .process(f.pid)
        .map(|p| p.comm.lossy().into_owned())
        .unwrap_or_default();
    let evidence = f.evidence.join("; ");
    let mut fields = BTreeMap::new();
    fields.insert("proc.pid".to_string(), serde_json::json!(f.pid));
    fields.insert("proc.name".to_string(), serde_json::json!(comm));
    Alert {
        output: format!(
            "{} (proc.name={comm} proc.pid={} evidence={evidence})",
            title(&f.rule),
            f.pid
        ),
        tags: tags(&f.rule),
        rule: f.rule,
        priority: priority(f.priority),
        output_fields: fields,
        source: "procscope".to_string(),
        pid: f.pid,
        start_time: f.start_time.unwrap_or_default(),
        inferred: true,
        event: "execve",
        evidence,
    }
}

/// The alerts of every hidden process of `snap`.
pub fn integrity_alerts(snap: &Snapshot) -> Vec<Alert> {
    snap.processes
        .iter()
        .flat_map(process_hidden_findings)
        .map(|f| alert(snap, f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bytes, Hidden, HiddenEvidence, Process};

    #[test]
    fn a_hidden_process_is_a_critical_alert_and_others_are_not() {
        let hidden = Process {
            pid: 42,
            start_time: 7,
            comm: Bytes::from("miner"),
            hidden: Some(Hidden {
                evidence: vec![HiddenEvidence::EntryMismatch { stat_pid: Some(9) }],
            }),
            ..Process::default()
        };
        let plain = Process {
            pid: 43,
            ..Process::default()
        };
        let snap = Snapshot {
            processes: vec![hidden, plain],
            ..Snapshot::default()
        };
        let a = integrity_alerts(&snap);
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].rule.as_str(), a[0].pid, a[0].start_time),
            ("hidden_process", 42, 7)
        );
        assert_eq!(a[0].priority, Priority::Critical);
        assert!(a[0].evidence.contains("pid 9"), "{}", a[0].evidence);
        assert!(a[0].output.contains("proc.name=miner"));
    }
}
