//! The integrity part of `inspect`: mapped files and their flags, preload settings, with
//! `--hash` the exe digest and verdicts, and the findings (text lines or a JSON field).

use super::Out;
use crate::collect::integrity::exe::for_process;
use crate::model::{Process, ProcessIntegrity, Snapshot};
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
    for l in crate::present::integrity::lines(i) {
        o.line(&l)?;
    }
    Ok(())
}
