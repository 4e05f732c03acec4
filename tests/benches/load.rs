//! Loading a large snapshot file: 5,000 synthetic processes shaped like a busy node (30 environ
//! entries, 20 fds, 10 cgroup lines each, 6 sockets per process), plain and gzip.

use criterion::{Criterion, criterion_group, criterion_main};
use procscope::model::{
    Bytes, Cgroup, EnvEntry, Exe, Fd, FdKind, Ids, NS_KINDS, Process, Proto, SCHEMA_VERSION,
    Snapshot, Socket, Thread, Unavailable,
};
use procscope::source::snapshot_file::{read_snapshot, write_snapshot};
use std::time::Duration;

// why: the procscope binary allocates with mimalloc; measure loading as the binary does it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PROCESSES: u32 = 5_000;

fn process(pid: u32) -> Process {
    let ids = Ids {
        real: pid % 3 * 1000,
        effective: pid % 3 * 1000,
        saved: 0,
        fs: 0,
        real_name: Some("svc".into()),
        effective_name: Some("svc".into()),
    };
    let mut p = Process {
        pid,
        ppid: pid / 2,
        start_time: 1_000 + u64::from(pid),
        started_at: Some(1_795_000_000 + u64::from(pid)),
        comm: format!("worker-{}", pid % 50).as_str().into(),
        state: "S".into(),
        cmdline: vec![
            "/usr/local/bin/worker".into(),
            "--config".into(),
            format!("/etc/app/{pid}.yaml").as_str().into(),
            Bytes(vec![b'-', 0xff, b'x']),
        ],
        uid: ids.clone(),
        gid: ids,
        tracer_pid: Some(0),
        cap_eff: Some("0000000000000000".into()),
        seccomp: Some(2),
        nspid: vec![pid],
        exe: Some(Exe {
            path: "/usr/local/bin/worker".into(),
            ..Exe::default()
        }),
        cwd: Some(format!("/srv/app/{}", pid % 10).as_str().into()),
        root: Some("/".into()),
        threads: (0..2)
            .map(|t| Thread {
                tid: pid * 10 + t,
                name: "worker".into(),
            })
            .collect(),
        environ: Some(environ(pid).into()),
        fds: Some(fds(pid).into()),
        namespaces: NS_KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), 4_026_531_830 + i as u64))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into(),
        cgroups: (0..10)
            .map(|h| Cgroup {
                hierarchy: h,
                controllers: vec!["memory".into()],
                path: "/system.slice/app.service".into(),
            })
            .collect::<Vec<_>>()
            .into(),
        ..Process::default()
    };
    if pid.is_multiple_of(7) {
        p.unavailable.insert("environ".into(), Unavailable::Denied);
        p.environ = None;
    }
    p
}

/// 30 environ entries of process `pid`.
fn environ(pid: u32) -> Vec<EnvEntry> {
    (0..30)
        .map(|i| EnvEntry {
            name: format!("APP_SETTING_{i}").as_str().into(),
            value: Some(format!("value-{pid}-{i}-abcdefghijkl").as_str().into()),
        })
        .collect()
}

/// 20 fds of process `pid`, every third a socket.
fn fds(pid: u32) -> Vec<Fd> {
    (0..20)
        .map(|fd| Fd {
            fd,
            kind: if fd % 3 == 0 {
                FdKind::Socket
            } else {
                FdKind::File
            },
            target: format!("/var/lib/app/data-{fd}.db").as_str().into(),
            inode: Some(u64::from(pid) * 100 + fd as u64),
            peers: vec![],
        })
        .collect()
}

fn socket(i: u32) -> Socket {
    Socket {
        proto: if i.is_multiple_of(2) {
            Proto::Tcp
        } else {
            Proto::Unix
        },
        local_addr: "10.0.0.1".into(),
        local_port: Some((i % 60_000) as u16),
        remote_addr: Some("10.0.0.2".into()),
        remote_port: Some(443),
        state: "ESTABLISHED".into(),
        sock_type: None,
        inode: u64::from(i) + 10_000,
        netns: 4_026_531_840,
        uid: Some(0),
        pids: vec![1 + i / 6],
        peer: None,
    }
}

fn synthetic() -> Snapshot {
    let mut s = Snapshot {
        schema: SCHEMA_VERSION,
        processes: (1..=PROCESSES).map(process).collect(),
        sockets: (0..PROCESSES * 6).map(socket).collect(),
        ..Snapshot::default()
    };
    s.meta.hostname = Some("node".into());
    s.meta.masked = true;
    s
}

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = synthetic();
    let mut g = c.benchmark_group("load_5000_processes");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for name in ["snapshot.json", "snapshot.json.gz"] {
        let path = dir.path().join(name);
        write_snapshot(&path, &snap).expect("write");
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!("{name}: {size} bytes");
        g.bench_function(name, |b| {
            b.iter(|| {
                let s = read_snapshot(&path).expect("read");
                assert_eq!(s.processes.len(), PROCESSES as usize);
                s
            })
        });
    }
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
