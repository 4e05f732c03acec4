//! Identities that outlive a pid: a process is its pid plus its start time (a reused pid is
//! another process), and the eight namespace kinds of `/proc/PID/ns/*` (namespaces(7)).

use super::{Pid, Process};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A process's identity: its pid and its start time (clock ticks since boot, `stat` field 22).
/// Two processes with the same pid and different start times are different processes.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct ProcKey {
    pub pid: Pid,
    pub start_time: u64,
}

impl ProcKey {
    /// The key of `pid` started at `start_time`.
    pub fn new(pid: Pid, start_time: u64) -> ProcKey {
        ProcKey { pid, start_time }
    }

    /// Whether `p` is this process (same pid and same start time).
    pub fn is(&self, p: &Process) -> bool {
        p.pid == self.pid && p.start_time == self.start_time
    }
}

impl fmt::Display for ProcKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.pid, self.start_time)
    }
}

impl Process {
    /// This process's identity.
    pub fn key(&self) -> ProcKey {
        ProcKey::new(self.pid, self.start_time)
    }
}

/// A namespace kind, as named by its link under `/proc/PID/ns/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NsKind {
    Cgroup,
    Ipc,
    Mnt,
    Net,
    Pid,
    Time,
    User,
    Uts,
}

impl NsKind {
    /// Every kind, in the order of the `ns/` directory (alphabetical, as the JSON map keeps them).
    pub const ALL: [NsKind; 8] = [
        NsKind::Cgroup,
        NsKind::Ipc,
        NsKind::Mnt,
        NsKind::Net,
        NsKind::Pid,
        NsKind::Time,
        NsKind::User,
        NsKind::Uts,
    ];

    /// The kinds whose change from a parent marks a tree row (`[ns mnt,pid,net]`), in the order
    /// they are shown: the isolating ones first. `time` is left out (it rarely differs and says
    /// little about isolation).
    pub const MARKED: [NsKind; 7] = [
        NsKind::Mnt,
        NsKind::Pid,
        NsKind::Net,
        NsKind::User,
        NsKind::Uts,
        NsKind::Ipc,
        NsKind::Cgroup,
    ];

    /// The link name (`"mnt"`, `"net"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            NsKind::Cgroup => "cgroup",
            NsKind::Ipc => "ipc",
            NsKind::Mnt => "mnt",
            NsKind::Net => "net",
            NsKind::Pid => "pid",
            NsKind::Time => "time",
            NsKind::User => "user",
            NsKind::Uts => "uts",
        }
    }

    /// The kind named `name`, if it is one of the eight.
    pub fn from_name(name: &str) -> Option<NsKind> {
        NsKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for NsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name_and_json() {
        for k in NsKind::ALL {
            assert_eq!(NsKind::from_name(k.name()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
        }
        assert_eq!(NsKind::from_name("mount"), None);
    }

    #[test]
    fn key_tells_a_reused_pid_apart() {
        let old = Process {
            pid: 7,
            start_time: 100,
            ..Process::default()
        };
        let new = Process {
            pid: 7,
            start_time: 200,
            ..Process::default()
        };
        assert!(old.key().is(&old));
        assert!(!old.key().is(&new));
        assert_eq!(old.key().to_string(), "7@100");
    }
}
