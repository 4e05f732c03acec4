//! `procscope tree`: the process tree like `pstree -p`, with marks where a process enters
//! another container or namespace, or changes uid.

use super::Out;
use crate::model::{Pid, Process, ProcessTree, Snapshot, Thread};
use crate::present::Shown;
use crate::present::tree::Marks;
use anyhow::{Result, bail};
use clap::Args;

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Show only the subtree of this process.
    pub pid: Option<Pid>,
    /// Show threads under their process (JSON always carries them).
    #[arg(long)]
    pub threads: bool,
    /// Show command lines instead of names.
    #[arg(short = 'a', long)]
    pub args: bool,
}

/// Why a process stands out from its parent: new namespaces, another container, another uid.
pub fn marks(p: &Process, parent: Option<&Process>) -> Vec<String> {
    let mut m = crate::analysis::integrity::tree_marks(p);
    m.extend((Marks::of(p, parent).words().into_iter()).map(Shown::into_string));
    m
}

pub fn run(snap: &Snapshot, a: &TreeArgs, o: &mut Out) -> Result<()> {
    let tree = ProcessTree::build(snap);
    let starts = match a.pid {
        Some(pid) => match snap.index_of(pid) {
            Some(i) => vec![i],
            None => bail!("no process with pid {pid}"),
        },
        None => tree.roots.clone(),
    };
    let rows = tree.walk(&starts, &|_| true);
    let parent_of = |i: usize| tree.parent[i].map(|pi| &snap.processes[pi]);
    if o.json {
        return super::tree_json::write(snap, &tree, &rows, &mut *o.w);
    }
    // why: one stack of "last sibling" flags updated row by row (not a copy per row).
    let mut last: Vec<bool> = Vec::new();
    for r in &rows {
        last.truncate(r.depth);
        last.push(r.is_last);
        let p = &snap.processes[r.index];
        let prefix = branch_prefix(&last);
        // why: invalid bytes show as `\xNN` here exactly as in `inspect`, not as U+FFFD.
        let name = if a.args && !p.cmdline.is_empty() {
            let args: Vec<String> = p.cmdline.iter().map(|x| x.safe().into_owned()).collect();
            args.join(" ")
        } else if a.args {
            format!("[{}]", p.comm.safe())
        } else {
            p.comm.safe().into_owned()
        };
        let mut line = format!("{prefix}{name}({})", p.pid);
        for m in marks(p, parent_of(r.index)) {
            line.push_str(&format!(" [{m}]"));
        }
        o.line(&line)?;
        if a.threads {
            let indent = child_indent(&last);
            let tids: Vec<&Thread> = p.threads.iter().filter(|t| t.tid != p.pid).collect();
            for (k, t) in tids.iter().enumerate() {
                let b = if k + 1 == tids.len() && tree.children[r.index].is_empty() {
                    "└─"
                } else {
                    "├─"
                };
                o.line(&format!("{indent}{b}{{{}}}({})", t.name.safe(), t.tid))?;
            }
        }
    }
    Ok(())
}

/// Deepest level drawn with its own column: below it, rows show their depth instead of more
/// columns, so text output stays linear in the number of processes.
pub const MAX_DRAWN_DEPTH: usize = 64;

/// Box-drawing prefix for a row whose ancestors' "last sibling" flags are `last`.
pub fn branch_prefix(last: &[bool]) -> String {
    let mut s = String::new();
    if last.len() <= 1 {
        return s;
    }
    let mut from = 1;
    if last.len() > MAX_DRAWN_DEPTH {
        from = last.len() - MAX_DRAWN_DEPTH;
        s.push_str(&format!("[depth {}]", last.len() - 1));
    }
    for &l in &last[from..last.len() - 1] {
        s.push_str(if l { "  " } else { "│ " });
    }
    s.push_str(if last[last.len() - 1] {
        "└─"
    } else {
        "├─"
    });
    s
}

fn child_indent(last: &[bool]) -> String {
    let mut s = String::new();
    let from = last.len().saturating_sub(MAX_DRAWN_DEPTH).max(1);
    if from > 1 {
        s.push_str(&format!("[depth {}]", last.len() - 1));
    }
    for &l in last.iter().skip(from) {
        s.push_str(if l { "  " } else { "│ " });
    }
    s
}
