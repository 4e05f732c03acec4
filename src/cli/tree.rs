//! `procscope tree`: the process tree like `pstree -p`, with marks where a process enters
//! another container or namespace, or changes uid.

use super::Out;
use crate::model::{Bytes, Pid, Process, ProcessTree, Snapshot, Thread};
use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;
use std::collections::HashMap;

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

/// A node of the JSON tree.
#[derive(Serialize)]
struct Node<'a> {
    pid: Pid,
    ppid: Pid,
    comm: &'a Bytes,
    cmdline: &'a [Bytes],
    user: Option<&'a str>,
    uid: u32,
    container: Option<&'a crate::model::Container>,
    namespaced: bool,
    marks: Vec<String>,
    threads: &'a [Thread],
    children: Vec<Node<'a>>,
}

/// Why a process stands out from its parent: new namespaces, another container, another uid.
pub fn marks(p: &Process, parent: Option<&Process>) -> Vec<String> {
    let mut m = crate::analysis::integrity::tree_marks(p);
    let Some(parent) = parent else { return m };
    if p.container != parent.container
        && let Some(c) = &p.container
    {
        let id =
            c.id.as_deref()
                .map_or("?".into(), |i| crate::model::escape_prefix(i, 12));
        m.push(format!("container {}:{}", c.runtime, id));
    }
    let changed: Vec<&str> = crate::model::NsKind::MARKED
        .into_iter()
        .map(crate::model::NsKind::name)
        .filter(
            |k| match (p.namespaces.get(*k), parent.namespaces.get(*k)) {
                (Some(a), Some(b)) => a != b,
                _ => false,
            },
        )
        .collect();
    if !changed.is_empty() {
        m.push(format!("ns {}", changed.join(",")));
    }
    if let (Some(r), Some(pr)) = (&p.root, &parent.root)
        && r != pr
    {
        m.push(format!("root {}", r.safe()));
    }
    if p.uid.effective != parent.uid.effective && !p.unavailable.contains_key("status") {
        m.push(format!("uid {}→{}", parent.uid.effective, p.uid.effective));
    }
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
        // Build bottom-up without recursion: children are complete before their parent.
        let mut built: HashMap<usize, Node> = HashMap::new();
        for r in rows.iter().rev() {
            let p = &snap.processes[r.index];
            let children = tree.children[r.index]
                .iter()
                .filter_map(|c| built.remove(c))
                .collect();
            built.insert(
                r.index,
                Node {
                    pid: p.pid,
                    ppid: p.ppid,
                    comm: &p.comm,
                    cmdline: &p.cmdline,
                    user: p.uid.effective_name.as_deref(),
                    uid: p.uid.effective,
                    container: p.container.as_ref(),
                    namespaced: p.namespaced,
                    marks: marks(p, parent_of(r.index)),
                    threads: &p.threads,
                    children,
                },
            );
        }
        let roots: Vec<Node> = starts.iter().filter_map(|s| built.remove(s)).collect();
        return o.json(&roots);
    }
    for (r, last) in rows.iter().zip(crate::model::branch_flags(&rows)) {
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
            line.push_str(&format!(" [{}]", crate::model::escape(&m)));
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

/// Box-drawing prefix for a row whose ancestors' "last sibling" flags are `last`.
pub fn branch_prefix(last: &[bool]) -> String {
    let mut s = String::new();
    if last.len() <= 1 {
        return s;
    }
    for &l in &last[1..last.len() - 1] {
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
    for &l in last.iter().skip(1) {
        s.push_str(if l { "  " } else { "│ " });
    }
    s
}
