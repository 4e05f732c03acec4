//! A process's integrity as text lines, escaped: the exe's digests and verdicts, the preload
//! settings, the mapped files with their flags, and the findings. `inspect` prints them; the
//! TUI shows them on the overview after its integrity key.

use super::{Cell, Shown};
use crate::model::{FileDigest, ProcessIntegrity, escape, escape_bytes};

/// The lines of `i` as cells (for the TUI's overview).
pub fn cells(i: &ProcessIntegrity) -> Vec<Cell> {
    (lines(i).into_iter())
        .map(|l| Cell::normal(Shown::composed(l)))
        .collect()
}

/// The lines of `i`, each escaped.
pub fn lines(i: &ProcessIntegrity) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(ex) = &i.exe {
        let hex = |d: &Option<FileDigest>| {
            d.as_ref()
                .and_then(|d| d.sha256.clone())
                .unwrap_or_else(|| "-".into())
        };
        let verdicts: Vec<&str> = ex.verdicts.iter().map(|v| v.as_str()).collect();
        out.push(format!("exe integrity {}", verdicts.join(", ")));
        out.push(format!("  running sha256 {}", escape(&hex(&ex.running))));
        out.push(format!("  on-disk sha256 {}", escape(&hex(&ex.on_disk))));
        for (f, w) in &ex.unavailable {
            out.push(format!("  {}: {}", escape(f), escape(&w.to_string())));
        }
    }
    let l = &i.libraries;
    if let Some(v) = &l.ld_preload {
        out.push(format!("LD_PRELOAD {}", v.safe()));
    }
    if let Some(v) = &l.ld_library_path {
        out.push(format!("LD_LIBRARY_PATH {}", v.safe()));
    }
    for e in &l.ld_so_preload {
        out.push(format!("/etc/ld.so.preload {}", e.safe()));
    }
    match l.unavailable.get("maps") {
        Some(w) => out.push(format!("mapped files <{}>", escape(&w.to_string()))),
        None => {
            out.push(format!("mapped files ({})", l.maps.len()));
            for m in &l.maps {
                let flags = if m.flags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", escape(&m.flags.join(", ")))
                };
                let x = if m.exec { "x" } else { "-" };
                out.push(format!("  {x} {}{flags}", escape_bytes(m.path.as_bytes())));
            }
        }
    }
    for f in &i.findings {
        let ev: Vec<String> = f.evidence.iter().map(|e| escape(e).into_owned()).collect();
        out.push(format!(
            "finding {} {:?}: {}",
            escape(&f.rule),
            f.priority,
            ev.join("; ")
        ));
    }
    out
}
