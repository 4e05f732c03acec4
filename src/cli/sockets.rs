//! `procscope sockets`: every socket of every network namespace with its owners, like
//! `ss -tuanp`, and for a local connection the processes at its other end.

use super::Out;
use crate::model::{Snapshot, Socket, endpoint, escape};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct SocketsArgs {
    /// Only listening sockets (TCP/unix LISTEN, bound UDP).
    #[arg(short, long)]
    pub listening: bool,
    /// Include unix, raw and packet sockets (default: tcp and udp only, like `ss -tu`).
    #[arg(short = 'x', long)]
    pub all: bool,
}

pub fn run(snap: &Snapshot, a: &SocketsArgs, o: &mut Out) -> Result<()> {
    use crate::model::Proto::*;
    let sel: Vec<&Socket> = snap
        .sockets
        .iter()
        .filter(|s| a.all || a.listening || matches!(s.proto, Tcp | Tcp6 | Udp | Udp6))
        .filter(|s| !a.listening || s.is_listening())
        .collect();
    let index = crate::model::SocketIndex::build(snap);
    let peer = |s: &Socket| index.peer_of(snap, s);
    if o.json {
        let mut out = Vec::with_capacity(sel.len());
        for s in &sel {
            let mut v = serde_json::to_value(s)?;
            if let Some(p) = peer(s) {
                v["peer_pids"] = serde_json::to_value(&p.pids)?;
            }
            out.push(v);
        }
        return o.json(&out);
    }
    let rows: Vec<Vec<String>> = sel
        .iter()
        .map(|s| {
            vec![
                s.proto.as_str().to_string(),
                s.state.to_string(),
                endpoint(&s.local_addr.safe(), s.local_port),
                match (&s.remote_addr, s.peer) {
                    (Some(r), _) => endpoint(&escape(r), s.remote_port),
                    // why: like ss, a unix peer is named by its inode.
                    (None, Some(p)) => format!("* {p}"),
                    (None, None) => "*".into(),
                },
                s.netns.to_string(),
                s.inode.to_string(),
                snap.name_pids(&s.pids),
                peer(s).map_or_else(String::new, |p| snap.name_pids(&p.pids)),
            ]
        })
        .collect();
    o.table(
        &[
            "Proto",
            "State",
            "Local",
            "Peer",
            "Netns",
            "Inode",
            "Process",
            "Peer process",
        ],
        &rows,
    )
}
