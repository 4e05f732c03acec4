//! The other end of local connections: unix peers come from sock_diag; TCP and UDP peers are
//! found here by the reversed address pair within a network namespace.

use crate::model::{Proto, Socket};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

type End = (IpAddr, u16);

/// TCP or UDP, either family (an IPv4 peer may sit in the tcp6 table as `::ffff:a.b.c.d`).
fn class(p: Proto) -> Option<bool> {
    match p {
        Proto::Tcp | Proto::Tcp6 => Some(true),
        Proto::Udp | Proto::Udp6 => Some(false),
        _ => None,
    }
}

fn ip(text: &[u8]) -> Option<IpAddr> {
    let ip: IpAddr = std::str::from_utf8(text).ok()?.parse().ok()?;
    Some(ip.to_canonical())
}

fn ends(s: &Socket) -> Option<(End, Option<End>)> {
    let local = (ip(s.local_addr.as_bytes())?, s.local_port?);
    let remote = match (
        s.remote_addr.as_deref().and_then(|r| ip(r.as_bytes())),
        s.remote_port,
    ) {
        (Some(r), Some(p)) if p != 0 => Some((r, p)),
        _ => None,
    };
    Some((local, remote))
}

/// Insert `k -> i`, remembering a clash as `None` (ambiguous, e.g. SO_REUSEPORT).
fn put<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Option<usize>>, k: K, i: usize) {
    m.entry(k).and_modify(|v| *v = None).or_insert(Some(i));
}

/// Set `peer` on every TCP/UDP local connection whose other end is in `sockets` (unix
/// sockets come with theirs from sock_diag).
pub fn link(sockets: &mut [Socket]) {
    // (netns, tcp, local, remote) of connected sockets; (netns, tcp, local) of listeners.
    let mut conns: HashMap<(u64, bool, End, End), Option<usize>> = HashMap::new();
    let mut listeners: HashMap<(u64, bool, End), Option<usize>> = HashMap::new();
    let mut own: HashSet<(u64, IpAddr)> = HashSet::new();
    for (i, s) in sockets.iter().enumerate() {
        let (Some(tcp), Some((local, remote))) = (class(s.proto), ends(s)) else {
            continue;
        };
        if !local.0.is_unspecified() {
            own.insert((s.netns, local.0));
        }
        if s.inode == 0 {
            continue;
        }
        match remote {
            Some(r) if s.state != "LISTEN" => put(&mut conns, (s.netns, tcp, local, r), i),
            _ if s.is_listening() => put(&mut listeners, (s.netns, tcp, local), i),
            _ => {}
        }
    }
    let mut found: Vec<(usize, u64)> = Vec::new();
    for (&(ns, tcp, local, remote), &i) in &conns {
        let Some(i) = i else { continue };
        let peer = match conns.get(&(ns, tcp, remote, local)) {
            Some(&Some(j)) if j != i => Some(j),
            Some(_) => None,
            // why: the accepted end of a TCP connection still in the accept queue has no
            // inode yet, and a UDP server usually stays unconnected; the listener bound to
            // the remote address stands for it, but only when that address is our own.
            None if remote.0.is_loopback() || own.contains(&(ns, remote.0)) => {
                let any4 = IpAddr::from([0u8; 4]);
                let any6 = IpAddr::from([0u16; 8]);
                // why: an IPv6 [::] listener also takes IPv4 (unless V6ONLY); not the reverse.
                let wild = if remote.0.is_ipv4() {
                    vec![any4, any6]
                } else {
                    vec![any6]
                };
                std::iter::once(remote.0)
                    .chain(wild)
                    .find_map(|a| listeners.get(&(ns, tcp, (a, remote.1))).copied())
                    .flatten()
            }
            None => None,
        };
        if let Some(j) = peer {
            found.push((i, sockets[j].inode));
        }
    }
    for (i, peer) in found {
        sockets[i].peer = Some(peer);
    }
}

#[cfg(test)]
#[path = "peers_tests.rs"]
mod tests;
