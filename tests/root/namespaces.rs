//! Root-only: a real container made with `unshare` (own pid, net and mount namespaces) and
//! `chroot` into a busybox rootfs, listening on a socket inside its netns; then the same
//! process placed in cgroups laid out like a Kubernetes pod (v1 cgroupfs driver, v2 systemd
//! driver), created by the test and removed after.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, is_root, json, wait_for};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BUSYBOX: &str = "/bin/busybox";
const PORT: u16 = 18080;

/// A process in its own namespaces, chrooted: `outer` is the unshare process (our child),
/// `init` the pid 1 of the new pid namespace (busybox httpd).
struct Container {
    guard: Guard,
    outer: u32,
    init: u32,
    rootfs: PathBuf,
    _tmp: tempfile::TempDir,
}

fn start_container() -> Option<Container> {
    if !is_root() {
        eprintln!("skipped: unshare and cgroups need root");
        return None;
    }
    if !Path::new(BUSYBOX).exists() {
        eprintln!("skipped: {BUSYBOX} missing (run tests/setup.sh)");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = tmp.path().canonicalize().unwrap().join("rootfs");
    fs::create_dir_all(rootfs.join("bin")).unwrap();
    fs::create_dir_all(rootfs.join("www")).unwrap();
    fs::copy(BUSYBOX, rootfs.join("bin/busybox")).unwrap();
    let mut guard = Guard::default();
    let child = guard.spawn(
        Command::new("unshare")
            .args(["--pid", "--net", "--mount", "--fork", "chroot"])
            .arg(&rootfs)
            .args(["/bin/busybox", "httpd", "-f", "-h", "/www", "-p"])
            .arg(PORT.to_string())
            .stdin(Stdio::null()),
    );
    let outer = child.id();
    let init = wait_for(10, || {
        let kids = fs::read_to_string(format!("/proc/{outer}/task/{outer}/children")).ok()?;
        kids.split_whitespace().next()?.parse::<u32>().ok()
    })
    .expect("unshare forked its child");
    guard.pids.push(init);
    // Wait until the listener is up: httpd has exec'd and bound the port in its netns.
    let hex_port = format!(":{PORT:04X} ");
    let listening = wait_for(10, || {
        // busybox httpd binds [::]:PORT, so the socket is in tcp6.
        let tcp = fs::read_to_string(format!("/proc/{init}/net/tcp6")).ok()?;
        tcp.lines()
            .any(|l| l.contains(&hex_port) && l.split_whitespace().nth(3) == Some("0A"))
            .then_some(())
    });
    assert!(listening.is_some(), "httpd did not listen in its netns");
    Some(Container {
        guard,
        outer,
        init,
        rootfs,
        _tmp: tmp,
    })
}

fn ns_link(pid: u32, kind: &str) -> u64 {
    let l = fs::read_link(format!("/proc/{pid}/ns/{kind}")).unwrap();
    let l = l.to_str().unwrap();
    l[kind.len() + 2..l.len() - 1].parse().unwrap()
}

#[test]
fn unshared_chrooted_process_is_namespaced_and_owns_its_socket() {
    let Some(c) = start_container() else { return };
    let me = std::process::id();
    let socket = check_inspect(&c, me);
    check_sockets(&c, &socket, me);
    check_tree(&c);
    check_containers(&c);
    drop(c.guard);
}

/// `inspect` of the container's init: namespaced, chrooted, in its own pid, net and mnt
/// namespaces, with its listening socket; returns that socket.
fn check_inspect(c: &Container, me: u32) -> Value {
    let p = json(["inspect", &c.init.to_string(), "--json"]);
    assert_eq!(p["ppid"], c.outer);
    assert_eq!(p["comm"], "busybox");
    assert_eq!(p["namespaced"], true);
    assert_eq!(p["container"], Value::Null);
    assert_eq!(p["root"], c.rootfs.to_str().unwrap());
    // httpd -h /www chdirs there; the link text is the host-side path.
    assert_eq!(p["cwd"], c.rootfs.join("www").to_str().unwrap());
    assert_eq!(
        p["exe"]["path"],
        c.rootfs.join("bin/busybox").to_str().unwrap()
    );
    assert_eq!(p["nspid"], serde_json::json!([c.init, 1]));
    for kind in ["pid", "net", "mnt"] {
        assert_eq!(p["namespaces"][kind], ns_link(c.init, kind), "{kind}");
        assert_ne!(p["namespaces"][kind], ns_link(me, kind), "{kind}");
    }
    assert_eq!(p["namespaces"]["user"], ns_link(me, "user"));
    let netns = ns_link(c.init, "net");
    let fd = p["fds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "socket")
        .expect("httpd's listening socket fd");
    assert_eq!(fd["socket"]["local_port"], PORT);
    assert_eq!(fd["socket"]["proto"], "tcp6");
    assert_eq!(fd["socket"]["state"], "LISTEN");
    assert_eq!(fd["socket"]["netns"], netns);
    fd["socket"].clone()
}

/// `sockets` lists the container's listener once, in its netns, read there through sock_diag;
/// the host's table does not list it.
fn check_sockets(c: &Container, socket: &Value, me: u32) {
    let netns = ns_link(c.init, "net");
    let socks = json(["sockets", "--json", "--listening"]);
    let ours: Vec<&Value> = socks
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["netns"] == netns)
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0]["local_port"], PORT);
    assert_eq!(ours[0]["pids"], serde_json::json!([c.init]));
    // Read in its netns through sock_diag (setns), not from its net/tcp6 text.
    let snap = json(["snapshot"]);
    let ns = snap["netns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["inode"] == netns)
        .expect("the container's netns");
    assert!(
        ns["inet_diag"]
            .as_array()
            .is_some_and(|t| t.iter().any(|p| p == "tcp6")),
        "{ns}"
    );
    assert!(ns["unavailable"].get("sock_diag").is_none(), "{ns}");
    // The host's table does not list it: tables are read per netns.
    let host = ns_link(me, "net");
    assert!(
        !socks
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["netns"] == host && s["inode"] == socket["inode"])
    );
}

/// `tree` marks unshare(1) with the namespaces it entered, and its child with its pid
/// namespace and root.
fn check_tree(c: &Container) {
    let t = json(["tree", "--json"]);
    let outer = crate::support::find_node(&t, u64::from(c.outer)).expect("unshare in tree");
    // unshare(1) itself enters the new net and mount namespaces; its child the pid namespace.
    assert!(
        outer["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "ns mnt,net"),
        "{}",
        outer["marks"]
    );
    let init = &outer["children"][0];
    assert_eq!(init["pid"], c.init);
    assert_eq!(init["namespaced"], true);
    let marks: Vec<&str> = init["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        marks,
        ["ns pid".to_string(), format!("root {}", c.rootfs.display())]
    );
}

/// `containers` groups the container's processes as `namespaced`, rooted at its init.
fn check_containers(c: &Container) {
    let groups = json(["containers", "--json"]);
    let g = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["pids"].as_array().unwrap().iter().any(|p| p == c.init))
        .expect("a group for the container");
    assert_eq!(g["runtime"], "namespaced");
    assert_eq!(g["root_pid"], c.init);
    assert_eq!(g["root"], c.rootfs.to_str().unwrap());
}

/// Cgroup directories made by a test: on drop the process is moved back to the hierarchy's
/// root and the directories are removed, deepest first.
struct CgroupGuard {
    hierarchy: PathBuf,
    dirs: Vec<PathBuf>,
    pid: u32,
}

impl CgroupGuard {
    fn create(hierarchy: &str, rel: &str, pid: u32) -> Option<Self> {
        let hierarchy = PathBuf::from(hierarchy);
        if !hierarchy.join("cgroup.procs").exists() {
            eprintln!("skipped: no cgroup hierarchy at {}", hierarchy.display());
            return None;
        }
        let mut g = CgroupGuard {
            hierarchy: hierarchy.clone(),
            dirs: Vec::new(),
            pid,
        };
        let mut at = hierarchy;
        for part in rel.split('/') {
            at = at.join(part);
            if !at.exists() {
                fs::create_dir(&at).unwrap();
                g.dirs.push(at.clone());
            }
        }
        fs::write(at.join("cgroup.procs"), pid.to_string()).unwrap();
        Some(g)
    }
}

impl Drop for CgroupGuard {
    fn drop(&mut self) {
        let _ = fs::write(self.hierarchy.join("cgroup.procs"), self.pid.to_string());
        for d in self.dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

fn check_pod(init: u32, runtime: &str, id: &str, pod: &str, qos: &str) {
    let p = json(["inspect", &init.to_string(), "--json"]);
    let want = serde_json::json!({"runtime": runtime, "id": id, "pod_uid": pod, "qos": qos});
    assert_eq!(p["container"], want, "{}", p["cgroups"]);
    let groups = json(["containers", "--json"]);
    let g = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .expect("the pod's container group");
    assert_eq!(g["pids"], serde_json::json!([init]));
    assert_eq!(g["pod_uid"], pod);
    assert_eq!(g["qos"], qos);
    let t = json(["tree", "--json"]);
    let n = crate::support::find_node(&t, u64::from(init)).unwrap();
    let mark = format!("container {runtime}:{}", &id[..12]);
    assert!(
        n["marks"].as_array().unwrap().iter().any(|m| m == &*mark),
        "{}",
        n["marks"]
    );
}

#[test]
fn container_in_kubernetes_looking_cgroups_reports_pod() {
    let Some(c) = start_container() else { return };
    let uid = format!("3f2a9c1e-7b4d-4e5f-8a6b-{:012x}", std::process::id());
    let id = format!("{:064x}", 0xfeed_0000_u64 + u64::from(std::process::id()));

    // cgroup v1, cgroupfs driver, burstable.
    let rel = format!("kubepods/burstable/pod{uid}/{id}");
    let Some(v1) = CgroupGuard::create("/sys/fs/cgroup/pids", &rel, c.init) else {
        return;
    };
    let cg = fs::read_to_string(format!("/proc/{}/cgroup", c.init)).unwrap();
    assert!(cg.contains(&format!(":pids:/{rel}\n")), "{cg}");
    check_pod(c.init, "kubernetes", &id, &uid, "burstable");
    drop(v1);
    let p = json(["inspect", &c.init.to_string(), "--json"]);
    assert_eq!(p["container"], Value::Null);
    assert!(
        !Path::new(&format!("/sys/fs/cgroup/pids/kubepods/burstable/pod{uid}")).exists(),
        "cgroup directories removed"
    );

    // cgroup v2, systemd driver, besteffort, containerd.
    let us = uid.replace('-', "_");
    let rel = format!(
        "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{us}.slice/cri-containerd-{id}.scope"
    );
    let Some(v2) = CgroupGuard::create("/sys/fs/cgroup/unified", &rel, c.init) else {
        return;
    };
    check_pod(c.init, "containerd", &id, &uid, "besteffort");
    drop(v2);
    drop(c.guard);
}
