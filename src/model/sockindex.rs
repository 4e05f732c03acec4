//! Sockets by inode, built once per snapshot: an fd names its socket by inode, and a busy
//! server holds thousands of them against tens of thousands of sockets on the host.

use super::{Pid, Snapshot, Socket};

/// Positions in `Snapshot::sockets` by inode.
#[derive(Debug, Clone, Default)]
pub struct SocketIndex {
    /// (inode, position), sorted: one allocation for the whole index (a map of lists cost one
    /// per socket, megabytes on a host with tens of thousands of sockets).
    by_inode: Vec<(u64, u32)>,
}

impl SocketIndex {
    pub fn build(snap: &Snapshot) -> Self {
        let mut by_inode: Vec<(u64, u32)> = snap
            .sockets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.inode != 0)
            .map(|(i, s)| (s.inode, i as u32))
            .collect();
        by_inode.sort_unstable();
        SocketIndex { by_inode }
    }

    /// Positions of the sockets with this inode, in snapshot order.
    fn positions(&self, inode: u64) -> impl Iterator<Item = usize> + Clone + '_ {
        let from = self.by_inode.partition_point(|&(i, _)| i < inode);
        self.by_inode[from..]
            .iter()
            .take_while(move |&&(i, _)| i == inode)
            .map(|&(_, at)| at as usize)
    }

    /// The socket with this inode, from the table of `netns` when it is there, else from any
    /// namespace's table (socket inodes are unique system-wide; the netns of a process may be
    /// unreadable).
    pub fn find<'a>(
        &self,
        snap: &'a Snapshot,
        netns: Option<u64>,
        inode: u64,
    ) -> Option<&'a Socket> {
        let mut all = self.positions(inode).filter_map(|i| snap.sockets.get(i));
        let first = all.clone().next()?;
        Some(all.find(|s| Some(s.netns) == netns).unwrap_or(first))
    }

    /// The socket at the other end of `s` (see [`Socket::peer`]), when it is in the snapshot.
    pub fn peer_of<'a>(&self, snap: &'a Snapshot, s: &Socket) -> Option<&'a Socket> {
        self.find(snap, Some(s.netns), s.peer?)
    }

    /// The processes at the other end of the socket `inode` (held in `netns`): the holders of
    /// its peer. Empty when the peer is unknown or held by nobody readable.
    pub fn peer_pids<'a>(&self, snap: &'a Snapshot, netns: Option<u64>, inode: u64) -> &'a [Pid] {
        self.find(snap, netns, inode)
            .and_then(|s| self.peer_of(snap, s))
            .map_or(&[], |p| p.pids.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bytes, Proto};

    fn sock(netns: u64, inode: u64) -> Socket {
        Socket {
            proto: Proto::Tcp,
            local_addr: Bytes::from("127.0.0.1"),
            local_port: Some(1),
            remote_addr: None,
            remote_port: None,
            state: "LISTEN".into(),
            sock_type: None,
            inode,
            netns,
            uid: None,
            pids: vec![],
            peer: None,
        }
    }

    #[test]
    fn prefers_the_processs_namespace_then_any() {
        let snap = Snapshot {
            sockets: vec![sock(1, 5), sock(2, 5), sock(2, 6)],
            ..Snapshot::default()
        };
        let ix = SocketIndex::build(&snap);
        assert_eq!(ix.find(&snap, Some(2), 5).map(|s| s.netns), Some(2));
        assert_eq!(ix.find(&snap, Some(9), 6).map(|s| s.netns), Some(2));
        assert_eq!(ix.find(&snap, None, 5).map(|s| s.netns), Some(1));
        assert!(ix.find(&snap, Some(1), 7).is_none());
    }

    #[test]
    fn the_peer_s_holders_are_the_processes_at_the_other_end() {
        let mut a = sock(1, 5);
        a.peer = Some(6);
        a.pids = vec![10];
        let mut b = sock(1, 6);
        b.peer = Some(5);
        b.pids = vec![20, 21];
        let mut lone = sock(1, 7);
        lone.peer = Some(99);
        let snap = Snapshot {
            sockets: vec![a, b, lone],
            ..Snapshot::default()
        };
        let ix = SocketIndex::build(&snap);
        assert_eq!(ix.peer_pids(&snap, Some(1), 5), &[20, 21]);
        assert_eq!(ix.peer_pids(&snap, None, 6), &[10]);
        assert!(
            ix.peer_pids(&snap, Some(1), 7).is_empty(),
            "peer not in the snapshot"
        );
        assert!(ix.peer_pids(&snap, Some(1), 8).is_empty(), "no such socket");
    }
}
