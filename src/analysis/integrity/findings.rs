//! Integrity findings for `detect`: each with a rule name, a priority and its evidence, drawn
//! purely from a process of the snapshot and the integrity results read for it.

use super::exe::map_flags;
use crate::model::{
    Bytes, ExeIntegrity, ExeVerdict, HiddenProcess, IntegrityFinding, Libraries, Pid, Priority,
    Process,
};

fn finding(
    rule: &str,
    priority: Priority,
    pid: Pid,
    start: Option<u64>,
    ev: Vec<String>,
) -> IntegrityFinding {
    IntegrityFinding {
        rule: rule.to_string(),
        priority,
        pid,
        start_time: start,
        evidence: ev,
    }
}

/// One `hidden_process` finding (CRITICAL) per confirmed hidden process.
pub fn hidden_findings(hidden: &[HiddenProcess]) -> Vec<IntegrityFinding> {
    hidden
        .iter()
        .map(|h| {
            let ev = h.evidence.iter().map(|e| e.describe()).collect();
            finding(
                "hidden_process",
                Priority::Critical,
                h.pid,
                h.start_time,
                ev,
            )
        })
        .collect()
}

/// The `hidden_process` finding of a snapshot process flagged hidden by the scan.
pub fn process_hidden_findings(p: &Process) -> Vec<IntegrityFinding> {
    let Some(h) = &p.hidden else {
        return Vec::new();
    };
    let ev = h.evidence.iter().map(|e| e.describe()).collect();
    vec![finding(
        "hidden_process",
        Priority::Critical,
        p.pid,
        Some(p.start_time),
        ev,
    )]
}

/// Findings of one process's exe verdicts: `exe_memfd` (CRITICAL), `exe_replaced_on_disk`
/// (ERROR), `exe_deleted` and `exe_on_overlay_upper` (WARNING).
pub fn exe_findings(p: &Process, ex: &ExeIntegrity) -> Vec<IntegrityFinding> {
    let path = ex
        .exe
        .as_ref()
        .map_or(String::new(), |e| e.path.lossy().into_owned());
    let sha = |d: &Option<crate::model::FileDigest>| {
        d.as_ref()
            .and_then(|d| d.sha256.clone())
            .unwrap_or_else(|| "-".into())
    };
    ex.verdicts
        .iter()
        .filter_map(|v| {
            let (rule, prio) = match v {
                ExeVerdict::Memfd => ("exe_memfd", Priority::Critical),
                ExeVerdict::ReplacedOnDisk => ("exe_replaced_on_disk", Priority::Error),
                ExeVerdict::Deleted => ("exe_deleted", Priority::Warning),
                ExeVerdict::OverlayUpper => ("exe_on_overlay_upper", Priority::Warning),
                ExeVerdict::Matches => return None,
            };
            let mut ev = vec![format!("exe {path}: {}", v.as_str())];
            ev.push(format!("running sha256 {}", sha(&ex.running)));
            if ex.on_disk.is_some() {
                ev.push(format!("on-disk sha256 {}", sha(&ex.on_disk)));
            }
            Some(finding(rule, prio, p.pid, Some(p.start_time), ev))
        })
        .collect()
}

/// The `ld_so_preload` finding (ERROR) of a root whose `/etc/ld.so.preload` lists `entries`,
/// reported on `p`, the oldest process of the `sharing` processes in that root.
pub fn root_preload_finding(p: &Process, entries: &[Bytes], sharing: usize) -> IntegrityFinding {
    let list: Vec<String> = entries.iter().map(|b| b.lossy().into_owned()).collect();
    finding(
        "ld_so_preload",
        Priority::Error,
        p.pid,
        Some(p.start_time),
        vec![format!(
            "/etc/ld.so.preload lists {} (the root of {sharing} process(es))",
            list.join(" ")
        )],
    )
}

/// Findings of one process's preload settings and mapped code: `ld_so_preload` (ERROR),
/// `ld_preload_env` (WARNING), `ld_library_path_env` (NOTICE), `mapped_memfd_code`
/// (CRITICAL), `mapped_deleted_library` (ERROR), `mapped_code_outside_library_dirs` (NOTICE).
pub fn library_findings(p: &Process, libs: &Libraries) -> Vec<IntegrityFinding> {
    let mut out = Vec::new();
    let mut add = |rule: &str, prio, ev: String| {
        out.push(finding(rule, prio, p.pid, Some(p.start_time), vec![ev]));
    };
    if !libs.ld_so_preload.is_empty() {
        let list: Vec<String> = libs
            .ld_so_preload
            .iter()
            .map(|b| b.lossy().into_owned())
            .collect();
        add(
            "ld_so_preload",
            Priority::Error,
            format!("/etc/ld.so.preload lists {}", list.join(" ")),
        );
    }
    if let Some(v) = &libs.ld_preload {
        add(
            "ld_preload_env",
            Priority::Warning,
            format!("LD_PRELOAD={}", v.lossy()),
        );
    }
    if let Some(v) = &libs.ld_library_path {
        add(
            "ld_library_path_env",
            Priority::Notice,
            format!("LD_LIBRARY_PATH={}", v.lossy()),
        );
    }
    let exe = p.exe.as_ref().map(|e| e.path.as_bytes());
    for m in &libs.maps {
        for flag in map_flags(m, exe) {
            let (rule, prio) = match flag.as_str() {
                "memfd" => ("mapped_memfd_code", Priority::Critical),
                "deleted" => ("mapped_deleted_library", Priority::Error),
                _ => ("mapped_code_outside_library_dirs", Priority::Notice),
            };
            add(rule, prio, format!("maps {} ({flag})", m.path.lossy()));
        }
    }
    out
}
