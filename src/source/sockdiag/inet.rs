//! TCP and UDP sockets (IPv4 and IPv6) from sock_diag: the `inet_diag_req_v2` dump request
//! and the fixed `inet_diag_msg` of each reply (attributes after it are not asked for and
//! skipped). One dump per table of `net/`: a family (AF_INET, AF_INET6) and a protocol
//! (IPPROTO_TCP, IPPROTO_UDP), the states those tables list.

use super::{Batch, DiagError, request_header, u32_at};
use crate::model::Proto;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub(crate) const AF_INET: u8 = 2;
pub(crate) const AF_INET6: u8 = 10;
pub(crate) const IPPROTO_TCP: u8 = 6;
pub(crate) const IPPROTO_UDP: u8 = 17;
/// `struct inet_diag_req_v2`.
pub(crate) const INET_DIAG_REQ: usize = 56;
/// `struct inet_diag_msg`.
pub(crate) const INET_DIAG_MSG: usize = 72;
/// The states `net/tcp` lists: ESTABLISHED (1) to NEW_SYN_RECV (12). why: not every state
/// bit: bit 13 (TCP_BOUND_INACTIVE, Linux 6.5+) asks for bound sockets that neither listen
/// nor connect, which no text table shows.
pub(crate) const STATES: u32 = 0x1ffe;

/// One TCP or UDP socket as `sock_diag` describes it (`struct inet_diag_msg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetDiag {
    /// AF_INET (2) or AF_INET6 (10): the socket's family, so a dual-stack socket's IPv4
    /// peer shows as a v4-mapped IPv6 address, as in `net/tcp6`.
    pub family: u8,
    /// The kernel's state code, as in the `st` column of `net/tcp`: a TIME-WAIT entry's
    /// substate, SYN-RECV (3) for a connection still in its handshake.
    pub state: u8,
    pub src: IpAddr,
    pub sport: u16,
    pub dst: IpAddr,
    pub dport: u16,
    /// Receive and send queue: bytes for a connection; for a listener the accept queue's
    /// length and its limit.
    pub rqueue: u32,
    pub wqueue: u32,
    pub uid: u32,
    /// Owning socket inode (0 for TIME-WAIT and SYN-RECV entries, which have none).
    pub inode: u64,
}

/// The family and protocol of the `net/` table `proto` names (tcp, tcp6, udp, udp6).
pub fn table(proto: Proto) -> Option<(u8, u8)> {
    match proto {
        Proto::Tcp => Some((AF_INET, IPPROTO_TCP)),
        Proto::Tcp6 => Some((AF_INET6, IPPROTO_TCP)),
        Proto::Udp => Some((AF_INET, IPPROTO_UDP)),
        Proto::Udp6 => Some((AF_INET6, IPPROTO_UDP)),
        _ => None,
    }
}

/// The dump request: an `nlmsghdr` followed by an `inet_diag_req_v2` for every socket of
/// `family` and `protocol` in [`STATES`], with no extensions and no filter.
pub fn request(seq: u32, family: u8, protocol: u8) -> Vec<u8> {
    let mut b = request_header(seq, INET_DIAG_REQ);
    // sdiag_family, sdiag_protocol, idiag_ext, pad, idiag_states, then the sockid (ports,
    // addresses, interface, cookie) all zero: match any.
    b.extend_from_slice(&[family, protocol, 0, 0]);
    b.extend_from_slice(&STATES.to_ne_bytes());
    b.resize(b.len() + INET_DIAG_REQ - 8, 0);
    b
}

/// Parse one received datagram of a dump of `family`, appending its sockets to `out`
/// ([`super::parse_batch`] with [`parse_msg`]).
pub fn parse_batch(
    buf: &[u8],
    seq: u32,
    family: u8,
    out: &mut Vec<InetDiag>,
) -> Result<Batch, DiagError> {
    super::parse_batch(buf, seq, out, |body| parse_msg(body, family))
}

fn addr(family: u8, b: &[u8]) -> Option<IpAddr> {
    Some(match family {
        AF_INET => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(b.get(..4)?).ok()?)),
        _ => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b.get(..16)?).ok()?)),
    })
}

fn port(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// One `inet_diag_msg` of a dump of `family`: ports and addresses in network byte order,
/// the rest host-endian. A row of another family is an error (it would land in the wrong
/// table).
pub(crate) fn parse_msg(body: &[u8], family: u8) -> Result<InetDiag, DiagError> {
    if body.len() < INET_DIAG_MSG {
        return Err(DiagError::TruncatedMsg("inet_diag_msg"));
    }
    if body[0] != family || !matches!(family, AF_INET | AF_INET6) {
        return Err(DiagError::BadFamily(body[0]));
    }
    let field = |at| u32_at(body, at).ok_or(DiagError::TruncatedMsg("inet_diag_msg"));
    let ip = |at| addr(family, &body[at..at + 16]).ok_or(DiagError::TruncatedMsg("address"));
    Ok(InetDiag {
        family,
        state: body[1],
        sport: port(body, 4),
        dport: port(body, 6),
        src: ip(8)?,
        dst: ip(24)?,
        rqueue: field(56)?,
        wqueue: field(60)?,
        uid: field(64)?,
        inode: u64::from(field(68)?),
    })
}
