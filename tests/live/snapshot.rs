//! Live tests on real processes: the C test child plants a known environ, argv, cwd, deleted
//! executable and one fd of every kind, and every one is checked through `inspect --json`,
//! `sockets --json` and `tree --json`.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Planted, fds_of, fds_of_kind, json, plant, procscope};
use serde_json::Value;

/// The environment planted in the child, byte for byte.
const ENV: &[&[u8]] = &[
    b"DUP=first",
    b"PLAIN=hello",
    b"DUP=second",
    b"BARE_NO_EQUALS",
    b"RAW=\xff\xfeok",
    b"API_TOKEN=planted-secret-7f3a9c2e",
];

/// Last argv entry: invalid UTF-8, an escape sequence and a bidi override.
const ARG: &[u8] = b"arg\xff\x1b[31mred\xe2\x80\xaeevil";

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn pids(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("list of pids")
        .iter()
        .map(|x| x.as_u64().expect("pid"))
        .collect()
}

#[test]
fn inspect_reports_planted_environ_argv_exe_cwd_and_fds() {
    let c = plant(ENV, ARG);
    let p = json([
        "--reveal",
        "inspect",
        c.pid.to_string().as_str(),
        "--peers",
        "--json",
    ]);
    check_identity(&p, &c);
    check_argv_and_exe(&p, &c);
    check_environ(&p);
    check_namespaces(&p);
    check_fd_kinds(&p, &c);
    check_sockets(&p, &c);
    let pipe_inode = &check_pipes(&p, &c);
    check_fd_numbers(&p, &c);

    // The forked child sees the parent as its pipe peer.
    let k = json(["inspect", c.kid.to_string().as_str(), "--peers", "--json"]);
    assert_eq!(k["ppid"], c.pid);
    let kp = fds_of_kind(&k, "pipe");
    assert!(
        kp.iter()
            .any(|f| &f["inode"] == pipe_inode && pids(&f["peers"]) == vec![c.pid as u64])
    );
}

/// Pid, parent, name, state, threads and ids of the planted child.
fn check_identity(p: &Value, c: &Planted) {
    assert_eq!(p["pid"], c.pid);
    assert_eq!(p["ppid"], std::process::id());
    assert_eq!(p["comm"], "child-copy");
    assert_eq!(p["state"], "S");
    assert!(p["start_time"].as_u64().unwrap() > 0);
    assert!(
        p["threads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["tid"] == c.pid)
    );
    let uid = rustix::process::geteuid().as_raw();
    assert_eq!(p["uid"]["effective"], uid);
    assert_eq!(p["gid"]["real"], rustix::process::getgid().as_raw());
}

/// Its argv (raw bytes kept as hex, shown lossily, never an error), exe, cwd and root.
fn check_argv_and_exe(p: &Value, c: &Planted) {
    let argv = p["cmdline"].as_array().unwrap();
    assert_eq!(argv.len(), 4);
    assert_eq!(s(&argv[0]), c.exe.to_str().unwrap());
    assert_eq!(argv[1], "run");
    assert_eq!(s(&argv[2]), c.dir.to_str().unwrap());
    assert_eq!(
        s(&argv[3]["hex"]),
        ARG.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    assert_eq!(s(&argv[3]["lossy"]), String::from_utf8_lossy(ARG));
    assert!(
        !p["unavailable"]
            .as_object()
            .unwrap()
            .contains_key("cmdline")
    );

    // exe: deleted copy; cwd and root.
    assert_eq!(s(&p["exe"]["path"]), c.exe.to_str().unwrap());
    assert_eq!(p["exe"]["deleted"], true);
    assert_eq!(p["exe"]["memfd"], false);
    assert_eq!(s(&p["cwd"]), c.dir.to_str().unwrap());
    assert_eq!(p["root"], "/");
}

/// Its environ: order, duplicates, entry without '=', non-UTF-8 value (revealed).
fn check_environ(p: &Value) {
    let env = p["environ"].as_array().unwrap();
    let names: Vec<&str> = env.iter().map(|e| s(&e["name"])).collect();
    assert_eq!(
        names,
        ["DUP", "PLAIN", "DUP", "BARE_NO_EQUALS", "RAW", "API_TOKEN"]
    );
    assert_eq!(env[0]["value"], "first");
    assert_eq!(env[2]["value"], "second");
    assert_eq!(env[3]["value"], Value::Null);
    assert_eq!(env[4]["value"]["hex"], "fffe6f6b");
    assert_eq!(env[5]["value"], "planted-secret-7f3a9c2e");
}

/// Its namespaces: the same as ours, from the ns links; not namespaced, no container.
fn check_namespaces(p: &Value) {
    for kind in ["net", "mnt", "pid", "user", "uts", "ipc"] {
        let ours = std::fs::read_link(format!("/proc/self/ns/{kind}")).unwrap();
        let want = format!("{kind}:[{}]", p["namespaces"][kind]);
        assert_eq!(ours.to_str().unwrap(), want, "{kind}");
    }
    assert_eq!(p["namespaced"], false);
    assert_eq!(p["container"], Value::Null);
    assert!(!p["cgroups"].as_array().unwrap().is_empty());
}

/// One fd of every kind, each classified.
fn check_fd_kinds(p: &Value, c: &Planted) {
    let file = fds_of_kind(p, "file");
    assert!(
        file.iter()
            .any(|f| s(&f["target"]) == c.dir.join("file.txt").to_str().unwrap()),
        "{file:?}"
    );
    let dir = fds_of_kind(p, "dir");
    assert!(
        dir.iter()
            .any(|f| s(&f["target"]) == c.dir.to_str().unwrap())
    );
    let anon = fds_of_kind(p, "anon_inode");
    assert!(
        anon.iter()
            .any(|f| s(&f["target"]) == "anon_inode:[eventfd]")
    );
    let memfd = fds_of_kind(p, "memfd");
    assert!(
        memfd
            .iter()
            .any(|f| s(&f["target"]).starts_with("/memfd:planted"))
    );
    let dev = fds_of_kind(p, "device");
    assert!(
        dev.iter()
            .any(|f| f["target"] == "/dev/null" && f["fd"] == 0)
    );
    let other = fds_of_kind(p, "other");
    assert!(other.iter().any(|f| s(&f["target"]).starts_with("net:[")));
}

/// Five sockets: tcp listener, client, accepted, udp, unix; each with its socket and peer.
fn check_sockets(p: &Value, c: &Planted) {
    let socks = fds_of_kind(p, "socket");
    assert_eq!(socks.len(), 5, "{socks:?}");
    for f in &socks {
        assert!(f["socket"].is_object(), "socket fd without socket: {f}");
        assert_eq!(pids(&f["peers"]), vec![c.kid as u64], "{f}");
    }
    let by = |pred: &dyn Fn(&Value) -> bool| socks.iter().filter(|f| pred(&f["socket"])).count();
    assert_eq!(
        by(&|x| x["proto"] == "tcp" && x["state"] == "LISTEN" && x["local_port"] == c.tcp_listen),
        1
    );
    assert_eq!(
        by(&|x| x["state"] == "ESTABLISHED"
            && x["local_port"] == c.tcp_client
            && x["remote_port"] == c.tcp_listen),
        1
    );
    assert_eq!(
        by(&|x| x["state"] == "ESTABLISHED"
            && x["local_port"] == c.tcp_listen
            && x["remote_port"] == c.tcp_client),
        1
    );
    assert_eq!(by(&|x| x["proto"] == "udp" && x["local_port"] == c.udp), 1);
    let unix_path = c.dir.join("s.sock");
    assert_eq!(
        by(&|x| x["proto"] == "unix"
            && x["state"] == "LISTEN"
            && x["local_addr"] == unix_path.to_str().unwrap()),
        1
    );
}

/// The pipe shared with the forked child (stdout is a pipe read by this test): its inode.
fn check_pipes(p: &Value, c: &Planted) -> Value {
    let pipes = fds_of_kind(p, "pipe");
    assert!(pipes.len() >= 3, "{pipes:?}");
    let shared: Vec<_> = pipes
        .iter()
        .filter(|f| f["fd"].as_i64() > Some(2))
        .collect();
    assert_eq!(shared.len(), 2);
    let pipe_inode = &shared[0]["inode"];
    assert!(pipe_inode.is_u64());
    for f in &shared {
        assert_eq!(pids(&f["peers"]), vec![c.kid as u64]);
        assert_eq!(&f["inode"], pipe_inode);
    }
    pipe_inode.clone()
}

/// The fd numbers equal the kernel's list, none unresolved.
fn check_fd_numbers(p: &Value, c: &Planted) {
    let mut want: Vec<i64> = std::fs::read_dir(format!("/proc/{}/fd", c.pid))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_str().unwrap().parse().unwrap())
        .collect();
    want.sort();
    let have: Vec<i64> = fds_of(p)
        .iter()
        .map(|f| f["fd"].as_i64().unwrap())
        .collect();
    assert_eq!(have, want);
    assert_eq!(p["fds_unresolved"], 0);
}

#[test]
fn masked_environ_never_shows_the_planted_value() {
    let c = plant(ENV, ARG);
    for args in [
        vec!["inspect", &*c.pid.to_string(), "--json"],
        vec!["inspect", &*c.pid.to_string()],
        vec!["snapshot"],
    ] {
        let out = procscope().args(&args).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("planted-secret-7f3a9c2e"), "{args:?} leaks");
    }
    let revealed = procscope()
        .args(["--reveal", "inspect", c.pid.to_string().as_str()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&revealed.stdout).contains("API_TOKEN=planted-secret-7f3a9c2e")
    );
}

#[test]
fn sockets_json_lists_the_child_sockets_with_owners() {
    let c = plant(ENV, ARG);
    let netns = std::fs::read_link("/proc/self/ns/net").unwrap();
    let all = json(["sockets", "--json", "-x"]);
    let all = all.as_array().unwrap();
    let find =
        |pred: &dyn Fn(&Value) -> bool| -> Vec<&Value> { all.iter().filter(|x| pred(x)).collect() };
    let owners = vec![c.pid as u64, c.kid as u64];
    let listen =
        find(&|x| x["proto"] == "tcp" && x["local_port"] == c.tcp_listen && x["state"] == "LISTEN");
    assert_eq!(listen.len(), 1);
    assert_eq!(listen[0]["local_addr"], "127.0.0.1");
    assert_eq!(pids(&listen[0]["pids"]), owners);
    assert_eq!(
        format!("net:[{}]", listen[0]["netns"]),
        netns.to_str().unwrap()
    );
    assert_eq!(listen[0]["uid"], rustix::process::geteuid().as_raw());
    let est = find(&|x| {
        x["proto"] == "tcp"
            && x["state"] == "ESTABLISHED"
            && ((x["local_port"] == c.tcp_client && x["remote_port"] == c.tcp_listen)
                || (x["local_port"] == c.tcp_listen && x["remote_port"] == c.tcp_client))
    });
    assert_eq!(est.len(), 2, "{est:?}");
    for e in est {
        assert_eq!(pids(&e["pids"]), owners);
        assert_eq!(e["remote_addr"], "127.0.0.1");
    }
    let udp = find(&|x| x["proto"] == "udp" && x["local_port"] == c.udp);
    assert_eq!(udp.len(), 1);
    assert_eq!(udp[0]["state"], "UNCONN");
    assert_eq!(pids(&udp[0]["pids"]), owners);
    let path = c.dir.join("s.sock");
    let ux = find(&|x| x["proto"] == "unix" && x["local_addr"] == path.to_str().unwrap());
    assert_eq!(ux.len(), 1);
    assert_eq!(
        (ux[0]["state"].as_str(), ux[0]["sock_type"].as_str()),
        (Some("LISTEN"), Some("stream"))
    );
    assert_eq!(pids(&ux[0]["pids"]), owners);

    // Default selection is tcp and udp only; --listening keeps listeners.
    let tu = json(["sockets", "--json"]);
    assert!(
        tu.as_array()
            .unwrap()
            .iter()
            .all(|x| ["tcp", "tcp6", "udp", "udp6"].contains(&s(&x["proto"])))
    );
    let l = json(["sockets", "--json", "--listening"]);
    let l = l.as_array().unwrap();
    assert!(
        l.iter()
            .any(|x| x["local_port"] == c.tcp_listen && x["proto"] == "tcp")
    );
    assert!(
        l.iter()
            .any(|x| x["local_port"] == c.udp && x["proto"] == "udp")
    );
    assert!(!l.iter().any(|x| x["state"] == "ESTABLISHED"));
}

#[test]
fn tree_json_nests_the_child_and_its_fork() {
    let c = plant(ENV, ARG);
    let me = std::process::id() as u64;
    let t = json(["tree", "--json", "--threads"]);
    let node = crate::support::find_node(&t, me).expect("test process in tree");
    let child = node["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["pid"] == c.pid)
        .expect("child under the test process");
    assert_eq!(child["ppid"], me);
    assert_eq!(child["comm"], "child-copy");
    assert_eq!(child["cmdline"][1], "run");
    assert_eq!(
        child["cmdline"][3]["lossy"],
        String::from_utf8_lossy(ARG).as_ref()
    );
    let threads = child["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 2, "{threads:?}");
    assert_eq!(threads[0]["tid"], c.pid);
    assert_eq!(threads[0]["name"], "child-copy");
    assert_eq!(threads[1]["name"], "worker");
    let worker_tid = threads[1]["tid"].as_u64().unwrap();
    assert!(std::path::Path::new(&format!("/proc/{}/task/{worker_tid}", c.pid)).exists());
    let kids = child["children"].as_array().unwrap();
    assert_eq!(kids.len(), 1);
    assert_eq!(kids[0]["pid"], c.kid);
    assert_eq!(kids[0]["children"], Value::Array(vec![]));
    assert_eq!(kids[0]["marks"], Value::Array(vec![]));

    // Subtree from a pid: the child is the only root.
    let sub = json(["tree", c.pid.to_string().as_str(), "--json"]);
    assert_eq!(sub.as_array().unwrap().len(), 1);
    assert_eq!(sub[0]["pid"], c.pid);
    assert_eq!(sub[0]["children"][0]["pid"], c.kid);
    // JSON nodes always carry their threads.
    assert_eq!(sub[0]["threads"].as_array().unwrap().len(), 2);
    let text = procscope()
        .args(["tree", "--threads", c.pid.to_string().as_str()])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], format!("child-copy({})", c.pid));
    assert_eq!(lines[1], format!("├─{{worker}}({worker_tid})"));
    assert_eq!(lines[2], format!("└─child-copy({})", c.kid));
}

#[test]
fn text_output_escapes_controls_and_bidi_while_json_keeps_bytes() {
    let c = plant(ENV, ARG);
    for args in [
        vec!["inspect".to_string(), c.pid.to_string()],
        vec!["--reveal".into(), "inspect".into(), c.pid.to_string()],
        vec!["tree".into(), "-a".into(), c.pid.to_string()],
    ] {
        let out = procscope().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).expect("text output is UTF-8");
        assert!(!text.contains('\u{1b}'), "{args:?}: raw ESC");
        assert!(!text.contains('\u{202e}'), "{args:?}: raw bidi override");
        // tree -a shows argv lossily (U+FFFD), inspect byte-exact (\\xff): both escape.
        assert!(text.contains("\\e[31mred\\u{202e}evil"), "{args:?}: {text}");
    }
    let revealed = procscope()
        .args(["--reveal", "inspect", c.pid.to_string().as_str()])
        .output()
        .unwrap();
    let text = String::from_utf8(revealed.stdout).unwrap();
    assert!(text.contains("RAW=\\xff\\xfeok"), "{text}");
    assert!(text.contains("BARE_NO_EQUALS (no '=')"));
    assert!(text.contains("[deleted]"));
}
