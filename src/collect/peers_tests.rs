//! Tests of [`super::link`] on hand-made socket lists.

use super::*;
use crate::model::Bytes;

/// An inet socket of namespace `ns` from `(local address, port)` to `(remote address, port)`.
fn inet(
    proto: Proto,
    ns: u64,
    (local, lport): (&str, u16),
    (remote, rport): (&str, u16),
    state: &str,
    inode: u64,
) -> Socket {
    Socket {
        proto,
        local_addr: Bytes::from(local),
        local_port: Some(lport),
        remote_addr: Some(remote.into()),
        remote_port: Some(rport),
        state: state.to_string().into(),
        sock_type: None,
        inode,
        netns: ns,
        uid: None,
        pids: vec![],
        peer: None,
    }
}

fn peers(s: &[Socket]) -> Vec<Option<u64>> {
    s.iter().map(|s| s.peer).collect()
}

#[test]
fn loopback_tcp_pairs_find_each_other_in_their_namespace_only() {
    use Proto::*;
    let mut s = vec![
        inet(Tcp, 1, ("127.0.0.1", 80), ("0.0.0.0", 0), "LISTEN", 10),
        inet(
            Tcp,
            1,
            ("127.0.0.1", 5000),
            ("127.0.0.1", 80),
            "ESTABLISHED",
            11,
        ),
        inet(
            Tcp,
            1,
            ("127.0.0.1", 80),
            ("127.0.0.1", 5000),
            "ESTABLISHED",
            12,
        ),
        // The same pair in another namespace is a different connection.
        inet(
            Tcp,
            2,
            ("127.0.0.1", 5000),
            ("127.0.0.1", 80),
            "ESTABLISHED",
            21,
        ),
        // IPv4 over the tcp6 table, mapped.
        inet(
            Tcp6,
            1,
            ("::ffff:127.0.0.1", 6000),
            ("::ffff:127.0.0.1", 7000),
            "ESTABLISHED",
            31,
        ),
        inet(
            Tcp,
            1,
            ("127.0.0.1", 7000),
            ("127.0.0.1", 6000),
            "ESTABLISHED",
            32,
        ),
        // A remote host: never a local peer, even with a wildcard listener on its port.
        inet(Tcp, 1, ("0.0.0.0", 443), ("0.0.0.0", 0), "LISTEN", 40),
        inet(
            Tcp,
            1,
            ("10.0.0.5", 4000),
            ("93.184.216.34", 443),
            "ESTABLISHED",
            41,
        ),
    ];
    link(&mut s);
    assert_eq!(
        peers(&s),
        vec![
            None,
            Some(12),
            Some(11),
            None,
            Some(32),
            Some(31),
            None,
            None
        ]
    );
}

#[test]
fn unaccepted_tcp_and_unconnected_udp_servers_stand_in_for_the_peer() {
    use Proto::*;
    let mut s = vec![
        inet(Tcp6, 1, ("::", 8080), ("::", 0), "LISTEN", 1),
        // Accepted by the kernel, not yet by the server: inode 0.
        inet(
            Tcp,
            1,
            ("127.0.0.1", 8080),
            ("127.0.0.1", 5555),
            "ESTABLISHED",
            0,
        ),
        inet(
            Tcp,
            1,
            ("127.0.0.1", 5555),
            ("127.0.0.1", 8080),
            "ESTABLISHED",
            2,
        ),
        inet(Udp, 1, ("10.1.2.3", 53), ("0.0.0.0", 0), "UNCONN", 3),
        // To our own non-loopback address.
        inet(
            Udp,
            1,
            ("10.1.2.3", 40000),
            ("10.1.2.3", 53),
            "ESTABLISHED",
            4,
        ),
        // Two listeners on one port (SO_REUSEPORT): ambiguous, no peer.
        inet(Udp, 1, ("127.0.0.1", 9), ("0.0.0.0", 0), "UNCONN", 5),
        inet(Udp, 1, ("127.0.0.1", 9), ("0.0.0.0", 0), "UNCONN", 6),
        inet(
            Udp,
            1,
            ("127.0.0.1", 40001),
            ("127.0.0.1", 9),
            "ESTABLISHED",
            7,
        ),
    ];
    link(&mut s);
    assert_eq!(s[2].peer, Some(1));
    assert_eq!(s[4].peer, Some(3));
    assert_eq!(s[7].peer, None);
    assert_eq!(s[0].peer, None);
}
