//! One process as read from `/proc/PID`: ids, links, environ, fds, namespaces, cgroups (proc(5)).

use super::{Bytes, Environ, Pid, ThreadNow, Unavailable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Namespace kinds read from `/proc/PID/ns/*`, in display order (the names of [`super::NsKind::ALL`]).
pub const NS_KINDS: [&str; 8] = {
    let mut names = [""; 8];
    let mut i = 0;
    while i < 8 {
        names[i] = super::NsKind::ALL[i].name();
        i += 1;
    }
    names
};

/// A process. Optional fields are `None` exactly when `unavailable` says why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Process {
    pub pid: Pid,
    pub ppid: Pid,
    /// Start time in clock ticks since boot (`stat` field 22): with `pid`, the identity of a process.
    pub start_time: u64,
    /// Start time as unix seconds, when the boot time is known.
    pub started_at: Option<u64>,
    pub comm: Bytes,
    /// One-letter state from `stat` (R, S, D, Z, T, t, X, I, ...).
    pub state: String,
    /// argv exactly as the kernel holds it (empty for kernel threads and zombies).
    pub cmdline: Vec<Bytes>,
    pub uid: Ids,
    pub gid: Ids,
    pub tracer_pid: Option<Pid>,
    /// Effective capabilities, as the 16-hex-digit mask from `status`.
    pub cap_eff: Option<String>,
    /// Seccomp mode: 0 disabled, 1 strict, 2 filter.
    pub seccomp: Option<u8>,
    /// Pid in each nested pid namespace, outermost first (`NSpid`).
    pub nspid: Vec<Pid>,
    /// Kernel thread (child of kthreadd, no mm).
    pub kernel_thread: bool,
    pub exe: Option<Exe>,
    pub cwd: Option<Bytes>,
    /// Target text of the `root` link (`/` for the host root).
    pub root: Option<Bytes>,
    pub threads: Vec<Thread>,
    /// What each thread is doing now (current syscall, wchan, kernel stack), by tid, for the
    /// threads whose `task/TID` files were read. Absent in older snapshot files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activity: Vec<ThreadNow>,
    /// environ in kernel order, duplicates and entries without `=` kept.
    pub environ: Option<Environ>,
    /// Open fds in numeric order (those whose link could be read). Shared with the previous
    /// snapshot of a rescan when the process holds the same fds.
    pub fds: Option<Arc<Vec<Fd>>>,
    /// fds listed in `fd/` whose link could not be read.
    pub fds_unresolved: usize,
    /// Namespace inode by kind (`net` -> 4026531840), read from the `ns/*` links. Shared
    /// between the processes of a scan that are in the same namespaces.
    pub namespaces: Arc<BTreeMap<String, u64>>,
    /// Lines of `cgroup`, shared between the processes of a scan that are in the same cgroups.
    pub cgroups: Arc<Vec<Cgroup>>,
    /// Container identity derived from the cgroups, if a runtime was recognised.
    pub container: Option<Container>,
    /// mnt or pid namespace differs from pid 1's, or root is not `/`.
    pub namespaced: bool,
    /// Field name -> why it could not be read.
    pub unavailable: BTreeMap<String, Unavailable>,
    /// Set when the process is hidden from `/proc` (read through a clean procfs view): how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<super::Hidden>,
    /// The exe lives in the upper (writable) directory of the overlay holding it (live
    /// scans; `None`: not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exe_upper_layer: Option<bool>,
    /// Controlling terminal as `stat`'s `tty_nr` (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tty_nr: Option<u32>,
    /// Session id and process group id (`stat` fields 6 and 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Pid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgid: Option<Pid>,
    /// Audit login uid (`loginuid`; 4294967295 when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loginuid: Option<u32>,
    /// Permitted capabilities, as the 16-hex-digit mask from `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_prm: Option<String>,
    /// Open flags (`fdinfo/N` `flags:`) of the file, directory and memfd fds, by fd, sorted.
    /// why beside `fds`, not in `Fd`: `Fd` is built field by field in many places.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fd_flags: Vec<(i32, u32)>,
    /// Names, image and pod of the container from the runtime's state on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_meta: Option<ContainerMeta>,
    /// User and system CPU time in clock ticks (`stat` fields 14 and 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ticks: Option<u64>,
    /// Resident set size in bytes (`stat` field 24 times the page size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss: Option<u64>,
    /// What the scan read of this process (everything, in a full scan).
    #[serde(default, skip_serializing_if = "super::Parts::is_all")]
    pub collected: super::Parts,
}

/// What the container runtime's state on the host says about a container (containerd task
/// `config.json` annotations, CRI-O annotations, Docker `config.v2.json`/`hostconfig.json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ContainerMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
}

impl ContainerMeta {
    /// `name N image I pod NS/P privileged` for text output, escaped.
    pub fn summary(&self) -> String {
        let e = |v: &Option<String>| {
            v.as_deref()
                .map_or("-".into(), |s| super::escape(s).into_owned())
        };
        let mut out = format!(
            "name {} image {} pod {}/{}",
            e(&self.name),
            e(&self.image),
            e(&self.pod_namespace),
            e(&self.pod_name)
        );
        if self.privileged == Some(true) {
            out.push_str(" privileged");
        }
        out
    }
}

impl Process {
    /// Open flags of fd `fd`, when read.
    pub fn fd_flags_of(&self, fd: i32) -> Option<u32> {
        self.fd_flags
            .binary_search_by_key(&fd, |&(n, _)| n)
            .ok()
            .map(|i| self.fd_flags[i].1)
    }
}

impl Process {
    /// Why `field` is absent, if it is.
    pub fn why(&self, field: &str) -> Option<&Unavailable> {
        if !self.collected.has_field(field) {
            return Some(&super::NOT_COLLECTED);
        }
        self.unavailable.get(field)
    }

    /// The value of the first environ entry named `name`.
    pub fn env(&self, name: &str) -> Option<&[u8]> {
        self.environ
            .as_ref()?
            .iter()
            .find(|e| e.name == name.as_bytes())
            .and_then(|e| e.value)
    }

    /// The fds read (none when they could not be read).
    pub fn fd_list(&self) -> &[Fd] {
        self.fds.as_deref().map_or(&[], |v| v.as_slice())
    }

    /// Command line joined by spaces (lossy), or `[comm]` like ps when it is empty.
    pub fn command_line(&self) -> String {
        if self.cmdline.is_empty() {
            format!("[{}]", self.comm.lossy())
        } else {
            let parts: Vec<_> = self.cmdline.iter().map(|a| a.lossy()).collect();
            parts.join(" ")
        }
    }
}

/// Real, effective, saved and filesystem ids, with names for real and effective where known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ids {
    pub real: u32,
    pub effective: u32,
    pub saved: u32,
    pub fs: u32,
    pub real_name: Option<String>,
    pub effective_name: Option<String>,
}

/// The id the kernel uses for "no id" ((uid_t)-1): the ids of a process whose `status`
/// could not be read (the reason is in `unavailable.status`).
pub const UNKNOWN_ID: u32 = u32::MAX;

impl Ids {
    /// Ids not read: every one [`UNKNOWN_ID`], no names.
    pub fn unknown() -> Ids {
        Ids {
            real: UNKNOWN_ID,
            effective: UNKNOWN_ID,
            saved: UNKNOWN_ID,
            fs: UNKNOWN_ID,
            ..Ids::default()
        }
    }

    /// Whether these ids were read.
    pub fn known(&self) -> bool {
        self.real != UNKNOWN_ID || self.effective != UNKNOWN_ID
    }
}

/// The `exe` link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exe {
    /// Link text without the ` (deleted)` suffix.
    pub path: Bytes,
    /// The binary was unlinked after exec (the link ends in ` (deleted)`).
    pub deleted: bool,
    /// The binary lives in a memfd (`/memfd:`): fileless execution.
    pub memfd: bool,
}

/// A thread of a process (`task/TID`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub tid: Pid,
    pub name: Bytes,
}

/// One environ entry, owned (the snapshot holds them as an [`Environ`] block). `value` is
/// `None` for an entry without `=`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvEntry {
    pub name: Bytes,
    pub value: Option<Bytes>,
}

/// What an fd refers to.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FdKind {
    File,
    Dir,
    Pipe,
    /// A named pipe on a filesystem.
    Fifo,
    Socket,
    AnonInode,
    Memfd,
    Device,
    #[default]
    Other,
}

impl FdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FdKind::File => "file",
            FdKind::Dir => "dir",
            FdKind::Pipe => "pipe",
            FdKind::Fifo => "fifo",
            FdKind::Socket => "socket",
            FdKind::AnonInode => "anon_inode",
            FdKind::Memfd => "memfd",
            FdKind::Device => "device",
            FdKind::Other => "other",
        }
    }
}

/// An open file descriptor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fd {
    pub fd: i32,
    pub kind: FdKind,
    /// Link text (`/path`, `socket:[123]`, `pipe:[456]`, `anon_inode:[eventfd]`).
    pub target: Bytes,
    /// Inode for sockets and pipes (from the link text), or from stat for files.
    pub inode: Option<u64>,
    /// For pipes and sockets: other processes holding the same inode.
    pub peers: Vec<Pid>,
}

/// One line of `/proc/PID/cgroup`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cgroup {
    /// Hierarchy id (0 for the v2 unified hierarchy).
    pub hierarchy: u32,
    /// Controllers bound to it (empty for v2).
    pub controllers: Vec<String>,
    pub path: Bytes,
}

/// A recognised container runtime identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Container {
    /// docker, containerd, cri-o, podman, lxc, systemd-nspawn, or kubernetes (pod, runtime unknown).
    pub runtime: String,
    /// Container id (64 hex digits for OCI runtimes, a name for lxc and nspawn).
    pub id: Option<String>,
    /// Kubernetes pod uid, dashed form.
    pub pod_uid: Option<String>,
    /// Kubernetes QoS class: guaranteed, burstable or besteffort.
    pub qos: Option<String>,
}
