//! Syscalls, pure: name tables by architecture (from the `syscall-numbers` crate), the classes
//! `-e` filters by, argument decoding (flags, signals, sockaddrs, fds annotated), the thread
//! activity of a snapshot decoded, and the `-c` summary. No I/O: tracee memory and fd names
//! come in through the [`decode::Memory`] and [`decode::FdNames`] traits.

pub mod decode;
pub mod flags;
pub mod now;
pub mod sockaddr;
pub mod summary;

/// A machine architecture whose syscall table procscope knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl Arch {
    /// From the kernel's machine name (`uname -m`, `/proc/sys/kernel/arch`).
    pub fn from_machine(m: &str) -> Option<Arch> {
        match m.trim() {
            "x86_64" => Some(Arch::X86_64),
            "aarch64" | "arm64" => Some(Arch::Aarch64),
            _ => None,
        }
    }

    /// The architecture procscope was built for, if its table is known.
    pub fn host() -> Option<Arch> {
        Arch::from_machine(std::env::consts::ARCH)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        }
    }

    /// The name of syscall `nr` in this architecture's table.
    pub fn name(self, nr: i64) -> Option<&'static str> {
        match self {
            Arch::X86_64 => syscall_numbers::x86_64::sys_call_name(nr as _),
            Arch::Aarch64 => syscall_numbers::aarch64::sys_call_name(nr as _),
        }
    }
}

/// The name of syscall `nr`, or `syscall_NR` (strace's form) when the table lacks it.
pub fn name_or_number(arch: Arch, nr: i64) -> String {
    match arch.name(nr) {
        Some(n) => n.to_string(),
        None => format!("syscall_{nr:#x}"),
    }
}

/// A class of syscalls for `-e` (strace's `%file`, `%network`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    File,
    Network,
    Process,
    Signal,
    Memory,
}

impl Class {
    pub fn parse(s: &str) -> Option<Class> {
        match s.trim_start_matches('%') {
            "file" => Some(Class::File),
            "network" | "net" => Some(Class::Network),
            "process" => Some(Class::Process),
            "signal" => Some(Class::Signal),
            "memory" => Some(Class::Memory),
            _ => None,
        }
    }

    /// Whether syscall `name` belongs to this class.
    pub fn contains(self, name: &str) -> bool {
        match self {
            // why: strace's %file is "takes a file name"; the *at forms and stat family too.
            Class::File => {
                decode::signature(name).contains(&decode::Arg::Path)
                    || matches!(name, "execve" | "execveat")
            }
            Class::Network => NETWORK.contains(&name),
            Class::Process => PROCESS.contains(&name),
            Class::Signal => SIGNAL.contains(&name),
            Class::Memory => MEMORY.contains(&name),
        }
    }
}

const NETWORK: &[&str] = &[
    "socket",
    "socketpair",
    "bind",
    "connect",
    "listen",
    "accept",
    "accept4",
    "getsockname",
    "getpeername",
    "sendto",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "sendmmsg",
    "recvmmsg",
    "setsockopt",
    "getsockopt",
    "shutdown",
];
const PROCESS: &[&str] = &[
    "clone",
    "clone3",
    "fork",
    "vfork",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "wait4",
    "waitid",
    "kill",
    "tkill",
    "tgkill",
    "pidfd_open",
    "pidfd_send_signal",
    "unshare",
    "setns",
    "ptrace",
    "prctl",
    "seccomp",
];
const SIGNAL: &[&str] = &[
    "kill",
    "tkill",
    "tgkill",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigpending",
    "rt_sigtimedwait",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "pause",
    "pidfd_send_signal",
    "alarm",
];
const MEMORY: &[&str] = &[
    "mmap",
    "munmap",
    "mprotect",
    "mremap",
    "brk",
    "madvise",
    "mlock",
    "mlock2",
    "munlock",
    "mlockall",
    "munlockall",
    "msync",
    "mincore",
    "pkey_mprotect",
    "process_vm_readv",
    "process_vm_writev",
    "memfd_create",
    "membarrier",
];

/// A `-e` filter: names and classes, all of which select (empty: everything).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    names: Vec<String>,
    classes: Vec<Class>,
}

impl Filter {
    /// Parse `-e` text: `trace=` prefix optional, comma-separated names or classes.
    pub fn parse(spec: &str) -> Result<Filter, String> {
        let spec = spec.strip_prefix("trace=").unwrap_or(spec);
        let mut f = Filter::default();
        for word in spec.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            if let Some(c) = Class::parse(word) {
                f.classes.push(c);
            } else if word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                f.names.push(word.to_string());
            } else {
                return Err(format!("not a syscall name or class: {word:?}"));
            }
        }
        Ok(f)
    }

    /// Whether the syscall called `name` is selected.
    pub fn selects(&self, name: &str) -> bool {
        (self.names.is_empty() && self.classes.is_empty())
            || self.names.iter().any(|n| n == name)
            || self.classes.iter().any(|c| c.contains(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_per_arch_and_classes() {
        assert_eq!(Arch::X86_64.name(0), Some("read"));
        assert_eq!(Arch::X86_64.name(262), Some("newfstatat"));
        assert_eq!(Arch::X86_64.name(230), Some("clock_nanosleep"));
        assert_eq!(Arch::Aarch64.name(63), Some("read"));
        assert_eq!(Arch::Aarch64.name(115), Some("clock_nanosleep"));
        assert_eq!(name_or_number(Arch::X86_64, 100_000), "syscall_0x186a0");
        assert_eq!(Arch::from_machine("arm64\n"), Some(Arch::Aarch64));
        let f = Filter::parse("trace=network,kill").unwrap_or_default();
        assert!(f.selects("bind") && f.selects("kill") && !f.selects("read"));
        let file = Filter::parse("file").unwrap_or_default();
        assert!(file.selects("openat") && file.selects("newfstatat") && !file.selects("read"));
        assert!(Filter::parse("a;b").is_err());
        assert!(Filter::default().selects("anything"));
    }
}
