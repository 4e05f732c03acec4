//! `procscope --proc-root DIR fs` over a fixture, where `PID/root` is a real directory: the
//! same resolution inside the root as on live procfs, and no way out through the fixture.

#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use std::os::unix::fs::symlink;
use std::path::Path;

fn ps(proc_root: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("procscope")
        .unwrap()
        .arg("--proc-root")
        .arg(proc_root)
        .args(args)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Fixture {
    proc_root: tempfile::TempDir,
    host: tempfile::TempDir,
    secret: String,
}

fn fixture() -> Fixture {
    let proc_root = tempfile::tempdir().unwrap();
    let host = tempfile::tempdir().unwrap();
    let secret = format!("FIXTURE-HOST-ONLY-{}", std::process::id());
    let marker = host.path().join("marker");
    std::fs::write(&marker, &secret).unwrap();
    let p = proc_root.path().join("4242");
    let root = p.join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/run/secrets/kubernetes.io/serviceaccount")).unwrap();
    std::fs::write(
        p.join("stat"),
        "4242 (app) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
    )
    .unwrap();
    std::fs::write(root.join("etc/hostname"), "fixture-container\n").unwrap();
    std::fs::write(
        root.join("var/run/secrets/kubernetes.io/serviceaccount/token"),
        "fixture-token-value-0123456789",
    )
    .unwrap();
    symlink(&marker, root.join("etc/abs-link")).unwrap();
    symlink(
        "../../../../../../../../../etc/hostname",
        root.join("etc/up"),
    )
    .unwrap();
    // A second "process" whose root is a symlink to the host's /: must not be followed.
    let q = proc_root.path().join("4243");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(
        q.join("stat"),
        "4243 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
    )
    .unwrap();
    symlink("/", q.join("root")).unwrap();
    Fixture {
        proc_root,
        host,
        secret,
    }
}

#[test]
fn fixture_roots_resolve_inside_and_never_reach_the_host() {
    let f = fixture();
    let pr = f.proc_root.path();
    let (ok, out, err) = ps(pr, &["fs", "4242", "/etc"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("hostname") && out.contains("abs-link -> /"),
        "{out}"
    );
    // The dotdot link stops at the fixture root: it reads the fixture's own /etc/hostname.
    let (ok, out, err) = ps(pr, &["fs", "4242", "/etc/up", "--cat"]);
    assert!(ok, "{err}");
    assert_eq!(out, "fixture-container\n");
    // The absolute link to a host file does not reach it.
    let (ok, out, err) = ps(pr, &["fs", "4242", "/etc/abs-link", "--cat"]);
    assert!(
        !ok && err.contains("no such file or directory"),
        "{out}{err}"
    );
    assert!(!out.contains(&f.secret) && !err.contains(&f.secret));
    let marker = f.host.path().join("marker");
    let (ok, out, _) = ps(pr, &["fs", "4242", marker.to_str().unwrap(), "--cat"]);
    assert!(!ok && !out.contains(&f.secret));
    // Secrets are masked here too, and found by --interesting.
    let tok = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    let (ok, out, _) = ps(pr, &["fs", "4242", tok, "--cat"]);
    assert!(
        ok && out.starts_with("fixt…(30)") && !out.contains("0123456789"),
        "{out}"
    );
    let (ok, out, _) = ps(pr, &["--json", "fs", "4242", "--interesting"]);
    assert!(ok);
    let hits: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits[0]["path"], tok);
    assert_eq!(hits[0]["sensitive"], true);
}

#[test]
fn fixture_errors_are_one_line() {
    let f = fixture();
    let pr = f.proc_root.path();
    for (args, want) in [
        (vec!["fs", "999", "/"], "no process with pid 999"),
        (vec!["fs", "4243", "/"], "4243/root is not a real directory"),
        (vec!["fs", "4242", "/etc/hostname/x"], "not a directory"),
        (
            vec!["fs", "4242", "/missing"],
            "/missing: no such file or directory",
        ),
    ] {
        let (ok, out, err) = ps(pr, &args);
        assert!(!ok, "{args:?}: {out}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}
