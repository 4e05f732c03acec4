//! Tests of the netlink framing shared by every sock_diag family ([`super::parse_batch`]), on
//! hand-made byte buffers; also the builders the family tests use.

use super::{Batch, DiagError, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDR, NLMSG_NOOP, parse_batch};
use super::{DiagSocket, SOCK_DIAG_BY_FAMILY};
use crate::model::Unavailable;
use crate::source::ProcRoot;

pub const SEQ: u32 = 7;

/// One netlink message (header, body, padding to 4 bytes).
pub fn msg(ty: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let len = (NLMSG_HDR + body.len()) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(&len.to_ne_bytes());
    b.extend_from_slice(&ty.to_ne_bytes());
    b.extend_from_slice(&2u16.to_ne_bytes());
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    b.extend_from_slice(body);
    while b.len() % 4 != 0 {
        b.push(0);
    }
    b
}

/// One netlink attribute (length, type, value, padding).
pub fn attr(ty: u16, val: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&((4 + val.len()) as u16).to_ne_bytes());
    b.extend_from_slice(&ty.to_ne_bytes());
    b.extend_from_slice(val);
    while b.len() % 4 != 0 {
        b.push(0);
    }
    b
}

/// A message parser that takes the body's first byte, refusing an empty body.
fn first(body: &[u8]) -> Result<u8, DiagError> {
    body.first().copied().ok_or(DiagError::TruncatedMsg("test"))
}

#[test]
fn messages_of_one_datagram_are_read_in_order_and_others_skipped() {
    let mut b = msg(SOCK_DIAG_BY_FAMILY, SEQ, &[1]);
    b.extend(msg(NLMSG_NOOP, SEQ, &[]));
    b.extend(msg(SOCK_DIAG_BY_FAMILY, SEQ + 1, &[9]));
    b.extend(msg(0x77, SEQ, &[9, 9]));
    b.extend(msg(SOCK_DIAG_BY_FAMILY, SEQ, &[2, 0, 0, 0, 0]));
    let mut out = Vec::new();
    assert_eq!(parse_batch(&b, SEQ, &mut out, first), Ok(Batch::More));
    assert_eq!(out, vec![1, 2]);
    // The parser's complaint about one message fails the batch.
    let bad = msg(SOCK_DIAG_BY_FAMILY, SEQ, &[]);
    assert_eq!(
        parse_batch(&bad, SEQ, &mut out, first),
        Err(DiagError::TruncatedMsg("test"))
    );
}

#[test]
fn truncated_headers_and_lying_lengths_are_errors() {
    let mut out = Vec::new();
    let whole = msg(SOCK_DIAG_BY_FAMILY, SEQ, &[1, 2, 3, 4]);
    for cut in 1..12 {
        assert_eq!(
            parse_batch(&whole[..cut], SEQ, &mut out, first),
            Err(DiagError::TruncatedHeader),
            "{cut}"
        );
    }
    // Header whole, body cut: the length runs past the datagram.
    assert_eq!(
        parse_batch(&whole[..17], SEQ, &mut out, first),
        Err(DiagError::BadLength(20))
    );
    let mut short = whole.clone();
    short[0..4].copy_from_slice(&15u32.to_ne_bytes());
    assert_eq!(
        parse_batch(&short, SEQ, &mut out, first),
        Err(DiagError::BadLength(15))
    );
    let mut huge = whole;
    huge[0..4].copy_from_slice(&u32::MAX.to_ne_bytes());
    assert!(parse_batch(&huge, SEQ, &mut out, first).is_err());
    assert!(out.is_empty());
}

#[test]
fn kernel_errors_in_error_and_done_messages() {
    let mut out: Vec<u8> = Vec::new();
    let e = msg(NLMSG_ERROR, SEQ, &(-1i32).to_ne_bytes());
    match parse_batch(&e, SEQ, &mut out, first) {
        Err(DiagError::Kernel(text)) => assert!(text.contains("not permitted"), "{text}"),
        other => panic!("{other:?}"),
    }
    // A dump that failed partway: DONE carries the errno.
    let d = msg(NLMSG_DONE, SEQ, &(-12i32).to_ne_bytes());
    let err = parse_batch(&d, SEQ, &mut out, first).unwrap_err();
    assert!(matches!(err, DiagError::Kernel(_)), "{err}");
    assert!(err.to_string().starts_with("sock_diag: "), "{err}");
    // DONE with no payload, or a zero one, is the end.
    for body in [&[][..], &0i32.to_ne_bytes()[..]] {
        let ok = msg(NLMSG_DONE, SEQ, body);
        assert_eq!(parse_batch(&ok, SEQ, &mut out, first), Ok(Batch::Done));
    }
}

#[test]
fn a_fixture_root_opens_no_socket() {
    let dir = tempfile::tempdir().unwrap();
    let root = ProcRoot::open(dir.path()).unwrap();
    assert_eq!(
        DiagSocket::open(&root, 1, 1).map(|_| ()),
        Err(Unavailable::Missing)
    );
}
