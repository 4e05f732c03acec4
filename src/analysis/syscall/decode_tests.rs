//! Unit tests of the decoder: arguments and return values against fake tracee memory and fd names.
use super::*;
use std::collections::BTreeMap;

/// Fake tracee memory: byte ranges at addresses.
struct Mem(BTreeMap<u64, Vec<u8>>);

impl Memory for Mem {
    fn read(&self, addr: u64, len: usize) -> Option<Vec<u8>> {
        let (start, bytes) = self.0.range(..=addr).next_back()?;
        let off = (addr - start) as usize;
        let rest = bytes.get(off..)?;
        Some(rest[..rest.len().min(len)].to_vec())
    }
}

struct Fds;

impl FdNames for Fds {
    fn target(&self, fd: i32) -> Option<Vec<u8>> {
        (fd == 3).then(|| b"/tmp/x\x1b[31m".to_vec())
    }
}

#[test]
fn paths_flags_fds_and_errors() {
    let mut m = BTreeMap::new();
    m.insert(0x1000, b"/etc/pass\"wd\0".to_vec());
    let mem = Mem(m);
    let a = [
        libc::AT_FDCWD as u32 as u64,
        0x1000,
        libc::O_CLOEXEC as u64,
        0,
        0,
        0,
    ];
    assert_eq!(
        args("openat", &a, &mem, &Fds),
        r#"AT_FDCWD, "/etc/pass\"wd", O_RDONLY|O_CLOEXEC, 0"#
    );
    assert_eq!(ret("openat", 3, &Fds), "3</tmp/x\\e[31m>");
    assert_eq!(
        ret("openat", -2, &Fds),
        "-1 ENOENT (No such file or directory)"
    );
    assert_eq!(ret("kill", -3, &Fds), "-1 ESRCH (No such process)");
    assert_eq!(ret("mmap", 0x7f00, &Fds), "0x7f00");
    let k = [1234, 9, 0, 0, 0, 0];
    assert_eq!(args("kill", &k, &NoMemory, &Fds), "1234, SIGKILL");
    let r = [3, 0x2000, 4096, 0, 0, 0];
    assert_eq!(
        args("read", &r, &NoMemory, &Fds),
        "3</tmp/x\\e[31m>, 0x2000, 4096"
    );
    let p = [
        0,
        4096,
        (libc::PROT_READ | libc::PROT_WRITE) as u64,
        0,
        0,
        0,
    ];
    assert_eq!(
        args("mprotect", &p, &NoMemory, &Fds),
        "NULL, 4096, PROT_READ|PROT_WRITE"
    );
    let u = [0x1000, 0, 0, 0, 0, 0];
    assert_eq!(args("uname", &u, &mem, &Fds), "0x1000");
    let id = [u32::MAX as u64, 1000, 0, 0, 0, 0];
    assert_eq!(args("setreuid", &id, &NoMemory, &Fds), "-1, 1000");
    assert_eq!(
        args(
            "ptrace",
            &[libc::PTRACE_ATTACH as u64, 77, 0, 0, 0, 0],
            &NoMemory,
            &Fds
        ),
        "PTRACE_ATTACH, 77, NULL, NULL"
    );
    assert_eq!(args("getpid", &[0; 6], &NoMemory, &Fds), "");
    assert_eq!(
        args("not_listed", &[1, 0, 0, 0, 0, 0], &NoMemory, &Fds),
        "0x1, 0, 0, 0, 0, 0"
    );
}

#[test]
fn strings_capped_and_execve_and_sockaddr() {
    let mut m = BTreeMap::new();
    m.insert(0x1000, vec![b'a'; 100]);
    // argv at 0x3000: two pointers then NULL; envp at 0x4000: three then NULL.
    let words = |ps: &[u64]| ps.iter().flat_map(|p| p.to_ne_bytes()).collect::<Vec<u8>>();
    m.insert(0x3000, words(&[0x5000, 0x5100, 0]));
    m.insert(0x4000, words(&[0x5000, 0x5000, 0x5000, 0]));
    m.insert(0x5000, b"/bin/ls\0".to_vec());
    m.insert(0x5100, b"-l\0".to_vec());
    let mut sa = (libc::AF_INET as u16).to_ne_bytes().to_vec();
    sa.extend_from_slice(&8080u16.to_be_bytes());
    sa.extend_from_slice(&[127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    m.insert(0x6000, sa);
    let mem = Mem(m);
    let w = args("write", &[1, 0x1000, 100, 0, 0, 0], &mem, &Fds);
    assert_eq!(w, format!("1, \"{}\"..., 100", "a".repeat(STR_CAP)));
    let e = args("execve", &[0x5000, 0x3000, 0x4000, 0, 0, 0], &mem, &Fds);
    assert_eq!(e, r#""/bin/ls", ["/bin/ls", "-l"], 0x4000 /* 3 vars */"#);
    let b = args("bind", &[3, 0x6000, 16, 0, 0, 0], &mem, &Fds);
    assert!(
        b.contains("sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, 16"),
        "{b}"
    );
    let unreadable = args("bind", &[3, 0x9000, 16, 0, 0, 0], &mem, &Fds);
    assert!(unreadable.contains("0x9000"), "{unreadable}");
}
