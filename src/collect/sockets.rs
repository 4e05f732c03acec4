//! Socket tables read once per network namespace (on the live procfs through sock_diag:
//! tcp, udp and unix; from a member's `net/*` text, parsed in [`super::tables`], for the rest,
//! for a copied tree, and whenever sock_diag fails), and joined to fds by inode.

use super::diag_rows::{fill_request_uids, inet_from_diag, unix_from_diag};
use super::tables::{is_inet, parse_inet, parse_table};
use crate::model::{FdKind, NetNs, Process, Proto, Socket, Unavailable};
use crate::source::sockdiag::DiagSocket;
use crate::source::{PidDir, ProcRoot};
use std::collections::BTreeMap;
use std::sync::Arc;
/// Tables of one network namespace, read through one member's `net/`.
#[derive(Debug, Default)]
pub struct Tables {
    pub netns: u64,
    pub reader_pid: u32,
    pub sockets: Vec<Socket>,
    pub unavailable: BTreeMap<String, Unavailable>,
    /// Unix sockets came from sock_diag.
    pub sock_diag: bool,
    /// The tcp/udp tables that came from sock_diag.
    pub inet_diag: Vec<Proto>,
}

/// Read every table of `pid`'s network namespace `ns`. `None` when none of them can be read
/// (gone, or denied): the caller tries another member.
pub fn read_tables(root: &ProcRoot, pid: u32, ns: u64) -> Option<Tables> {
    read_tables_sized(root, pid, ns, 0)
}

/// [`read_tables`], with room made up front for about `expect` sockets (the count of the
/// previous scan), so the list is not copied as it grows.
pub fn read_tables_sized(root: &ProcRoot, pid: u32, ns: u64, expect: usize) -> Option<Tables> {
    // why: sock_diag gives exact unix paths (net/unix prints them raw, so a path holding
    // '\n' can forge rows) and peers, and tcp/udp rows without formatting and parsing text;
    // it answers only on the live procfs.
    read(root, pid, ns, expect, root.is_live())
}

/// [`read_tables`] from the text tables alone, never sock_diag (to compare the two).
pub fn read_text_tables(root: &ProcRoot, pid: u32, ns: u64) -> Option<Tables> {
    read(root, pid, ns, 0, false)
}

fn read(root: &ProcRoot, pid: u32, ns: u64, expect: usize, diag: bool) -> Option<Tables> {
    let d = root.process(pid).ok()?;
    let mut t = Tables {
        netns: ns,
        reader_pid: pid,
        sockets: Vec::with_capacity(expect + expect / 8),
        ..Tables::default()
    };
    let mut diag = match diag.then(|| DiagSocket::open(root, pid, ns)) {
        Some(Ok(s)) => Some(s),
        Some(Err(why)) => {
            t.unavailable.insert("sock_diag".into(), why);
            None
        }
        None => None,
    };
    let (mut tried, mut unread) = (0, 0);
    for proto in Proto::ALL {
        if let Some(s) = diag.as_mut()
            && from_diag(s, proto, &mut t)
        {
            continue;
        }
        tried += 1;
        if !from_text(&d, proto, &mut t) {
            unread += 1;
        }
    }
    if !t.inet_diag.is_empty() {
        fill_request_uids(&mut t.sockets);
    }
    // why: a member whose every table failed (gone, denied) cannot speak for its namespace;
    // one that lacks only some tables (no IPv4, a partial copy) still can, and so can one
    // whose sockets sock_diag gave (the netlink socket is checked to be in `ns`).
    if unread == tried && !t.sock_diag && t.inet_diag.is_empty() {
        return None;
    }
    Some(t)
}

/// Read `proto`'s sockets through sock_diag into `t`; `false` (and why, in `unavailable`:
/// `sock_diag` for unix sockets, `sock_diag tcp6` and so on) when its text table must be read.
fn from_diag(s: &mut DiagSocket, proto: Proto, t: &mut Tables) -> bool {
    let ns = t.netns;
    let got = match proto {
        Proto::Unix => s.unix().map(|rows| unix_from_diag(ns, rows)),
        Proto::Tcp | Proto::Tcp6 | Proto::Udp | Proto::Udp6 => {
            s.inet(proto).map(|rows| inet_from_diag(proto, ns, rows))
        }
        _ => return false,
    };
    match got {
        Ok(rows) => {
            t.sockets.extend(rows);
            if proto == Proto::Unix {
                t.sock_diag = true;
            } else {
                t.inet_diag.push(proto);
            }
            true
        }
        Err(why) => {
            let key = match proto {
                Proto::Unix => "sock_diag".to_string(),
                _ => format!("sock_diag {}", proto.as_str()),
            };
            t.unavailable.insert(key, why);
            false
        }
    }
}

/// Parse `proto`'s text table `net/<proto>` into `t`; `false` when it could not be read.
fn from_text(d: &PidDir, proto: Proto, t: &mut Tables) -> bool {
    let rel = format!("net/{}", proto.as_str());
    let parsed = if is_inet(proto) {
        d.open_stream(&rel).map(|r| parse_inet(proto, t.netns, r))
    } else {
        d.read(&rel).map(|buf| parse_table(proto, t.netns, &buf))
    };
    match parsed {
        Ok(Ok(mut s)) => t.sockets.append(&mut s),
        Ok(Err(e)) => {
            t.unavailable.insert(
                proto.as_str().into(),
                Unavailable::Unparsable(e.to_string()),
            );
        }
        Err(e) => {
            t.unavailable.insert(proto.as_str().into(), d.why(&e));
            return false;
        }
    }
    true
}

/// Why no member of a namespace gave its tables: a denial wins over "gone" or "missing".
fn why_no_tables(root: &ProcRoot, pids: &[u32]) -> Unavailable {
    let mut why: Option<Unavailable> = None;
    for &pid in pids {
        let w = match root.process(pid) {
            Ok(d) => match d.read("net/tcp") {
                Ok(_) => continue,
                Err(e) => d.why(&e),
            },
            Err(_) => Unavailable::Gone,
        };
        if why.is_none() || w == Unavailable::Denied {
            why = Some(w);
        }
    }
    why.unwrap_or(Unavailable::Gone)
}

/// Read every table of every network namespace once (reusing `pre`, tables read while the
/// processes were scanned), from the first member whose `net/` answers, then fill `pids` on
/// sockets and `peers` on fds.
pub fn collect(
    root: &ProcRoot,
    procs: &mut [Process],
    pre: Option<Tables>,
) -> (Vec<Socket>, Vec<NetNs>) {
    let mut members: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for p in procs.iter() {
        if let Some(&ns) = p.namespaces.get("net") {
            members.entry(ns).or_default().push(p.pid);
        }
    }
    let mut pre = pre;
    let mut sockets = Vec::new();
    let mut netns = Vec::new();
    for (ns, pids) in members {
        let mut info = NetNs {
            inode: ns,
            pids,
            ..NetNs::default()
        };
        let tables = match pre.take_if(|t| t.netns == ns) {
            Some(t) => Some(t),
            None => info.pids.iter().find_map(|&pid| read_tables(root, pid, ns)),
        };
        match tables {
            Some(mut t) => {
                info.reader_pid = Some(t.reader_pid);
                info.unavailable = t.unavailable;
                info.sock_diag = t.sock_diag;
                info.inet_diag = std::mem::take(&mut t.inet_diag);
                // why: most hosts have one namespace with sockets; take its list as it is.
                if sockets.is_empty() {
                    sockets = std::mem::take(&mut t.sockets);
                } else {
                    sockets.append(&mut t.sockets);
                }
            }
            None => {
                info.unavailable
                    .insert("tables".into(), why_no_tables(root, &info.pids));
            }
        }
        netns.push(info);
    }
    super::peers::link(&mut sockets);
    join(procs, &mut sockets);
    (sockets, netns)
}

/// Attach owner pids to sockets and peer pids to pipe and socket fds. Socket inodes are
/// unique system-wide (one sockfs), so the inode alone identifies the socket.
pub fn join(procs: &mut [Process], sockets: &mut Vec<Socket>) {
    // why: one sorted list, not a map of lists: a busy host has a hundred thousand pipe and
    // socket fds, and this runs at the memory peak of a refresh.
    let mut holders: Vec<(bool, u64, u32)> = Vec::new();
    for p in procs.iter() {
        for f in p.fd_list() {
            let pipe = f.kind == FdKind::Pipe;
            if let (Some(ino), true) = (f.inode, pipe || f.kind == FdKind::Socket) {
                holders.push((pipe, ino, p.pid));
            }
        }
    }
    holders.sort_unstable();
    holders.dedup();
    let of = |pipe: bool, ino: u64| {
        let from = holders.partition_point(|&(p, i, _)| (p, i) < (pipe, ino));
        holders[from..]
            .iter()
            .take_while(move |&&(p, i, _)| (p, i) == (pipe, ino))
            .map(|&(_, _, pid)| pid)
    };
    for p in procs.iter_mut() {
        let pid = p.pid;
        let Some(fds) = p.fds.as_mut() else { continue };
        for i in 0..fds.len() {
            let f = &fds[i];
            let pipe = f.kind == FdKind::Pipe;
            let Some(ino) = f.inode.filter(|_| pipe || f.kind == FdKind::Socket) else {
                continue;
            };
            let others = of(pipe, ino).filter(|&x| x != pid);
            // why: a list shared with the previous snapshot is copied only if its peers changed.
            if !f.peers.iter().copied().eq(others.clone()) {
                Arc::make_mut(fds)[i].peers = others.collect();
            }
        }
    }
    sockets.sort_by_key(|a| (a.netns, a.proto, a.inode));
    sockets.dedup_by(|a, b| {
        a.netns == b.netns && a.proto == b.proto && a.inode == b.inode && a.inode != 0
    });
    for s in sockets.iter_mut() {
        if s.inode != 0 {
            s.pids = of(false, s.inode).collect();
        }
    }
}
