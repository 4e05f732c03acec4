//! `tree --json` written as it is walked, with an explicit stack: a parent chain hundreds of
//! thousands deep costs one row at a time (no nested values built, no recursion), and its
//! indentation stops growing past [`MAX_INDENT`] levels so the output stays linear.

use super::tree::marks;
use crate::model::{Bytes, Container, Pid, ProcessTree, Snapshot, Thread, WalkRow};
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// Deepest level whose nodes are indented further than their parent's.
pub const MAX_INDENT: usize = 32;

/// A node of the JSON tree without its children (written after it, as the walk goes).
#[derive(Serialize)]
struct Head<'a> {
    pid: Pid,
    ppid: Pid,
    comm: &'a Bytes,
    cmdline: &'a [Bytes],
    user: Option<&'a str>,
    uid: u32,
    container: Option<&'a Container>,
    namespaced: bool,
    marks: Vec<String>,
    threads: &'a [Thread],
}

fn indent(w: &mut dyn Write, depth: usize) -> std::io::Result<()> {
    w.write_all(b"\n")?;
    for _ in 0..=depth.min(MAX_INDENT) {
        w.write_all(b"  ")?;
    }
    Ok(())
}

/// Write the array of trees whose walk is `rows` (pre-order, with depths).
pub fn write(
    snap: &Snapshot,
    tree: &ProcessTree,
    rows: &[WalkRow],
    w: &mut dyn Write,
) -> Result<()> {
    if rows.is_empty() {
        w.write_all(b"[]\n")?;
        return Ok(());
    }
    w.write_all(b"[")?;
    let mut open = 0usize;
    let mut comma = false;
    let mut head = Vec::new();
    for r in rows {
        while open > r.depth {
            indent(w, open - 1)?;
            w.write_all(b"]}")?;
            open -= 1;
            comma = true;
        }
        if comma {
            w.write_all(b",")?;
        }
        indent(w, r.depth)?;
        let p = &snap.processes[r.index];
        let parent = tree.parent[r.index].map(|pi| &snap.processes[pi]);
        head.clear();
        serde_json::to_writer(
            &mut head,
            &Head {
                pid: p.pid,
                ppid: p.ppid,
                comm: &p.comm,
                cmdline: &p.cmdline,
                user: p.uid.effective_name.as_deref(),
                uid: p.uid.effective,
                container: p.container.as_ref(),
                namespaced: p.namespaced,
                marks: marks(p, parent),
                threads: &p.threads,
            },
        )?;
        // why: the head is an object; reopen it to append its children.
        head.pop();
        w.write_all(&head)?;
        w.write_all(b",\"children\":[")?;
        open += 1;
        comma = false;
    }
    while open > 0 {
        indent(w, open - 1)?;
        w.write_all(b"]}")?;
        open -= 1;
    }
    w.write_all(b"\n]\n")?;
    Ok(())
}
