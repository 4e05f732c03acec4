//! Test support: a snapshot whose every text field is hostile (ESC, 0x9b, a bidi override and a
//! newline, each value tagged), and the check that output shows them escaped, never raw.

use crate::model::*;
use std::sync::Arc;

/// The hostile value tagged `tag`.
pub fn h(tag: &str) -> String {
    format!("{tag}\u{1b}[31m\u{9b}1m\u{202e}\nZZ")
}

/// How [`h`] of `tag` looks escaped.
pub fn escaped(tag: &str) -> String {
    format!("{tag}\\e[31m\\x9b1m\\u{{202e}}\\nZZ")
}

/// Tags whose whole value every output showing that field prints (ids are cut short).
pub const OVERVIEW_TAGS: [&str; 13] = [
    "COMM", "STATE", "ARG0", "EXE", "CWD", "ROOT", "UNAME", "CAP", "RT", "POD", "QOS", "CTRL",
    "CGPATH",
];

/// No terminal control, C1 byte, bidi override or raw newline inside any line of `out`, and
/// every tag of `tags` shown escaped.
pub fn assert_clean(out: &str, tags: &[&str]) {
    for bad in ['\u{1b}', '\u{9b}', '\u{202e}', '\u{7}'] {
        assert!(!out.contains(bad), "raw {bad:?} in:\n{out}");
    }
    for l in out.lines() {
        assert!(
            !l.trim_start().starts_with("ZZ"),
            "raw newline before {l:?} in:\n{out}"
        );
    }
    for t in tags {
        assert!(
            out.contains(&escaped(t)),
            "{t} not shown escaped in:\n{out}"
        );
    }
}

fn ns(base: u64, net: u64) -> Arc<std::collections::BTreeMap<String, u64>> {
    let mut m: std::collections::BTreeMap<String, u64> = (NsKind::ALL.iter().enumerate())
        .map(|(i, k)| (k.name().to_string(), base + i as u64))
        .collect();
    m.insert("net".into(), net);
    Arc::new(m)
}

fn hostile_process() -> Process {
    let name = Some(h("UNAME"));
    let ids = Ids {
        real: 1000,
        effective: 1000,
        real_name: name.clone(),
        effective_name: name,
        ..Ids::default()
    };
    let mut p = Process {
        pid: 10,
        ppid: 1,
        start_time: 10,
        comm: h("COMM").as_str().into(),
        state: h("STATE"),
        cmdline: vec![h("ARG0").as_str().into(), "ZZ--x".into()],
        uid: ids.clone(),
        gid: Ids {
            real_name: Some(h("GNAME")),
            ..ids
        },
        cap_eff: Some(h("CAP")),
        seccomp: Some(2),
        exe: Some(Exe {
            path: h("EXE").as_str().into(),
            deleted: true,
            memfd: false,
        }),
        cwd: Some(h("CWD").as_str().into()),
        root: Some(h("ROOT").as_str().into()),
        threads: vec![Thread {
            tid: 12,
            name: h("THREAD").as_str().into(),
        }],
        environ: Some(Environ::from(vec![
            EnvEntry {
                name: h("ENVN").as_str().into(),
                value: Some(h("ENVV").as_str().into()),
            },
            EnvEntry {
                name: h("TOKN").as_str().into(),
                value: Some("ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6".into()),
            },
        ])),
        namespaces: ns(100, 4026),
        cgroups: Arc::new(vec![Cgroup {
            hierarchy: 0,
            controllers: vec![h("CTRL")],
            path: h("CGPATH").as_str().into(),
        }]),
        container: Some(Container {
            runtime: h("RT"),
            id: Some(h("ID")),
            pod_uid: Some(h("POD")),
            qos: Some(h("QOS")),
        }),
        namespaced: true,
        ..Process::default()
    };
    p.fds = Some(Arc::new(vec![
        Fd {
            fd: 3,
            kind: FdKind::Socket,
            target: "socket:[42]".into(),
            inode: Some(42),
            peers: vec![],
        },
        Fd {
            fd: 4,
            kind: FdKind::Pipe,
            target: h("FDT").as_str().into(),
            inode: Some(9),
            peers: vec![11],
        },
    ]));
    p.unavailable
        .insert(h("UF"), Unavailable::Unparsable(h("DETAIL")));
    p
}

fn socket(inode: u64, peer: u64, pid: Pid) -> Socket {
    Socket {
        proto: Proto::Tcp,
        local_addr: h("LADDR").as_str().into(),
        local_port: Some(80),
        remote_addr: Some(h("RADDR")),
        remote_port: Some(5),
        state: h("SSTATE").into(),
        sock_type: None,
        inode,
        netns: 4026,
        uid: Some(0),
        pids: vec![pid],
        peer: Some(peer),
    }
}

/// pid 1 (plain), its child 10 (every field hostile, in a container, holding socket 42 and a
/// pipe shared with 11), and 11 (hostile comm, holding socket 43, the other end of 42).
pub fn snapshot() -> Snapshot {
    let init = Process {
        pid: 1,
        comm: "init".into(),
        state: "S".into(),
        root: Some("/".into()),
        namespaces: ns(0, 4026),
        ..Process::default()
    };
    let peer = Process {
        pid: 11,
        ppid: 1,
        start_time: 11,
        comm: h("PEER").as_str().into(),
        state: "S".into(),
        namespaces: ns(0, 4026),
        ..Process::default()
    };
    Snapshot {
        processes: vec![init, hostile_process(), peer],
        sockets: vec![socket(42, 43, 10), socket(43, 42, 11)],
        ..Snapshot::default()
    }
}
