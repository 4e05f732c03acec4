//! Opening 20 hosts' snapshot files (synthetic trees of `FLEET_PROCS` processes each, 5,000 by
//! default) in the TUI's loader, in parallel, with identical blocks shared across hosts and
//! without: the time, and the peak and retained heap of each (a counting allocator over
//! mimalloc, as the binary allocates).

use criterion::{Criterion, criterion_group, criterion_main};
use procscope::source::record;
use procscope::tui::fleet::{LoadOptions, load};
use std::time::Duration;

#[path = "../support/tui/mod.rs"]
mod fixture;

// why: the procscope binary allocates with mimalloc; measure loading as the binary does it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
fn status_kb(field: &str) -> usize {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    (s.lines())
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse::<usize>()
                .ok()
        })
        .unwrap_or(0)
        * 1024
}

const HOSTS: usize = 20;

fn procs() -> usize {
    std::env::var("FLEET_PROCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000)
}

/// A directory with 20 hosts' files: the same synthetic tree under 20 host names.
fn fleet_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut snap = fixture::synthetic(procs());
    for h in 0..HOSTS {
        let host = format!("node-{h:02}");
        snap.meta.hostname = Some(host.clone());
        let name = record::file_name(&host, 1_795_000_000_000 + h as u64);
        record::write_into(dir.path(), &name, &snap).expect("write");
    }
    dir
}

/// Resident memory held by the 20 loaded hosts (RSS after minus before), and the process's
/// peak RSS so far (VmHWM: measured shared first, so its figure is the shared load's peak).
fn measure(dir: &std::path::Path, share: bool) -> (usize, usize) {
    let start = status_kb("VmRSS");
    let opt = LoadOptions { workers: 2, share };
    let hosts = load(&[dir.to_path_buf()], None, None, &opt).expect("load");
    assert_eq!(hosts.len(), HOSTS);
    assert!(hosts.iter().all(|h| h.loaded.is_some()));
    let held = status_kb("VmRSS").saturating_sub(start);
    let peak = status_kb("VmHWM");
    drop(hosts);
    (peak, held)
}

fn bench(c: &mut Criterion) {
    let dir = fleet_dir();
    let mb = |b: usize| b as f64 / (1 << 20) as f64;
    for share in [true, false] {
        let (peak, held) = measure(dir.path(), share);
        eprintln!(
            "fleet: {HOSTS} hosts x {} processes, shared={share}: peak RSS {:.1} MiB, held {:.1} MiB",
            procs(),
            mb(peak),
            mb(held)
        );
    }
    let mut g = c.benchmark_group("fleet");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for share in [true, false] {
        let name = if share {
            "open_20_shared"
        } else {
            "open_20_unshared"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let opt = LoadOptions { workers: 2, share };
                load(&[dir.path().to_path_buf()], None, None, &opt).expect("load")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
