//! Sockets of one network namespace from the kernel's NETLINK_SOCK_DIAG interface: unix
//! sockets ([`unix`]: exact paths and peers, which `net/unix` cannot give) and TCP/UDP over
//! IPv4/IPv6 ([`inet`]: the same rows as `net/{tcp,tcp6,udp,udp6}` without formatting and
//! parsing text). Read-only dump queries; requests and replies are handled as bytes
//! (host-endian kernel structs), and a malformed reply is an error, never a panic. This file
//! holds the message framing every family shares; [`socket`] the netlink socket made inside
//! the namespace and the receive loop.

pub mod inet;
mod socket;
pub mod unix;

pub use inet::InetDiag;
pub use socket::{DiagSocket, unix_sockets};
pub use unix::UnixDiag;

use rustix::io::Errno;

pub(crate) const NLMSG_HDR: usize = 16;
pub(crate) const NLMSG_NOOP: u16 = 1;
pub(crate) const NLMSG_ERROR: u16 = 2;
pub(crate) const NLMSG_DONE: u16 = 3;
pub(crate) const NLMSG_OVERRUN: u16 = 4;
pub(crate) const SOCK_DIAG_BY_FAMILY: u16 = 20;
pub(crate) const NLM_F_REQUEST: u16 = 0x1;
pub(crate) const NLM_F_DUMP: u16 = 0x300;

pub(crate) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

pub(crate) fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// The `nlmsghdr` of a dump request whose body is `body` bytes long.
pub(crate) fn request_header(seq: u32, body: usize) -> Vec<u8> {
    let len = NLMSG_HDR + body;
    let mut b = Vec::with_capacity(len);
    b.extend_from_slice(&(len as u32).to_ne_bytes());
    b.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    b.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    b
}

/// What one datagram of the reply said.
#[derive(Debug, PartialEq, Eq)]
pub enum Batch {
    /// More datagrams follow.
    More,
    /// NLMSG_DONE seen: the dump is complete.
    Done,
}

/// A sock_diag reply that could not be read, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiagError {
    #[error("sock_diag: truncated message header")]
    TruncatedHeader,
    #[error("sock_diag: bad message length {0}")]
    BadLength(usize),
    #[error("sock_diag: reply overrun")]
    Overrun,
    #[error("sock_diag: truncated error message")]
    TruncatedError,
    #[error("sock_diag: {0}")]
    Kernel(String),
    #[error("sock_diag: truncated {0}")]
    TruncatedMsg(&'static str),
    #[error("sock_diag: bad attribute length {0}")]
    BadAttribute(usize),
    #[error("sock_diag: short peer attribute")]
    ShortPeer,
    #[error("sock_diag: unexpected address family {0}")]
    BadFamily(u8),
}

/// Parse one received datagram (one or more netlink messages), appending what `msg` makes
/// of each socket message to `out`. Messages of another sequence number are skipped. A kernel
/// error, an overrun or any truncated structure is an `Err` with one line of text.
pub fn parse_batch<T>(
    buf: &[u8],
    seq: u32,
    out: &mut Vec<T>,
    msg: impl Fn(&[u8]) -> Result<T, DiagError>,
) -> Result<Batch, DiagError> {
    let mut at = 0;
    while at < buf.len() {
        let rest = &buf[at..];
        let (Some(len), Some(ty), Some(mseq)) = (u32_at(rest, 0), u16_at(rest, 4), u32_at(rest, 8))
        else {
            return Err(DiagError::TruncatedHeader);
        };
        let len = len as usize;
        if len < NLMSG_HDR || len > rest.len() {
            return Err(DiagError::BadLength(len));
        }
        let body = &rest[NLMSG_HDR..len];
        at += align4(len);
        if mseq != seq {
            continue;
        }
        match ty {
            NLMSG_DONE => {
                // why: a dump that fails partway ends with DONE carrying the negative errno.
                match u32_at(body, 0).map(|c| c as i32) {
                    Some(code) if code < 0 => return Err(kernel(code)),
                    _ => return Ok(Batch::Done),
                }
            }
            NLMSG_NOOP => {}
            NLMSG_OVERRUN => return Err(DiagError::Overrun),
            NLMSG_ERROR => {
                let code = u32_at(body, 0).ok_or(DiagError::TruncatedError)? as i32;
                if code != 0 {
                    return Err(kernel(code));
                }
            }
            SOCK_DIAG_BY_FAMILY => out.push(msg(body)?),
            _ => {}
        }
    }
    Ok(Batch::More)
}

fn kernel(code: i32) -> DiagError {
    let e = Errno::from_raw_os_error(code.saturating_neg());
    DiagError::Kernel(std::io::Error::from(e).to_string())
}

#[cfg(test)]
mod frame_tests;
#[cfg(test)]
mod inet_tests;
#[cfg(test)]
mod unix_tests;
