//! Opening 20 hosts' snapshot files (synthetic trees of `FLEET_PROCS` processes each, 5,000 by
//! default; a tenth of each host's environ blocks its own, the rest as on every host) in the
//! TUI's loader, in parallel on two workers, with identical blocks shared across hosts and
//! without. Reports the time (criterion), the peak and held resident memory of each way (each
//! measured in a fresh child process of this bench, so one does not reuse the other's pages),
//! and the environ bytes stored. Opening includes what the TUI derives from each host (the tree,
//! secrets with the built-in rules, alerts, containers, search text).

use criterion::Criterion;
use procscope::analysis::secrets::RuleSet;
use procscope::model::EnvEntry;
use procscope::source::record;
use procscope::tui::fleet::{LoadOptions, load};
use procscope::tui::state::fleet::LoadedHost;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

#[path = "../support/tui/mod.rs"]
mod fixture;

// why: the procscope binary allocates with mimalloc; measure loading as the binary does it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const HOSTS: usize = 20;

fn procs() -> usize {
    std::env::var("FLEET_PROCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000)
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
fn status_kb(field: &str) -> usize {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = s.lines().find_map(|l| {
        let v = l.strip_prefix(field)?.strip_prefix(':')?;
        v.split_whitespace().next()?.parse::<usize>().ok()
    });
    kb.unwrap_or(0) * 1024
}

/// Write 20 hosts' files into `dir`: one synthetic tree, each host with its name and its own
/// `HOST_ID` in every tenth process's environ.
fn write_fleet(dir: &Path) {
    let base = fixture::synthetic(procs());
    for h in 0..HOSTS {
        let host = format!("node-{h:02}");
        let mut snap = base.clone();
        snap.meta.hostname = Some(host.clone());
        for p in snap
            .processes
            .iter_mut()
            .filter(|p| p.pid as usize % 10 == h % 10)
        {
            if let Some(env) = p.environ.as_mut() {
                let mut all: Vec<EnvEntry> = env.iter().map(|e| e.to_entry()).collect();
                all.push(EnvEntry {
                    name: "HOST_ID".into(),
                    value: Some(host.as_str().into()),
                });
                *env = all.into();
            }
        }
        let name = record::file_name(&host, 1_795_000_000_000 + h as u64);
        record::write_into(dir, &name, &snap).expect("write");
    }
}

fn open(dir: &Path, share: bool) -> Vec<LoadedHost> {
    let opt = LoadOptions { workers: 2, share };
    // The built-in secret rules, as the TUI loads with them: each host's secrets are scanned.
    let rules = RuleSet::builtin().expect("rules");
    let hosts = load(&[dir.to_path_buf()], Some(&rules), None, &opt).expect("load");
    assert_eq!(hosts.len(), HOSTS);
    assert!(hosts.iter().all(|h| h.loaded.is_some()));
    hosts
}

/// Environ bytes stored (each distinct block once) and the blocks held, over every host.
fn environ_bytes(hosts: &[LoadedHost]) -> (usize, usize) {
    let mut seen = HashSet::new();
    let (mut bytes, mut blocks) = (0, 0);
    for l in hosts.iter().filter_map(|h| h.loaded.as_ref()) {
        for p in &l.snap.processes {
            let Some(e) = &p.environ else { continue };
            blocks += 1;
            if seen.insert(e.raw().as_ptr() as usize) {
                bytes += e.raw().len();
            }
        }
    }
    (bytes, blocks)
}

/// In a child: load once and print `peak held environ_bytes blocks`.
fn child(dir: &Path, share: bool) {
    let before = status_kb("VmRSS");
    let hosts = open(dir, share);
    let held = status_kb("VmRSS").saturating_sub(before);
    let peak = status_kb("VmHWM").saturating_sub(before);
    let (bytes, blocks) = environ_bytes(&hosts);
    println!("{peak} {held} {bytes} {blocks}");
}

/// Measure each way in a fresh process and report it.
fn report(dir: &Path) {
    let mib = |b: &str| b.parse::<f64>().unwrap_or(0.0) / f64::from(1 << 20);
    for share in [true, false] {
        let out = std::process::Command::new(std::env::current_exe().expect("exe"))
            .env("FLEET_MEASURE", if share { "shared" } else { "unshared" })
            .env("FLEET_DIR", dir)
            .output()
            .expect("measure");
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(v.len(), 4, "child said {text:?}");
        eprintln!(
            "fleet: {HOSTS} hosts x {} processes, shared={share}: peak RSS +{:.1} MiB, held +{:.1} MiB, environ {:.1} MiB in {} blocks",
            procs(),
            mib(v[0]),
            mib(v[1]),
            mib(v[2]),
            v[3]
        );
    }
}

fn bench(c: &mut Criterion, dir: &Path) {
    let mut g = c.benchmark_group("fleet");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for share in [true, false] {
        let name = if share {
            "open_20_shared"
        } else {
            "open_20_unshared"
        };
        g.bench_function(name, |b| b.iter(|| open(dir, share)));
    }
    g.finish();
}

fn main() {
    if let (Ok(mode), Ok(dir)) = (std::env::var("FLEET_MEASURE"), std::env::var("FLEET_DIR")) {
        child(Path::new(&dir), mode == "shared");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write_fleet(dir.path());
    report(dir.path());
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, dir.path());
    c.final_summary();
}
