//! An open fd and a socket as cells: endpoints with address and port (IPv6 bracketed), state,
//! the processes at the other end and the other holders, all escaped.

use super::{Cell, Kind, Shown};
use crate::model::{Fd, FdKind, Pid, Snapshot, Socket, SocketIndex, endpoint, escape};

/// `comm(pid)` of each pid, comma-joined (`model::Snapshot::name_pids`, which escapes).
pub fn names(snap: &Snapshot, pids: &[Pid]) -> Shown {
    Shown::composed(snap.name_pids(pids))
}

/// One socket: what `sockets` lists and the fd line and Sockets tab show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketRow {
    pub proto: Shown,
    pub state: Shown,
    /// `addr:port`, `[v6]:port`, or the unix path.
    pub local: Shown,
    /// The remote endpoint, when the table has one.
    pub remote: Option<Shown>,
    /// The remote endpoint, or `* INODE` for a unix peer known by inode, or `*`.
    pub remote_or_peer: Shown,
    pub netns: Shown,
    pub inode: Shown,
    /// Every holder of this socket.
    pub owners: Shown,
    /// The holders of the other end (possibly empty), when the other end is known.
    pub peer: Option<Shown>,
    /// The other end's inode, when it is known.
    pub peer_inode: Option<Shown>,
}

impl SocketRow {
    pub fn of(snap: &Snapshot, index: &SocketIndex, s: &Socket) -> SocketRow {
        let remote = (s.remote_addr.as_ref()).map(|r| endpoint(&escape(r), s.remote_port));
        let remote_or_peer = match (&remote, s.peer) {
            (Some(r), _) => r.clone(),
            // why: like ss, a unix peer is named by its inode.
            (None, Some(i)) => format!("* {i}"),
            (None, None) => "*".into(),
        };
        let peer = index.peer_of(snap, s);
        SocketRow {
            proto: Shown::label(s.proto.as_str()),
            state: Shown::text(&s.state),
            local: Shown::composed(endpoint(&s.local_addr.safe(), s.local_port)),
            remote: remote.map(Shown::composed),
            remote_or_peer: Shown::composed(remote_or_peer),
            netns: Shown::num(s.netns),
            inode: Shown::num(s.inode),
            owners: names(snap, &s.pids),
            peer: peer.map(|x| names(snap, &x.pids)),
            peer_inode: peer.map(|x| Shown::num(x.inode)),
        }
    }

    /// The holders of the other end, `-` when nobody readable holds it, empty when unknown.
    pub fn peer_cell(&self) -> Shown {
        match &self.peer {
            Some(p) if p.is_empty() => Shown::label("-"),
            Some(p) => p.clone(),
            None => Shown::default(),
        }
    }
}

/// One open fd, with its socket when it is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FdRow {
    pub fd: Shown,
    pub kind: Shown,
    pub target: Shown,
    /// `Danger` for a memfd or a deleted file, else `Normal`.
    pub style: Kind,
    pub socket: Option<SocketRow>,
    /// The other processes holding it (a pipe's other end; a socket's sharers); may be empty.
    pub others: Shown,
    pub is_socket: bool,
    /// The scan read only a few processes (`inspect` without `--peers`): who else holds a
    /// pipe or socket is unknown, not "nobody".
    pub peers_unknown: bool,
}

impl FdRow {
    /// The fd `f` of process `me` (in network namespace `netns`).
    pub fn of(snap: &Snapshot, index: &SocketIndex, me: Pid, netns: Option<u64>, f: &Fd) -> FdRow {
        let socket = match (f.kind, f.inode) {
            (FdKind::Socket, Some(ino)) => index.find(snap, netns, ino),
            _ => None,
        };
        let others: Vec<Pid> = f.peers.iter().copied().filter(|&q| q != me).collect();
        let danger = f.kind == FdKind::Memfd || f.target.as_bytes().ends_with(b" (deleted)");
        FdRow {
            fd: Shown::num(f.fd),
            kind: Shown::label(f.kind.as_str()),
            target: Shown::of(&f.target),
            style: if danger { Kind::Danger } else { Kind::Normal },
            socket: socket.map(|s| SocketRow::of(snap, index, s)),
            others: names(snap, &others),
            is_socket: f.kind == FdKind::Socket,
            peers_unknown: !snap.meta.only.is_empty()
                && matches!(f.kind, FdKind::Socket | FdKind::Pipe),
        }
    }

    /// The cells `fd`, `kind`, `target`, `detail` (the detail in `g`'s words).
    pub fn cells(&self, g: Glyphs) -> Vec<Cell> {
        let c = |s: &Shown| Cell::new(s.clone(), self.style);
        vec![
            c(&self.fd),
            c(&self.kind),
            c(&self.target),
            c(&self.detail(g)),
        ]
    }

    /// `tcp ESTAB 10.0.0.1:80 -> 10.0.0.2:5000 peer curl(9) (inode 7) shared with x(3)`, in the
    /// words of `g`.
    pub fn detail(&self, g: Glyphs) -> Shown {
        let mut d = Vec::new();
        if let Some(s) = &self.socket {
            d.push(s.proto.clone());
            d.push(s.state.clone());
            d.push(s.local.clone());
            if let Some(r) = &s.remote {
                d.push(Shown::label(g.to).then(r));
            }
            if let Some(who) = &s.peer {
                let who = if who.is_empty() && self.peers_unknown {
                    Shown::label("?")
                } else if who.is_empty() {
                    Shown::label("-")
                } else {
                    who.clone()
                };
                let mut x = Shown::label(g.peer).then(&who);
                if let (true, Some(i)) = (g.peer_inode, &s.peer_inode) {
                    x = x.then_label(" (inode ").then(i).then_label(")");
                }
                d.push(x);
            }
        }
        if !self.others.is_empty() {
            let (pre, post) = if self.is_socket {
                g.shared
            } else {
                (g.pipe, "")
            };
            d.push(Shown::label(pre).then(&self.others).then_label(post));
        }
        if self.peers_unknown {
            d.push(Shown::label("(peers not collected: --peers)"));
        }
        Shown::join(&d, " ")
    }
}

/// The words of an fd line: the text output's (`->`, `peer`) or the TUI's (`→`, `⇄`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glyphs {
    pub to: &'static str,
    pub peer: &'static str,
    pub peer_inode: bool,
    /// Before and after the other holders of a socket.
    pub shared: (&'static str, &'static str),
    /// Before the other holders of a pipe.
    pub pipe: &'static str,
}

impl Glyphs {
    /// The text output's words.
    pub const TEXT: Glyphs = Glyphs {
        to: "-> ",
        peer: "peer ",
        peer_inode: true,
        shared: ("shared with ", ""),
        pipe: "peers ",
    };
    /// The TUI's glyphs.
    pub const TUI: Glyphs = Glyphs {
        to: "→ ",
        peer: "⇄ ",
        peer_inode: false,
        shared: ("(also held by ", ")"),
        pipe: "⇄ ",
    };
}
