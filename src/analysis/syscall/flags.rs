//! Flag words and enumerations as names: open flags, mmap protections and flags, signals,
//! socket families and types, ptrace requests, errno. Names come from nix and libc, not typed here.

use bitflags::Flags;
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::libc;
use nix::sys::mman::{MapFlags, ProtFlags};
use nix::sys::signal::Signal;

/// Named bits of `flags` joined by `|`, from a bitflags type's own names, skipping `aliases`;
/// bits left over as hex. `zero` is the text of no bits.
fn names<I: Iterator<Item = (&'static str, u64)>>(
    v: u64,
    all: I,
    aliases: &[&str],
    zero: &str,
) -> String {
    let mut parts = Vec::new();
    let mut left = v;
    for (name, bits) in all {
        if bits != 0 && v & bits == bits && left & bits != 0 && !aliases.contains(&name) {
            parts.push(name.to_string());
            left &= !bits;
        }
    }
    if left != 0 {
        parts.push(format!("{left:#x}"));
    }
    if parts.is_empty() {
        zero.to_string()
    } else {
        parts.join("|")
    }
}

/// `O_RDONLY|O_CLOEXEC`: the access mode, then every other named flag.
pub fn open(v: u64) -> String {
    let acc = match v as i32 & libc::O_ACCMODE {
        libc::O_RDONLY => "O_RDONLY",
        libc::O_WRONLY => "O_WRONLY",
        libc::O_RDWR => "O_RDWR",
        _ => "O_ACCMODE",
    };
    let rest = v & !(libc::O_ACCMODE as u64);
    let all = OFlag::FLAGS
        .iter()
        .map(|f| (f.name(), f.value().bits() as u32 as u64));
    // why: aliases of other names (and O_TMPFILE's O_DIRECTORY bit would print twice).
    let aliases = [
        "O_ACCMODE",
        "O_NDELAY",
        "O_FSYNC",
        "O_RSYNC",
        "O_RDONLY",
        "O_WRONLY",
        "O_RDWR",
    ];
    match names(rest, all, &aliases, "") {
        r if r.is_empty() => acc.to_string(),
        r => format!("{acc}|{r}"),
    }
}

/// `PROT_READ|PROT_WRITE`, or `PROT_NONE`.
pub fn prot(v: u64) -> String {
    let all = ProtFlags::FLAGS
        .iter()
        .map(|f| (f.name(), f.value().bits() as u32 as u64));
    names(v, all, &[], "PROT_NONE")
}

/// `MAP_PRIVATE|MAP_ANONYMOUS`.
pub fn map(v: u64) -> String {
    let all = MapFlags::FLAGS
        .iter()
        .map(|f| (f.name(), f.value().bits() as u32 as u64));
    // why: MAP_SHARED_VALIDATE is SHARED|PRIVATE; MAP_ANON and MAP_FILE are aliases.
    let aliases = [
        "MAP_ANON",
        "MAP_FILE",
        "MAP_SHARED_VALIDATE",
        "MAP_HUGE_MASK",
    ];
    let huge = |n: &str| n.starts_with("MAP_HUGE_") && n != "MAP_HUGETLB";
    let all = all.filter(|(n, _)| !huge(n));
    names(v, all, &aliases, "0")
}

/// `SIGKILL`, or the number for one nix does not name (0, real-time signals).
pub fn signal(v: i32) -> String {
    match Signal::try_from(v) {
        Ok(s) => s.as_str().to_string(),
        Err(_) => v.to_string(),
    }
}

/// `AF_INET`, `AF_UNIX`, ...
pub fn family(v: i32) -> String {
    match v {
        libc::AF_UNIX => "AF_UNIX".into(),
        libc::AF_INET => "AF_INET".into(),
        libc::AF_INET6 => "AF_INET6".into(),
        libc::AF_NETLINK => "AF_NETLINK".into(),
        libc::AF_PACKET => "AF_PACKET".into(),
        libc::AF_UNSPEC => "AF_UNSPEC".into(),
        v => v.to_string(),
    }
}

/// `SOCK_STREAM|SOCK_CLOEXEC`.
pub fn sock_type(v: i32) -> String {
    let base = match v & 0xf {
        libc::SOCK_STREAM => "SOCK_STREAM".to_string(),
        libc::SOCK_DGRAM => "SOCK_DGRAM".into(),
        libc::SOCK_RAW => "SOCK_RAW".into(),
        libc::SOCK_SEQPACKET => "SOCK_SEQPACKET".into(),
        b => b.to_string(),
    };
    let mut s = base;
    if v & libc::SOCK_NONBLOCK != 0 {
        s.push_str("|SOCK_NONBLOCK");
    }
    if v & libc::SOCK_CLOEXEC != 0 {
        s.push_str("|SOCK_CLOEXEC");
    }
    let left = v & !(0xf | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC);
    if left != 0 {
        s.push_str(&format!("|{left:#x}"));
    }
    s
}

/// `PTRACE_ATTACH`, `PTRACE_POKEDATA`, ... (the requests that matter for injection first).
pub fn ptrace_request(v: i64) -> String {
    let v = v as u32;
    let known: &[(u32, &str)] = &[
        (libc::PTRACE_TRACEME, "PTRACE_TRACEME"),
        (libc::PTRACE_PEEKTEXT, "PTRACE_PEEKTEXT"),
        (libc::PTRACE_PEEKDATA, "PTRACE_PEEKDATA"),
        (libc::PTRACE_PEEKUSER, "PTRACE_PEEKUSER"),
        (libc::PTRACE_POKETEXT, "PTRACE_POKETEXT"),
        (libc::PTRACE_POKEDATA, "PTRACE_POKEDATA"),
        (libc::PTRACE_POKEUSER, "PTRACE_POKEUSER"),
        (libc::PTRACE_CONT, "PTRACE_CONT"),
        (libc::PTRACE_KILL, "PTRACE_KILL"),
        (libc::PTRACE_SINGLESTEP, "PTRACE_SINGLESTEP"),
        (libc::PTRACE_GETREGS, "PTRACE_GETREGS"),
        (libc::PTRACE_SETREGS, "PTRACE_SETREGS"),
        (libc::PTRACE_ATTACH, "PTRACE_ATTACH"),
        (libc::PTRACE_DETACH, "PTRACE_DETACH"),
        (libc::PTRACE_SYSCALL, "PTRACE_SYSCALL"),
        (libc::PTRACE_SETOPTIONS, "PTRACE_SETOPTIONS"),
        (libc::PTRACE_GETEVENTMSG, "PTRACE_GETEVENTMSG"),
        (libc::PTRACE_GETSIGINFO, "PTRACE_GETSIGINFO"),
        (libc::PTRACE_SETSIGINFO, "PTRACE_SETSIGINFO"),
        (libc::PTRACE_GETREGSET, "PTRACE_GETREGSET"),
        (libc::PTRACE_SETREGSET, "PTRACE_SETREGSET"),
        (libc::PTRACE_SEIZE, "PTRACE_SEIZE"),
        (libc::PTRACE_INTERRUPT, "PTRACE_INTERRUPT"),
        (libc::PTRACE_LISTEN, "PTRACE_LISTEN"),
    ];
    match known.iter().find(|(n, _)| *n == v) {
        Some((_, name)) => name.to_string(),
        None => format!("{v:#x}"),
    }
}

/// Name and description of errno `e` (`ESRCH`, `No such process`), including the kernel's
/// restart codes a tracer sees.
pub fn errno(e: i32) -> (String, String) {
    let internal = match e {
        512 => Some(("ERESTARTSYS", "To be restarted if SA_RESTART is set")),
        513 => Some(("ERESTARTNOINTR", "To be restarted")),
        514 => Some(("ERESTARTNOHAND", "To be restarted if no handler")),
        516 => Some(("ERESTART_RESTARTBLOCK", "Interrupted by signal")),
        _ => None,
    };
    if let Some((n, d)) = internal {
        return (n.into(), d.into());
    }
    match Errno::from_raw(e) {
        Errno::UnknownErrno => (format!("E{e}"), "Unknown error".into()),
        x => (format!("{x:?}"), x.desc().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_words() {
        assert_eq!(open(0), "O_RDONLY");
        assert_eq!(
            open((libc::O_RDONLY | libc::O_CLOEXEC) as u64),
            "O_RDONLY|O_CLOEXEC"
        );
        let w = open((libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC) as u64);
        assert!(
            w.starts_with("O_WRONLY|") && w.contains("O_CREAT") && w.contains("O_TRUNC"),
            "{w}"
        );
        let d = open((libc::O_RDONLY | libc::O_NONBLOCK | libc::O_DIRECTORY) as u64);
        assert!(
            d.contains("O_NONBLOCK") && d.contains("O_DIRECTORY") && !d.contains("NDELAY"),
            "{d}"
        );
        assert_eq!(prot(0), "PROT_NONE");
        assert_eq!(
            prot((libc::PROT_READ | libc::PROT_EXEC) as u64),
            "PROT_READ|PROT_EXEC"
        );
        let m = map((libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64);
        assert_eq!(m, "MAP_PRIVATE|MAP_ANONYMOUS");
        assert_eq!(signal(9), "SIGKILL");
        assert_eq!(signal(15), "SIGTERM");
        assert_eq!(signal(0), "0");
        assert_eq!(family(2), "AF_INET");
        assert_eq!(
            sock_type(libc::SOCK_STREAM | libc::SOCK_CLOEXEC),
            "SOCK_STREAM|SOCK_CLOEXEC"
        );
        assert_eq!(
            ptrace_request(libc::PTRACE_POKEDATA as i64),
            "PTRACE_POKEDATA"
        );
        assert_eq!(errno(3), ("ESRCH".into(), "No such process".into()));
        assert_eq!(errno(512).0, "ERESTARTSYS");
    }
}
