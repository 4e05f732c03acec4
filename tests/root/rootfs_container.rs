//! `procscope fs` against a real container (root only): no host content is ever returned,
//! nothing hangs, memory stays bounded, names are escaped and the interesting paths are found.

#![allow(clippy::unwrap_used)]

use crate::support::rootfs::{Container, skip_reason, tree};
use assert_cmd::Command;
use serde_json::Value;
use std::io::Read;
use std::time::{Duration, Instant};

/// Run `procscope ARGS`, never longer than 20 s; (success, stdout, stderr).
fn ps(args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::cargo_bin("procscope")
        .unwrap()
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

macro_rules! container_or_skip {
    () => {
        match skip_reason() {
            Some(why) => {
                eprintln!("skipping container test: {why}");
                return;
            }
            None => Container::start(),
        }
    };
}

#[test]
fn links_resolve_inside_the_root_and_never_reach_the_host() {
    let c = container_or_skip!();
    let pid = c.pid1.to_string();
    // The trap is real: a naive join through the host follows the link to the host file.
    let naive = std::fs::read_to_string(c.rootfs.join("etc/abs-link")).unwrap();
    assert_eq!(naive, c.host_secret);

    let mut seen = String::new();
    // The absolute link resolves against the container's root: the container-side copy.
    let (ok, out, err) = ps(&["fs", &pid, "/etc/abs-link", "--cat"]);
    assert!(ok, "{err}");
    assert_eq!(text(&out), c.inner_copy);
    seen += &text(&out);
    // Links to a path that exists only on the host fail: not found inside the root.
    for link in ["/etc/abs-missing", "/etc/dotdot"] {
        let (ok, out, err) = ps(&["fs", &pid, link, "--cat"]);
        assert!(!ok, "{link} was read: {}", text(&out));
        assert!(err.contains("no such file or directory"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        seen += &text(&out);
        seen += &err;
    }
    // A magic link inside the container (its own /proc/1/root) is refused.
    let (ok, out, err) = ps(&["fs", &pid, "/etc/magic", "--cat"]);
    assert!(!ok && err.contains("magic link"), "{err}");
    seen += &text(&out);
    // Asking for the host path directly, or climbing with .., stays inside too.
    let host_only = c.host_only.to_str().unwrap();
    let climb = format!("/../../../..{host_only}");
    for p in [host_only, climb.as_str(), "/etc/../../../etc/dotdot"] {
        let (ok, out, err) = ps(&["fs", &pid, p, "--cat"]);
        assert!(!ok, "{p}: {}", text(&out));
        seen += &text(&out);
        seen += &err;
    }
    // Listings, stat of the links and their JSON carry the link text, never the target's content.
    for args in [
        vec!["fs", &pid, "/etc"],
        vec!["--json", "fs", &pid, "/etc"],
        vec!["fs", &pid, "/etc/dotdot"],
        vec!["fs", &pid, "/etc/abs-link", "--cat", "--hex"],
        vec!["fs", &pid, "/etc/abs-link", "--cat", "--strings"],
        vec!["--json", "fs", &pid, "--interesting"],
    ] {
        let (_, out, err) = ps(&args);
        seen += &text(&out);
        seen += &err;
    }
    let (_, out, _) = ps(&["--json", "fs", &pid, "/etc/dotdot"]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["entries"][0]["kind"], "symlink");
    assert!(
        v["entries"][0]["link_target"]
            .as_str()
            .unwrap()
            .starts_with("../../")
    );
    assert!(
        !seen.contains(&c.host_secret),
        "host content leaked:\n{seen}"
    );
}

#[test]
fn loops_fifos_sockets_devices_and_sparse_files_cost_nothing() {
    let c = container_or_skip!();
    let pid = c.pid1.to_string();
    for p in ["/etc/a", "/etc/a/", "/etc/b/x"] {
        let (ok, _, err) = ps(&["fs", &pid, p, "--cat"]);
        assert!(!ok && err.contains("symlink loop"), "{p}: {err}");
    }
    // The loop itself is listed as the link it is.
    let (ok, out, _) = ps(&["fs", &pid, "/etc/a"]);
    assert!(ok && text(&out).contains("a -> b"));
    for (p, kind) in [
        ("/tmp/fifo", "fifo"),
        ("/tmp/sock", "socket"),
        ("/dev/null", "char_device"),
        ("/tmp", "dir"),
    ] {
        let t = Instant::now();
        let (ok, _, err) = ps(&["fs", &pid, p, "--cat"]);
        assert!(!ok, "{p} was read");
        assert!(
            err.contains(&format!("not a regular file ({kind})")),
            "{err}"
        );
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{p} took {:?}",
            t.elapsed()
        );
        eprintln!("cat {p}: refused in {:?}", t.elapsed());
    }
    let (ok, out, _) = ps(&["--json", "fs", &pid, "/tmp"]);
    assert!(ok);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["truncated"], false);
    let kind = |n: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == n)
            .unwrap()["kind"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(kind("fifo"), "fifo");
    assert_eq!(kind("sock"), "socket");
    assert_eq!(kind("sparse"), "file");
    let (_, out, _) = ps(&["--json", "fs", &pid, "/dev/null"]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["entries"][0]["device"], serde_json::json!([1, 3]));
    check_sparse_cat(&pid);
}

/// The 10 GiB sparse file: exactly the cap, in bounded memory. The child blocks writing
/// to the full pipe after reading, so its peak RSS can be read while it is alive.
fn check_sparse_cat(pid: &str) {
    let t = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_procscope"))
        .args(["fs", pid, "/tmp/sparse", "--cat"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let hwm_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest.len() + 1, 1 << 20, "default cap is 1 MiB");
    assert!(
        err.contains("showing the first 1048576 bytes of 10737418240"),
        "{err}"
    );
    assert!(hwm_kb < 64 * 1024, "peak RSS {hwm_kb} kB");
    assert!(t.elapsed() < Duration::from_secs(10));
    eprintln!("sparse cat: peak RSS {hwm_kb} kB, {:?}", t.elapsed());
    for mode in ["--hex", "--strings"] {
        let (ok, out, _) = ps(&["fs", pid, "/tmp/sparse", "--cat", mode, "--max-bytes", "64"]);
        assert!(ok);
        let lines = text(&out).lines().count();
        assert_eq!(lines, if mode == "--hex" { 4 } else { 0 }, "{mode}");
    }
}

#[test]
fn names_are_escaped_and_interesting_paths_found_with_secrets_masked() {
    let c = container_or_skip!();
    let pid = c.pid1.to_string();
    let (ok, out, _) = ps(&["fs", &pid, "/tmp"]);
    assert!(ok);
    assert!(
        !out.contains(&0x1b) && !out.contains(&0x07),
        "raw control bytes in listing"
    );
    assert!(
        text(&out).contains("evil\\e[2J\\e]0;owned\\x07name"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("innocent -> /var/run/secrets/"));
    // JSON keeps the exact name.
    let (_, out, _) = ps(&["--json", "fs", &pid, "/tmp"]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "evil\u{1b}[2J\u{1b}]0;owned\u{7}name")
    );
    // A pipe gets the file's bytes as they are.
    let (ok, out, _) = ps(&["fs", &pid, "/tmp/evil\x1b[2J\x1b]0;owned\x07name", "--cat"]);
    assert!(ok);
    assert_eq!(out, b"\x1b[31mred\n");
    check_interesting(&c, &pid);
    check_secrets_masked(&c, &pid);
}

/// `--interesting` finds the service-account token, the keys, histories and droppers (secrets
/// marked sensitive), and none of the ordinary files.
fn check_interesting(c: &Container, pid: &str) {
    let (ok, out, err) = ps(&["--json", "fs", pid, "--interesting"]);
    assert!(ok, "{err}");
    let hits: Value = serde_json::from_slice(&out).unwrap();
    let hit = |p: &str| {
        hits.as_array()
            .unwrap()
            .iter()
            .find(|h| h["path"] == p)
            .cloned()
    };
    let token = hit("/var/run/secrets/kubernetes.io/serviceaccount/token").expect("token");
    assert_eq!(token["sensitive"], true);
    assert_eq!(token["entry"]["size"], c.token.len() as u64);
    assert!(hit("/var/run/secrets/kubernetes.io/serviceaccount/namespace").is_some());
    assert_eq!(
        hit("/etc/kubernetes/pki/apiserver.key").expect("key")["sensitive"],
        true
    );
    assert_eq!(
        hit("/etc/kubernetes/pki").expect("pki dir")["entry"]["kind"],
        "dir"
    );
    for p in [
        "/etc/passwd",
        "/root/.ash_history",
        "/home/eve/.bash_history",
        "/tmp/dropper",
        "/dev/shm/.x",
    ] {
        assert!(hit(p).is_some(), "{p} not found in {hits:#}");
    }
    for p in ["/tmp/notes.txt", "/tmp/sparse", "/tmp/fifo", "/etc/shadow"] {
        assert!(hit(p).is_none(), "{p} reported");
    }
    let (ok, out, _) = ps(&["fs", pid, "--interesting"]);
    assert!(ok && text(&out).contains("Kubernetes service-account token [secret]"));
}

/// Secrets are masked unless --reveal, whatever path or symlink leads to them.
fn check_secrets_masked(c: &Container, pid: &str) {
    for p in [
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "/tmp/innocent",
        "/etc/kubernetes/pki/apiserver.key",
    ] {
        for args in [
            vec!["fs", pid, p, "--cat"],
            vec!["fs", pid, p, "--cat", "--strings"],
            vec!["--json", "fs", pid, p, "--cat"],
        ] {
            let (ok, out, err) = ps(&args);
            assert!(ok, "{err}");
            let o = text(&out);
            assert!(
                !o.contains(&c.token) && !o.contains(&c.key),
                "{args:?} revealed: {o}"
            );
            assert!(o.contains('…'), "{o}");
        }
    }
    let (_, out, _) = ps(&["--reveal", "fs", pid, "/tmp/innocent", "--cat"]);
    assert_eq!(text(&out), c.token);
    let (_, out, _) = ps(&[
        "--reveal",
        "fs",
        pid,
        "/etc/kubernetes/pki/apiserver.key",
        "--cat",
    ]);
    assert!(text(&out).contains(&c.key));
}

#[test]
fn any_member_pid_works_and_errors_are_one_line() {
    let c = container_or_skip!();
    let pid = c.pid1.to_string();
    let member = c.member.to_string();
    let before = tree(&c.rootfs);
    // why: relatime would update these atimes on a first read (atime <= mtime) were it not
    // for O_NOATIME.
    for f in ["/etc/passwd", "/root/.ash_history", "/tmp/notes.txt"] {
        let (ok, out, _) = ps(&["fs", &pid, f, "--cat"]);
        assert!(ok && !out.is_empty());
    }
    let (_, a, _) = ps(&["--json", "fs", &pid, "/etc"]);
    let (_, b, _) = ps(&["--json", "fs", &member, "/etc"]);
    assert_eq!(a, b);
    assert!(!a.is_empty());
    let (ok, out, err) = ps(&["--json", "containers"]);
    assert!(ok, "{err}");
    let groups: Value = serde_json::from_slice(&out).unwrap();
    let g = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["pids"].as_array().unwrap().contains(&Value::from(c.pid1)))
        .expect("container group");
    assert_eq!(g["root_pid"], c.pid1);
    assert!(
        g["pids"]
            .as_array()
            .unwrap()
            .contains(&Value::from(c.member))
    );

    let one_line = |args: &[&str], want: &str| {
        let (ok, _, err) = ps(args);
        assert!(!ok, "{args:?} succeeded");
        assert!(
            err.starts_with("procscope: ") && err.contains(want),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    };
    one_line(&["fs", "999999999", "/"], "no process with pid 999999999");
    one_line(&["fs", &pid, "/nope"], "/nope: no such file or directory");
    one_line(
        &["fs", &pid, "/etc/passwd/x"],
        "/etc/passwd/x: not a directory",
    );
    one_line(&["fs", &pid, "/etc/passwd/"], "not a directory");
    one_line(
        &["fs", &pid, "/nope\x1b[2J"],
        "/nope\\e[2J: no such file or directory",
    );
    // A process that cannot see the root is told so in one line.
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_procscope"))
        .args(["fs", &pid, "/"])
        .output();
    if let Ok(out) = out
        && !String::from_utf8_lossy(&out.stderr).contains("setpriv:")
    {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains("permission denied"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // procscope wrote nothing inside the root: same files, sizes, mtimes and even atimes.
    assert_eq!(tree(&c.rootfs), before);
}
