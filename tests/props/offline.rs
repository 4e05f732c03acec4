//! Property tests: any snapshot (non-UTF-8 bytes, every unavailable reason, odd text) survives
//! JSON, and a snapshot file (plain and gzip), unchanged apart from escaped text fields.

#![allow(clippy::unwrap_used)]

use procscope::analysis::diff::diff;
use procscope::model::{
    Bytes, Cgroup, Container, EnvEntry, Exe, Fd, FdKind, Ids, Meta, NetNs, Process, Proto,
    SCHEMA_VERSION, Snapshot, Socket, Stats, Thread, Unavailable,
};
use procscope::source::snapshot_file::{read_snapshot, write_snapshot};
use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;

fn bytes() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        vec(any::<u8>(), 0..10).prop_map(Bytes),
        any::<String>().prop_map(|s| Bytes(s.into_bytes())),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z0-9 _-]{0,12}"]
}

fn reason() -> impl Strategy<Value = Unavailable> {
    prop_oneof![
        Just(Unavailable::Denied),
        Just(Unavailable::Gone),
        Just(Unavailable::Missing),
        text().prop_map(Unavailable::Unparsable),
    ]
}

fn ids() -> impl Strategy<Value = Ids> {
    (any::<[u32; 4]>(), of(text()), of(text())).prop_map(|(n, r, e)| Ids {
        real: n[0],
        effective: n[1],
        saved: n[2],
        fs: n[3],
        real_name: r,
        effective_name: e,
    })
}

fn fd() -> impl Strategy<Value = Fd> {
    (
        any::<i32>(),
        prop::sample::select(vec![
            FdKind::File,
            FdKind::Dir,
            FdKind::Pipe,
            FdKind::Fifo,
            FdKind::Socket,
            FdKind::AnonInode,
            FdKind::Memfd,
            FdKind::Device,
            FdKind::Other,
        ]),
        bytes(),
        of(any::<u64>()),
        vec(any::<u32>(), 0..3),
    )
        .prop_map(|(fd, kind, target, inode, peers)| Fd {
            fd,
            kind,
            target,
            inode,
            peers,
        })
}

fn container() -> impl Strategy<Value = Container> {
    (text(), of(text()), of(text()), of(text())).prop_map(|(runtime, id, pod_uid, qos)| Container {
        runtime,
        id,
        pod_uid,
        qos,
    })
}

/// Any process: its identity, what its links point at, and what it holds.
fn process() -> impl Strategy<Value = Process> {
    (identity(), links(), holdings()).prop_map(|(id, l, h)| Process {
        nspid: l.nspid,
        kernel_thread: l.kernel_thread,
        exe: l.exe,
        cwd: l.cwd,
        root: l.root,
        threads: l.threads,
        environ: l.environ,
        fds: h.fds,
        fds_unresolved: h.fds_unresolved,
        namespaces: h.namespaces,
        cgroups: h.cgroups,
        container: h.container,
        namespaced: h.namespaced,
        unavailable: h.unavailable,
        ..id
    })
}

/// A process with only its identity set: pids, times, names, argv, ids, status fields.
fn identity() -> impl Strategy<Value = Process> {
    let head = (
        any::<u32>(),
        any::<u32>(),
        any::<u64>(),
        of(any::<u64>()),
        bytes(),
        text(),
        vec(bytes(), 0..4),
        ids(),
        ids(),
        of(any::<u32>()),
        of(text()),
        of(any::<u8>()),
    );
    head.prop_map(|h| Process {
        pid: h.0,
        ppid: h.1,
        start_time: h.2,
        started_at: h.3,
        comm: h.4,
        state: h.5,
        cmdline: h.6,
        uid: h.7,
        gid: h.8,
        tracer_pid: h.9,
        cap_eff: h.10,
        seccomp: h.11,
        ..Process::default()
    })
}

/// A process with only its links set: nspid, exe, cwd, root, threads and environ.
fn links() -> impl Strategy<Value = Process> {
    let links = (
        vec(any::<u32>(), 0..3),
        any::<bool>(),
        of((bytes(), any::<bool>(), any::<bool>())),
        of(bytes()),
        of(bytes()),
        vec((any::<u32>(), bytes()), 0..3),
        of(vec((bytes(), of(bytes())), 0..4)),
    );
    links.prop_map(|l| Process {
        nspid: l.0,
        kernel_thread: l.1,
        exe: l.2.map(|(path, deleted, memfd)| Exe {
            path,
            deleted,
            memfd,
        }),
        cwd: l.3,
        root: l.4,
        threads: l
            .5
            .into_iter()
            .map(|(tid, name)| Thread { tid, name })
            .collect(),
        environ: l.6.map(|v| {
            v.into_iter()
                .map(|(name, value)| EnvEntry { name, value })
                .collect()
        }),
        ..Process::default()
    })
}

/// A process with only what it holds set: fds, namespaces, cgroups, container, unavailable.
fn holdings() -> impl Strategy<Value = Process> {
    let rest = (
        of(vec(fd(), 0..3)),
        any::<usize>(),
        btree_map(text(), any::<u64>(), 0..3),
        vec((any::<u32>(), vec(text(), 0..2), bytes()), 0..2),
        of(container()),
        any::<bool>(),
        btree_map(text(), reason(), 0..4),
    );
    rest.prop_map(|r| Process {
        fds: r.0.map(Into::into),
        fds_unresolved: r.1,
        namespaces: r.2.into(),
        cgroups: r
            .3
            .into_iter()
            .map(|(hierarchy, controllers, path)| Cgroup {
                hierarchy,
                controllers,
                path,
            })
            .collect::<Vec<_>>()
            .into(),
        container: r.4,
        namespaced: r.5,
        unavailable: r.6,
        ..Process::default()
    })
}

fn socket() -> impl Strategy<Value = Socket> {
    (
        prop::sample::select(Proto::ALL.to_vec()),
        bytes(),
        of(any::<u16>()),
        of(text()),
        of(any::<u16>()),
        text(),
        of(text()),
        any::<u64>(),
        any::<u64>(),
        of(any::<u32>()),
        vec(any::<u32>(), 0..3),
    )
        .prop_map(|s| Socket {
            proto: s.0,
            local_addr: s.1,
            local_port: s.2,
            remote_addr: s.3,
            remote_port: s.4,
            state: s.5.into(),
            sock_type: s.6.map(Into::into),
            inode: s.7,
            netns: s.8,
            uid: s.9,
            peer: s.10.first().map(|&p| u64::from(p) + 7),
            pids: s.10,
        })
}

fn meta() -> impl Strategy<Value = Meta> {
    (
        (text(), text(), any::<bool>(), any::<u64>()),
        (of(text()), of(text()), of(text()), of(any::<u64>())),
        (any::<u64>(), any::<u64>(), any::<bool>(), any::<u32>()),
    )
        .prop_map(|(a, b, c)| Meta {
            procscope_version: a.0,
            source: a.1,
            live: a.2,
            taken_at: a.3,
            hostname: b.0,
            kernel: b.1,
            boot_id: b.2,
            boot_time: b.3,
            ticks_per_second: c.0,
            scan_ms: c.1,
            masked: c.2,
            self_pid: c.3,
            arch: None,
            // why: a partial scan's record must survive the round trip like the rest.
            collected: procscope::model::Parts {
                fds: !c.2,
                environ: c.3 % 2 == 0,
                ..procscope::model::Parts::ALL
            },
            only: if a.2 { vec![c.3] } else { Vec::new() },
        })
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (
        meta(),
        vec(process(), 0..4),
        vec(socket(), 0..3),
        vec(
            (
                any::<u64>(),
                of(any::<u32>()),
                vec(any::<u32>(), 0..3),
                btree_map(text(), reason(), 0..2),
            ),
            0..2,
        ),
        any::<[usize; 9]>(),
    )
        .prop_map(|(meta, mut processes, sockets, netns, st)| {
            processes.sort_by_key(|p| p.pid);
            Snapshot {
                schema: SCHEMA_VERSION,
                meta,
                processes,
                sockets,
                netns: netns
                    .into_iter()
                    .map(|(inode, reader_pid, pids, unavailable)| NetNs {
                        inode,
                        reader_pid,
                        pids,
                        unavailable,
                        sock_diag: inode % 2 == 0,
                        inet_diag: if inode % 3 == 0 {
                            vec![Proto::Tcp, Proto::Udp6]
                        } else {
                            Vec::new()
                        },
                    })
                    .collect(),
                stats: Stats {
                    processes: st[0],
                    threads: st[1],
                    fds: st[2],
                    vanished: st[3],
                    denied_fields: st[4],
                    gone_fields: st[5],
                    missing_fields: st[6],
                    unparsable_fields: st[7],
                    unresolved_fds: st[8],
                },
                ..Snapshot::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn json_round_trip_is_exact(s in snapshot()) {
        let json = serde_json::to_vec(&s).unwrap();
        let back: Snapshot = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn file_round_trip_plain_and_gzip(s in snapshot(), gz in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if gz { "s.json.gz" } else { "s.json" });
        write_snapshot(&path, &s).unwrap();
        let back = read_snapshot(&path).unwrap();
        let mut want = s.clone();
        want.escape_text_fields();
        // why: a file is validated on load (sorted, unique, no dangling references).
        want.validate();
        prop_assert_eq!(&back, &want);
        // Escaping is idempotent: a file written from what was read reads back the same.
        write_snapshot(&path, &back).unwrap();
        prop_assert_eq!(read_snapshot(&path).unwrap(), want);
    }

    #[test]
    fn a_snapshot_never_differs_from_itself(s in snapshot()) {
        let d = diff(&s, &s);
        prop_assert!(d.is_empty(), "{:?}", d.processes);
    }

    #[test]
    fn diff_is_symmetric(a in snapshot(), other in snapshot(), keep in 0usize..5) {
        // b shares some processes with a (some changed) and has others of its own.
        let mut b = a.clone();
        b.processes.truncate(keep);
        for p in b.processes.iter_mut().step_by(2) {
            p.cwd = Some("/changed".into());
            p.comm = "renamed".into();
            p.kernel_thread = !p.kernel_thread;
        }
        b.processes.extend(other.processes);
        b.processes.sort_by_key(|p| p.pid);
        b.sockets.extend(other.sockets);
        let (ab, ba) = (diff(&a, &b), diff(&b, &a));
        let keys = |v: &[procscope::analysis::diff::ProcessRef]| {
            v.iter().map(|p| (p.pid, p.start_time)).collect::<Vec<_>>()
        };
        prop_assert_eq!(keys(&ab.processes.started), keys(&ba.processes.gone));
        prop_assert_eq!(keys(&ab.processes.gone), keys(&ba.processes.started));
        let changed = |v: &[procscope::analysis::diff::ProcessChange]| {
            v.iter().map(|c| (c.pid, c.start_time, c.cwd.is_some(), c.comm_change.is_some()))
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(changed(&ab.processes.changed), changed(&ba.processes.changed));
        prop_assert_eq!(&ab.listening.opened, &ba.listening.closed);
        prop_assert_eq!(&ab.connections.closed, &ba.connections.opened);
        prop_assert_eq!(&ab.containers.new, &ba.containers.gone);
        prop_assert_eq!(ab.boot, ba.boot);
    }
}
