//! Cost of the secret scan against what a snapshot already pays: a synthetic population shaped
//! like shared/bench/population.sh (5,000 processes, ~4 KiB of environment each, a planted secret
//! every 97th process), timing `scan`, `mask_snapshot` and the snapshot's JSON serialisation.

use criterion::{Criterion, criterion_group, criterion_main};
use procscope::analysis::secrets::{self, RuleSet};
use procscope::model::{Bytes, EnvEntry, Process, Snapshot};
use std::hint::black_box;

const WORDS: [&str; 10] = [
    "enabled",
    "cluster",
    "eu-west-1",
    "/var/lib/app/data",
    "info",
    "json",
    "primary",
    "replica",
    "/opt/app/lib",
    "metrics",
];

fn population(n: u32) -> Snapshot {
    let env = |k: &str, v: String| EnvEntry {
        name: Bytes::from(k),
        value: Some(Bytes::from(v.as_str())),
    };
    let processes = (1..=n)
        .map(|pid| {
            let mut e = vec![
                env(
                    "PATH",
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin".into(),
                ),
                env("HOME", "/root".into()),
                env(
                    "INVOCATION_ID",
                    format!("{:032x}", pid as u128 * 0x9e3779b97f4a7c15),
                ),
                env("APP_ENV", "production".into()),
            ];
            if pid % 97 == 48 {
                e.push(env("GITHUB_TOKEN", format!("ghp_{:0>36}", pid)));
                e.push(env("DB_PASSWORD", format!("Pw{pid}xQ!z")));
            }
            let mut bytes = 0;
            let mut k = 0;
            while bytes < 4096 {
                let v: Vec<&str> = (0..6)
                    .map(|w| WORDS[(pid as usize + k * 7 + w * 3) % WORDS.len()])
                    .collect();
                let v = v.join(":");
                bytes += v.len() + 12;
                e.push(env(&format!("APP_OPT_{k:03}"), v));
                k += 1;
            }
            Process {
                pid,
                comm: Bytes::from("pop-worker"),
                cmdline: [
                    "pop-worker",
                    "--role=worker",
                    "--port",
                    "8080",
                    "--state",
                    "/tmp/x",
                ]
                .iter()
                .map(|a| Bytes::from(*a))
                .collect(),
                environ: Some(e.into()),
                ..Process::default()
            }
        })
        .collect();
    Snapshot {
        processes,
        ..Snapshot::default()
    }
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::builtin().expect("builtin rules");
    let snap = population(5000);
    let mut g = c.benchmark_group("secrets-5000");
    g.sample_size(10);
    g.bench_function("compile rules", |b| {
        b.iter(|| RuleSet::builtin().expect("rules"))
    });
    g.bench_function("scan", |b| {
        b.iter(|| secrets::scan(black_box(&snap), &rules))
    });
    g.bench_function("mask_snapshot", |b| {
        b.iter_batched(
            || snap.clone(),
            |mut s| secrets::mask_snapshot(&mut s, &rules),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("serialize snapshot", |b| {
        b.iter(|| serde_json::to_writer(std::io::sink(), black_box(&snap)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
