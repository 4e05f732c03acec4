//! Where Enter leads from the selected row of the detail screen's Files or Sockets tab: the
//! process at the other end (a pipe's other holders; a local socket's peer's holders).

use super::App;
use super::detail::Tab;
use crate::model::{FdKind, Pid, ProcKey, Socket};

impl App {
    /// Where Enter on the selected Files or Sockets row leads. `None`: the row is not a pipe,
    /// FIFO or socket (nothing to say); `Some(Err)`: the message to show instead.
    pub(super) fn selected_peer(&self) -> Option<Result<ProcKey, &'static str>> {
        let tab = self.detail.tab()?;
        let p = self.detail_process()?;
        let loaded = &self.loaded;
        let sel = self.detail.cursor().sel;
        let netns = p.namespaces.get("net").copied();
        let (local, sharers): (&[Pid], &[Pid]) = match tab {
            Tab::Files => {
                let f = p.fds.as_ref()?.get(sel)?;
                match (f.kind, f.inode) {
                    (FdKind::Socket, Some(ino)) => (
                        loaded.sockets.peer_pids(&loaded.snap, netns, ino),
                        f.peers.as_slice(),
                    ),
                    (FdKind::Socket | FdKind::Pipe | FdKind::Fifo, _) => (&[], f.peers.as_slice()),
                    _ => return None,
                }
            }
            Tab::Sockets => {
                let s: &Socket = *loaded.sockets_of(p).get(sel)?;
                (
                    loaded
                        .sockets
                        .peer_of(&loaded.snap, s)
                        .map_or(&[], |x| x.pids.as_slice()),
                    &[],
                )
            }
            _ => return None,
        };
        // why: a socket's peer holders are its other end; without a known peer, the other
        // holders of the fd itself (a pipe's other end, or processes sharing the socket).
        let pick = |pids: &[Pid]| pids.iter().copied().find(|&q| q != p.pid);
        let Some(q) = pick(local).or_else(|| pick(sharers)) else {
            return Some(Err(if local.contains(&p.pid) {
                "the other end is held by this process"
            } else {
                "no peer process for this fd"
            }));
        };
        Some(
            loaded
                .snap
                .process(q)
                .map(|x| x.key())
                .ok_or("the peer process is not in the snapshot"),
        )
    }
}
