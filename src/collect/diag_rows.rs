//! Rows of the sockets sock_diag reports, made with the builders of [`super::tables`] so that
//! a socket read through netlink is the same [`Socket`] as the one parsed from `net/*` text
//! (same address text, state words, uid and inode); unix rows also carry their peers.

use super::tables::{inet, tcp_state, udp_state, unix_name, unix_type};
use crate::model::{Proto, Socket};
use crate::source::sockdiag::{InetDiag, UnixDiag};
use std::collections::HashMap;
use std::net::SocketAddr;

/// Rows of sock_diag's unix sockets, with their peers (the table has none).
pub fn unix_from_diag(netns: u64, rows: Vec<UnixDiag>) -> Vec<Socket> {
    rows.into_iter()
        .map(|d| {
            // why: sock_diag reports sk_state, in TCP terms, not the socket's SS_* state.
            let state = match d.state {
                10 => "LISTEN",
                1 => "CONNECTED",
                2 => "CONNECTING",
                7 => "UNCONNECTED",
                _ => "UNKNOWN",
            };
            Socket {
                proto: Proto::Unix,
                local_addr: d.name.as_deref().map(unix_name).unwrap_or_default(),
                local_port: None,
                remote_addr: None,
                remote_port: None,
                state: state.into(),
                sock_type: Some(unix_type(u16::from(d.sock_type)).into()),
                inode: d.inode,
                netns,
                uid: None,
                pids: Vec::new(),
                peer: d.peer,
            }
        })
        .collect()
}

/// Rows of one TCP or UDP table (`proto`: tcp, tcp6, udp, udp6) from sock_diag.
pub fn inet_from_diag(proto: Proto, netns: u64, rows: Vec<InetDiag>) -> Vec<Socket> {
    let tcp = matches!(proto, Proto::Tcp | Proto::Tcp6);
    rows.into_iter()
        .map(|d| {
            let state = if tcp {
                tcp_state(d.state)
            } else {
                udp_state(d.state)
            };
            let local = SocketAddr::new(d.src, d.sport);
            let remote = SocketAddr::new(d.dst, d.dport);
            inet(proto, netns, local, remote, state, d.uid, d.inode)
        })
        .collect()
}

/// Give each connection still in its handshake (SYN-RECV, no inode) the uid of the listener
/// it came to. why: `net/tcp` prints the listener's uid for such an entry, sock_diag 0; the
/// listener is the one on the same port bound to the same address or to any (IPv4 requests
/// of a dual-stack listener are in the IPv4 table, the listener in the IPv6 one).
pub fn fill_request_uids(sockets: &mut [Socket]) {
    let tcp = |s: &Socket| matches!(s.proto, Proto::Tcp | Proto::Tcp6);
    let pending = |s: &Socket| tcp(s) && s.inode == 0 && s.state == "SYN-RECV";
    if !sockets.iter().any(pending) {
        return;
    }
    let mut listeners: HashMap<u16, Vec<(String, u32)>> = HashMap::new();
    for s in sockets.iter().filter(|s| tcp(s) && s.state == "LISTEN") {
        if let (Some(port), Some(uid)) = (s.local_port, s.uid) {
            let addr = String::from_utf8_lossy(s.local_addr.as_bytes()).into_owned();
            listeners.entry(port).or_default().push((addr, uid));
        }
    }
    for s in sockets.iter_mut().filter(|s| pending(s)) {
        let Some(on_port) = s.local_port.and_then(|p| listeners.get(&p)) else {
            continue;
        };
        let addr = String::from_utf8_lossy(s.local_addr.as_bytes());
        let exact = on_port.iter().find(|(a, _)| *a == addr);
        let any = on_port.iter().find(|(a, _)| a == "0.0.0.0" || a == "::");
        if let Some((_, uid)) = exact.or(any) {
            s.uid = Some(*uid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tables::parse_table;
    use std::net::IpAddr;

    fn diag(state: u8, src: &str, sport: u16, dst: &str, dport: u16, inode: u64) -> InetDiag {
        let ip = |a: &str| a.parse::<IpAddr>().unwrap();
        InetDiag {
            family: if src.contains(':') { 10 } else { 2 },
            state,
            src: ip(src),
            sport,
            dst: ip(dst),
            dport,
            rqueue: 0,
            wqueue: 0,
            uid: 1000,
            inode,
        }
    }

    #[test]
    fn sock_diag_rows_keep_exact_paths_and_peers() {
        let rows = vec![
            UnixDiag {
                inode: 5,
                sock_type: 1,
                state: 10,
                name: Some(b"/s\n0000: forged\0".to_vec()),
                ..UnixDiag::default()
            },
            UnixDiag {
                inode: 6,
                sock_type: 2,
                state: 1,
                peer: Some(9),
                ..UnixDiag::default()
            },
        ];
        let s = unix_from_diag(3, rows);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].local_addr.as_bytes(), b"/s\n0000: forged");
        assert!(s[0].is_listening());
        assert_eq!(s[0].peer, None);
        assert_eq!(s[1].state, "CONNECTED");
        assert_eq!(s[1].sock_type.as_deref(), Some("dgram"));
        assert_eq!((s[1].netns, s[1].peer), (3, Some(9)));
        assert!(s[1].local_addr.is_empty());
    }

    #[test]
    fn a_diag_row_equals_the_text_row_of_the_same_socket() {
        // The same two sockets as the kernel prints them in net/tcp and net/tcp6.
        let tcp = b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0\n";
        let tcp6 = b"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0000000000000000FFFF00000100007F:0016 B80D0120000000000000000005000000:C738 01 00000000:00000000 00:00000000 00000000  1000        0 77 1 0 20 4 30 10 -1\n";
        let text4 = parse_table(Proto::Tcp, 9, tcp).unwrap();
        let text6 = parse_table(Proto::Tcp6, 9, tcp6).unwrap();
        let d4 = inet_from_diag(
            Proto::Tcp,
            9,
            vec![diag(10, "127.0.0.1", 8080, "0.0.0.0", 0, 4242)],
        );
        let d6 = vec![diag(1, "::ffff:127.0.0.1", 22, "2001:db8::5", 51000, 77)];
        assert_eq!(d4, text4);
        assert_eq!(inet_from_diag(Proto::Tcp6, 9, d6), text6);
    }

    #[test]
    fn udp_states_are_the_tables_words() {
        let rows = vec![
            diag(7, "0.0.0.0", 53, "0.0.0.0", 0, 1),
            diag(1, "127.0.0.1", 4000, "127.0.0.1", 53, 2),
        ];
        let s = inet_from_diag(Proto::Udp, 1, rows);
        assert_eq!(
            (s[0].state.as_ref(), s[1].state.as_ref()),
            ("UNCONN", "ESTABLISHED")
        );
        assert!(s[0].is_listening());
        assert_eq!(s[1].remote_addr.as_deref(), Some("127.0.0.1"));
        assert_eq!((s[1].remote_port, s[1].uid), (Some(53), Some(1000)));
    }

    #[test]
    fn requests_take_their_listeners_uid() {
        let mut rows = vec![
            diag(10, "::", 443, "::", 0, 10),
            diag(10, "127.0.0.1", 80, "0.0.0.0", 0, 11),
            diag(10, "0.0.0.0", 80, "0.0.0.0", 0, 12),
            // Requests: on the dual-stack listener, on the exact address, on nobody.
            diag(3, "10.0.0.1", 443, "10.0.0.2", 5000, 0),
            diag(3, "127.0.0.1", 80, "127.0.0.1", 5001, 0),
            diag(3, "127.0.0.1", 81, "127.0.0.1", 5002, 0),
            diag(6, "127.0.0.1", 80, "127.0.0.1", 5003, 0),
        ];
        for (i, r) in rows.iter_mut().enumerate() {
            r.uid = if r.inode == 0 { 0 } else { 100 + i as u32 };
        }
        let (six, four): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.family == 10);
        let mut s = inet_from_diag(Proto::Tcp6, 1, six);
        s.extend(inet_from_diag(Proto::Tcp, 1, four));
        fill_request_uids(&mut s);
        let uids: Vec<Option<u32>> = s.iter().map(|s| s.uid).collect();
        let want = [100, 101, 102, 100, 101, 0, 0];
        assert_eq!(uids, want.map(Some), "{s:?}");
    }
}
