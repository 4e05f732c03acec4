//! `procscope inspect PID`: every field of one process, sockets resolved and pipe peers named.

use super::Out;
use super::output::or_why;
use crate::model::{Pid, Process, Snapshot, escape, escape_bytes, time};
use anyhow::{Result, bail};
use clap::Args;
use serde_json::Value;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The process id.
    pub pid: Pid,
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
            if let Some(peer) = sock.and_then(|s| index.peer_of(snap, s)) {
                fv["socket"]["peer_pids"] = serde_json::to_value(&peer.pids)?;
            }
        }
    }
    Ok(v)
}

pub fn run(snap: &Snapshot, a: &InspectArgs, o: &mut Out) -> Result<()> {
    let Some(p) = snap.process(a.pid) else {
        bail!("no process with pid {}", a.pid)
    };
    if o.json {
        return o.json(&view(snap, p)?);
    }
    let why = |f: &str| p.why(f);
    let name = |id: u32, n: &Option<String>| match n {
        Some(n) => format!("{id}({})", escape(n)),
        None => id.to_string(),
    };
    let mut l: Vec<String> = Vec::new();
    l.push(format!(
        "pid {}  ppid {}  comm {}  state {}",
        p.pid,
        p.ppid,
        p.comm.safe(),
        escape(&p.state)
    ));
    let started = p.started_at.map(time::utc).unwrap_or_else(|| "?".into());
    l.push(format!("started {started} (ticks {})", p.start_time));
    let cmd = if p.cmdline.is_empty() && why("cmdline").is_none() {
        "-".to_string()
    } else {
        or_why(
            (!p.cmdline.is_empty()).then(|| {
                p.cmdline
                    .iter()
                    .map(|a| a.safe().into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            why("cmdline"),
        )
    };
    l.push(format!("cmdline {cmd}"));
    let exe = p.exe.as_ref().map(|e| {
        let mut s = e.path.safe().into_owned();
        if e.deleted {
            s.push_str(" [deleted]");
        }
        if e.memfd {
            s.push_str(" [memfd]");
        }
        s
    });
    l.push(format!("exe {}", or_why(exe, why("exe"))));
    l.push(format!(
        "cwd {}",
        or_why(p.cwd.as_ref().map(|c| c.safe().into_owned()), why("cwd"))
    ));
    l.push(format!(
        "root {}",
        or_why(p.root.as_ref().map(|c| c.safe().into_owned()), why("root"))
    ));
    if why("status").is_none() {
        l.push(format!(
            "uid real {} effective {} saved {} fs {}",
            name(p.uid.real, &p.uid.real_name),
            name(p.uid.effective, &p.uid.effective_name),
            p.uid.saved,
            p.uid.fs
        ));
        l.push(format!(
            "gid real {} effective {} saved {} fs {}",
            name(p.gid.real, &p.gid.real_name),
            name(p.gid.effective, &p.gid.effective_name),
            p.gid.saved,
            p.gid.fs
        ));
        let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        l.push(format!(
            "tracer {}  cap_eff {}  seccomp {}  nspid {}",
            opt(p.tracer_pid.map(|t| t.to_string())),
            opt(p.cap_eff.as_deref().map(|c| escape(c).into_owned())),
            opt(p.seccomp.map(|s| ["disabled", "strict", "filter"]
                .get(s as usize)
                .copied()
                .unwrap_or("?")
                .to_string())),
            p.nspid
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ));
    } else {
        l.push(format!("ids {}", or_why(None, why("status"))));
    }
    let container = match &p.container {
        Some(c) => format!(
            "{} {} pod {} qos {}",
            c.runtime,
            c.id.as_deref().map(escape).unwrap_or_default(),
            c.pod_uid
                .as_deref()
                .map(escape)
                .unwrap_or_else(|| "-".into()),
            c.qos.as_deref().unwrap_or("-")
        ),
        None if p.namespaced => "none recognised (namespaced)".into(),
        None => "none".into(),
    };
    l.push(format!("container {container}"));
    if let Some(m) = &p.container_meta {
        l.push(format!("container meta {}", m.summary()));
    }
    let ns: Vec<String> = crate::model::NS_KINDS
        .iter()
        .map(|k| match p.namespaces.get(*k) {
            Some(i) => format!("{k}={i}"),
            None => format!(
                "{k}=<{}>",
                why(&format!("ns.{k}")).map_or("?".into(), |w| w.to_string())
            ),
        })
        .collect();
    l.push(format!("namespaces {}", ns.join(" ")));
    for c in p.cgroups.iter() {
        l.push(format!(
            "cgroup {}:{}:{}",
            c.hierarchy,
            escape(&c.controllers.join(",")),
            c.path.safe()
        ));
    }
    if let Some(w) = why("cgroup") {
        l.push(format!("cgroup <{w}>"));
    }
    l.push(format!(
        "threads {}",
        p.threads
            .iter()
            .map(|t| format!("{}({})", t.name.safe(), t.tid))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    for line in l {
        o.line(&line)?;
    }
    o.line("")?;
    match &p.environ {
        Some(env) => {
            o.line(&format!("environ ({} entries)", env.len()))?;
            for e in env {
                match e.value {
                    Some(v) => {
                        o.line(&format!("  {}={}", escape_bytes(e.name), escape_bytes(v)))?
                    }
                    None => o.line(&format!("  {} (no '=')", escape_bytes(e.name)))?,
                }
            }
        }
        None => o.line(&format!("environ {}", or_why(None, why("environ"))))?,
    }
    o.line("")?;
    match &p.fds {
        Some(fds) => {
            let index = crate::model::SocketIndex::build(snap);
            let rows: Vec<Vec<String>> = fds
                .iter()
                .map(|f| {
                    let mut detail = String::new();
                    if let (crate::model::FdKind::Socket, Some(ino)) = (f.kind, f.inode)
                        && let Some(s) = index.find(snap, p.namespaces.get("net").copied(), ino)
                    {
                        detail = format!(
                            "{} {} {}:{}",
                            s.proto.as_str(),
                            s.state,
                            s.local_addr.safe(),
                            s.local_port.map_or(String::new(), |x| x.to_string())
                        );
                        if let (Some(r), Some(rp)) = (&s.remote_addr, s.remote_port) {
                            detail.push_str(&format!(" -> {r}:{rp}"));
                        }
                        if let Some(peer) = index.peer_of(snap, s) {
                            let who = match snap.name_pids(&peer.pids) {
                                n if n.is_empty() => "-".to_string(),
                                n => n,
                            };
                            detail.push_str(&format!(" peer {who} (inode {})", peer.inode));
                        }
                    }
                    if !f.peers.is_empty() {
                        // why: a pipe's other holders are its other end; a socket's share it.
                        let what = if f.kind == crate::model::FdKind::Socket {
                            "shared with"
                        } else {
                            "peers"
                        };
                        detail.push_str(&format!(" {what} {}", snap.name_pids(&f.peers)));
                    }
                    vec![
                        f.fd.to_string(),
                        f.kind.as_str().to_string(),
                        f.target.safe().into_owned(),
                        detail.trim().to_string(),
                    ]
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
    if !p.unavailable.is_empty() {
        o.line("")?;
        for (f, w) in &p.unavailable {
            o.line(&format!(
                "unavailable {}: {}",
                escape(f),
                escape(&w.to_string())
            ))?;
        }
    }
    Ok(())
}
