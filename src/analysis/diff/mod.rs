//! What changed between two snapshots: processes started, gone and changed (a process is its
//! pid and start time), listening sockets and connections opened and closed, containers new
//! and gone. Pure: both snapshots are already masked or revealed alike by the caller.

mod net;
mod process;
pub mod secrets;

use crate::analysis::containers::ContainerGroup;
use crate::model::{Bytes, Container, EnvEntry, Exe, Ids, Meta, Pid, ProcKey, Snapshot, Socket};
use serde::Serialize;

/// Whether two snapshots were taken during the same boot of the same machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boot {
    /// Same boot id (or, without boot ids, the same boot time give or take two seconds).
    Same,
    /// Different boots: no process survives a reboot, and namespace inodes are renumbered, so
    /// sockets and namespaced containers are compared without their namespace.
    Different,
    /// Neither boot id nor boot time is known on both sides; compared as if the same boot.
    Unknown,
}

/// The differences between an old and a new snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapshotDiff {
    /// Provenance of the old snapshot.
    pub old: Meta,
    /// Provenance of the new snapshot.
    pub new: Meta,
    pub boot: Boot,
    /// Whether environ values in this diff are masked.
    pub masked: bool,
    pub processes: ProcessDiff,
    /// Listening sockets (TCP/unix LISTEN, bound UDP).
    pub listening: SocketDelta,
    /// Connected inet sockets (TCP other than LISTEN and TIME_WAIT, connected UDP).
    pub connections: SocketDelta,
    pub containers: ContainerDelta,
    /// Secret findings of the new snapshot absent from the old one (filled by the caller with
    /// [`secrets::new_secrets`], which needs the rules and the unmasked snapshots).
    pub new_secrets: Vec<crate::analysis::secrets::Finding>,
}

/// Processes started, gone and changed, each list in pid order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProcessDiff {
    /// In the new snapshot only.
    pub started: Vec<ProcessRef>,
    /// In the old snapshot only.
    pub gone: Vec<ProcessRef>,
    /// In both, with some compared field different.
    pub changed: Vec<ProcessChange>,
}

/// A process named in a diff.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessRef {
    pub pid: Pid,
    pub start_time: u64,
    pub ppid: Pid,
    pub started_at: Option<u64>,
    pub comm: Bytes,
    pub cmdline: Vec<Bytes>,
    pub uid: u32,
    pub user: Option<String>,
    pub exe: Option<Bytes>,
    pub container: Option<Container>,
}

/// An old and a new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

/// How one process changed. A field is compared only when both snapshots could read it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProcessChange {
    pub pid: Pid,
    pub start_time: u64,
    /// comm in the new snapshot.
    pub comm: Bytes,
    pub comm_change: Option<Change<Bytes>>,
    pub exe: Option<Change<Exe>>,
    pub cwd: Option<Change<Bytes>>,
    /// Real, effective, saved or filesystem uid changed.
    pub uid: Option<Change<Ids>>,
    pub cmdline: Option<Change<Vec<Bytes>>>,
    /// Environ names only in the new snapshot (first entry of each name).
    pub env_added: Vec<EnvEntry>,
    /// Environ names whose value differs.
    pub env_changed: Vec<EnvChange>,
    /// Environ names only in the old snapshot, with their old value.
    pub env_removed: Vec<EnvEntry>,
}

/// An environ variable whose value changed (values as stored: masked unless revealed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvChange {
    pub name: Bytes,
    pub old: Option<Bytes>,
    pub new: Option<Bytes>,
}

/// Sockets opened and closed, in (proto, local, remote) order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SocketDelta {
    /// In the new snapshot only (owners from the new one).
    pub opened: Vec<SocketRef>,
    /// In the old snapshot only (owners from the old one).
    pub closed: Vec<SocketRef>,
}

/// A socket named in a diff, with its owners' names.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SocketRef {
    #[serde(flatten)]
    pub socket: Socket,
    /// `comm` of each pid in `pids`, in the same order (empty bytes when not in the snapshot).
    pub comms: Vec<Bytes>,
}

/// Containers (or namespaced groups) new and gone.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContainerDelta {
    pub new: Vec<ContainerRef>,
    pub gone: Vec<ContainerRef>,
}

/// A container named in a diff, with its init's name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContainerRef {
    #[serde(flatten)]
    pub group: ContainerGroup,
    pub root_comm: Option<Bytes>,
}

/// How a row of the new snapshot compares with the old one (for marking rows in the TUI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    New,
    Changed,
}

/// Compare `old` with `new`. Each snapshot's own procscope process (`meta.self_pid`) is left out.
pub fn diff(old: &Snapshot, new: &Snapshot) -> SnapshotDiff {
    let boot = boot(&old.meta, &new.meta);
    let same_boot = boot != Boot::Different;
    SnapshotDiff {
        old: old.meta.clone(),
        new: new.meta.clone(),
        boot,
        masked: old.meta.masked || new.meta.masked,
        processes: process::diff(old, new, same_boot),
        listening: net::sockets(old, new, same_boot, Socket::is_listening),
        connections: net::sockets(old, new, same_boot, net::is_connection),
        containers: net::containers_delta(old, new, same_boot),
        new_secrets: Vec::new(),
    }
}

fn boot(old: &Meta, new: &Meta) -> Boot {
    match (&old.boot_id, &new.boot_id, old.boot_time, new.boot_time) {
        (Some(a), Some(b), _, _) if a == b => Boot::Same,
        (Some(_), Some(_), _, _) => Boot::Different,
        // why: `btime` is derived from the wall clock and shifts by a second when it is slewed.
        (_, _, Some(a), Some(b)) if a.abs_diff(b) <= 2 => Boot::Same,
        (_, _, Some(_), Some(_)) => Boot::Different,
        _ => Boot::Unknown,
    }
}

impl SnapshotDiff {
    /// Whether the process (pid, start time) of the new snapshot is new or changed.
    pub fn status_of(&self, pid: Pid, start_time: u64) -> Option<RowStatus> {
        let key = ProcKey::new(pid, start_time);
        if self
            .processes
            .started
            .binary_search_by_key(&key, |p| ProcKey::new(p.pid, p.start_time))
            .is_ok()
        {
            return Some(RowStatus::New);
        }
        self.processes
            .changed
            .binary_search_by_key(&key, |c| ProcKey::new(c.pid, c.start_time))
            .ok()
            .map(|_| RowStatus::Changed)
    }

    /// Processes of the old snapshot that are gone, in pid order.
    pub fn gone(&self) -> &[ProcessRef] {
        &self.processes.gone
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        let p = &self.processes;
        p.started.is_empty()
            && p.gone.is_empty()
            && p.changed.is_empty()
            && self.listening.opened.is_empty()
            && self.listening.closed.is_empty()
            && self.connections.opened.is_empty()
            && self.connections.closed.is_empty()
            && self.containers.new.is_empty()
            && self.containers.gone.is_empty()
            && self.new_secrets.is_empty()
    }
}

#[cfg(test)]
mod tests;
