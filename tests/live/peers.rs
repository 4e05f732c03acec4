//! The other end of local connections on the live machine: real processes connected over a
//! socketpair, a unix path (accepted and still queued) and loopback TCP, each end resolved to
//! the other process by `inspect` and `sockets`; a unix path built to forge a `net/unix` row;
//! and, as root, the same pairs inside an `unshare --net` namespace, read through setns.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, is_root, json, procscope};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// Parent: a socketpair end, the accepted end of a unix connection and of a loopback TCP
/// connection. Child (forked): the other socketpair end, the connecting ends, and a second
/// unix connection the parent never accepts.
const PAIRS: &str = r#"
import os, socket, sys, time
d = sys.argv[1]
def say(*f):
    # One write(2) per line: the two processes share the pipe.
    os.write(1, (" ".join(map(str, f)) + "\n").encode())
a, b = socket.socketpair()
srv = socket.socket(socket.AF_UNIX)
srv.bind(d + "/srv.sock")
srv.listen(4)
tl = socket.socket()
tl.bind(("127.0.0.1", 0))
tl.listen(4)
port = tl.getsockname()[1]
pid = os.fork()
if pid == 0:
    a.close(); srv.close(); tl.close()
    c = socket.socket(socket.AF_UNIX)
    c.connect(d + "/srv.sock")
    q = socket.socket(socket.AF_UNIX)
    q.connect(d + "/srv.sock")
    t = socket.socket()
    t.connect(("127.0.0.1", port))
    say("CHILD", os.getpid(), b.fileno(), c.fileno(), q.fileno(), t.fileno())
    time.sleep(600)
    os._exit(0)
b.close()
conn, _ = srv.accept()
tconn, _ = tl.accept()
say("PARENT", os.getpid(), a.fileno(), conn.fileno(), tconn.fileno(), port)
time.sleep(600)
"#;

struct Pairs {
    _guard: Guard,
    _tmp: tempfile::TempDir,
    parent: u32,
    child: u32,
    /// Parent fds: socketpair, accepted unix, accepted tcp.
    pfd: [u64; 3],
    /// Child fds: socketpair, unix client, queued unix client, tcp client.
    cfd: [u64; 4],
    port: u64,
}

/// Run [`PAIRS`] under `prefix` (e.g. `unshare --net`), and read both processes' reports.
fn start(prefix: &[&str]) -> Pairs {
    let tmp = tempfile::tempdir().unwrap();
    // why: the pair may run as nobody (the fallback test) and binds a socket in here.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    // why: a python3 shim under /root (pyenv) is out of nobody's reach.
    let py = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| Path::new(p).exists() || !p.starts_with('/'))
        .unwrap();
    let mut cmd = Command::new(prefix.first().copied().unwrap_or(py));
    if !prefix.is_empty() {
        cmd.args(&prefix[1..]).arg(py);
    }
    cmd.args(["-c", PAIRS])
        .arg(tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let mut guard = Guard::default();
    let c = guard.spawn(&mut cmd);
    let out = BufReader::new(c.stdout.take().unwrap());
    let (mut parent, mut child) = (Vec::new(), Vec::new());
    for line in out.lines().take(2) {
        let f: Vec<u64> = line
            .as_ref()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        match line.unwrap().split_whitespace().next() {
            Some("PARENT") => parent = f,
            Some("CHILD") => {
                guard.pids.push(f[0] as u32);
                child = f
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        parent.len() == 5 && child.len() == 5,
        "{parent:?} {child:?}"
    );
    Pairs {
        _guard: guard,
        _tmp: tmp,
        parent: parent[0] as u32,
        child: child[0] as u32,
        pfd: [parent[1], parent[2], parent[3]],
        cfd: [child[1], child[2], child[3], child[4]],
        port: parent[4],
    }
}

/// `inspect PID --json`'s fd `n`.
fn fd(p: &Value, n: u64) -> &Value {
    crate::support::fds_of(p)
        .iter()
        .find(|f| f["fd"] == n)
        .unwrap_or_else(|| panic!("fd {n} in {p}"))
}

fn peer_pids(p: &Value, n: u64) -> Value {
    fd(p, n)["socket"]["peer_pids"].clone()
}

fn check(t: &Pairs) {
    let parent = json(["inspect", &t.parent.to_string(), "--peers", "--json"]);
    let child = json(["inspect", &t.child.to_string(), "--peers", "--json"]);
    let (p, c) = (serde_json::json!([t.parent]), serde_json::json!([t.child]));
    for n in t.pfd {
        assert_eq!(
            peer_pids(&parent, n),
            c,
            "parent fd {n}: {}",
            fd(&parent, n)
        );
    }
    for n in [t.cfd[0], t.cfd[1], t.cfd[3]] {
        assert_eq!(peer_pids(&child, n), p, "child fd {n}: {}", fd(&child, n));
    }
    // why: a unix connection still in the listen queue has no server end with an inode
    // yet; sock_diag reports its peer as 0 (ss shows `* 0`), so it stays unresolved.
    assert!(fd(&child, t.cfd[2])["socket"].get("peer").is_none());
    assert_eq!(peer_pids(&child, t.cfd[2]), Value::Null);
    // The socketpair's ends name each other's inodes.
    let (a, b) = (
        &fd(&parent, t.pfd[0])["socket"],
        &fd(&child, t.cfd[0])["socket"],
    );
    assert_eq!((&a["peer"], &b["peer"]), (&b["inode"], &a["inode"]));
    assert_eq!(a["proto"], "unix");
    let all = json(["sockets", "-x", "--json"]);
    let all = all.as_array().unwrap();
    // `sockets` names the peer too: the child's TCP client end.
    let tcp = all
        .iter()
        .find(|s| s["pids"] == c && s["proto"] == "tcp" && s["remote_port"] == t.port)
        .expect("the child's tcp client");
    assert_eq!(tcp["peer_pids"], p);
    assert_eq!(tcp["remote_addr"], "127.0.0.1");
}

#[test]
fn each_end_of_local_connections_names_the_other_process() {
    let t = start(&[]);
    check(&t);
    // The text views name the peer as comm(pid).
    let out = procscope()
        .args(["inspect", &t.parent.to_string(), "--peers"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let want = format!("peer python3({})", t.child);
    assert_eq!(text.matches(&want).count(), 3, "{text}");
    let out = procscope().args(["sockets"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Each end's row: owner in the Process column, the other end last.
    for (me, other) in [(t.child, t.parent), (t.parent, t.child)] {
        let (me, other) = (format!("python3({me})"), format!("python3({other})"));
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("tcp ") && l.contains(&me) && l.contains("ESTAB"))
            .filter(|l| l.trim_end().ends_with(&other))
            .collect();
        assert_eq!(rows.len(), 1, "{me} -> {other}: {text}");
    }
}

#[test]
fn a_unix_path_built_to_forge_a_net_unix_row_forges_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // why: no '/' in the fake row, so the whole path is one file name in the temp dir.
    let fake = "\n0: 00000002 00000000 00010000 0001 01 4242424242 @forged";
    let mut evil = tmp.path().as_os_str().as_bytes().to_vec();
    evil.extend_from_slice(format!("/e{fake}").as_bytes());
    let evil = std::ffi::OsStr::from_bytes(&evil);
    let mut g = Guard::default();
    let py_pid = g.unix_listener(evil);
    // The kernel's table does carry the forged row, and a line parser believes it.
    let table = std::fs::read("/proc/net/unix").unwrap();
    let parsed =
        procscope::collect::tables::parse_table(procscope::model::Proto::Unix, 0, &table).unwrap();
    assert!(parsed.iter().any(|s| s.inode == 4242424242), "forged");
    let snap = json(["snapshot"]);
    let own = std::fs::read_link("/proc/self/ns/net").unwrap();
    let own = own.to_str().unwrap();
    let ns = snap["netns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| own.contains(&n["inode"].to_string()))
        .unwrap();
    assert_eq!(ns["sock_diag"], true, "{ns}");
    let unix: Vec<&Value> = snap["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["proto"] == "unix")
        .collect();
    assert!(!unix.iter().any(|s| s["inode"] == 4242424242u64));
    assert!(!unix.iter().any(|s| s["local_addr"] == "@forged"));
    let exact: Vec<&&Value> = unix
        .iter()
        .filter(|s| s["local_addr"].as_str().is_some_and(|a| a.ends_with(fake)))
        .collect();
    assert_eq!(exact.len(), 1, "one row, the whole path");
    assert_eq!(exact[0]["pids"], serde_json::json!([py_pid]));
    assert_eq!(exact[0]["state"], "LISTEN");
}

#[test]
fn pairs_inside_another_network_namespace_are_resolved_through_setns() {
    if !is_root() {
        eprintln!("skipped: unshare --net needs root");
        return;
    }
    if !Path::new("/usr/bin/unshare").exists() && !Path::new("/bin/unshare").exists() {
        eprintln!("skipped: unshare missing (run tests/setup.sh)");
        return;
    }
    // why: a new netns has its loopback down; `ip` brings it up before python runs.
    let t = start(&[
        "unshare",
        "--net",
        "sh",
        "-c",
        "ip link set lo up && exec \"$@\"",
        "sh",
    ]);
    let theirs = std::fs::read_link(format!("/proc/{}/ns/net", t.parent)).unwrap();
    assert_ne!(theirs, std::fs::read_link("/proc/self/ns/net").unwrap());
    check(&t);
    let snap = json(["snapshot"]);
    let ns = snap["netns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["pids"].as_array().unwrap().contains(&t.parent.into()))
        .unwrap();
    assert_eq!(ns["sock_diag"], true, "{ns}");
    assert!(ns["unavailable"].get("sock_diag").is_none(), "{ns}");
    // Its TCP sockets came through the same netlink socket.
    assert_eq!(ns["inet_diag"][0], "tcp", "{ns}");
    assert!(theirs.to_str().unwrap().contains(&ns["inode"].to_string()));
}

#[test]
fn without_the_right_to_setns_unix_sockets_come_from_net_unix_and_say_why() {
    if !is_root() {
        eprintln!("skipped: unshare --net needs root");
        return;
    }
    // The pair runs as nobody in a namespace made by root: nobody can read its processes
    // but may not enter the namespace.
    let t = start(&[
        "unshare",
        "--net",
        "sh",
        "-c",
        "ip link set lo up && exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$@\"",
        "sh",
    ]);
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(crate::support::procscope_path())
        .arg("snapshot")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ns = snap["netns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["pids"].as_array().unwrap().contains(&t.parent.into()))
        .expect("the pair's namespace");
    assert_eq!(ns["unavailable"]["sock_diag"], "permission denied", "{ns}");
    assert!(ns.get("sock_diag").is_none(), "{ns}");
    assert!(ns.get("inet_diag").is_none(), "tcp/udp from text too: {ns}");
    let listener = snap["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["netns"] == ns["inode"] && s["state"] == "LISTEN" && s["proto"] == "unix")
        .expect("the unix listener, from net/unix");
    assert!(
        listener["local_addr"]
            .as_str()
            .unwrap()
            .ends_with("/srv.sock")
    );
    assert_eq!(listener["pids"], serde_json::json!([t.parent]));
    let tcp = snap["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["netns"] == ns["inode"] && s["state"] == "LISTEN" && s["proto"] == "tcp")
        .expect("the tcp listener, from net/tcp");
    assert_eq!(tcp["local_port"], t.port);
    assert_eq!(tcp["pids"], serde_json::json!([t.parent]));
}
