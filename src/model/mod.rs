//! The snapshot data model: plain serde data, no I/O and no UI. Its JSON form is the versioned schema.

mod bytes;
mod environ;
mod field;
mod format;
mod fs;
mod integrity;
pub mod json;
mod key;
mod parts;
mod process;
mod sanitize;
mod socket;
mod sockindex;
mod syscall;
mod text;
pub mod time;
mod tree;
mod validate;

pub use bytes::Bytes;
pub use environ::{EnvIter, EnvVar, Environ};
pub use field::{NOT_COLLECTED, Unavailable};
pub use format::{FORMAT, Format};
pub use fs::{DirListing, FsEntry, FsKind, InterestingHit, grouped, octal_mode};
pub use integrity::{
    ExeIntegrity, ExeVerdict, FileDigest, Hidden, HiddenEvidence, HiddenProcess, HiddenReport,
    IntegrityFinding, Libraries, MappedFile, PidView, Priority, ProcessIntegrity,
};
pub use key::{NsKind, ProcKey};
pub use parts::Parts;
pub use process::{
    Cgroup, Container, ContainerMeta, EnvEntry, Exe, Fd, FdKind, Ids, NS_KINDS, Process, Thread,
    UNKNOWN_ID,
};
pub use socket::{NetNs, Proto, Socket};
pub use sockindex::SocketIndex;
pub use syscall::{NotInSyscall, SyscallNow, ThreadNow, ThreadSyscall, thread_field};
pub use text::{endpoint, escape, escape_bytes, escape_prefix};
pub use tree::{ProcessTree, WalkRow, branch_flags};

use serde::{Deserialize, Serialize};

/// Version of the snapshot JSON schema; bumped on any incompatible change. Readers refuse a
/// document whose `schema` is greater than theirs; additive changes (new optional fields) keep it.
pub const SCHEMA_VERSION: u32 = 1;

/// What a viewer of a snapshot file says where a live system would show a container root.
pub const NO_ROOT_IN_SNAPSHOT: &str =
    "container roots are not in a snapshot file: browse them on the live system";

/// Process id as the kernel reports it.
pub type Pid = u32;

/// One point-in-time picture of a system's processes, fds, namespaces and sockets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always `"procscope-snapshot"` ([`FORMAT`]): what this document is.
    pub format: Format,
    /// Schema version ([`SCHEMA_VERSION`]) of this document.
    pub schema: u32,
    /// Where and when the snapshot was taken.
    pub meta: Meta,
    /// Every process that could be read, sorted by pid.
    pub processes: Vec<Process>,
    /// Every socket of every network namespace seen, sorted by (netns, proto, inode).
    pub sockets: Vec<Socket>,
    /// The network namespaces seen and how their tables were read.
    pub netns: Vec<NetNs>,
    /// Counts of what the scan met.
    pub stats: Stats,
}

/// Provenance of a snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// procscope version that wrote it.
    pub procscope_version: String,
    /// The proc root read (`/proc` or an alternate directory).
    pub source: String,
    /// Whether the source was the running kernel's procfs.
    pub live: bool,
    /// Unix time (seconds) when the scan started.
    pub taken_at: u64,
    /// Host name, kernel release and boot id where known.
    pub hostname: Option<String>,
    pub kernel: Option<String>,
    pub boot_id: Option<String>,
    /// Boot time (unix seconds) from `stat`'s `btime`, used to date process start times.
    pub boot_time: Option<u64>,
    /// Clock ticks per second for start times.
    pub ticks_per_second: u64,
    /// Wall-clock duration of the scan in milliseconds.
    pub scan_ms: u64,
    /// Whether secret values in this document are masked.
    pub masked: bool,
    /// The pid procscope itself ran as (0 when not live).
    pub self_pid: Pid,
    /// Machine architecture of the kernel read (`x86_64`, `aarch64`): which syscall table
    /// names the threads' syscall numbers. Absent in older files and when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// What the scan read of every process, and whether it read the socket tables. Absent
    /// (a full scan) in files written by `snapshot`.
    #[serde(default, skip_serializing_if = "Parts::is_all")]
    pub collected: Parts,
    /// The pids a scan of a few processes was asked for (`inspect PID`); empty when every
    /// process was read. Fd peers in other processes are unknown when set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<Pid>,
}

/// What the scan met: how many of each thing, and how much could not be read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub processes: usize,
    pub threads: usize,
    pub fds: usize,
    /// Processes listed by readdir that were gone before they could be read.
    pub vanished: usize,
    /// Fields that could not be read, by reason, across all processes.
    pub denied_fields: usize,
    pub gone_fields: usize,
    pub missing_fields: usize,
    pub unparsable_fields: usize,
    /// fds that exist but whose link could not be read.
    pub unresolved_fds: usize,
}

impl Snapshot {
    /// The process with this pid, if present (binary search over the sorted list).
    pub fn process(&self, pid: Pid) -> Option<&Process> {
        self.processes
            .binary_search_by_key(&pid, |p| p.pid)
            .ok()
            .map(|i| &self.processes[i])
    }

    /// `comm(pid)` of each pid, escaped and comma-joined (`?(pid)` for one not in the snapshot).
    pub fn name_pids(&self, pids: &[Pid]) -> String {
        pids.iter()
            .map(|&pid| match self.process(pid) {
                Some(p) => format!("{}({pid})", p.comm.safe()),
                None => format!("?({pid})"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Children of `pid`, in pid order.
    pub fn children(&self, pid: Pid) -> impl Iterator<Item = &Process> {
        self.processes
            .iter()
            .filter(move |p| p.ppid == pid && p.pid != pid)
    }
}
