//! Argument and return-value decoding by syscall name: what a responder needs decoded (paths,
//! strings, flags, signals, sockaddrs, ids, fds with their targets); everything else numbers.
//! Tracee memory and fd names are read by the caller through [`Memory`] and [`FdNames`].

use super::{flags, sockaddr};
use crate::model::escape_bytes;
use nix::libc;

/// Longest string argument shown (strace's `-s 32`), and longest path.
pub const STR_CAP: usize = 32;
pub const PATH_CAP: usize = 4096;
/// Most argv entries read and shown for `execve`, and envp entries counted.
pub const ARGV_CAP: usize = 32;
pub const ENVP_CAP: usize = 4096;

/// Reads the traced process's memory (capped by the caller's `len`). `None` when unreadable;
/// a shorter result when the range runs into unmapped memory.
pub trait Memory {
    fn read(&self, addr: u64, len: usize) -> Option<Vec<u8>>;
}

/// No memory at all (a snapshot): pointers are shown as addresses.
pub struct NoMemory;

impl Memory for NoMemory {
    fn read(&self, _: u64, _: usize) -> Option<Vec<u8>> {
        None
    }
}

/// What an fd of the process points at (raw text: a path, `socket:[N]`, a socket described).
pub trait FdNames {
    fn target(&self, fd: i32) -> Option<Vec<u8>>;
}

/// How one argument is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    Fd,
    DirFd,
    Path,
    /// A C string (not a path: names, fs types).
    CStr,
    /// A buffer whose length is argument N.
    Buf(u8),
    /// A sockaddr whose length is argument N.
    SockAddr(u8),
    Int,
    Size,
    Hex,
    Ptr,
    OpenFlags,
    Mode,
    Signal,
    Pid,
    Family,
    SockType,
    Prot,
    MapFlags,
    PtraceReq,
    Id,
    Argv,
    Envp,
}

use Arg::*;

/// The arguments of syscall `name`; six hex words for one not listed.
pub fn signature(name: &str) -> &'static [Arg] {
    file_signature(name)
        .or_else(|| socket_signature(name))
        .or_else(|| process_signature(name))
        .unwrap_or(&[Hex, Hex, Hex, Hex, Hex, Hex])
}

/// Files, directories, fds, mounts and `execve`.
fn file_signature(name: &str) -> Option<&'static [Arg]> {
    let sig: &'static [Arg] = match name {
        "read" => &[Fd, Ptr, Size],
        "write" => &[Fd, Buf(2), Size],
        "pread64" => &[Fd, Ptr, Size, Int],
        "pwrite64" => &[Fd, Buf(2), Size, Int],
        "readv" | "writev" | "preadv" | "pwritev" => &[Fd, Ptr, Int],
        "open" => &[Path, OpenFlags, Mode],
        "openat" => &[DirFd, Path, OpenFlags, Mode],
        "openat2" => &[DirFd, Path, Ptr, Size],
        "creat" | "mkdir" | "chmod" => &[Path, Mode],
        "mkdirat" | "fchmodat" | "fchmodat2" => &[DirFd, Path, Mode],
        "close" | "fchdir" | "fsync" | "fdatasync" | "syncfs" | "dup" => &[Fd],
        "stat" | "lstat" | "statfs" => &[Path, Ptr],
        "fstat" | "fstatfs" => &[Fd, Ptr],
        "newfstatat" | "fstatat64" => &[DirFd, Path, Ptr, Hex],
        "statx" => &[DirFd, Path, Hex, Hex, Ptr],
        "access" => &[Path, Int],
        "faccessat" | "faccessat2" => &[DirFd, Path, Int, Hex],
        "readlink" => &[Path, Ptr, Size],
        "readlinkat" => &[DirFd, Path, Ptr, Size],
        "unlink" | "rmdir" | "chdir" | "chroot" | "acct" | "swapoff" => &[Path],
        "unlinkat" => &[DirFd, Path, Hex],
        "rename" | "link" | "symlink" => &[Path, Path],
        "renameat" | "renameat2" | "linkat" => &[DirFd, Path, DirFd, Path, Hex],
        "symlinkat" => &[Path, DirFd, Path],
        "chown" | "lchown" => &[Path, Id, Id],
        "fchown" => &[Fd, Id, Id],
        "fchownat" => &[DirFd, Path, Id, Id, Hex],
        "truncate" => &[Path, Int],
        "ftruncate" | "listen" | "shutdown" | "flock" => &[Fd, Int],
        "getdents64" | "getdents" => &[Fd, Ptr, Size],
        "lseek" => &[Fd, Int, Int],
        "ioctl" | "fcntl" => &[Fd, Hex, Hex],
        "dup2" => &[Fd, Int],
        "dup3" => &[Fd, Int, OpenFlags],
        "mount" => &[CStr, Path, CStr, Hex, Ptr],
        "umount2" => &[Path, Hex],
        "execve" => &[Path, Argv, Envp],
        "execveat" => &[DirFd, Path, Argv, Envp, Hex],
        "sendfile" => &[Fd, Fd, Ptr, Size],
        "inotify_add_watch" => &[Fd, Path, Hex],
        "getcwd" => &[Ptr, Size],
        "umask" => &[Mode],
        "getxattr" | "lgetxattr" => &[Path, CStr, Ptr, Size],
        "fgetxattr" => &[Fd, CStr, Ptr, Size],
        _ => return None,
    };
    Some(sig)
}

/// Sockets.
fn socket_signature(name: &str) -> Option<&'static [Arg]> {
    let sig: &'static [Arg] = match name {
        "socket" => &[Family, SockType, Int],
        "socketpair" => &[Family, SockType, Int, Ptr],
        "bind" | "connect" => &[Fd, SockAddr(2), Int],
        "accept" | "getsockname" | "getpeername" => &[Fd, Ptr, Ptr],
        "accept4" => &[Fd, Ptr, Ptr, Hex],
        "sendto" => &[Fd, Buf(2), Size, Hex, SockAddr(5), Int],
        "recvfrom" => &[Fd, Ptr, Size, Hex, Ptr, Ptr],
        "sendmsg" | "recvmsg" => &[Fd, Ptr, Hex],
        "setsockopt" | "getsockopt" => &[Fd, Int, Int, Ptr, Int],
        _ => return None,
    };
    Some(sig)
}

/// Processes, ids, signals, memory, time and the calls that take no argument.
fn process_signature(name: &str) -> Option<&'static [Arg]> {
    let sig: &'static [Arg] = match name {
        "getpid" | "getppid" | "getuid" | "geteuid" | "getgid" | "getegid" | "gettid"
        | "sched_yield" | "pause" | "fork" | "vfork" | "sync" | "setsid" | "getpgrp"
        | "rt_sigreturn" | "inotify_init" | "munlockall" => &[],
        "kill" | "tkill" => &[Pid, Signal],
        "tgkill" => &[Pid, Pid, Signal],
        "rt_sigaction" => &[Signal, Ptr, Ptr, Size],
        "rt_sigprocmask" => &[Int, Ptr, Ptr, Size],
        "pidfd_send_signal" => &[Fd, Signal, Ptr, Hex],
        "pidfd_open" => &[Pid, Hex],
        "setuid" | "setgid" | "setfsuid" | "setfsgid" => &[Id],
        "setreuid" | "setregid" => &[Id, Id],
        "setresuid" | "setresgid" => &[Id, Id, Id],
        "mmap" => &[Ptr, Size, Prot, MapFlags, Fd, Hex],
        "mprotect" => &[Ptr, Size, Prot],
        "pkey_mprotect" => &[Ptr, Size, Prot, Int],
        "munmap" => &[Ptr, Size],
        "brk" | "set_tid_address" | "uname" | "sysinfo" | "times" | "pipe" => &[Ptr],
        "pipe2" => &[Ptr, OpenFlags],
        "ptrace" => &[PtraceReq, Pid, Ptr, Ptr],
        "wait4" => &[Pid, Ptr, Hex, Ptr],
        "exit" | "exit_group" => &[Int],
        "epoll_wait" => &[Fd, Ptr, Int, Int],
        "epoll_pwait" => &[Fd, Ptr, Int, Int, Ptr, Size],
        "epoll_ctl" => &[Fd, Int, Fd, Ptr],
        "poll" => &[Ptr, Int, Int],
        "memfd_create" => &[CStr, Hex],
        "clock_nanosleep" => &[Int, Hex, Ptr, Ptr],
        "nanosleep" | "gettimeofday" | "capget" | "capset" => &[Ptr, Ptr],
        "clock_gettime" | "clock_getres" => &[Int, Ptr],
        "getrandom" => &[Ptr, Size, Hex],
        "set_robust_list" => &[Ptr, Size],
        "prlimit64" => &[Pid, Int, Ptr, Ptr],
        "getpgid" | "getsid" => &[Pid],
        "setpgid" => &[Pid, Pid],
        "unshare" | "personality" => &[Hex],
        "setns" => &[Fd, Hex],
        "futex" => &[Ptr, Int, Int, Ptr, Ptr, Int],
        "arch_prctl" => &[Hex, Ptr],
        "prctl" => &[Int, Hex, Hex, Hex, Hex],
        "rseq" => &[Ptr, Int, Hex, Hex],
        _ => return None,
    };
    Some(sig)
}

/// Syscalls whose non-negative return is a new fd (annotated with its target).
pub fn returns_fd(name: &str) -> bool {
    matches!(
        name,
        "open"
            | "openat"
            | "openat2"
            | "creat"
            | "socket"
            | "accept"
            | "accept4"
            | "dup"
            | "dup2"
            | "dup3"
            | "epoll_create"
            | "epoll_create1"
            | "eventfd"
            | "eventfd2"
            | "memfd_create"
            | "signalfd"
            | "signalfd4"
            | "timerfd_create"
            | "pidfd_open"
            | "inotify_init"
            | "inotify_init1"
            | "fanotify_init"
            | "userfaultfd"
            | "perf_event_open"
            | "open_tree"
            | "fsopen"
            | "fsmount"
            | "pidfd_getfd"
            | "memfd_secret"
    )
}

/// Syscalls whose return is an address.
fn returns_addr(name: &str) -> bool {
    matches!(name, "mmap" | "mremap" | "brk" | "shmat")
}

/// Quote raw bytes as a C-like string literal, escaped for a terminal, capped at `cap` bytes.
pub fn quote(raw: &[u8], cap: usize) -> String {
    let cut = &raw[..raw.len().min(cap)];
    let mut plain = Vec::with_capacity(cut.len() + 2);
    for &b in cut {
        if b == b'"' || b == b'\\' {
            plain.push(b'\\');
        }
        plain.push(b);
    }
    let more = if raw.len() > cap { "..." } else { "" };
    format!("\"{}\"{more}", escape_bytes(&plain))
}

/// A NUL-terminated string from tracee memory, at most `cap` bytes (with a truncation mark).
fn cstring(mem: &dyn Memory, addr: u64, cap: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = addr;
    while out.len() <= cap {
        // why: read up to the next page boundary, so an unmapped next page does not fail a
        // string that ends before it.
        let chunk = (4096 - (at % 4096) as usize).min(cap + 1 - out.len());
        let got = mem.read(at, chunk)?;
        if let Some(nul) = got.iter().position(|&b| b == 0) {
            out.extend_from_slice(&got[..nul]);
            return Some(out);
        }
        if got.is_empty() {
            break;
        }
        out.extend_from_slice(&got);
        at = at.checked_add(got.len() as u64)?;
    }
    Some(out)
}

fn ptr(v: u64) -> String {
    if v == 0 {
        "NULL".into()
    } else {
        format!("{v:#x}")
    }
}

fn fd_text(v: u64, fds: &dyn FdNames) -> String {
    let fd = v as i32;
    match fds.target(fd) {
        Some(t) if fd >= 0 => format!("{fd}<{}>", escape_bytes(&t)),
        _ => fd.to_string(),
    }
}

/// A pointer array (argv/envp) in tracee memory, read up to `cap` entries; `None` entries
/// past an unreadable word.
fn pointers(mem: &dyn Memory, addr: u64, cap: usize) -> (Vec<u64>, bool) {
    let mut out = Vec::new();
    for i in 0..cap as u64 {
        let Some(w) = mem.read(addr.wrapping_add(i * 8), 8) else {
            return (out, true);
        };
        let Ok(w) = <[u8; 8]>::try_from(w.as_slice()) else {
            return (out, true);
        };
        let p = u64::from_ne_bytes(w);
        if p == 0 {
            return (out, false);
        }
        out.push(p);
    }
    (out, true)
}

/// One argument as text. `args` are all six registers (for lengths given by another one).
pub fn arg(kind: Arg, args: &[u64; 6], i: usize, mem: &dyn Memory, fds: &dyn FdNames) -> String {
    let v = args[i];
    let read_str = |cap: usize| cstring(mem, v, cap).map(|s| quote(&s, cap));
    match kind {
        Fd => fd_text(v, fds),
        DirFd if v as i32 == libc::AT_FDCWD => "AT_FDCWD".into(),
        DirFd => fd_text(v, fds),
        Path => read_str(PATH_CAP).unwrap_or_else(|| ptr(v)),
        CStr => read_str(256).unwrap_or_else(|| ptr(v)),
        Buf(n) => {
            let len = args[n as usize].min(STR_CAP as u64 + 1) as usize;
            match mem.read(v, len) {
                Some(b) => quote(&b, STR_CAP),
                None => ptr(v),
            }
        }
        SockAddr(n) => {
            let len = args[n as usize].min(sockaddr::MAX_LEN as u64) as usize;
            match mem.read(v, len) {
                Some(b) => sockaddr::format(&b),
                None => ptr(v),
            }
        }
        Int | Pid => (v as i32).to_string(),
        Size => v.to_string(),
        Hex if v == 0 => "0".into(),
        Hex => format!("{v:#x}"),
        Ptr => ptr(v),
        OpenFlags => flags::open(v),
        Mode if v & 0o7777 == 0 => "0".into(),
        Mode => format!("0{:o}", v & 0o7777),
        Signal => flags::signal(v as i32),
        Family => flags::family(v as i32),
        SockType => flags::sock_type(v as i32),
        Prot => flags::prot(v),
        MapFlags => flags::map(v),
        PtraceReq => flags::ptrace_request(v as i64),
        Id if v as u32 == u32::MAX => "-1".into(),
        Id => (v as u32).to_string(),
        Argv => {
            let (ps, more) = pointers(mem, v, ARGV_CAP);
            if ps.is_empty() && more {
                return ptr(v);
            }
            let mut items: Vec<String> = ps
                .iter()
                .map(|&p| cstring(mem, p, 256).map_or_else(|| ptr(p), |s| quote(&s, 256)))
                .collect();
            if more {
                items.push("...".into());
            }
            format!("[{}]", items.join(", "))
        }
        Envp => {
            let (ps, more) = pointers(mem, v, ENVP_CAP);
            if ps.is_empty() && more {
                return ptr(v);
            }
            let plus = if more { "+" } else { "" };
            format!("{} /* {}{plus} vars */", ptr(v), ps.len())
        }
    }
}

/// The argument list of a call of `name` with registers `args`, comma-joined.
pub fn args(name: &str, args: &[u64; 6], mem: &dyn Memory, fds: &dyn FdNames) -> String {
    signature(name)
        .iter()
        .enumerate()
        .map(|(i, &k)| arg(k, args, i, mem, fds))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The return value of `name` as strace shows it: `3</etc/passwd>`, `0x7f..`, `-1 ENOENT (No
/// such file or directory)`. `fds` is asked about the new fd.
pub fn ret(name: &str, ret: i64, fds: &dyn FdNames) -> String {
    if (-4095..0).contains(&ret) {
        let (n, desc) = flags::errno(-ret as i32);
        return format!("-1 {n} ({desc})");
    }
    if returns_addr(name) {
        return format!("{ret:#x}");
    }
    if returns_fd(name) {
        return fd_text(ret as u64, fds);
    }
    ret.to_string()
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
