//! Many hosts in one procscope: snapshots of two hosts (the second taken in a new UTS namespace
//! with another hostname), one process with a planted credential in both; `--snapshot DIR`
//! answers across both, every JSON object naming its host, values masked.

use crate::support::{Guard, is_root, procscope, procscope_path};
use std::process::{Command, Stdio};

/// A random high-entropy password, unique to this run (planted under a secret-named variable).
fn token() -> String {
    crate::support::rand_token(28, 16)
}

fn snapshot_pair(dir: &std::path::Path, tok: &str) -> Option<Guard> {
    if !is_root() {
        eprintln!("skipped: a second hostname needs a UTS namespace (root)");
        return None;
    }
    let mut g = Guard::default();
    g.spawn(
        Command::new("sleep")
            .arg("300")
            .env_clear()
            .env("DB_PASSWORD", tok)
            .stdin(Stdio::null()),
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    let bin = procscope_path();
    let a = Command::new(&bin)
        .args(["--reveal", "snapshot", "-o"])
        .arg(dir.join("first.json.gz"))
        .status()
        .unwrap();
    assert!(a.success());
    let script = format!(
        "hostname procscope-other-node && exec '{}' --reveal snapshot -o '{}'",
        bin.display(),
        dir.join("second.json.gz").display()
    );
    let b = Command::new("unshare")
        .args(["--uts", "sh", "-c", &script])
        .status()
        .unwrap();
    assert!(b.success());
    Some(g)
}

#[test]
fn secrets_and_tree_across_two_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let tok = token();
    let Some(_g) = snapshot_pair(dir.path(), &tok) else {
        return;
    };
    // A FIFO named like a snapshot is skipped, never opened (it would block).
    rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.path().join("trap.json"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let out = procscope()
        .arg("--snapshot")
        .arg(dir.path())
        .args(["secrets", "--json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(&tok), "the planted token leaked unmasked");
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut hosts: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "DB_PASSWORD" && f["comm"] == "sleep")
        .map(|f| f["host"].as_str().unwrap())
        .collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(hosts.len(), 2, "{hosts:?}");
    assert!(hosts.contains(&"procscope-other-node"), "{hosts:?}");

    let tree = procscope()
        .arg("--snapshot")
        .arg(dir.path())
        .arg("tree")
        .output()
        .unwrap();
    assert!(tree.status.success());
    let t = String::from_utf8_lossy(&tree.stdout);
    assert_eq!(
        t.matches("== host ").count(),
        2,
        "{}",
        &t[..t.len().min(400)]
    );
    assert!(t.contains("== host procscope-other-node"));
}

#[test]
fn diff_per_host_and_one_line_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let tok = token();
    let Some(mut g) = snapshot_pair(dir.path(), &tok) else {
        return;
    };
    // Two hosts with one snapshot each: nothing to compare, said per host.
    let out = procscope()
        .arg("--snapshot")
        .arg(dir.path())
        .arg("diff")
        .output()
        .unwrap();
    assert!(out.status.success());
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(t.matches("one snapshot only").count(), 2, "{t}");
    // A later snapshot of the first host, after the planted process ended: its diff (oldest
    // against newest of that host) reports it gone; the other host still has one snapshot.
    let mut sleeper = g.children.remove(0);
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    let sleeper = sleeper.id();
    let later = procscope()
        .args(["--reveal", "snapshot", "-o"])
        .arg(dir.path().join("third.json.gz"))
        .output()
        .unwrap();
    assert!(later.status.success());
    let out = procscope()
        .arg("--snapshot")
        .arg(dir.path())
        .args(["diff", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diffs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diffs = diffs.as_array().unwrap();
    assert_eq!(diffs.len(), 1, "one host has two snapshots");
    assert_ne!(diffs[0]["host"], "procscope-other-node");
    let gone = diffs[0]["processes"]["gone"].to_string();
    assert!(
        gone.contains(&format!("\"pid\":{sleeper},")),
        "pid {sleeper} not among the gone"
    );
    // fs reads one live system: refused in one line.
    let fs = procscope()
        .arg("--snapshot")
        .arg(dir.path())
        .args(["fs", "1"])
        .output()
        .unwrap();
    assert!(!fs.status.success());
    assert_eq!(String::from_utf8_lossy(&fs.stderr).lines().count(), 1);
}
