//! The integrity part of `inspect`: mapped files and their flags, preload settings, with
//! `--hash` the exe digest and verdicts, and the findings (text lines or a JSON field).

use super::Out;
use crate::collect::integrity::exe::for_process;
use crate::model::{Process, ProcessIntegrity, Snapshot, escape, escape_bytes};
use anyhow::Result;
use serde_json::Value;

/// Add `integrity` to the JSON view of `p` (live snapshots only).
pub fn add_json(snap: &Snapshot, p: &Process, hash: bool, v: &mut Value) -> Result<()> {
    if let Some(i) = for_process(snap, p, hash) {
        v["integrity"] = serde_json::to_value(&i)?;
    }
    Ok(())
}

/// Print the integrity lines of `p` (live snapshots only; with `--hash` offline, a note).
pub fn print(snap: &Snapshot, p: &Process, hash: bool, o: &mut Out) -> Result<()> {
    let Some(i) = for_process(snap, p, hash) else {
        if hash {
            o.line("")?;
            o.line("exe hash: needs the live system")?;
        }
        return Ok(());
    };
    o.line("")?;
    lines(&i, o)
}

fn lines(i: &ProcessIntegrity, o: &mut Out) -> Result<()> {
    if let Some(ex) = &i.exe {
        let hex = |d: &Option<crate::model::FileDigest>| {
            d.as_ref()
                .and_then(|d| d.sha256.clone())
                .unwrap_or_else(|| "-".into())
        };
        let verdicts: Vec<&str> = ex.verdicts.iter().map(|v| v.as_str()).collect();
        o.line(&format!("exe integrity {}", verdicts.join(", ")))?;
        o.line(&format!("  running sha256 {}", hex(&ex.running)))?;
        o.line(&format!("  on-disk sha256 {}", hex(&ex.on_disk)))?;
        for (f, w) in &ex.unavailable {
            o.line(&format!("  {}: {}", escape(f), escape(&w.to_string())))?;
        }
    }
    let l = &i.libraries;
    if let Some(v) = &l.ld_preload {
        o.line(&format!("LD_PRELOAD {}", v.safe()))?;
    }
    if let Some(v) = &l.ld_library_path {
        o.line(&format!("LD_LIBRARY_PATH {}", v.safe()))?;
    }
    for e in &l.ld_so_preload {
        o.line(&format!("/etc/ld.so.preload {}", e.safe()))?;
    }
    match l.unavailable.get("maps") {
        Some(w) => o.line(&format!("mapped files <{w}>"))?,
        None => {
            o.line(&format!("mapped files ({})", l.maps.len()))?;
            for m in &l.maps {
                let flags = if m.flags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", m.flags.join(", "))
                };
                let x = if m.exec { "x" } else { "-" };
                o.line(&format!("  {x} {}{flags}", escape_bytes(m.path.as_bytes())))?;
            }
        }
    }
    for f in &i.findings {
        let ev: Vec<String> = f.evidence.iter().map(|e| escape(e).into_owned()).collect();
        o.line(&format!(
            "finding {} {:?}: {}",
            f.rule,
            f.priority,
            ev.join("; ")
        ))?;
    }
    Ok(())
}
