//! Fixture `/proc` trees built in temp dirs with `FakeProc`, read whole: sockets, pipes and
//! namespaces joined across processes, parent cycles, hostile names and unix socket paths
//! holding newlines. Each is shown correctly and escaped, never a hang or a panic.

use super::proc_faults::{ok_json, run};
use crate::support::{FakeProc, TCP_HEADER, tcp_row};
use serde_json::{Value, json};

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
