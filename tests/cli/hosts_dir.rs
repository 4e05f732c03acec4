//! `--snapshot DIR` over a hostile directory: a FIFO named like a snapshot is never opened
//! (no hang), a junk file is a one-line error naming it, and thousands of a host's files
//! (a recorder's history) are picked by name without being read.

#![allow(clippy::unwrap_used)]

use procscope::model::{Meta, Process, Snapshot};
use procscope::source::record;
use std::path::Path;
use std::time::{Duration, Instant};

fn snap(host: &str) -> Snapshot {
    Snapshot {
        meta: Meta {
            hostname: Some(host.into()),
            ..Meta::default()
        },
        processes: vec![Process {
            pid: 1,
            comm: "init".into(),
            ..Process::default()
        }],
        ..Snapshot::default()
    }
}

fn tree(dir: &Path) -> std::process::Output {
    crate::support::procscope()
        .env("XDG_CONFIG_HOME", dir)
        .arg("--snapshot")
        .arg(dir)
        .args(["tree", "--json"])
        .output()
        .unwrap()
}

#[test]
fn fifo_skipped_junk_named_history_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    record::write_into(
        d,
        &record::file_name("alpha", 1_795_000_000_000),
        &snap("alpha"),
    )
    .unwrap();
    // A host's history: 3,000 files; only the newest is read (the others are not even valid).
    for i in 0..3_000u64 {
        std::fs::write(
            d.join(record::file_name("beta", 1_794_000_000_000 + i)),
            b"x",
        )
        .unwrap();
    }
    let newest = record::file_name("beta", 1_794_000_000_000 + 3_000);
    record::write_into(d, &newest, &snap("beta")).unwrap();
    let fifo = d.join("pipe.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let out = tree(d);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut hosts: Vec<&str> = (v.as_array().unwrap().iter())
        .filter_map(|o| o["host"].as_str())
        .collect();
    hosts.dedup();
    assert_eq!(hosts, ["alpha", "beta"], "{v}");
    // A junk file named like a plain snapshot: one line naming it, escaped.
    std::fs::write(d.join("junk\u{1b}[2J.json"), b"{ nope").unwrap();
    let out = tree(d);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("junk\\e[2J.json") && !err.contains('\u{1b}'),
        "{err}"
    );
}
