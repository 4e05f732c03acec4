//! `procscope inspect PID`: every field of one process, sockets resolved and pipe peers named.

use super::Out;
use crate::model::{Pid, Process, Snapshot};
use crate::present::fd::{FdRow, Glyphs};
use crate::present::overview::Overview;
use crate::present::{Escaped, Shown, or_why};
use anyhow::{Result, bail};
use clap::Args;
use serde_json::Value;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The process id.
    pub pid: Pid,
    /// Hash the executable and compare it with the file at its path (live only).
    #[arg(long)]
    pub hash: bool,
    /// Also find the processes at the other end of its pipes and sockets (reads every
    /// process's fd table; without it only this process is read).
    #[arg(long)]
    pub peers: bool,
}

/// The JSON view: the process as in the snapshot, each socket fd carrying its socket.
pub fn view(snap: &Snapshot, p: &Process) -> Result<Value> {
    let mut v = serde_json::to_value(p)?;
    let index = crate::model::SocketIndex::build(snap);
    if let Some(fds) = v.get_mut("fds").and_then(Value::as_array_mut) {
        for (fv, f) in fds.iter_mut().zip(p.fd_list().iter()) {
            let sock = match (f.kind, f.inode) {
                (crate::model::FdKind::Socket, Some(ino)) => {
                    index.find(snap, p.namespaces.get("net").copied(), ino)
                }
                _ => None,
            };
            fv["socket"] = serde_json::to_value(sock)?;
            // why: without `--peers` only this process was read: who else holds its pipes and
            // sockets is unknown, which an empty list would deny.
            if !snap.meta.only.is_empty()
                && matches!(
                    f.kind,
                    crate::model::FdKind::Pipe | crate::model::FdKind::Socket
                )
            {
                fv["peers"] = Value::Null;
            }
            if let Some(peer) = sock.and_then(|s| index.peer_of(snap, s)) {
                fv["socket"]["peer_pids"] = serde_json::to_value(&peer.pids)?;
            }
        }
    }
    super::threads::merge_json(&mut v, p)?;
    if !snap.meta.only.is_empty() {
        v["peers_not_collected"] = Value::Bool(true);
    }
    Ok(v)
}

pub fn run(snap: &Snapshot, a: &InspectArgs, o: &mut Out) -> Result<()> {
    let Some(p) = snap.process(a.pid) else {
        bail!("no process with pid {}", a.pid)
    };
    if o.json {
        let mut v = view(snap, p)?;
        super::integrity::add_json(snap, p, a.hash, &mut v)?;
        return o.json(&v);
    }
    let ov = Overview::build(p, &Escaped);
    for line in overview_text(&ov) {
        o.line(&line)?;
    }
    if let Some(m) = &p.container_meta {
        o.line(&format!("container meta {}", m.summary()))?;
    }
    for line in super::threads::lines(snap, p) {
        o.line(&line)?;
    }
    o.line("")?;
    let why = |f: &str| p.why(f);
    match &p.environ {
        Some(env) => {
            o.line(&format!("environ ({} entries)", env.len()))?;
            for e in env {
                match e.value {
                    Some(v) => {
                        o.line(&format!("  {}={}", Shown::bytes(e.name), Shown::bytes(v)))?
                    }
                    None => o.line(&format!("  {} (no '=')", Shown::bytes(e.name)))?,
                }
            }
        }
        None => o.line(&format!("environ {}", or_why(None, why("environ"))))?,
    }
    o.line("")?;
    match &p.fds {
        Some(fds) => {
            let index = crate::model::SocketIndex::build(snap);
            let netns = p.namespaces.get("net").copied();
            let rows: Vec<Vec<String>> = fds
                .iter()
                .map(|f| {
                    let row = FdRow::of(snap, &index, p.pid, netns, f);
                    row.cells(Glyphs::TEXT)
                        .into_iter()
                        .map(|c| c.text.into_string())
                        .collect()
                })
                .collect();
            o.line(&format!(
                "fds ({} open, {} unresolved)",
                fds.len(),
                p.fds_unresolved
            ))?;
            o.table(&["Fd", "Kind", "Target", "Detail"], &rows)?;
        }
        None => o.line(&format!("fds {}", or_why(None, why("fds"))))?,
    }
    if !ov.unavailable.is_empty() {
        o.line("")?;
        for c in &ov.unavailable {
            o.line(&format!("unavailable {c}"))?;
        }
    }
    super::integrity::print(snap, p, a.hash, o)
}

/// The overview lines of the text output, from the shared cells.
fn overview_text(ov: &Overview) -> Vec<String> {
    let mut l = vec![
        format!(
            "pid {}  ppid {}  comm {}  state {}",
            ov.pid, ov.ppid, ov.comm, ov.state
        ),
        format!("started {}", ov.started),
        format!("cmdline {}", ov.cmdline),
        format!("exe {}", ov.exe),
        format!("cwd {}", ov.cwd),
        format!("root {}", ov.root),
    ];
    match &ov.status {
        Ok(s) => {
            let ids = |i: &[Shown; 4]| {
                format!(
                    "real {} effective {} saved {} fs {}",
                    i[0], i[1], i[2], i[3]
                )
            };
            l.push(format!("uid {}", ids(&s.uid)));
            l.push(format!("gid {}", ids(&s.gid)));
            l.push(format!(
                "tracer {}  cap_eff {}  seccomp {}  nspid {}",
                s.tracer, s.caps, s.seccomp, s.nspid
            ));
        }
        Err(why) => l.push(format!("ids {why}")),
    }
    l.push(format!("container {}", ov.container));
    let ns: Vec<String> = (ov.namespaces.iter())
        .map(|(k, c)| format!("{k}={c}"))
        .collect();
    l.push(format!("namespaces {}", ns.join(" ")));
    for c in &ov.cgroups {
        l.push(format!("cgroup {c}"));
    }
    l.push(format!("threads {}", Shown::join(&ov.threads, " ")));
    l
}
