//! `procscope --snapshot DIR detect` over many hosts: every alert carries the host it was
//! raised on, and the same pid on two hosts gives each host its own alert.

#![allow(clippy::unwrap_used)]

use crate::support::FakeProc;

/// Record `fp` into `dir` as host `host`'s file.
fn record(fp: &FakeProc, dir: &std::path::Path, host: &str) {
    let name = procscope::source::record::file_name(host, 1_795_000_000_000);
    let out = crate::support::procscope()
        .args(["--proc-root", fp.path().to_str().unwrap(), "snapshot", "-o"])
        .arg(dir.join(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn alerts_carry_their_host() {
    let dir = tempfile::tempdir().unwrap();
    let a = FakeProc::new();
    a.process(1, 0, "systemd");
    a.process(12, 1, "y").link("exe", b"/dev/shm/y");
    let b = FakeProc::new();
    b.process(1, 0, "systemd");
    b.process(12, 1, "z").link("exe", b"/dev/shm/z");
    record(&a, dir.path(), "node-a");
    record(&b, dir.path(), "node-b");
    let out = crate::support::procscope()
        .env("XDG_CONFIG_HOME", dir.path())
        .arg("--snapshot")
        .arg(dir.path())
        .args(["detect", "--json"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let shm: Vec<(String, String)> = (v.as_array().unwrap().iter())
        .filter(|a| a["rule"] == "Execution from /dev/shm")
        .map(|a| (a["host"].as_str().unwrap().into(), a.to_string()))
        .collect();
    let hosts: Vec<&str> = shm.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(hosts, ["node-a", "node-b"], "{text}");
    assert!(
        shm[0].1.contains("/dev/shm/y") && shm[1].1.contains("/dev/shm/z"),
        "{text}"
    );
}
