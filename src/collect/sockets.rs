//! Socket tables read once per network namespace from a member's `net/*`, and joined to fds
//! by inode. tcp/udp/raw text goes through procfs-core; unix and packet are parsed as bytes
//! because a unix path may hold any byte (procfs-core would drop the whole table).

use crate::model::{Bytes, NetNs, Process, Proto, Socket, Unavailable};
use crate::source::ProcRoot;
use procfs::net::{TcpNetEntries, UdpNetEntries};
use procfs::{ExplicitSystemInfo, FromReadSI};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

fn sysinfo() -> ExplicitSystemInfo {
    ExplicitSystemInfo {
        boot_time_secs: 0,
        ticks_per_second: 100,
        page_size: 4096,
        is_little_endian: cfg!(target_endian = "little"),
    }
}

fn tcp_state(code: u8) -> &'static str {
    match code {
        1 => "ESTABLISHED",
        2 => "SYN-SENT",
        3 => "SYN-RECV",
        4 => "FIN-WAIT-1",
        5 => "FIN-WAIT-2",
        6 => "TIME-WAIT",
        7 => "CLOSE",
        8 => "CLOSE-WAIT",
        9 => "LAST-ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW-SYN-RECV",
        _ => "UNKNOWN",
    }
}

fn inet(
    proto: Proto,
    netns: u64,
    local: SocketAddr,
    remote: SocketAddr,
    state: String,
    uid: u32,
    inode: u64,
) -> Socket {
    Socket {
        proto,
        local_addr: Bytes::from(local.ip().to_string().as_str()),
        local_port: Some(local.port()),
        remote_addr: Some(remote.ip().to_string()),
        remote_port: Some(remote.port()),
        state,
        sock_type: None,
        inode,
        netns,
        uid: Some(uid),
        pids: Vec::new(),
    }
}

/// One line naming the table and the parser's complaint. why: procfs-core reports a malformed
/// row as a multi-line "internal error ... please report this procfs bug"; the last line is
/// the part that describes the input.
fn table_error(proto: Proto, e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let last = text.lines().last().unwrap_or_default().trim();
    let detail = last.strip_prefix("Internal Unwrap Error: ").unwrap_or(last);
    format!("{}: {detail}", proto.as_str())
}

/// Parse one table's text. Errors are one line.
pub fn parse_table(proto: Proto, netns: u64, buf: &[u8]) -> Result<Vec<Socket>, String> {
    let si = sysinfo();
    match proto {
        Proto::Tcp | Proto::Tcp6 => {
            let t = TcpNetEntries::from_read(buf, &si).map_err(|e| table_error(proto, &e))?;
            Ok(t.0
                .into_iter()
                .map(|e| {
                    let st = tcp_state(e.state.to_u8()).to_string();
                    inet(
                        proto,
                        netns,
                        e.local_address,
                        e.remote_address,
                        st,
                        e.uid,
                        e.inode,
                    )
                })
                .collect())
        }
        Proto::Udp | Proto::Udp6 | Proto::Raw | Proto::Raw6 => {
            let t = UdpNetEntries::from_read(buf, &si).map_err(|e| table_error(proto, &e))?;
            Ok(t.0
                .into_iter()
                .map(|e| {
                    let st = if e.state.to_u8() == 1 {
                        "ESTABLISHED"
                    } else {
                        "UNCONN"
                    };
                    inet(
                        proto,
                        netns,
                        e.local_address,
                        e.remote_address,
                        st.to_string(),
                        e.uid,
                        e.inode,
                    )
                })
                .collect())
        }
        Proto::Unix => unix(netns, buf),
        Proto::Packet => packet(netns, buf),
    }
}

fn field<'a>(it: &mut impl Iterator<Item = &'a [u8]>, what: &str) -> Result<&'a str, String> {
    it.next()
        .and_then(|f| std::str::from_utf8(f).ok())
        .ok_or_else(|| format!("{what} missing"))
}

fn unix(netns: u64, buf: &[u8]) -> Result<Vec<Socket>, String> {
    let mut out: Vec<Socket> = Vec::new();
    let mut lines: Vec<&[u8]> = buf.split(|&b| b == b'\n').skip(1).collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    for line in lines {
        match unix_row(netns, line) {
            Ok(s) => out.push(s),
            Err(e) => match out.last_mut() {
                // why: the kernel prints a bound path raw, so a path holding '\n' goes on over
                // the next lines; they belong to it, and must not discard the whole table.
                Some(prev) if !prev.local_addr.is_empty() => {
                    prev.local_addr.0.push(b'\n');
                    prev.local_addr.0.extend_from_slice(line);
                }
                _ if line.is_empty() => {}
                _ => return Err(e),
            },
        }
    }
    Ok(out)
}

/// One row of `net/unix`: Num RefCount Protocol Flags Type St Inode [Path]; the path is the
/// rest of the line.
fn unix_row(netns: u64, line: &[u8]) -> Result<Socket, String> {
    let mut rest = line;
    let mut fields = Vec::with_capacity(7);
    for _ in 0..7 {
        let start = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
        rest = &rest[start..];
        let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
        fields.push(&rest[..end]);
        rest = &rest[end..];
    }
    let mut it = fields.into_iter();
    if !field(&mut it, "unix slot")?.ends_with(':') {
        return Err("unix slot".into());
    }
    let _refs = field(&mut it, "unix refcount")?;
    let _proto = field(&mut it, "unix protocol")?;
    let flags = u32::from_str_radix(field(&mut it, "unix flags")?, 16).map_err(|_| "unix flags")?;
    let ty = u16::from_str_radix(field(&mut it, "unix type")?, 16).map_err(|_| "unix type")?;
    let st = u8::from_str_radix(field(&mut it, "unix state")?, 16).map_err(|_| "unix state")?;
    let inode: u64 = field(&mut it, "unix inode")?
        .parse()
        .map_err(|_| "unix inode")?;
    let path = rest.strip_prefix(b" ").unwrap_or(rest);
    // __SO_ACCEPTCON (1 << 16) marks a listening socket.
    let state = if flags & (1 << 16) != 0 {
        "LISTEN"
    } else {
        match st {
            1 => "UNCONNECTED",
            2 => "CONNECTING",
            3 => "CONNECTED",
            4 => "DISCONNECTING",
            _ => "UNKNOWN",
        }
    };
    let sock_type = match ty {
        1 => "stream",
        2 => "dgram",
        5 => "seqpacket",
        _ => "other",
    };
    Ok(Socket {
        proto: Proto::Unix,
        local_addr: Bytes::from(path),
        local_port: None,
        remote_addr: None,
        remote_port: None,
        state: state.to_string(),
        sock_type: Some(sock_type.to_string()),
        inode,
        netns,
        uid: None,
        pids: Vec::new(),
    })
}

fn packet(netns: u64, buf: &[u8]) -> Result<Vec<Socket>, String> {
    let text = std::str::from_utf8(buf).map_err(|_| "packet: not text")?;
    let mut out = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        // sk RefCnt Type Proto Iface R Rmem User Inode
        let f: Vec<&str> = line.split_ascii_whitespace().collect();
        if f.len() < 9 {
            return Err("packet: short line".into());
        }
        let inode = f[8].parse().map_err(|_| "packet: inode")?;
        let uid = f[7].parse().ok();
        out.push(Socket {
            proto: Proto::Packet,
            local_addr: Bytes::from(format!("iface {} proto 0x{}", f[4], f[3]).as_str()),
            local_port: None,
            remote_addr: None,
            remote_port: None,
            state: "UNCONN".to_string(),
            sock_type: None,
            inode,
            netns,
            uid,
            pids: Vec::new(),
        });
    }
    Ok(out)
}

/// Tables of one network namespace, read through one member's `net/`.
#[derive(Debug, Default)]
pub struct Tables {
    pub netns: u64,
    pub reader_pid: u32,
    pub sockets: Vec<Socket>,
    pub unavailable: BTreeMap<String, Unavailable>,
}

/// Read every table of `pid`'s network namespace `ns`. `None` when none of them can be read
/// (gone, or denied): the caller tries another member.
pub fn read_tables(root: &ProcRoot, pid: u32, ns: u64) -> Option<Tables> {
    let d = root.process(pid).ok()?;
    let mut t = Tables {
        netns: ns,
        reader_pid: pid,
        ..Tables::default()
    };
    let mut unread = 0;
    for proto in Proto::ALL {
        match d.read(&format!("net/{}", proto.as_str())) {
            Ok(buf) => match parse_table(proto, ns, &buf) {
                Ok(mut s) => t.sockets.append(&mut s),
                Err(e) => {
                    t.unavailable
                        .insert(proto.as_str().into(), Unavailable::Unparsable(e));
                }
            },
            Err(e) => {
                unread += 1;
                t.unavailable.insert(proto.as_str().into(), d.why(&e));
            }
        }
    }
    // why: a member whose every table failed (gone, denied) cannot speak for its namespace;
    // one that lacks only some tables (no IPv4, a partial copy) still can.
    if unread == Proto::ALL.len() {
        return None;
    }
    Some(t)
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
                sockets.append(&mut t.sockets);
            }
            None => {
                info.unavailable
                    .insert("tables".into(), why_no_tables(root, &info.pids));
            }
        }
        netns.push(info);
    }
    join(procs, &mut sockets);
    (sockets, netns)
}

/// Attach owner pids to sockets and peer pids to pipe and socket fds. Socket inodes are
/// unique system-wide (one sockfs), so the inode alone identifies the socket.
pub fn join(procs: &mut [Process], sockets: &mut Vec<Socket>) {
    let mut holders: HashMap<(bool, u64), Vec<u32>> = HashMap::new();
    for p in procs.iter() {
        for f in p.fds.iter().flatten() {
            if let (Some(ino), true) = (
                f.inode,
                matches!(
                    f.kind,
                    crate::model::FdKind::Pipe | crate::model::FdKind::Socket
                ),
            ) {
                let v = holders
                    .entry((f.kind == crate::model::FdKind::Pipe, ino))
                    .or_default();
                if v.last() != Some(&p.pid) {
                    v.push(p.pid);
                }
            }
        }
    }
    for p in procs.iter_mut() {
        let pid = p.pid;
        for f in p.fds.iter_mut().flatten() {
            if let Some(ino) = f.inode {
                let pipe = f.kind == crate::model::FdKind::Pipe;
                if (f.kind == crate::model::FdKind::Pipe || f.kind == crate::model::FdKind::Socket)
                    && let Some(h) = holders.get(&(pipe, ino))
                {
                    f.peers = h.iter().copied().filter(|&x| x != pid).collect();
                }
            }
        }
    }
    sockets.sort_by_key(|a| (a.netns, a.proto, a.inode));
    sockets.dedup_by(|a, b| {
        a.netns == b.netns && a.proto == b.proto && a.inode == b.inode && a.inode != 0
    });
    for s in sockets.iter_mut() {
        if s.inode != 0
            && let Some(h) = holders.get(&(false, s.inode))
        {
            s.pids = h.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_paths_keep_spaces_and_raw_bytes() {
        let t = b"Num       RefCount Protocol Flags    Type St Inode Path\n\
ffff0001: 00000002 00000000 00010000 0001 01 1234 /run/a b\xff.sock\n\
ffff0002: 00000003 00000000 00000000 0001 03 1235\n";
        let s = unix(5, t).unwrap();
        assert_eq!(s[0].local_addr.as_bytes(), b"/run/a b\xff.sock");
        assert_eq!(s[0].state, "LISTEN");
        assert_eq!(s[1].state, "CONNECTED");
        assert!(s[1].local_addr.is_empty());
        assert!(unix(5, b"hdr\nffff: zz\n").is_err());
    }

    #[test]
    fn tcp_table_decodes_addresses_and_states() {
        let t = b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0\n";
        let s = parse_table(Proto::Tcp, 9, t).unwrap();
        assert_eq!(s[0].local_addr.as_bytes(), b"127.0.0.1");
        assert_eq!(s[0].local_port, Some(8080));
        assert_eq!(s[0].state, "LISTEN");
        assert_eq!((s[0].inode, s[0].uid), (4242, Some(1000)));
        assert!(s[0].is_listening());
        assert!(parse_table(Proto::Tcp, 9, b"hdr\n 0: nonsense\n").is_err());
    }
}
