//! Parser tests of [`super::unix`] on hand-made netlink byte buffers, including broken ones.

use super::frame_tests::{SEQ, attr, msg};
use super::unix::{
    AF_UNIX, UDIAG_SHOW_PEER, UNIX_DIAG_MSG, UNIX_DIAG_NAME, UNIX_DIAG_PEER, parse_batch, request,
};
use super::{
    Batch, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDR, NLMSG_OVERRUN,
    SOCK_DIAG_BY_FAMILY, u16_at, u32_at, unix_sockets,
};
use crate::model::Unavailable;
use crate::source::ProcRoot;

fn diag(ty: u8, state: u8, ino: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut b = vec![AF_UNIX, ty, state, 0];
    b.extend_from_slice(&ino.to_ne_bytes());
    b.extend_from_slice(&[0xff; 8]);
    for a in attrs {
        b.extend_from_slice(a);
    }
    msg(SOCK_DIAG_BY_FAMILY, SEQ, &b)
}

fn sample() -> Vec<u8> {
    let mut b = diag(
        1,
        10,
        100,
        &[
            attr(UNIX_DIAG_NAME, b"/run/a\nffff: fake\0"),
            // Attributes we do not ask for (RQLEN, UID) are skipped.
            attr(4, &[0; 8]),
            attr(7, &1000u32.to_ne_bytes()),
        ],
    );
    b.extend(diag(
        1,
        1,
        101,
        &[
            attr(UNIX_DIAG_NAME, b"\0abs\0x"),
            attr(UNIX_DIAG_PEER, &102u32.to_ne_bytes()),
        ],
    ));
    b.extend(diag(
        2,
        7,
        103,
        &[attr(UNIX_DIAG_PEER, &0u32.to_ne_bytes())],
    ));
    b
}

#[test]
fn request_is_a_dump_of_every_unix_socket() {
    let r = request(SEQ);
    assert_eq!(r.len(), 40);
    assert_eq!(u32_at(&r, 0), Some(40));
    assert_eq!(u16_at(&r, 4), Some(SOCK_DIAG_BY_FAMILY));
    assert_eq!(u16_at(&r, 6), Some(NLM_F_REQUEST | NLM_F_DUMP));
    assert_eq!(u32_at(&r, 8), Some(SEQ));
    assert_eq!(r[16], AF_UNIX);
    assert_eq!(u32_at(&r, 20), Some(u32::MAX), "all states");
    assert_eq!(
        u32_at(&r, 28).map(|s| s & UDIAG_SHOW_PEER),
        Some(UDIAG_SHOW_PEER)
    );
}

#[test]
fn parses_names_and_peers() {
    let mut out = Vec::new();
    assert_eq!(parse_batch(&sample(), SEQ, &mut out), Ok(Batch::More));
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].inode, 100);
    assert_eq!((out[0].sock_type, out[0].state), (1, 10));
    assert_eq!(out[0].name.as_deref(), Some(&b"/run/a\nffff: fake\0"[..]));
    assert_eq!(out[0].peer, None);
    assert_eq!(out[1].name.as_deref(), Some(&b"\0abs\0x"[..]));
    assert_eq!(out[1].peer, Some(102));
    assert_eq!(out[2].peer, None, "a zero peer inode is no peer");
    assert_eq!(out[2].name, None);
}

#[test]
fn done_error_and_foreign_sequence_numbers() {
    let mut out = Vec::new();
    let mut b = diag(1, 1, 9, &[]);
    b.extend(diag(1, 1, 10, &[]).iter().enumerate().map(|(i, &x)| {
        // Same message with another sequence number: skipped.
        if i == 8 { x ^ 1 } else { x }
    }));
    b.extend(msg(NLMSG_DONE, SEQ, &0i32.to_ne_bytes()));
    b.extend(diag(1, 1, 11, &[]));
    assert_eq!(parse_batch(&b, SEQ, &mut out), Ok(Batch::Done));
    assert_eq!(out.iter().map(|d| d.inode).collect::<Vec<_>>(), vec![9]);

    let e = msg(NLMSG_ERROR, SEQ, &(-2i32).to_ne_bytes());
    let err = parse_batch(&e, SEQ, &mut out).unwrap_err();
    assert!(err.to_string().contains("No such file"), "{err}");
    let ack = msg(NLMSG_ERROR, SEQ, &0i32.to_ne_bytes());
    assert_eq!(parse_batch(&ack, SEQ, &mut out), Ok(Batch::More));
    assert!(parse_batch(&msg(NLMSG_OVERRUN, SEQ, &[]), SEQ, &mut out).is_err());
    assert!(parse_batch(&msg(NLMSG_ERROR, SEQ, &[1]), SEQ, &mut out).is_err());
}

#[test]
fn every_truncation_is_an_error_or_fewer_sockets_never_a_panic() {
    let full = sample();
    for cut in 0..full.len() {
        let mut out = Vec::new();
        match parse_batch(&full[..cut], SEQ, &mut out) {
            Ok(Batch::More) => assert!(out.len() < 3 || cut == full.len()),
            Ok(Batch::Done) => panic!("no DONE in the sample"),
            Err(e) => assert!(e.to_string().starts_with("sock_diag: "), "{e}"),
        }
    }
}

#[test]
fn garbage_and_lying_lengths_do_not_panic() {
    let mut out = Vec::new();
    assert!(parse_batch(&[0xff; 40], SEQ, &mut out).is_err());
    assert!(parse_batch(&[1, 2, 3], SEQ, &mut out).is_err());
    // A header claiming less than itself.
    let mut b = msg(SOCK_DIAG_BY_FAMILY, SEQ, &[0; 16]);
    b[0..4].copy_from_slice(&4u32.to_ne_bytes());
    assert!(parse_batch(&b, SEQ, &mut out).is_err());
    // A unix_diag_msg shorter than the struct.
    assert!(parse_batch(&msg(SOCK_DIAG_BY_FAMILY, SEQ, &[1, 1]), SEQ, &mut out).is_err());
    // An attribute running past its message, and one of length 0.
    let mut bad = diag(1, 1, 1, &[attr(UNIX_DIAG_PEER, &[1, 0, 0, 0])]);
    let a = NLMSG_HDR + UNIX_DIAG_MSG;
    bad[a..a + 2].copy_from_slice(&200u16.to_ne_bytes());
    assert!(parse_batch(&bad, SEQ, &mut out).is_err());
    bad[a..a + 2].copy_from_slice(&0u16.to_ne_bytes());
    assert!(parse_batch(&bad, SEQ, &mut out).is_err());
    // A peer attribute shorter than its u32.
    let short = diag(1, 1, 1, &[attr(UNIX_DIAG_PEER, &[1])]);
    assert!(parse_batch(&short, SEQ, &mut out).is_err());
    // Pseudo-random bytes.
    let mut x: u32 = 0x1234_5678;
    for _ in 0..2000 {
        let len = (x % 97) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let _ = parse_batch(&bytes, SEQ, &mut out);
    }
}

#[test]
fn a_fixture_root_is_never_queried() {
    let dir = tempfile::tempdir().unwrap();
    let root = ProcRoot::open(dir.path()).unwrap();
    assert_eq!(unix_sockets(&root, 1, 1), Err(Unavailable::Missing));
}
