//! Detection benchmark: loading and compiling ~150 rules (the built-ins plus 130 generated in
//! the shapes of Falco's rules), and evaluating them over a synthetic 5,000-process snapshot
//! (20 fds each: files, tcp sockets; a third of the processes in containers).

use criterion::{Criterion, criterion_group, criterion_main};
use procscope::analysis::detect::{self, BUILTIN, Rules};
use procscope::model::{
    Bytes, Container, EnvEntry, Exe, Fd, FdKind, Ids, NS_KINDS, Process, Proto, Snapshot, Socket,
};
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn process(pid: u32) -> Process {
    let ids = Ids {
        real: pid % 3 * 1000,
        effective: pid % 3 * 1000,
        real_name: Some("svc".into()),
        effective_name: Some("svc".into()),
        ..Ids::default()
    };
    Process {
        pid,
        ppid: pid / 2,
        start_time: 1_000 + u64::from(pid),
        comm: format!("worker-{}", pid % 50).as_str().into(),
        cmdline: vec![
            "/usr/local/bin/worker".into(),
            "--config".into(),
            format!("/etc/app/{pid}.yaml").as_str().into(),
        ],
        uid: ids.clone(),
        gid: ids,
        tracer_pid: Some(0),
        cap_eff: Some("00000000a80425fb".into()),
        tty_nr: Some(0),
        exe: Some(Exe {
            path: "/usr/local/bin/worker".into(),
            ..Exe::default()
        }),
        cwd: Some("/srv/app".into()),
        environ: Some(
            (0..30)
                .map(|i| EnvEntry {
                    name: format!("APP_{i}").as_str().into(),
                    value: Some(format!("v{pid}-{i}").as_str().into()),
                })
                .collect(),
        ),
        fds: Some(
            (0..20)
                .map(|fd| Fd {
                    fd,
                    kind: if fd % 5 == 4 {
                        FdKind::Socket
                    } else {
                        FdKind::File
                    },
                    target: if fd % 5 == 4 {
                        format!("socket:[{}]", pid * 100 + fd as u32)
                            .as_str()
                            .into()
                    } else {
                        Bytes::from(format!("/var/lib/app/data-{fd}.db").as_str())
                    },
                    inode: Some(u64::from(pid) * 100 + fd as u64),
                    peers: vec![],
                })
                .collect::<Vec<_>>()
                .into(),
        ),
        fd_flags: (0..20)
            .filter(|fd| fd % 5 != 4)
            .map(|fd| (fd, 0o2))
            .collect(),
        namespaces: NS_KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    k.to_string(),
                    4_026_531_830 + i as u64 + u64::from(pid.is_multiple_of(3)) * 100,
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
            .into(),
        container: pid.is_multiple_of(3).then(|| Container {
            runtime: "containerd".into(),
            id: Some(format!("{:064x}", pid / 30)),
            ..Container::default()
        }),
        ..Process::default()
    }
}

fn snapshot() -> Snapshot {
    let processes: Vec<Process> = (1..=5_000).map(process).collect();
    let sockets = processes
        .iter()
        .flat_map(|p| {
            p.fd_list()
                .iter()
                .filter(|f| f.kind == FdKind::Socket)
                .map(move |f| (p.pid, f.inode.unwrap_or(0)))
        })
        .map(|(pid, inode)| Socket {
            proto: Proto::Tcp,
            local_addr: "10.0.0.1".into(),
            local_port: Some((40_000 + pid % 20_000) as u16),
            remote_addr: Some("10.0.0.2".into()),
            remote_port: Some(443),
            state: "ESTABLISHED".into(),
            sock_type: None,
            inode,
            netns: 4_026_531_833,
            uid: Some(0),
            pids: vec![pid],
            peer: None,
        })
        .collect();
    Snapshot {
        processes,
        sockets,
        ..Snapshot::default()
    }
}

/// 130 rules in the shapes of Falco's: process rules over lists, open rules over paths,
/// network rules over ports, each with exceptions.
fn generated() -> String {
    let mut s = String::new();
    for i in 0..130 {
        s.push_str(&format!(
            "- list: gen_bins_{i}\n  items: [tool{i}a, tool{i}b, tool{i}c, worker-{}]\n",
            i % 60
        ));
        let cond = match i % 3 {
            0 => format!(
                "spawned_process and container and proc.name in (gen_bins_{i}) and not proc.pname in (shell_binaries) and proc.cmdline contains \"--flag{i}\""
            ),
            1 => format!(
                "open_read and fd.name startswith /etc/gen{i}/ and not proc.name in (gen_bins_{i})"
            ),
            _ => format!(
                "evt.type = connect and evt.dir = < and fd.sport in (1{i}, 2{i}, 3{i}) and not fd.sip in (10.1.0.0/16)"
            ),
        };
        s.push_str(&format!(
            "- rule: Generated {i}\n  desc: generated\n  condition: {cond}\n  output: \"gen {i} %proc.name %proc.cmdline %fd.name %container.id\"\n  priority: NOTICE\n  exceptions:\n    - name: e\n      fields: [proc.name, user.uid]\n      comps: [=, =]\n      values:\n        - [never{i}, 12345]\n"
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let files = vec![
        ("builtin".to_string(), BUILTIN.to_string()),
        ("generated".to_string(), generated()),
    ];
    let rules = Rules::load(&files).expect("rules");
    assert!(rules.rules.len() >= 150, "{} rules", rules.rules.len());
    let snap = snapshot();
    let mut g = c.benchmark_group("detect");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("load-and-compile-150-rules", |b| {
        b.iter(|| Rules::load(&files).expect("rules"))
    });
    g.bench_function("evaluate-150-rules-5000-processes", |b| {
        b.iter(|| detect::detect(&snap, &rules))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
