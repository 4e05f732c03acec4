//! Unix sockets of one network namespace from the kernel's NETLINK_SOCK_DIAG interface: exact
//! (length-delimited) paths and the peer inode of each connected socket, which the line-based
//! `net/unix` table cannot give. Read-only dump query; requests and replies are handled as
//! bytes (host-endian kernel structs), and a malformed reply is an error, never a panic.

use super::ProcRoot;
use crate::model::{Pid, Unavailable};
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::net::netlink::{self, SocketAddrNetlink};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};
use std::time::Duration;

/// One unix socket as `sock_diag` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnixDiag {
    pub inode: u64,
    /// `SOCK_STREAM` (1), `SOCK_DGRAM` (2), `SOCK_SEQPACKET` (5).
    pub sock_type: u8,
    /// The kernel's `sk_state`: TCP_ESTABLISHED (1), TCP_SYN_SENT (2), TCP_CLOSE (7), TCP_LISTEN (10).
    pub state: u8,
    /// The bound address as stored (`sun_path` bytes, abstract names starting with NUL).
    pub name: Option<Vec<u8>>,
    /// Inode of the connected peer (0 and absent both mean none). why: a connection still
    /// in a listener's queue reads 0, its server end having no inode yet; the kernel does
    /// not list that server end either, so such a client stays unresolved (as in ss).
    pub peer: Option<u64>,
}

const NLMSG_HDR: usize = 16;
const NLMSG_NOOP: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_OVERRUN: u16 = 4;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const AF_UNIX: u8 = 1;
const UDIAG_SHOW_NAME: u32 = 0x1;
const UDIAG_SHOW_PEER: u32 = 0x4;
const UNIX_DIAG_NAME: u16 = 0;
const UNIX_DIAG_PEER: u16 = 2;
/// `struct unix_diag_msg`.
const UNIX_DIAG_MSG: usize = 16;
/// Stop a reply that never ends (a well-behaved kernel sends NLMSG_DONE long before).
const MAX_REPLY: usize = 1 << 30;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// The dump request: an `nlmsghdr` followed by a `unix_diag_req` asking for every state.
pub fn request(seq: u32) -> Vec<u8> {
    let mut b = Vec::with_capacity(40);
    b.extend_from_slice(&40u32.to_ne_bytes());
    b.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    b.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    // unix_diag_req: family, protocol, pad, states, ino, show, cookie[2].
    b.extend_from_slice(&[AF_UNIX, 0, 0, 0]);
    b.extend_from_slice(&u32::MAX.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    let show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
    b.extend_from_slice(&show.to_ne_bytes());
    b.extend_from_slice(&u32::MAX.to_ne_bytes());
    b.extend_from_slice(&u32::MAX.to_ne_bytes());
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

/// Parse one received datagram (one or more netlink messages), appending sockets to `out`.
/// Messages of another sequence number are skipped. A kernel error, an overrun or any
/// truncated structure is an `Err` with one line of text.
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
    #[error("sock_diag: truncated unix_diag_msg")]
    TruncatedMsg,
    #[error("sock_diag: bad attribute length {0}")]
    BadAttribute(usize),
    #[error("sock_diag: short peer attribute")]
    ShortPeer,
}

pub fn parse_batch(buf: &[u8], seq: u32, out: &mut Vec<UnixDiag>) -> Result<Batch, DiagError> {
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
            NLMSG_DONE => return Ok(Batch::Done),
            NLMSG_NOOP => {}
            NLMSG_OVERRUN => return Err(DiagError::Overrun),
            NLMSG_ERROR => {
                let code = u32_at(body, 0).ok_or(DiagError::TruncatedError)? as i32;
                if code != 0 {
                    let e = Errno::from_raw_os_error(code.saturating_neg());
                    return Err(DiagError::Kernel(std::io::Error::from(e).to_string()));
                }
            }
            SOCK_DIAG_BY_FAMILY => out.push(parse_msg(body)?),
            _ => {}
        }
    }
    Ok(Batch::More)
}

/// One `unix_diag_msg` and its attributes.
fn parse_msg(body: &[u8]) -> Result<UnixDiag, DiagError> {
    if body.len() < UNIX_DIAG_MSG {
        return Err(DiagError::TruncatedMsg);
    }
    let mut d = UnixDiag {
        sock_type: body[1],
        state: body[2],
        inode: u64::from(u32_at(body, 4).unwrap_or(0)),
        ..UnixDiag::default()
    };
    let mut at = UNIX_DIAG_MSG;
    while at + 4 <= body.len() {
        let (Some(alen), Some(aty)) = (u16_at(body, at), u16_at(body, at + 2)) else {
            break;
        };
        let alen = alen as usize;
        if alen < 4 || at + alen > body.len() {
            return Err(DiagError::BadAttribute(alen));
        }
        let val = &body[at + 4..at + alen];
        // why: the top two bits of rta_type are the NESTED and BYTEORDER flags.
        match aty & 0x3fff {
            UNIX_DIAG_NAME => d.name = Some(val.to_vec()),
            UNIX_DIAG_PEER => {
                let p = u32_at(val, 0).ok_or(DiagError::ShortPeer)?;
                d.peer = (p != 0).then_some(u64::from(p));
            }
            _ => {}
        }
        at += align4(alen);
    }
    Ok(d)
}

fn why(e: Errno) -> Unavailable {
    match e {
        Errno::ACCESS | Errno::PERM => Unavailable::Denied,
        Errno::SRCH => Unavailable::Gone,
        _ => Unavailable::Unparsable(format!("sock_diag: {}", std::io::Error::from(e))),
    }
}

fn netlink_socket() -> Result<OwnedFd, Errno> {
    rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::DGRAM,
        SocketFlags::CLOEXEC,
        Some(netlink::SOCK_DIAG),
    )
}

/// A sock_diag socket in the network namespace behind `ns` (an open `ns/net` link). why:
/// netlink answers only for the namespace a socket was created in, and setns(2) changes the
/// calling thread, so a throwaway thread enters the namespace, creates the socket and ends;
/// the socket stays bound to that namespace, and no other thread of procscope moves.
fn socket_in(ns: OwnedFd) -> Result<OwnedFd, Errno> {
    let t = std::thread::Builder::new()
        .name("procscope-netns".into())
        .spawn(move || {
            rustix::thread::move_into_link_name_space(
                ns.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )?;
            netlink_socket()
        })
        .map_err(|_| Errno::AGAIN)?;
    t.join().unwrap_or(Err(Errno::IO))
}

/// Dump every unix socket through `fd`.
pub fn query(fd: &OwnedFd) -> Result<Vec<UnixDiag>, Unavailable> {
    // why: a blocked recv would hang the scan; the kernel answers a dump at once.
    rustix::net::sockopt::set_socket_timeout(
        fd,
        rustix::net::sockopt::Timeout::Recv,
        Some(Duration::from_secs(5)),
    )
    .map_err(why)?;
    let seq = 0x7073_6331;
    rustix::net::sendto(
        fd,
        &request(seq),
        SendFlags::empty(),
        &SocketAddrNetlink::new(0, 0),
    )
    .map_err(why)?;
    let mut buf = vec![0u8; 64 << 10];
    let mut out = Vec::new();
    let mut total = 0usize;
    loop {
        let n = match rustix::net::recv(fd, &mut buf[..], RecvFlags::empty()) {
            Ok((got, _)) => got,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(why(e)),
        };
        if n == 0 {
            return Err(Unavailable::Unparsable(
                "sock_diag: reply ended early".into(),
            ));
        }
        total += n;
        match parse_batch(&buf[..n], seq, &mut out) {
            Ok(Batch::Done) => return Ok(out),
            Ok(Batch::More) if total < MAX_REPLY => {}
            Ok(Batch::More) => {
                return Err(Unavailable::Unparsable("sock_diag: endless reply".into()));
            }
            Err(e) => return Err(Unavailable::Unparsable(e.to_string())),
        }
    }
}

/// Every unix socket of the network namespace `ns`, entered through member `pid`. Only on
/// the live procfs; `Err` says why not (the caller falls back to `net/unix`).
pub fn unix_sockets(root: &ProcRoot, pid: Pid, ns: u64) -> Result<Vec<UnixDiag>, Unavailable> {
    if !root.is_live() {
        return Err(Unavailable::Missing);
    }
    // why: our own namespace needs no setns (nor the privilege for it). The kernel's
    // /proc/thread-self, not the root's: a proc root of another pid namespace may not show us.
    let own = rustix::fs::stat("/proc/thread-self/ns/net").map(|s| s.st_ino);
    let fd = if own == Ok(ns) {
        netlink_socket().map_err(why)?
    } else {
        let target = rustix::fs::openat(
            &root.dir,
            format!("{pid}/ns/net"),
            OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(why)?;
        // why: the pid may have exited and been reused since the namespace was listed.
        if rustix::fs::fstat(&target).map_err(why)?.st_ino != ns {
            return Err(Unavailable::Gone);
        }
        socket_in(target).map_err(why)?
    };
    query(&fd)
}

#[cfg(test)]
#[path = "sockdiag_tests.rs"]
mod tests;
