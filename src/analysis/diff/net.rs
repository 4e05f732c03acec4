//! Socket and container side of a diff: multiset comparison by address (and, within one boot,
//! by network namespace and inode), and container groups by runtime identity.

use super::{ContainerDelta, ContainerRef, SocketDelta, SocketRef};
use crate::analysis::containers::{ContainerGroup, containers};
use crate::model::{Bytes, Proto, Snapshot, Socket};
use std::collections::BTreeMap;

/// A connected inet socket: TCP past LISTEN (not TIME_WAIT, which has no owner) or connected
/// UDP, with a real peer.
pub(super) fn is_connection(s: &Socket) -> bool {
    matches!(s.proto, Proto::Tcp | Proto::Tcp6 | Proto::Udp | Proto::Udp6)
        && !s.is_listening()
        && s.inode != 0
        && s.remote_port.is_some_and(|p| p != 0)
}

type SocketKey = (
    Proto,
    Bytes,
    Option<u16>,
    Option<String>,
    Option<u16>,
    Option<(u64, u64)>,
);

/// Identity of a socket. Within one boot the namespace and inode tell a re-created socket
/// from the old one; across boots only the addresses can be compared.
fn socket_key(s: &Socket, same_boot: bool) -> SocketKey {
    (
        s.proto,
        s.local_addr.clone(),
        s.local_port,
        s.remote_addr.clone(),
        s.remote_port,
        same_boot.then_some((s.netns, s.inode)),
    )
}

fn socket_ref(snap: &Snapshot, s: &Socket) -> SocketRef {
    SocketRef {
        socket: s.clone(),
        comms: s
            .pids
            .iter()
            .map(|p| snap.process(*p).map(|p| p.comm.clone()).unwrap_or_default())
            .collect(),
    }
}

type Grouped<'a> = BTreeMap<SocketKey, Vec<&'a Socket>>;

fn group(snap: &Snapshot, same_boot: bool, keep: fn(&Socket) -> bool) -> Grouped<'_> {
    let mut m: Grouped = BTreeMap::new();
    for s in snap.sockets.iter().filter(|s| keep(s)) {
        m.entry(socket_key(s, same_boot)).or_default().push(s);
    }
    m
}

/// Sockets selected by `keep` opened and closed between `old` and `new`. Equal keys are
/// counted, so one of two identical listeners closing is still reported.
pub(super) fn sockets(
    old: &Snapshot,
    new: &Snapshot,
    same_boot: bool,
    keep: fn(&Socket) -> bool,
) -> SocketDelta {
    let (o, n) = (group(old, same_boot, keep), group(new, same_boot, keep));
    let extra = |a: &Grouped, b: &Grouped, snap: &Snapshot| {
        let mut out = Vec::new();
        for (k, v) in a {
            let have = b.get(k).map_or(0, Vec::len);
            out.extend(v.iter().skip(have).map(|s| socket_ref(snap, s)));
        }
        out
    };
    SocketDelta {
        opened: extra(&n, &o, new),
        closed: extra(&o, &n, old),
    }
}

type ContainerKey = (
    String,
    Option<String>,
    Option<String>,
    Option<u64>,
    Option<Bytes>,
);

/// Identity of a container group: the runtime's id, or for an unrecognised namespaced group its
/// mount namespace (within one boot) and root.
fn container_key(g: &ContainerGroup, same_boot: bool) -> ContainerKey {
    if g.runtime == "namespaced" {
        (
            g.runtime.clone(),
            None,
            None,
            g.mnt_ns.filter(|_| same_boot),
            g.root.clone(),
        )
    } else {
        (
            g.runtime.clone(),
            g.id.clone(),
            g.pod_uid.clone(),
            None,
            None,
        )
    }
}

/// Containers present in only one snapshot.
pub(super) fn containers_delta(old: &Snapshot, new: &Snapshot, same_boot: bool) -> ContainerDelta {
    let keyed = |snap: &Snapshot| -> BTreeMap<ContainerKey, ContainerGroup> {
        containers(snap)
            .into_iter()
            .map(|g| (container_key(&g, same_boot), g))
            .collect()
    };
    let (o, n) = (keyed(old), keyed(new));
    let only = |a: &BTreeMap<ContainerKey, ContainerGroup>,
                b: &BTreeMap<ContainerKey, ContainerGroup>,
                snap: &Snapshot| {
        a.iter()
            .filter(|(k, _)| !b.contains_key(*k))
            .map(|(_, g)| ContainerRef {
                root_comm: snap.process(g.root_pid).map(|p| p.comm.clone()),
                group: g.clone(),
            })
            .collect()
    };
    ContainerDelta {
        new: only(&n, &o, new),
        gone: only(&o, &n, old),
    }
}
