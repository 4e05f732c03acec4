//! TCP and UDP sockets read through sock_diag equal the rows of the text tables for the same
//! sockets: real listeners, connections (IPv4, IPv6 and an IPv4 client of a dual-stack
//! listener), a TIME-WAIT entry and UDP sockets bound and connected, in a child process; and,
//! as root, the same inside an `unshare --net` namespace (read through setns). IPv6 rows are
//! skipped only when the kernel has no IPv6 (no `/proc/net/if_inet6`).

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, is_root, wait_for};
use procscope::collect::sockets::{Tables, read_tables, read_text_tables};
use procscope::model::{Proto, Socket};
use procscope::source::ProcRoot;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// Opens sockets, then prints `READY <time-wait port>` and sleeps. argv[1]: "1" for IPv6 too.
const SOCKETS: &str = r#"
import socket, sys, time
v6 = sys.argv[1] == "1"
keep = []
def pair(fam, host, srv=None):
    l = srv or socket.socket(fam)
    if srv is None:
        l.bind((host, 0)); l.listen(8)
    c = socket.socket(fam)
    c.connect((host, l.getsockname()[1]))
    a, _ = l.accept()
    keep.extend([l, c, a])
    return l
l4 = pair(socket.AF_INET, "127.0.0.1")
# TIME-WAIT: the client closes first; after the server's close it waits out 2*MSL.
c = socket.socket(); c.connect(l4.getsockname()); a, _ = l4.accept()
tw = c.getsockname()[1]
c.close(); a.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(u.getsockname())
keep.extend([u, uc])
if v6:
    pair(socket.AF_INET6, "::1")
    d = socket.socket(socket.AF_INET6)
    d.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    d.bind(("::", 0)); d.listen(8)
    pair(socket.AF_INET, "127.0.0.1", d)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::1", 0))
    u6c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6c.connect(u6.getsockname()[:2])
    keep.extend([u6, u6c])
print("READY", tw, flush=True)
time.sleep(600)
"#;

fn has_ipv6() -> bool {
    Path::new("/proc/net/if_inet6").exists()
}

/// Start [`SOCKETS`] under `prefix` (e.g. `unshare --net ...`); its pid and TIME-WAIT port.
fn start(guard: &mut Guard, prefix: &[&str]) -> (u32, u16) {
    let mut cmd = Command::new(prefix.first().copied().unwrap_or("python3"));
    if !prefix.is_empty() {
        cmd.args(&prefix[1..]).arg("python3");
    }
    let v6 = if has_ipv6() { "1" } else { "0" };
    cmd.args(["-c", SOCKETS, v6])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let c = guard.spawn(&mut cmd);
    let pid = c.id();
    let mut line = String::new();
    BufReader::new(c.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let tw = line
        .strip_prefix("READY ")
        .expect(&line)
        .trim()
        .parse()
        .unwrap();
    (pid, tw)
}

fn socket_inodes(pid: u32) -> BTreeSet<u64> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| {
            let l = std::fs::read_link(e.ok()?.path()).ok()?;
            let l = l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?;
            l.parse().ok()
        })
        .collect()
}

fn netns(pid: u32) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}/ns/net"))
        .unwrap()
        .ino()
}

/// The TCP/UDP rows of `t` that are the child's: its sockets, and the TIME-WAIT entry.
fn ours(t: &Tables, inodes: &BTreeSet<u64>, tw: u16) -> Vec<Socket> {
    let inet = [Proto::Tcp, Proto::Tcp6, Proto::Udp, Proto::Udp6];
    let mut v: Vec<Socket> = t
        .sockets
        .iter()
        .filter(|s| inet.contains(&s.proto))
        .filter(|s| inodes.contains(&s.inode) || (s.inode == 0 && s.local_port == Some(tw)))
        .cloned()
        .collect();
    v.sort_by_key(|s| (s.proto, s.inode, s.local_port, s.remote_port));
    v
}

/// sock_diag's rows of the child `pid` equal the text tables' rows, and cover every socket
/// it holds.
fn check(pid: u32, tw: u16) {
    let root = ProcRoot::open(Path::new("/proc")).unwrap();
    let ns = netns(pid);
    let inodes = socket_inodes(pid);
    let v6 = has_ipv6();
    assert_eq!(inodes.len(), if v6 { 13 } else { 5 }, "{inodes:?}");
    // The TIME-WAIT entry appears once the server's FIN has been acknowledged.
    let text = wait_for(10, || {
        let t = read_text_tables(&root, pid, ns).unwrap();
        ours(&t, &inodes, tw)
            .iter()
            .any(|s| s.state == "TIME-WAIT")
            .then_some(t)
    })
    .expect("the TIME-WAIT entry in net/tcp");
    let diag = read_tables(&root, pid, ns).unwrap();
    let mut want = vec![Proto::Tcp, Proto::Udp];
    if v6 {
        want = vec![Proto::Tcp, Proto::Tcp6, Proto::Udp, Proto::Udp6];
    }
    assert_eq!(diag.inet_diag, want, "{:?}", diag.unavailable);
    assert!(diag.sock_diag && text.inet_diag.is_empty() && !text.sock_diag);
    let (d, t) = (ours(&diag, &inodes, tw), ours(&text, &inodes, tw));
    assert_eq!(d, t);
    // Every socket the child holds is there, with an owner and the words of the tables.
    let seen: BTreeSet<u64> = d.iter().map(|s| s.inode).filter(|&i| i != 0).collect();
    assert_eq!(seen, inodes);
    let uid = rustix::process::geteuid().as_raw();
    assert!(
        d.iter()
            .filter(|s| s.inode != 0)
            .all(|s| s.uid == Some(uid))
    );
    let count = |proto, state: &str| {
        d.iter()
            .filter(|s| s.proto == proto && s.state == state)
            .count()
    };
    assert_eq!(count(Proto::Tcp, "LISTEN"), 1);
    // The dual-stack listener's IPv4 client is an IPv4 socket.
    let clients = if v6 { 3 } else { 2 };
    assert_eq!(count(Proto::Tcp, "ESTABLISHED"), clients);
    assert_eq!(count(Proto::Tcp, "TIME-WAIT"), 1);
    assert_eq!(
        (
            count(Proto::Udp, "UNCONN"),
            count(Proto::Udp, "ESTABLISHED")
        ),
        (1, 1)
    );
    if v6 {
        assert_eq!(count(Proto::Tcp6, "LISTEN"), 2);
        assert_eq!(count(Proto::Tcp6, "ESTABLISHED"), 3);
        assert_eq!(count(Proto::Udp6, "UNCONN"), 1);
        assert_eq!(count(Proto::Udp6, "ESTABLISHED"), 1);
        let mapped = d
            .iter()
            .find(|s| s.remote_addr.as_deref() == Some("::ffff:127.0.0.1"));
        assert_eq!(mapped.map(|s| s.proto), Some(Proto::Tcp6), "{d:?}");
    } else {
        eprintln!("IPv6 rows skipped: the kernel has no IPv6 (no /proc/net/if_inet6)");
    }
}

#[test]
fn tcp_and_udp_from_sock_diag_equal_the_text_tables() {
    let mut g = Guard::default();
    let (pid, tw) = start(&mut g, &[]);
    check(pid, tw);
}

#[test]
fn tcp_and_udp_of_another_network_namespace_come_through_setns() {
    if !is_root() {
        eprintln!("skipped: unshare --net needs root");
        return;
    }
    let mut g = Guard::default();
    // why: a new netns has its loopback down; `ip` brings it up before python runs.
    let prefix = [
        "unshare",
        "--net",
        "sh",
        "-c",
        "ip link set lo up && exec \"$@\"",
        "sh",
    ];
    let (pid, tw) = start(&mut g, &prefix);
    assert_ne!(netns(pid), netns(std::process::id()));
    check(pid, tw);
}
