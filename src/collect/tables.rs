//! Parsers of the socket tables `net/{tcp,tcp6,udp,udp6,raw,raw6,unix,packet}`. tcp/udp/raw
//! text goes through procfs-core; unix and packet are parsed as bytes because a unix path may
//! hold any byte, newlines included (procfs-core would drop the whole table). Rows from
//! sock_diag are made in [`super::diag_rows`] with the same builders.

use crate::collect::parse::ParseError;
use crate::model::{Bytes, Proto, Socket};
use procfs::net::{TcpNetEntries, UdpNetEntries};
use procfs::{ExplicitSystemInfo, FromReadSI};
use std::net::SocketAddr;

fn sysinfo() -> ExplicitSystemInfo {
    ExplicitSystemInfo {
        boot_time_secs: 0,
        ticks_per_second: 100,
        page_size: 4096,
        is_little_endian: cfg!(target_endian = "little"),
    }
}

pub(super) fn tcp_state(code: u8) -> &'static str {
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

/// A UDP socket's state word: connected (TCP_ESTABLISHED) or not.
pub(super) fn udp_state(code: u8) -> &'static str {
    if code == 1 { "ESTABLISHED" } else { "UNCONN" }
}

pub(super) fn inet(
    proto: Proto,
    netns: u64,
    local: SocketAddr,
    remote: SocketAddr,
    state: &'static str,
    uid: u32,
    inode: u64,
) -> Socket {
    Socket {
        proto,
        local_addr: Bytes::from(local.ip().to_string().as_str()),
        local_port: Some(local.port()),
        remote_addr: Some(remote.ip().to_string()),
        remote_port: Some(remote.port()),
        state: state.into(),
        sock_type: None,
        inode,
        netns,
        uid: Some(uid),
        pids: Vec::new(),
        peer: None,
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
pub fn parse_table(proto: Proto, netns: u64, buf: &[u8]) -> Result<Vec<Socket>, ParseError> {
    match proto {
        Proto::Unix => unix(netns, buf),
        Proto::Packet => packet(netns, buf),
        _ => parse_inet(proto, netns, buf),
    }
}

/// Whether `proto`'s table can be parsed as it is read ([`parse_inet`]).
pub fn is_inet(proto: Proto) -> bool {
    !matches!(proto, Proto::Unix | Proto::Packet)
}

/// Parse a tcp/udp/raw table from a reader, line by line (a busy host's `net/tcp` is megabytes
/// of text, never held whole). Errors are one line.
pub fn parse_inet<R: std::io::Read>(
    proto: Proto,
    netns: u64,
    r: R,
) -> Result<Vec<Socket>, ParseError> {
    let si = sysinfo();
    let err = |e: procfs::ProcError| table_error(proto, &e);
    let row =
        |local, remote, state, uid, inode| inet(proto, netns, local, remote, state, uid, inode);
    Ok(match proto {
        Proto::Tcp | Proto::Tcp6 => TcpNetEntries::from_read(r, &si)
            .map_err(err)?
            .0
            .into_iter()
            .map(|e| {
                let st = tcp_state(e.state.to_u8());
                row(e.local_address, e.remote_address, st, e.uid, e.inode)
            })
            .collect(),
        _ => UdpNetEntries::from_read(r, &si)
            .map_err(err)?
            .0
            .into_iter()
            .map(|e| {
                let st = udp_state(e.state.to_u8());
                row(e.local_address, e.remote_address, st, e.uid, e.inode)
            })
            .collect(),
    })
}

fn field<'a>(it: &mut impl Iterator<Item = &'a [u8]>, what: &str) -> Result<&'a str, ParseError> {
    it.next()
        .and_then(|f| std::str::from_utf8(f).ok())
        .ok_or_else(|| ParseError(format!("{what} missing")))
}

fn unix(netns: u64, buf: &[u8]) -> Result<Vec<Socket>, ParseError> {
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
fn unix_row(netns: u64, line: &[u8]) -> Result<Socket, ParseError> {
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
    Ok(Socket {
        proto: Proto::Unix,
        local_addr: Bytes::from(path),
        local_port: None,
        remote_addr: None,
        remote_port: None,
        state: state.into(),
        sock_type: Some(unix_type(ty).into()),
        inode,
        netns,
        uid: None,
        pids: Vec::new(),
        peer: None,
    })
}

pub(super) fn unix_type(ty: u16) -> &'static str {
    match ty {
        1 => "stream",
        2 => "dgram",
        5 => "seqpacket",
        _ => "other",
    }
}

/// A bound unix address as `net/unix` and ss print it: a path up to its NUL, an abstract
/// name as `@` and the name with each NUL shown as `@`.
pub fn unix_name(raw: &[u8]) -> Bytes {
    match raw.split_first() {
        Some((0, name)) => {
            let mut v = Vec::with_capacity(raw.len());
            v.push(b'@');
            v.extend(name.iter().map(|&b| if b == 0 { b'@' } else { b }));
            Bytes(v)
        }
        _ => Bytes::from(raw.split(|&b| b == 0).next().unwrap_or_default()),
    }
}

fn packet(netns: u64, buf: &[u8]) -> Result<Vec<Socket>, ParseError> {
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
            state: "UNCONN".into(),
            sock_type: None,
            inode,
            netns,
            uid,
            pids: Vec::new(),
            peer: None,
        });
    }
    Ok(out)
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
