//! Live edge cases on real processes: zombies, fileless (memfd) executables, a copied `/proc`
//! tree, an unprivileged reader, and a unix socket path built to break line-based parsing.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, fds_of, fds_of_kind, json, plant, wait_for};
use serde_json::Value;
use std::process::{Command, Stdio};

/// Environment of the planted child: a duplicate, an entry without `=`, a non-UTF-8 value.
const ENV: &[&[u8]] = &[
    b"DUP=first",
    b"DUP=second",
    b"BARE_NO_EQUALS",
    b"RAW=\xff\xfeok",
    b"API_TOKEN=planted-secret-7f3a9c2e",
];

/// Last argv entry of the planted child: invalid UTF-8 and an escape sequence.
const ARG: &[u8] = b"arg\xff\x1b[31m";

#[test]
fn zombie_fields_say_gone() {
    let mut g = Guard::default();
    let pid = g.spawn(Command::new("true").stdin(Stdio::null())).id();
    let stat = format!("/proc/{pid}/stat");
    let z = wait_for(10, || {
        let s = std::fs::read_to_string(&stat).ok()?;
        (s.rsplit(')').next()?.split_whitespace().next()? == "Z").then_some(())
    });
    assert!(z.is_some(), "child did not become a zombie");
    let p = json(["inspect", pid.to_string().as_str(), "--json"]);
    assert_eq!(p["state"], "Z");
    for field in ["exe", "cwd", "root", "environ"] {
        assert_eq!(p[field], Value::Null, "{field}");
        assert_eq!(p["unavailable"][field], "gone", "{field}: {p}");
    }
    assert_eq!(p["cmdline"], serde_json::json!([]));
}

#[test]
fn fileless_memfd_exe_is_flagged() {
    let script = "import os\n\
fd = os.memfd_create('fileless', 0)\n\
os.write(fd, open('/bin/sleep', 'rb').read())\n\
os.execve('/proc/self/fd/%d' % fd, ['sleep', '600'], {'K': 'v'})\n";
    let mut g = Guard::default();
    let Ok(child) = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::null())
        .spawn()
    else {
        eprintln!("skipped: python3 missing");
        return;
    };
    g.children.push(child);
    let pid = g.children[0].id();
    let exe = format!("/proc/{pid}/exe");
    let ok = wait_for(10, || {
        let l = std::fs::read_link(&exe).ok()?;
        l.to_str()?.starts_with("/memfd:").then_some(())
    });
    assert!(ok.is_some(), "python did not exec the memfd");
    let p = json(["--reveal", "inspect", pid.to_string().as_str(), "--json"]);
    assert_eq!(
        p["exe"],
        serde_json::json!({"path": "/memfd:fileless", "deleted": true, "memfd": true})
    );
    assert_eq!(p["cmdline"], serde_json::json!(["sleep", "600"]));
    assert_eq!(
        p["environ"],
        serde_json::json!([{"name": "K", "value": "v"}])
    );
    assert!(
        fds_of_kind(&p, "memfd")
            .iter()
            .any(|f| f["target"] == "/memfd:fileless (deleted)")
    );
}

/// Copy what procscope reads of `/proc/PID` into `dst/PID`: files as bytes, links as links.
fn copy_pid(pid: u32, dst: &std::path::Path) {
    use std::os::unix::fs::symlink;
    let src = std::path::PathBuf::from(format!("/proc/{pid}"));
    let to = dst.join(pid.to_string());
    for d in ["fd", "ns", "net", &format!("task/{pid}")] {
        std::fs::create_dir_all(to.join(d)).unwrap();
    }
    for f in [
        "stat",
        "status",
        "cmdline",
        "environ",
        "cgroup",
        &format!("task/{pid}/comm"),
    ] {
        std::fs::write(to.join(f), std::fs::read(src.join(f)).unwrap()).unwrap();
    }
    for t in [
        "tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "packet",
    ] {
        let text = std::fs::read(src.join("net").join(t)).unwrap();
        std::fs::write(to.join("net").join(t), text).unwrap();
    }
    let mut links = vec!["exe".to_string(), "cwd".into(), "root".into()];
    for d in ["fd", "ns"] {
        for e in std::fs::read_dir(src.join(d)).unwrap() {
            links.push(format!("{d}/{}", e.unwrap().file_name().to_str().unwrap()));
        }
    }
    for l in links {
        if let Ok(target) = std::fs::read_link(src.join(&l)) {
            symlink(target, to.join(&l)).unwrap();
        }
    }
}

#[test]
fn a_copied_proc_tree_reads_the_same() {
    let c = plant(ENV, ARG);
    let tmp = tempfile::tempdir().unwrap();
    copy_pid(c.pid, tmp.path());
    copy_pid(c.kid, tmp.path());
    let pid = c.pid.to_string();
    let live = json(["--reveal", "inspect", pid.as_str(), "--json"]);
    let explicit = json([
        "--reveal",
        "--proc-root",
        "/proc",
        "inspect",
        pid.as_str(),
        "--json",
    ]);
    let root = tmp.path().to_str().unwrap();
    let copy = json([
        "--reveal",
        "--proc-root",
        root,
        "inspect",
        pid.as_str(),
        "--json",
    ]);
    for key in [
        "pid",
        "ppid",
        "comm",
        "state",
        "start_time",
        "cmdline",
        "environ",
        "exe",
        "cwd",
        "root",
        "namespaces",
        "cgroups",
        "container",
        "namespaced",
        "nspid",
        "cap_eff",
        "unavailable",
    ] {
        assert_eq!(live[key], copy[key], "{key}");
        assert_eq!(live[key], explicit[key], "{key}");
    }
    // Ids match; user names come from the host's /etc/passwd only when live.
    for ids in ["uid", "gid"] {
        for key in ["real", "effective", "saved", "fs"] {
            assert_eq!(live[ids][key], copy[ids][key], "{ids}.{key}");
        }
        assert_eq!(copy[ids]["real_name"], Value::Null);
    }
    let (lf, cf) = (fds_of(&live), fds_of(&copy));
    assert_eq!(lf.len(), cf.len());
    for (l, c) in lf.iter().zip(cf) {
        for key in ["fd", "target", "socket"] {
            assert_eq!(l[key], c[key], "fd {} {key}", l["fd"]);
        }
        // stdio is shared with the test harness, which the copy does not hold.
        if l["fd"].as_i64() > Some(2) {
            assert_eq!(l["peers"], c["peers"], "fd {} peers", l["fd"]);
        }
        // Without the live kernel there is no stat of the target: a dir reads as a file.
        if l["kind"] != "dir" {
            assert_eq!(l["kind"], c["kind"], "fd {}", l["fd"]);
        }
    }
    let snap = json(["--proc-root", root, "snapshot"]);
    assert_eq!(snap["meta"]["live"], false);
    assert_eq!(snap["netns"].as_array().unwrap().len(), 1);
    assert_eq!(snap["netns"][0]["reader_pid"], c.pid);
}

#[test]
fn as_nobody_a_root_process_says_permission_denied() {
    if !crate::support::is_root() {
        eprintln!("skipped: needs root to plant a process nobody cannot read");
        return;
    }
    let c = plant(ENV, ARG);
    let nobody = |args: &[&str]| -> Value {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(crate::support::procscope_path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let p = nobody(&["--reveal", "inspect", c.pid.to_string().as_str(), "--json"]);
    for field in ["environ", "exe", "cwd", "root", "fds", "ns.net", "ns.mnt"] {
        assert_eq!(p["unavailable"][field], "permission denied", "{field}: {p}");
    }
    for field in ["environ", "exe", "cwd", "root", "fds"] {
        assert_eq!(p[field], Value::Null, "{field}");
    }
    // What the kernel shows everyone is still there.
    assert_eq!(p["cmdline"][1], "run");
    assert_eq!(p["comm"], "child-copy");
    assert_eq!(p["uid"]["effective"], 0);
    assert_eq!(p["threads"].as_array().unwrap().len(), 2);
    assert!(!p.to_string().contains("planted-secret-7f3a9c2e"));
    // The host's tables are readable through procscope's own netns; owners are not.
    let socks = nobody(&["sockets", "--json", "--listening"]);
    let l = socks
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["proto"] == "tcp" && s["local_port"] == c.tcp_listen)
        .expect("listener visible without privilege");
    assert_eq!(l["pids"], serde_json::json!([]));
}

#[test]
fn unix_socket_path_with_a_newline_hides_nothing() {
    let c = plant(ENV, ARG);
    let evil = c.dir.join("evil\n0000: not a row");
    let mut g = Guard::default();
    let py_pid = g.unix_listener(evil.as_os_str());
    let all = json(["sockets", "--json", "-x"]);
    let all = all.as_array().unwrap();
    let e = all
        .iter()
        .find(|s| s["local_addr"] == evil.to_str().unwrap())
        .expect("the socket with a newline in its path");
    assert_eq!(e["pids"], serde_json::json!([py_pid]));
    assert_eq!(e["state"], "LISTEN");
    let ok = c.dir.join("s.sock");
    assert!(all.iter().any(|s| s["local_addr"] == ok.to_str().unwrap()));
    assert!(all.iter().filter(|s| s["proto"] == "unix").count() > 2);
}
