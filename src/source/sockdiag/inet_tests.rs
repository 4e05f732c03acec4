//! Parser tests of [`super::inet`] on hand-made `inet_diag_msg` replies: IPv4 and IPv6 rows,
//! a dump spread over several datagrams, kernel errors and every kind of truncation.

use super::frame_tests::{SEQ, attr, msg};
use super::inet::{
    AF_INET, AF_INET6, INET_DIAG_MSG, IPPROTO_TCP, IPPROTO_UDP, STATES, parse_batch, request, table,
};
use super::{Batch, DiagError, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR};
use super::{NLMSG_HDR, SOCK_DIAG_BY_FAMILY, u16_at, u32_at};
use crate::model::Proto;
use std::net::IpAddr;

/// The fields of one row, in the order of `inet_diag_msg`.
struct Row {
    family: u8,
    state: u8,
    sport: u16,
    dport: u16,
    src: &'static str,
    dst: &'static str,
    rqueue: u32,
    wqueue: u32,
    uid: u32,
    inode: u32,
}

fn octets(a: &str) -> Vec<u8> {
    match a.parse::<IpAddr>().unwrap() {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    }
}

/// The message of `r`, with the attributes the kernel adds unasked (INET_DIAG_SHUTDOWN,
/// INET_DIAG_SOCKOPT) after it.
fn row(r: &Row) -> Vec<u8> {
    let mut b = vec![r.family, r.state, 0, 0];
    b.extend_from_slice(&r.sport.to_be_bytes());
    b.extend_from_slice(&r.dport.to_be_bytes());
    for a in [r.src, r.dst] {
        let mut o = octets(a);
        o.resize(16, 0);
        b.extend(o);
    }
    b.extend_from_slice(&3u32.to_ne_bytes()); // interface
    b.extend_from_slice(&[0xab; 8]); // cookie
    b.extend_from_slice(&1500u32.to_ne_bytes()); // expires
    for v in [r.rqueue, r.wqueue, r.uid, r.inode] {
        b.extend_from_slice(&v.to_ne_bytes());
    }
    assert_eq!(b.len(), INET_DIAG_MSG);
    b.extend(attr(8, &[0]));
    b.extend(attr(22, &[1, 0]));
    msg(SOCK_DIAG_BY_FAMILY, SEQ, &b)
}

fn v4(state: u8, sport: u16, dport: u16, src: &'static str, dst: &'static str) -> Row {
    Row {
        family: AF_INET,
        state,
        sport,
        dport,
        src,
        dst,
        rqueue: 7,
        wqueue: 9,
        uid: 1000,
        inode: 4242,
    }
}

#[test]
fn requests_name_each_table_and_every_listed_state() {
    let want = [
        (Proto::Tcp, AF_INET, IPPROTO_TCP),
        (Proto::Tcp6, AF_INET6, IPPROTO_TCP),
        (Proto::Udp, AF_INET, IPPROTO_UDP),
        (Proto::Udp6, AF_INET6, IPPROTO_UDP),
    ];
    for (proto, family, protocol) in want {
        assert_eq!(table(proto), Some((family, protocol)), "{proto:?}");
        let r = request(SEQ, family, protocol);
        assert_eq!(r.len(), 72);
        assert_eq!(u32_at(&r, 0), Some(72));
        assert_eq!(u16_at(&r, 4), Some(SOCK_DIAG_BY_FAMILY));
        assert_eq!(u16_at(&r, 6), Some(NLM_F_REQUEST | NLM_F_DUMP));
        assert_eq!(u32_at(&r, 8), Some(SEQ));
        assert_eq!(&r[16..20], &[family, protocol, 0, 0]);
        assert_eq!(u32_at(&r, 20), Some(STATES));
        assert!(r[24..].iter().all(|&b| b == 0), "no filter");
    }
    // ESTABLISHED..NEW_SYN_RECV, not the bound-inactive bit.
    assert_eq!(STATES.count_ones(), 12);
    assert_eq!(STATES & 1 << 13, 0);
    assert_eq!(table(Proto::Raw), None);
    assert_eq!(table(Proto::Unix), None);
}

#[test]
fn parses_ipv4_rows() {
    let mut b = row(&v4(10, 8080, 0, "0.0.0.0", "0.0.0.0"));
    b.extend(row(&v4(1, 40000, 443, "127.0.0.1", "10.1.2.254")));
    let mut out = Vec::new();
    assert_eq!(parse_batch(&b, SEQ, AF_INET, &mut out), Ok(Batch::More));
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].state, out[0].sport, out[0].dport), (10, 8080, 0));
    assert_eq!(out[0].src.to_string(), "0.0.0.0");
    let c = &out[1];
    assert_eq!(c.family, AF_INET);
    assert_eq!((c.src.to_string(), c.sport), ("127.0.0.1".into(), 40000));
    assert_eq!((c.dst.to_string(), c.dport), ("10.1.2.254".into(), 443));
    assert_eq!((c.rqueue, c.wqueue, c.uid, c.inode), (7, 9, 1000, 4242));
}

#[test]
fn parses_ipv6_rows_and_v4_mapped_peers() {
    let r = Row {
        family: AF_INET6,
        src: "::ffff:127.0.0.1",
        dst: "2001:db8::1:0:0:5",
        inode: u32::MAX,
        ..v4(6, 22, 51000, "", "")
    };
    let mut out = Vec::new();
    let mut b = row(&r);
    b.extend(msg(NLMSG_DONE, SEQ, &0i32.to_ne_bytes()));
    assert_eq!(parse_batch(&b, SEQ, AF_INET6, &mut out), Ok(Batch::Done));
    assert_eq!(out[0].src.to_string(), "::ffff:127.0.0.1");
    assert_eq!(out[0].dst.to_string(), "2001:db8::1:0:0:5");
    assert_eq!((out[0].sport, out[0].dport), (22, 51000));
    assert_eq!((out[0].state, out[0].inode), (6, u64::from(u32::MAX)));
}

#[test]
fn a_dump_spans_several_datagrams_to_done() {
    let mut first = row(&v4(10, 1, 0, "0.0.0.0", "0.0.0.0"));
    first.extend(row(&v4(1, 2, 3, "127.0.0.1", "127.0.0.1")));
    let mut second = row(&v4(1, 3, 2, "127.0.0.1", "127.0.0.1"));
    second.extend(msg(NLMSG_DONE, SEQ, &0i32.to_ne_bytes()));
    let mut out = Vec::new();
    assert_eq!(parse_batch(&first, SEQ, AF_INET, &mut out), Ok(Batch::More));
    assert_eq!(
        parse_batch(&second, SEQ, AF_INET, &mut out),
        Ok(Batch::Done)
    );
    let ports: Vec<u16> = out.iter().map(|d| d.sport).collect();
    assert_eq!(ports, [1, 2, 3]);
}

#[test]
fn kernel_errors_and_rows_of_the_wrong_family() {
    let mut out = Vec::new();
    let e = msg(NLMSG_ERROR, SEQ, &(-2i32).to_ne_bytes());
    let err = parse_batch(&e, SEQ, AF_INET, &mut out).unwrap_err();
    assert!(
        matches!(&err, DiagError::Kernel(t) if t.contains("No such file")),
        "{err}"
    );
    let v6 = Row {
        family: AF_INET6,
        ..v4(1, 1, 1, "::1", "::1")
    };
    assert_eq!(
        parse_batch(&row(&v6), SEQ, AF_INET, &mut out),
        Err(DiagError::BadFamily(AF_INET6))
    );
    let odd = Row {
        family: 44,
        ..v4(1, 1, 1, "::1", "::1")
    };
    assert!(parse_batch(&row(&odd), SEQ, 44, &mut out).is_err());
    assert!(out.is_empty());
}

#[test]
fn a_truncated_inet_diag_msg_is_an_error() {
    let whole = row(&v4(1, 2, 3, "127.0.0.1", "127.0.0.1"));
    let body = &whole[NLMSG_HDR..NLMSG_HDR + INET_DIAG_MSG];
    let mut out = Vec::new();
    for cut in 0..INET_DIAG_MSG {
        assert_eq!(
            parse_batch(
                &msg(SOCK_DIAG_BY_FAMILY, SEQ, &body[..cut]),
                SEQ,
                AF_INET,
                &mut out
            ),
            Err(DiagError::TruncatedMsg("inet_diag_msg")),
            "{cut}"
        );
    }
    // The datagram cut anywhere: an error or fewer rows, never a panic.
    let mut two = whole.clone();
    two.extend(row(&v4(1, 3, 2, "127.0.0.1", "127.0.0.1")));
    for cut in 0..two.len() {
        let mut out = Vec::new();
        match parse_batch(&two[..cut], SEQ, AF_INET, &mut out) {
            Ok(Batch::More) => assert!(out.len() < 2, "{cut}"),
            Ok(Batch::Done) => panic!("no DONE in the sample"),
            Err(e) => assert!(e.to_string().starts_with("sock_diag: "), "{e}"),
        }
    }
}
