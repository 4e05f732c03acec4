//! Command-line hardening: every count and duration is range-checked in one line, files of
//! kernel pseudo-filesystems inside a root are listed but never read.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{Guard, procscope};
use std::process::Command;
use std::time::Duration;

fn one_line_failure(args: &[&str]) -> String {
    let out = procscope()
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    err
}

fn sleeper(g: &mut Guard) -> String {
    let child = g.spawn(Command::new("sleep").arg("60"));
    child.id().to_string()
}

#[test]
fn counts_and_durations_are_range_checked() {
    let huge = "18446744073709551615";
    let err = one_line_failure(&["--interval", huge]);
    assert!(err.contains("--interval") && err.contains("86400"), "{err}");
    let err = one_line_failure(&["--interval=-1"]);
    assert!(err.contains("--interval"), "{err}");
    let mut g = Guard::default();
    let pid = sleeper(&mut g);
    let err = one_line_failure(&["fs", &pid, "/etc/hostname", "--cat", "--max-bytes", huge]);
    assert!(err.contains("--max-bytes"), "{err}");
    let err = one_line_failure(&["fs", &pid, "/etc/hostname", "--cat", "--max-bytes", "0"]);
    assert!(err.contains("--max-bytes"), "{err}");
    let err = one_line_failure(&["fs", &pid, "/", "--max-entries", huge]);
    assert!(err.contains("--max-entries"), "{err}");
    let err = one_line_failure(&["fs", &pid, "/", "--max-entries", "1000001"]);
    assert!(err.contains("at most 1000000"), "{err}");
    // The largest accepted values work (and cost what the file holds, not the cap).
    let out = procscope()
        .args([
            "fs",
            &pid,
            "/etc/hostname",
            "--cat",
            "--max-bytes",
            "67108864",
        ])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pseudo_filesystem_files_in_a_root_are_listed_not_read() {
    let mut g = Guard::default();
    let pid = sleeper(&mut g);
    // why: /proc/version first: harmless if the refusal were broken; only then /proc/kmsg.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("planted");
    std::os::unix::fs::symlink("/proc/version", &link).unwrap();
    for path in [
        "/proc/version",
        link.to_str().unwrap(),
        "/sys/kernel/uevent_seqnum",
    ] {
        let err = one_line_failure(&["fs", &pid, path, "--cat"]);
        assert!(err.contains("pseudo-filesystem"), "{path}: {err}");
    }
    let err = one_line_failure(&["fs", &pid, "/proc/kmsg", "--cat"]);
    assert!(
        err.contains("procfs, a kernel pseudo-filesystem") || err.contains("permission denied"),
        "{err}"
    );
    // Listed, with their names.
    let out = procscope()
        .args(["fs", &pid, "/proc"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("version"));
}
