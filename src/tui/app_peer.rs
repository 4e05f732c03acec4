//! `App`: the process at the other end of the selected row of the detail screen's Files or
//! Sockets tab (a pipe's other holders; a local socket's peer's holders), where Enter leads.

use super::app::{App, Tab};
use super::rows::ProcKey;
use crate::model::{FdKind, Pid, Socket};

impl App {
    /// Where Enter on the selected Files or Sockets row leads. `None`: the row is not a pipe,
    /// FIFO or socket (nothing to say); `Some(Err)`: the message to show instead.
    pub(super) fn selected_peer(&self) -> Option<Result<ProcKey, &'static str>> {
        let d = self.detail.as_ref()?;
        let p = self.detail_process()?;
        let sel = self.detail_cursor().sel;
        let netns = p.namespaces.get("net").copied();
        let (local, sharers): (&[Pid], &[Pid]) = match d.tab {
            Tab::Files => {
                let f = p.fds.as_ref()?.get(sel)?;
                match (f.kind, f.inode) {
                    (FdKind::Socket, Some(ino)) => (
                        self.sockets.peer_pids(&self.snap, netns, ino),
                        f.peers.as_slice(),
                    ),
                    (FdKind::Socket | FdKind::Pipe | FdKind::Fifo, _) => (&[], f.peers.as_slice()),
                    _ => return None,
                }
            }
            Tab::Sockets => {
                let s: &Socket = *super::views::detail::sockets_of(self, p).get(sel)?;
                (
                    self.sockets
                        .peer_of(&self.snap, s)
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
            self.snap
                .process(q)
                .map(|x| (x.pid, x.start_time))
                .ok_or("the peer process is not in the snapshot"),
        )
    }
}
