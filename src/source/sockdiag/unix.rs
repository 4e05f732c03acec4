//! Unix sockets from sock_diag: the `unix_diag_req` dump request and the `unix_diag_msg`
//! reply with its name and peer attributes. Exact (length-delimited) paths and the peer inode
//! of each connected socket, which the line-based `net/unix` table cannot give.

use super::{Batch, DiagError, align4, request_header, u16_at, u32_at};

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

pub(crate) const AF_UNIX: u8 = 1;
pub(crate) const UDIAG_SHOW_NAME: u32 = 0x1;
pub(crate) const UDIAG_SHOW_PEER: u32 = 0x4;
pub(crate) const UNIX_DIAG_NAME: u16 = 0;
pub(crate) const UNIX_DIAG_PEER: u16 = 2;
/// `struct unix_diag_msg`.
pub(crate) const UNIX_DIAG_MSG: usize = 16;

/// The dump request: an `nlmsghdr` followed by a `unix_diag_req` asking for every state.
pub fn request(seq: u32) -> Vec<u8> {
    let mut b = request_header(seq, 24);
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

/// Parse one received datagram of a unix dump, appending its sockets to `out`
/// ([`super::parse_batch`] with [`parse_msg`]).
pub fn parse_batch(buf: &[u8], seq: u32, out: &mut Vec<UnixDiag>) -> Result<Batch, DiagError> {
    super::parse_batch(buf, seq, out, parse_msg)
}

/// One `unix_diag_msg` and its attributes.
pub(crate) fn parse_msg(body: &[u8]) -> Result<UnixDiag, DiagError> {
    if body.len() < UNIX_DIAG_MSG {
        return Err(DiagError::TruncatedMsg("unix_diag_msg"));
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
