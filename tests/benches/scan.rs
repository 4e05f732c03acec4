//! Scan benchmark: procscope's full snapshot of the live /proc (start a population first with
//! `../shared/bench/population.sh up 5000 20 4`), the same scan with levers turned off, and, in
//! the same run, the peers a responder would otherwise use (ps, pstree, lsof, ss) and the C floor
//! (`scanlb -f`, built from ../shared/bench/scanlb.c when gcc and the file are there).
//! `BENCH_PEERS=0` skips the external commands.

use criterion::{Criterion, criterion_group, criterion_main};
use procscope::collect::{self, Options};
use procscope::model::Parts;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn scan(c: &mut Criterion) {
    let n = std::fs::read_dir("/proc").map(|d| d.count()).unwrap_or(0);
    let mut g = c.benchmark_group(format!("scan/{n}-proc-entries"));
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    let full = Options::default();
    g.bench_function("procscope-snapshot-inproc", |b| {
        b.iter(|| collect::snapshot_at(Path::new("/proc"), &full).expect("scan"))
    });
    let one = Options {
        workers: 1,
        ..Options::default()
    };
    g.bench_function("procscope-snapshot-1-worker", |b| {
        b.iter(|| collect::snapshot_at(Path::new("/proc"), &one).expect("scan"))
    });
    let lean = Options {
        parts: Parts {
            fd_detail: false,
            threads: false,
            ..Parts::ALL
        },
        ..Options::default()
    };
    g.bench_function("procscope-no-fd-stat-no-threads", |b| {
        b.iter(|| collect::snapshot_at(Path::new("/proc"), &lean).expect("scan"))
    });
    if std::env::var("BENCH_PEERS").as_deref() != Ok("0") {
        let bin = env!("CARGO_BIN_EXE_procscope");
        let mut peers: Vec<(String, Vec<String>)> = vec![
            (
                "procscope-snapshot-bin".into(),
                vec![bin.into(), "snapshot".into()],
            ),
            ("procscope-tree-bin".into(), vec![bin.into(), "tree".into()]),
            (
                "procscope-sockets-bin".into(),
                vec![bin.into(), "sockets".into()],
            ),
            ("ps-ef".into(), vec!["ps".into(), "-ef".into()]),
            ("pstree-p".into(), vec!["pstree".into(), "-p".into()]),
            ("ss-tanpu".into(), vec!["ss".into(), "-tanpu".into()]),
            (
                "lsof-n-P".into(),
                vec!["lsof".into(), "-n".into(), "-P".into()],
            ),
        ];
        if let Some(lb) = scanlb() {
            peers.push((
                "scanlb-f".into(),
                vec![lb.display().to_string(), "-f".into(), "-q".into()],
            ));
            peers.push((
                "scanlb-f-t2".into(),
                vec![
                    lb.display().to_string(),
                    "-f".into(),
                    "-t".into(),
                    "2".into(),
                    "-q".into(),
                ],
            ));
        }
        for (name, argv) in peers {
            g.bench_function(name, |b| {
                b.iter(|| {
                    let st = Command::new(&argv[0])
                        .args(&argv[1..])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status();
                    assert!(st.is_ok(), "{argv:?}");
                })
            });
        }
    }
    g.finish();
}

/// Build the C floor from the shared bench folder into the target dir.
fn scanlb() -> Option<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/scanlb.c");
    if !src.exists() {
        return None;
    }
    let out = std::env::temp_dir().join("procscope-bench-scanlb");
    let ok = Command::new("gcc")
        .args(["-O2", "-pthread", "-o"])
        .arg(&out)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(out)
}

criterion_group!(benches, scan);
criterion_main!(benches);
