//! Fixture `/proc` trees built in temp dirs with `FakeProc`: a denied environ, a process that
//! vanished mid-read, missing files and malformed files. Each is reported with its reason and
//! never makes procscope panic or fail.

use crate::support::{FakeProc, assert_reasons, is_root, procscope, procscope_path};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

/// Run procscope over the fixture tree at `root`.
pub(crate) fn run(root: &Path, args: &[&str]) -> Output {
    procscope()
        .arg("--proc-root")
        .arg(root)
        .args(args)
        .output()
        .expect("run procscope")
}

/// Run procscope over the fixture tree at `root`: it succeeds without a panic; its JSON.
pub(crate) fn ok_json(root: &Path, args: &[&str]) -> Value {
    let out = run(root, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// Run procscope as uid/gid 65534 with no groups (root bypasses file permissions).
fn as_nobody(args: &[&str]) -> Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(procscope_path())
        .args(args)
        .output()
        .expect("setpriv is installed (util-linux)")
}

#[test]
fn denied_environ_says_permission_denied() {
    if !is_root() {
        eprintln!("skipped: needs root to switch to uid 65534 with setpriv");
        return;
    }
    let f = FakeProc::new();
    std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    f.process(1, 0, "init");
    f.process(42, 1, "victim").chmod("environ", 0o000);
    let root = f.path().to_str().unwrap();
    let out = as_nobody(&["--proc-root", root, "inspect", "42", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["environ"], Value::Null);
    assert_eq!(p["unavailable"]["environ"], "permission denied");
    assert_eq!(p["unavailable"].as_object().unwrap().len(), 1, "{p}");
    assert_eq!(p["comm"], "victim");
    let text = as_nobody(&["--proc-root", root, "inspect", "42"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("environ <permission denied>"), "{text}");
    let snap = as_nobody(&["--proc-root", root, "snapshot"]);
    let snap: Value = serde_json::from_slice(&snap.stdout).unwrap();
    assert_eq!(snap["stats"]["denied_fields"], 1);
    assert_reasons(&snap);
}

#[test]
fn unreadable_proc_root_is_a_one_line_error() {
    if !is_root() {
        eprintln!("skipped: needs root to switch to uid 65534 with setpriv");
        return;
    }
    let f = FakeProc::new();
    f.process(1, 0, "init");
    std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = as_nobody(&["--proc-root", f.path().to_str().unwrap(), "tree"]);
    std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("procscope: cannot open proc root "),
        "{err}"
    );
    assert!(err.contains("Permission denied"), "{err}");
}

#[test]
fn vanished_process_is_skipped_and_counted() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(7, 1, "gone").remove("stat");
    std::fs::create_dir(f.path().join("8")).unwrap();
    f.process(9, 1, "alive");
    let snap = ok_json(f.path(), &["snapshot"]);
    let pids: Vec<u64> = snap["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(pids, [1, 9]);
    assert_eq!(snap["stats"]["vanished"], 2);
    assert_eq!(snap["stats"]["processes"], 2);
    let out = run(f.path(), &["inspect", "7"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "procscope: no process with pid 7\n"
    );
}

#[test]
fn missing_files_say_missing() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(5, 1, "partial")
        .remove("environ")
        .remove("exe")
        .remove("cwd")
        .remove("fd")
        .remove("cgroup")
        .remove("cmdline")
        .remove("ns/time")
        .remove("task");
    let p = ok_json(f.path(), &["inspect", "5", "--json"]);
    let un = &p["unavailable"];
    for field in [
        "environ", "exe", "cwd", "fds", "cgroup", "cmdline", "ns.time", "threads",
    ] {
        assert_eq!(un[field], "missing", "{field}: {p}");
    }
    assert_eq!(un.as_object().unwrap().len(), 8, "{un}");
    assert_eq!(p["environ"], Value::Null);
    assert_eq!(p["fds"], Value::Null);
    assert_eq!(p["exe"], Value::Null);
    assert_eq!(p["root"], "/");
    assert_eq!(p["namespaces"].as_object().unwrap().len(), 7);
    let snap = ok_json(f.path(), &["snapshot"]);
    assert_eq!(snap["stats"]["missing_fields"], 8);
    assert_reasons(&snap);
    let text = run(f.path(), &["inspect", "5"]);
    let text = String::from_utf8(text.stdout).unwrap();
    for line in [
        "exe <missing>",
        "cwd <missing>",
        "environ <missing>",
        "fds <missing>",
        "cmdline <missing>",
        "time=<missing>",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}

#[test]
fn malformed_files_are_unparsable_never_a_panic() {
    let f = FakeProc::new();
    f.process(1, 0, "init")
        .net("tcp", "garbage\n  0: zz:zz\n")
        .net("udp", "hdr\nnot a row at all\n")
        .net("unix", "Num RefCount\nffff: zz\n")
        .net("packet", "hdr\n1 2\n")
        .net("tcp6", "header\n\u{0}\u{1}\u{ff} x y\n");
    f.process(2, 1, "badstat").file("stat", b"2 (badstat S\n");
    f.process(3, 1, "badstatus")
        .file("status", b"Name:\tx\nUid:\tone two\n");
    f.process(4, 1, "badcgroup")
        .file("cgroup", b"no colons here\n");
    f.process(5, 1, "badns").link("ns/net", b"net:garbage");
    f.process(6, 1, "shortstat").file("stat", b"6 (x) S 1\n");
    f.process(7, 1, "nocomm").file("status", b"");
    f.process(8, 1, "binary")
        .file(
            "stat",
            b"8 (\xff\x00\x1b) S 1 8 8 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
        )
        .file("cmdline", b"\xff\xfe")
        .file("environ", b"\xff=\xfe\0=\0\0");
    let snap = ok_json(f.path(), &["--reveal", "snapshot"]);
    let p = |pid: u64| {
        snap["processes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["pid"] == pid)
            .unwrap_or_else(|| panic!("pid {pid} kept"))
    };
    let why = |pid: u64, field: &str| p(pid)["unavailable"][field].as_str().map(str::to_string);
    let unparsable = |pid: u64, field: &str| {
        let w = why(pid, field).unwrap_or_else(|| panic!("{pid} {field}: {}", p(pid)));
        assert!(w.starts_with("unparsable: "), "{pid} {field}: {w}");
    };
    unparsable(2, "stat");
    unparsable(3, "status");
    // Unread ids never pass for root: (uid_t)-1 and no name.
    assert_eq!(p(3)["uid"]["effective"], u64::from(u32::MAX));
    assert_eq!(p(3)["uid"]["effective_name"], serde_json::Value::Null);
    unparsable(4, "cgroup");
    unparsable(5, "ns.net");
    unparsable(6, "stat");
    unparsable(7, "status");
    assert_eq!(
        p(8)["comm"],
        json!({"lossy": "\u{fffd}\u{0}\u{1b}", "hex": "ff001b"})
    );
    assert_eq!(p(8)["cmdline"][0]["hex"], "fffe");
    assert_eq!(p(8)["environ"][0]["name"]["hex"], "ff");
    assert_eq!(p(8)["environ"][1], json!({"name": "", "value": ""}));
    assert_eq!(p(8)["environ"][2], json!({"name": "", "value": null}));
    assert_eq!(p(8)["start_time"], 99);
    // Other fields of a process with a bad file are still read.
    assert_eq!(p(2)["cmdline"], json!(["badstat"]));
    assert_eq!(p(4)["exe"]["path"], "/usr/bin/badcgroup");
    let host = &snap["netns"][0];
    for table in ["tcp", "udp", "unix", "packet", "tcp6"] {
        let w = host["unavailable"][table].as_str().unwrap_or_default();
        assert!(w.starts_with("unparsable: "), "{table}: {host}");
        assert!(
            !w.contains('\n') && !w.contains("procfs bug"),
            "{table}: {w}"
        );
    }
    assert!(snap["sockets"].as_array().unwrap().is_empty());
    assert_eq!(snap["stats"]["unparsable_fields"], 6);
    // Text views of the same tree work too.
    for args in [["tree", "-a"], ["sockets", "-x"], ["containers", "--json"]] {
        let out = run(f.path(), &args);
        assert!(out.status.success(), "{args:?}");
    }
    let text = run(f.path(), &["inspect", "8"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("comm \\xff\\x00\\e "), "{text}");
}
