//! Integrity data: processes hidden from `/proc` and how, what an executable really is, the
//! files a process maps, and the findings drawn from them (plain serde data, no UI).

use super::{Bytes, Exe, Pid, Unavailable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a process was hidden: the evidence that exposed it (on [`super::Process::hidden`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hidden {
    pub evidence: Vec<HiddenEvidence>,
}

/// One piece of evidence that a process is hidden.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HiddenEvidence {
    /// Something is mounted on the process's `/proc/PID` (from `/proc/self/mountinfo`).
    MountedOver {
        mount_point: Bytes,
        fs_type: Bytes,
        source: Bytes,
        /// The mount's root inside its filesystem (`/1234` for a bind of another `/proc` entry).
        root: Bytes,
    },
    /// The `/proc/PID` entry does not describe PID: its `stat` names another pid
    /// (`stat_pid`), or it has no readable `stat` (`stat_pid` absent) while the process lives.
    EntryMismatch { stat_pid: Option<Pid> },
    /// `readdir(/proc)` does not list the pid, though the process exists.
    NotListed,
    /// A view other than the `/proc` listing that revealed the pid (`via`: the listed process
    /// whose data named it, for the views read from `/proc`).
    SeenBy { view: PidView, via: Option<Pid> },
}

/// The views that reveal a pid besides `readdir(/proc)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PidView {
    /// The parent pid in a listed process's `stat`.
    Parent,
    /// The process group in a listed process's `stat`.
    ProcessGroup,
    /// The session in a listed process's `stat`.
    Session,
    /// `task/TID/children` of a listed process.
    Children,
    /// A thread whose thread group leader is this pid (`Tgid` of a found thread).
    ThreadGroup,
    /// `kill(pid, 0)` (no signal is sent).
    Kill,
    /// `getpgid(pid)`.
    Getpgid,
    /// `getsid(pid)`.
    Getsid,
    /// `sched_getaffinity(pid)`.
    SchedAffinity,
    /// `getpriority(PRIO_PROCESS, pid)`.
    Priority,
    /// `stat("/proc/PID")` by name (a lookup, not a listing).
    StatByName,
}

impl PidView {
    pub fn as_str(self) -> &'static str {
        match self {
            PidView::Parent => "parent",
            PidView::ProcessGroup => "process_group",
            PidView::Session => "session",
            PidView::Children => "children",
            PidView::ThreadGroup => "thread_group",
            PidView::Kill => "kill",
            PidView::Getpgid => "getpgid",
            PidView::Getsid => "getsid",
            PidView::SchedAffinity => "sched_affinity",
            PidView::Priority => "priority",
            PidView::StatByName => "stat_by_name",
        }
    }
}

impl HiddenEvidence {
    /// One short line describing the evidence (raw text; escape before printing).
    pub fn describe(&self) -> String {
        match self {
            HiddenEvidence::MountedOver {
                mount_point,
                fs_type,
                root,
                ..
            } => format!(
                "{} mounted over {} (root {})",
                fs_type.safe(),
                mount_point.safe(),
                root.safe()
            ),
            HiddenEvidence::EntryMismatch { stat_pid: Some(p) } => {
                format!("its /proc entry's stat names pid {p}")
            }
            HiddenEvidence::EntryMismatch { stat_pid: None } => {
                "its /proc entry has no stat".to_string()
            }
            HiddenEvidence::NotListed => "not listed by readdir(/proc)".to_string(),
            HiddenEvidence::SeenBy { view, via: Some(v) } => {
                format!("seen by {} of pid {v}", view.as_str())
            }
            HiddenEvidence::SeenBy { view, via: None } => format!("answers {}", view.as_str()),
        }
    }
}

/// A hidden process as `procscope hidden` reports it, read through a clean procfs view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenProcess {
    pub pid: Pid,
    /// Start time in clock ticks since boot (absent when no procfs view could show it).
    pub start_time: Option<u64>,
    pub ppid: Option<Pid>,
    pub comm: Option<Bytes>,
    pub exe: Option<Exe>,
    pub evidence: Vec<HiddenEvidence>,
}

/// The result of a hidden-process search: what was found and which probes were refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenReport {
    pub processes: Vec<HiddenProcess>,
    /// Highest pid probed (`kernel/pid_max` - 1), 0 when the range was not probed.
    pub pid_max: Pid,
    /// Pids listed by `readdir(/proc)` on the first pass.
    pub listed: usize,
    /// One line per probe or view that was refused or unavailable (never a report).
    pub refused: Vec<String>,
}

/// What the running executable is compared with the file at its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExeVerdict {
    /// The running image was unlinked and nothing is at its path.
    Deleted,
    /// The file now at the exe's path is not the running image.
    ReplacedOnDisk,
    /// The running image is a memfd (fileless execution).
    Memfd,
    /// The exe's path is a file on the upper (writable) layer of the root's overlay mount:
    /// written or modified inside the container, not shipped in its image.
    OverlayUpper,
    /// The file at the path is the running image.
    Matches,
}

impl ExeVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ExeVerdict::Deleted => "deleted",
            ExeVerdict::ReplacedOnDisk => "replaced on disk",
            ExeVerdict::Memfd => "memfd",
            ExeVerdict::OverlayUpper => "on overlay upper layer",
            ExeVerdict::Matches => "matches",
        }
    }
}

/// Identity and digest of one file (the running image, or the file at its path).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    pub dev: u64,
    pub inode: u64,
    pub size: u64,
    /// Lowercase hex SHA-256; absent when the file is larger than the cap.
    pub sha256: Option<String>,
}

/// The exe integrity of one process (`inspect --hash`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExeIntegrity {
    /// The exe link (path, deleted, memfd).
    pub exe: Option<Exe>,
    /// What `/proc/PID/exe` points at, read through the link.
    pub running: Option<FileDigest>,
    /// The file at the exe's path inside the process's root, when one exists.
    pub on_disk: Option<FileDigest>,
    /// Whether the exe's path is a file in the upperdir of the root's overlay mount.
    pub overlay_upper: Option<bool>,
    pub verdicts: Vec<ExeVerdict>,
    /// Field (`running`, `on_disk`, `overlay`) to why it could not be read.
    pub unavailable: BTreeMap<String, Unavailable>,
}

/// One file mapped by a process (one entry per path and inode, from `/proc/PID/maps`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedFile {
    /// Path without the ` (deleted)` suffix.
    pub path: Bytes,
    pub inode: u64,
    /// Some mapping of it is executable.
    pub exec: bool,
    pub deleted: bool,
    pub memfd: bool,
    /// Flags drawn by `analysis::integrity` (`deleted`, `memfd`, `outside library dirs`).
    pub flags: Vec<String>,
}

/// Preload and mapped-library facts of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Libraries {
    pub ld_preload: Option<Bytes>,
    pub ld_library_path: Option<Bytes>,
    /// Non-comment entries of `/etc/ld.so.preload` in the process's root.
    pub ld_so_preload: Vec<Bytes>,
    pub maps: Vec<MappedFile>,
    /// Field (`maps`, `ld_so_preload`) to why it could not be read.
    pub unavailable: BTreeMap<String, Unavailable>,
}

/// How urgent a finding is (Falco's priority names, so a finding maps onto an alert).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Priority {
    Critical,
    Error,
    Warning,
    Notice,
}

/// One integrity finding about a process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrityFinding {
    /// Stable rule name (`hidden_process`, `exe_deleted`, ...).
    pub rule: String,
    pub priority: Priority,
    pub pid: Pid,
    pub start_time: Option<u64>,
    /// What was seen, one line each (raw text; escape before printing).
    pub evidence: Vec<String>,
}

/// Everything `inspect` shows about one process's integrity (read on demand, live only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessIntegrity {
    /// Present with `inspect --hash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exe: Option<ExeIntegrity>,
    pub libraries: Libraries,
    pub findings: Vec<IntegrityFinding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_round_trips_with_non_utf8_paths() {
        let h = Hidden {
            evidence: vec![
                HiddenEvidence::MountedOver {
                    mount_point: Bytes(b"/proc/12\xff".to_vec()),
                    fs_type: "tmpfs".into(),
                    source: "none".into(),
                    root: "/".into(),
                },
                HiddenEvidence::EntryMismatch { stat_pid: Some(3) },
                HiddenEvidence::NotListed,
                HiddenEvidence::SeenBy {
                    view: PidView::Kill,
                    via: None,
                },
            ],
        };
        let text = serde_json::to_string(&h).expect("serialize");
        let back: Hidden = serde_json::from_str(&text).expect("deserialize");
        assert_eq!(back, h);
    }
}
