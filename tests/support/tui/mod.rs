//! A fixture snapshot for the TUI tests and bench, built directly from model values: a host
//! tree, a process with a hostile name and a deleted exe, a docker container with a listening
//! socket and a pipe between two processes, a memfd exe, a denied environ, plus a synthetic
//! generator of large trees.
#![allow(dead_code)]

pub mod drive;

use procscope::model::*;
use std::collections::BTreeMap;

pub const HOSTILE_COMM: &str = "evil\u{1b}[2J\u{1b}]0;pwned\u{7}";
pub const CID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn ns(base: u64) -> BTreeMap<String, u64> {
    NS_KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), base + i as u64))
        .collect()
}

pub fn proc(pid: Pid, ppid: Pid, comm: &str, argv: &[&str], uid: u32, user: &str) -> Process {
    let ids = Ids {
        real: uid,
        effective: uid,
        saved: uid,
        fs: uid,
        real_name: Some(user.into()),
        effective_name: Some(user.into()),
    };
    Process {
        pid,
        ppid,
        start_time: 1000 + pid as u64,
        started_at: Some(1_795_331_510 + pid as u64),
        comm: comm.into(),
        state: "S".into(),
        cmdline: argv.iter().map(|a| Bytes::from(*a)).collect(),
        uid: ids.clone(),
        gid: ids,
        tracer_pid: Some(0),
        cap_eff: Some("0000000000000000".into()),
        seccomp: Some(0),
        nspid: vec![pid],
        exe: Some(Exe {
            path: format!("/usr/bin/{comm}").as_str().into(),
            deleted: false,
            memfd: false,
        }),
        cwd: Some("/".into()),
        root: Some("/".into()),
        threads: vec![Thread {
            tid: pid,
            name: comm.into(),
        }],
        environ: Some(
            vec![
                EnvEntry {
                    name: "PATH".into(),
                    value: Some("/usr/local/bin:/usr/bin:/bin".into()),
                },
                EnvEntry {
                    name: "LANG".into(),
                    value: Some("C.UTF-8".into()),
                },
            ]
            .into(),
        ),
        fds: Some(
            vec![Fd {
                fd: 0,
                kind: FdKind::Device,
                target: "/dev/null".into(),
                inode: Some(5),
                peers: vec![],
            }]
            .into(),
        ),
        namespaces: ns(4026531835).into(),
        cgroups: vec![Cgroup {
            hierarchy: 0,
            controllers: vec![],
            path: "/system.slice".into(),
        }]
        .into(),
        ..Process::default()
    }
}

pub fn fd(fd: i32, kind: FdKind, target: &str, inode: u64, peers: Vec<Pid>) -> Fd {
    Fd {
        fd,
        kind,
        target: target.into(),
        inode: Some(inode),
        peers,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn sock(
    proto: Proto,
    local: &str,
    lport: u16,
    remote: Option<(&str, u16)>,
    state: &str,
    inode: u64,
    netns: u64,
    pids: Vec<Pid>,
) -> Socket {
    Socket {
        proto,
        local_addr: local.into(),
        local_port: Some(lport),
        remote_addr: remote.map(|r| r.0.to_string()),
        remote_port: remote.map(|r| r.1),
        state: state.to_string().into(),
        sock_type: None,
        inode,
        netns,
        uid: Some(0),
        pids,
        peer: None,
    }
}

/// The fixture snapshot.
pub fn snapshot() -> Snapshot {
    let mut ps = vec![
        proc(1, 0, "systemd", &["/sbin/init"], 0, "root"),
        proc(100, 1, "sshd", &["sshd: /usr/sbin/sshd -D"], 0, "root"),
        proc(200, 100, "bash", &["-bash"], 1000, "alice"),
        proc(
            300,
            200,
            HOSTILE_COMM,
            &["./x\u{1b}[31mred", "--token=\u{202e}gnp.exe"],
            1000,
            "alice",
        ),
        proc(
            400,
            1,
            "containerd-shim",
            &["containerd-shim", "-namespace", "moby"],
            0,
            "root",
        ),
        proc(
            500,
            400,
            "nginx",
            &["nginx: master process nginx -g daemon off;"],
            0,
            "root",
        ),
        proc(
            501,
            500,
            "nginx",
            &["nginx: worker process"],
            33,
            "www-data",
        ),
        proc(600, 1, "kworkerd", &["[kworkerd]"], 0, "root"),
        proc(700, 1, "cron", &["/usr/sbin/cron", "-f"], 0, "root"),
    ];
    // 300: deleted exe, hostile name.
    ps[3].exe = Some(Exe {
        path: "/tmp/.x/evil\u{1b}[0m".into(),
        deleted: true,
        memfd: false,
    });
    ps[3].cwd = Some("/tmp/.x".into());
    // 500/501: a docker container with its own namespaces, secrets in environ, a pipe.
    let ctr = Container {
        runtime: "docker".into(),
        id: Some(CID.into()),
        pod_uid: None,
        qos: None,
    };
    for i in [5, 6] {
        let p = &mut ps[i];
        p.container = Some(ctr.clone());
        p.namespaced = true;
        p.namespaces = ns(4026532000).into();
        p.root = Some("/".into());
        std::sync::Arc::make_mut(&mut p.cgroups)[0].path =
            format!("/system.slice/docker-{CID}.scope").as_str().into();
    }
    ps[5].nspid = vec![500, 1];
    ps[6].nspid = vec![501, 7];
    ps[5].environ = Some(
        vec![
            EnvEntry {
                name: "PATH".into(),
                value: Some("/usr/sbin:/usr/bin".into()),
            },
            EnvEntry {
                name: "AWS_SECRET_ACCESS_KEY".into(),
                value: Some("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT3LmKq".into()),
            },
            EnvEntry {
                name: "GITHUB_TOKEN".into(),
                value: Some("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".into()),
            },
            EnvEntry {
                name: "NOEQUALS".into(),
                value: None,
            },
        ]
        .into(),
    );
    ps[5].fds = Some(
        vec![
            fd(0, FdKind::Device, "/dev/null", 5, vec![]),
            fd(3, FdKind::Socket, "socket:[9001]", 9001, vec![]),
            fd(4, FdKind::Pipe, "pipe:[7000]", 7000, vec![501]),
            fd(5, FdKind::Socket, "socket:[9002]", 9002, vec![]),
        ]
        .into(),
    );
    ps[6].fds = Some(vec![fd(4, FdKind::Pipe, "pipe:[7000]", 7000, vec![500])].into());
    ps[6].threads.push(Thread {
        tid: 502,
        name: "nginx-io".into(),
    });
    // 100/200: the two ends of a connected unix socket (sshd's session and bash).
    if let Some(fds) = ps[1].fds.as_mut().map(std::sync::Arc::make_mut) {
        fds.push(fd(7, FdKind::Socket, "socket:[9100]", 9100, vec![]));
    }
    if let Some(fds) = ps[2].fds.as_mut().map(std::sync::Arc::make_mut) {
        fds.push(fd(3, FdKind::Socket, "socket:[9101]", 9101, vec![]));
    }
    // 600: fileless.
    ps[7].exe = Some(Exe {
        path: "/memfd:payload".into(),
        deleted: true,
        memfd: true,
    });
    ps[7].fds = Some(vec![fd(3, FdKind::Memfd, "/memfd:payload (deleted)", 77, vec![])].into());
    // 700: environ denied.
    ps[8].environ = None;
    ps[8]
        .unavailable
        .insert("environ".into(), Unavailable::Denied);
    ps[8].fds = None;
    ps[8].unavailable.insert("fds".into(), Unavailable::Denied);
    let netns = 4026532000 + 3;
    Snapshot {
        format: Format,
        schema: SCHEMA_VERSION,
        meta: Meta {
            procscope_version: "0.1.0".into(),
            source: "/fixture/proc".into(),
            live: false,
            taken_at: 1_795_332_000,
            hostname: Some("web-1".into()),
            kernel: Some("6.1.0".into()),
            boot_id: None,
            boot_time: Some(1_795_331_000),
            ticks_per_second: 100,
            scan_ms: 42,
            masked: true,
            self_pid: 0,
            arch: None,
            ..Meta::default()
        },
        stats: Stats {
            processes: ps.len(),
            denied_fields: 2,
            ..Stats::default()
        },
        processes: ps,
        sockets: vec![
            sock(
                Proto::Tcp,
                "0.0.0.0",
                80,
                None,
                "LISTEN",
                9001,
                netns,
                vec![500],
            ),
            sock(
                Proto::Tcp,
                "172.17.0.2",
                80,
                Some(("10.0.0.5", 51234)),
                "ESTABLISHED",
                9002,
                netns,
                vec![500],
            ),
            unix(9100, 9101, 100),
            unix(9101, 9100, 200),
        ],
        netns: vec![],
    }
}

fn unix(inode: u64, peer: u64, pid: Pid) -> Socket {
    Socket {
        proto: Proto::Unix,
        local_addr: Bytes::default(),
        local_port: None,
        remote_addr: None,
        remote_port: None,
        state: "CONNECTED".into(),
        sock_type: Some("stream".into()),
        inode,
        netns: 4026531835 + 3,
        uid: None,
        pids: vec![pid],
        peer: Some(peer),
    }
}

/// A synthetic snapshot of `n` processes: a few hundred parents, each with children, every
/// process with environ and fds like a busy host.
pub fn synthetic(n: usize) -> Snapshot {
    let mut ps = Vec::with_capacity(n);
    ps.push(proc(1, 0, "init", &["/sbin/init"], 0, "root"));
    for i in 2..=n as Pid {
        let ppid = (i / 4).max(1);
        let comm = format!("worker{}", i % 97);
        let arg = format!("--id={i}");
        let mut p = proc(
            i,
            ppid,
            &comm,
            &[&format!("/usr/bin/{comm}"), &arg, "--config=/etc/app.yaml"],
            1000 + i % 5,
            "svc",
        );
        if let Some(env) = p.environ.as_mut() {
            let mut all: Vec<EnvEntry> = env.iter().map(|e| e.to_entry()).collect();
            for k in 0..20 {
                all.push(EnvEntry {
                    name: format!("VAR_{k}").as_str().into(),
                    value: Some(format!("value-{i}-{k}").as_str().into()),
                });
            }
            *env = all.into();
        }
        if let Some(fds) = p.fds.as_mut().map(std::sync::Arc::make_mut) {
            for k in 1..10 {
                fds.push(fd(
                    k,
                    FdKind::File,
                    &format!("/var/log/app{k}.log"),
                    100 + k as u64,
                    vec![],
                ));
            }
        }
        ps.push(p);
    }
    Snapshot {
        schema: SCHEMA_VERSION,
        meta: Meta {
            source: "synthetic".into(),
            ticks_per_second: 100,
            ..Meta::default()
        },
        processes: ps,
        ..Snapshot::default()
    }
}
