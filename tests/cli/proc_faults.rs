//! Fixture `/proc` trees built in temp dirs with `FakeProc`: a denied environ, a process that
//! vanished mid-read, missing files and malformed files. Each is reported with its reason and
//! never makes procscope panic or fail.

use crate::support::{
    FakeProc, TCP_HEADER, assert_reasons, is_root, procscope, procscope_path, tcp_row,
};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn run(root: &Path, args: &[&str]) -> Output {
    procscope()
        .arg("--proc-root")
        .arg(root)
        .args(args)
        .output()
        .expect("run procscope")
}

fn ok_json(root: &Path, args: &[&str]) -> Value {
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

#[test]
fn fixture_sockets_pipes_and_namespaces_are_joined() {
    let f = FakeProc::new();
    let tcp = format!(
        "{TCP_HEADER}{}{}",
        tcp_row(0, "0100007F:1F90", "00000000:0000", 0x0A, 1000, 555),
        tcp_row(1, "0100007F:1F90", "0100007F:9C40", 0x01, 1000, 556)
    );
    f.process(1, 0, "init").net("tcp", &tcp);
    f.process(10, 1, "server")
        .fd(3, "socket:[555]")
        .fd(4, "socket:[556]")
        .fd(5, "pipe:[77]")
        .fd(6, "anon_inode:[eventfd]")
        .fd(7, "/memfd:x (deleted)")
        .fd(8, "/dev/pts/0")
        .fd(9, "mnt:[4026531841]")
        .fd(10, "socket:[999]");
    f.process(11, 10, "helper").fd(0, "pipe:[77]");
    f.process(12, 1, "other-netns")
        .ns("net", 4026599999)
        .net(
            "tcp",
            &format!(
                "{TCP_HEADER}{}",
                tcp_row(0, "00000000:0050", "00000000:0000", 0x0A, 0, 999)
            ),
        )
        .fd(3, "socket:[999]");
    let p = ok_json(f.path(), &["inspect", "10", "--peers", "--json"]);
    let fds = p["fds"].as_array().unwrap();
    let kinds: Vec<&str> = fds.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "socket",
            "socket",
            "pipe",
            "anon_inode",
            "memfd",
            "device",
            "other",
            "socket"
        ]
    );
    assert_eq!(fds[0]["socket"]["state"], "LISTEN");
    assert_eq!(fds[0]["socket"]["local_port"], 8080);
    assert_eq!(fds[0]["socket"]["uid"], 1000);
    assert_eq!(fds[1]["socket"]["remote_port"], 40000);
    assert_eq!(fds[2]["peers"], json!([11]));
    assert_eq!(fds[2]["inode"], 77);
    // The socket lives in another netns's table; the inode alone still finds it.
    assert_eq!(fds[7]["socket"]["netns"], 4026599999u64);
    assert_eq!(fds[7]["peers"], json!([12]));
    let socks = ok_json(f.path(), &["sockets", "--json"]);
    let s999 = socks
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["inode"] == 999)
        .unwrap();
    assert_eq!(s999["pids"], json!([10, 12]));
    let snap = ok_json(f.path(), &["snapshot"]);
    let readers: Vec<&Value> = snap["netns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["reader_pid"])
        .collect();
    assert_eq!(readers, [&json!(1), &json!(12)]);
}

#[test]
fn ppid_cycle_and_self_parent_do_not_hang() {
    let f = FakeProc::new();
    f.process(1, 1, "selfparent");
    f.process(20, 21, "a");
    f.process(21, 20, "b");
    let t = ok_json(f.path(), &["tree", "--json"]);
    let mut seen = Vec::new();
    let mut stack: Vec<&Value> = t.as_array().unwrap().iter().collect();
    while let Some(n) = stack.pop() {
        seen.push(n["pid"].as_u64().unwrap());
        stack.extend(n["children"].as_array().unwrap());
    }
    seen.sort();
    assert_eq!(seen, [1, 20, 21]);
    let out = run(f.path(), &["tree"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 3);
}

#[test]
fn hostile_text_in_a_fixture_is_escaped_and_never_panics() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    // A multi-byte character across the 12-byte id cut, and an escape sequence.
    f.process(2, 1, "lxcname")
        .file("cgroup", "0::/lxc.payload.aéééééé\u{1b}[2J\n".as_bytes());
    f.process(3, 1, "weird")
        .ns("mnt", 4026539999)
        .file(
            "stat",
            b"3 (weird) \x1b[31m 1 3 3 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0\n",
        )
        .file(
            "status",
            b"Name:\tw\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t\x1b]0;pwned\x07\n",
        )
        .file("cgroup", b"7:name=\x1b[5m:/\n");
    for args in [
        &["tree"][..],
        &["tree", "-a", "--threads"],
        &["containers"],
        &["inspect", "2"],
        &["inspect", "3"],
        &["sockets", "-x"],
    ] {
        let out = run(f.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{args:?} prints raw control characters: {text}"
        );
    }
    let p = ok_json(f.path(), &["inspect", "2", "--json"]);
    assert_eq!(p["container"]["runtime"], "lxc");
    assert_eq!(p["container"]["id"], "aéééééé\u{1b}[2J");
    let t = ok_json(f.path(), &["containers", "--json"]);
    assert_eq!(t[0]["id"], "aéééééé\u{1b}[2J");
}

#[test]
fn unix_path_with_newlines_keeps_the_table() {
    let f = FakeProc::new();
    let unix = "Num       RefCount Protocol Flags    Type St Inode Path\n\
0000000000000000: 00000002 00000000 00010000 0001 01 301 /run/ok.sock\n\
0000000000000000: 00000002 00000000 00010000 0001 01 302 /tmp/evil\n\
second line\n\
\n\
0000000000000000: 00000003 00000000 00000000 0001 03 303\n\
0000000000000000: 00000002 00000000 00010000 0002 01 304 /tmp/trailing\n\
\n";
    f.process(1, 0, "init")
        .net("tcp", TCP_HEADER)
        .net("unix", unix)
        .fd(3, "socket:[302]")
        .fd(4, "socket:[301]");
    let s = ok_json(f.path(), &["sockets", "--json", "-x"]);
    let paths: Vec<(u64, &str)> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["inode"].as_u64().unwrap(),
                x["local_addr"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            (301, "/run/ok.sock"),
            (302, "/tmp/evil\nsecond line\n"),
            (303, ""),
            (304, "/tmp/trailing\n")
        ]
    );
    assert_eq!(s[1]["pids"], json!([1]));
    let snap = ok_json(f.path(), &["snapshot"]);
    assert!(snap["netns"][0]["unavailable"].get("unix").is_none());
    // Text output escapes the newline.
    let text = run(f.path(), &["sockets", "-x"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("/tmp/evil\\nsecond line\\n "), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
}
