//! procscope from a pod's point of view: the node's procfs mounted at `<host>/proc` (here a bind
//! mount inside a private mount namespace, gone with it) and the node's files beneath `<host>`.
//! The answers match those on `/proc`, user names come from the host root's `etc/passwd` (not
//! the reader's own), and an explicit `--host-root` at another path works the same.

use crate::support::{Guard, is_root, procscope_path};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

/// Run procscope with `args` inside a new mount namespace where `/proc` is bind-mounted at
/// `mnt`; its stdout as JSON.
fn in_pod(mnt: &Path, args: &[&str]) -> Value {
    let mut script = format!(
        "mount --bind /proc '{}' && exec '{}'",
        mnt.display(),
        procscope_path().display()
    );
    for a in args {
        script.push_str(&format!(" '{a}'"));
    }
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn plant_passwd(host: &Path) {
    std::fs::create_dir_all(host.join("etc")).unwrap();
    std::fs::write(
        host.join("etc/passwd"),
        "noderoot:x:0:0:root:/root:/bin/sh\nnodeuser:x:4242:4242::/:/bin/sh\n",
    )
    .unwrap();
    std::fs::write(host.join("etc/group"), "nodegroup:x:0:\n").unwrap();
}

#[test]
fn bind_mounted_proc_with_its_host_root() {
    if !is_root() {
        eprintln!("skipped: bind mounts need root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path().join("host");
    std::fs::create_dir_all(host.join("proc")).unwrap();
    plant_passwd(&host);
    let mut g = Guard::default();
    let pid = g
        .spawn(
            Command::new("sleep")
                .arg("300")
                .env_clear()
                .env("HOSTROOT_MARK", "1")
                .stdin(Stdio::null()),
        )
        .id();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let p = pid.to_string();
    let proc_root = host.join("proc");
    let pr = proc_root.to_str().unwrap();
    let here = crate::support::json(["inspect", &p, "--json"]);
    let there = in_pod(&proc_root, &["--proc-root", pr, "inspect", &p, "--json"]);
    for key in [
        "pid",
        "start_time",
        "cmdline",
        "environ",
        "cwd",
        "exe",
        "namespaces",
        "cgroups",
    ] {
        assert_eq!(here[key], there[key], "{key} differs under {pr}");
    }
    // Names come from <host>/etc/passwd, not from this machine's.
    assert_eq!(here["uid"]["real_name"], "root");
    assert_eq!(there["uid"]["real_name"], "noderoot");
    assert_eq!(there["gid"]["real_name"], "nodegroup");
    // The container root of the process resolves through <host>/proc/PID/root.
    let ls_here = crate::support::json(["fs", &p, "/", "--json"]);
    let ls_there = in_pod(&proc_root, &["--proc-root", pr, "fs", &p, "/", "--json"]);
    assert_eq!(ls_here["entries"], ls_there["entries"]);
}

#[test]
fn explicit_host_root_at_another_path() {
    if !is_root() {
        eprintln!("skipped: bind mounts need root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("pseudo");
    let host = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&mnt).unwrap();
    plant_passwd(&host);
    let m = mnt.to_str().unwrap();
    // Not named `proc`: no host root unless given, so no names at all (never the wrong ones).
    let none = in_pod(&mnt, &["--proc-root", m, "inspect", "1", "--json"]);
    assert!(none["uid"]["real_name"].is_null(), "{}", none["uid"]);
    let given = in_pod(
        &mnt,
        &[
            "--proc-root",
            m,
            "--host-root",
            host.to_str().unwrap(),
            "inspect",
            "1",
            "--json",
        ],
    );
    assert_eq!(given["uid"]["real_name"], "noderoot");
}
