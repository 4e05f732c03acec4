//! `procscope sockets`: every socket of every network namespace with its owners, like
//! `ss -tuanp`, and for a local connection the processes at its other end.

use super::Out;
use crate::model::{Snapshot, Socket};
use crate::present::Shown;
use crate::present::fd::SocketRow;
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
            let r = SocketRow::of(snap, &index, s);
            let peer = r.peer.unwrap_or_default();
            [
                r.proto,
                r.state,
                r.local,
                r.remote_or_peer,
                r.netns,
                r.inode,
                r.owners,
                peer,
            ]
            .into_iter()
            .map(Shown::into_string)
            .collect()
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
