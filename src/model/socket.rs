//! Sockets from the per-namespace tables `net/{tcp,tcp6,udp,udp6,raw,raw6,unix,packet}`.

use super::{Bytes, Pid, Unavailable};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Socket protocol table a socket came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Tcp6,
    Udp,
    Udp6,
    Raw,
    Raw6,
    Unix,
    Packet,
}

impl Proto {
    pub const ALL: [Proto; 8] = [
        Proto::Tcp,
        Proto::Tcp6,
        Proto::Udp,
        Proto::Udp6,
        Proto::Raw,
        Proto::Raw6,
        Proto::Unix,
        Proto::Packet,
    ];
    /// The file name under `net/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Tcp6 => "tcp6",
            Proto::Udp => "udp",
            Proto::Udp6 => "udp6",
            Proto::Raw => "raw",
            Proto::Raw6 => "raw6",
            Proto::Unix => "unix",
            Proto::Packet => "packet",
        }
    }
}

/// One socket. Addresses are text: IP for inet, path (`@name` for abstract) for unix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Socket {
    pub proto: Proto,
    pub local_addr: Bytes,
    pub local_port: Option<u16>,
    pub remote_addr: Option<String>,
    pub remote_port: Option<u16>,
    /// LISTEN, ESTABLISHED, ... (tcp); UNCONN/ESTABLISHED (udp); LISTEN/CONNECTED/... (unix).
    /// A fixed word when read live (no allocation per socket), owned when read from a file.
    pub state: Cow<'static, str>,
    /// For unix sockets: stream, dgram or seqpacket.
    pub sock_type: Option<Cow<'static, str>>,
    pub inode: u64,
    /// Network namespace inode whose tables list it.
    pub netns: u64,
    /// Owning uid from the table (inet only).
    pub uid: Option<u32>,
    /// Processes holding an fd to it.
    pub pids: Vec<Pid>,
    /// Inode of the socket at the other end of a local connection: from sock_diag for unix
    /// sockets, by the reversed address pair within the namespace for TCP/UDP. For a TCP
    /// connection not yet `accept(2)`ed, or a client of an unconnected UDP server, the
    /// listening (bound) socket that stands for it. A unix connection not yet accepted has
    /// none (the kernel reports its peer as 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<u64>,
}

impl Socket {
    /// A listening socket: TCP LISTEN, unix LISTEN, or a bound unconnected UDP socket.
    pub fn is_listening(&self) -> bool {
        match self.proto {
            Proto::Tcp | Proto::Tcp6 | Proto::Unix => self.state == "LISTEN",
            Proto::Udp | Proto::Udp6 => self.state == "UNCONN" && self.local_port != Some(0),
            Proto::Raw | Proto::Raw6 | Proto::Packet => false,
        }
    }
}

/// A network namespace and how its tables were read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetNs {
    pub inode: u64,
    /// The member pid whose `net/*` files were read.
    pub reader_pid: Option<Pid>,
    /// Member pids.
    pub pids: Vec<Pid>,
    /// Table name -> why it could not be read (`sock_diag`: why the netlink socket could not
    /// be made or its query of unix sockets failed and `net/unix` was read instead;
    /// `sock_diag tcp` and so on: why that table's query failed and its text was read).
    pub unavailable: BTreeMap<String, Unavailable>,
    /// Unix sockets came from NETLINK_SOCK_DIAG (exact paths and peers), not `net/unix`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sock_diag: bool,
    /// The tcp/udp tables whose sockets came from NETLINK_SOCK_DIAG, not from `net/*` text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inet_diag: Vec<Proto>,
}
