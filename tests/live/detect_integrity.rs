//! `detect --integrity`: real processes whose exe was deleted or replaced on disk after they
//! started raise the integrity alerts (`exe_deleted`, `exe_replaced_on_disk`) with the
//! detect alert shape (rule, priority, output, evidence); an untouched copy raises none, and
//! without the flag no exe is hashed, so none of these alerts appears.

#![allow(clippy::unwrap_used)]

use crate::support::{Guard, procscope, wait_asleep};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn spawn(g: &mut Guard, exe: &Path) -> u32 {
    let mut cmd = Command::new(exe);
    cmd.arg("600")
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // why: another test thread copying an executable may hold a writable fd that a fork
    // inherits for an instant; exec then fails with ETXTBSY. Retry briefly.
    let mut tries = 0;
    let child = loop {
        match cmd.spawn() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            r => break r.expect("spawn child"),
        }
    };
    let pid = child.id();
    g.children.push(child);
    assert!(wait_asleep(pid), "child {pid} did not start");
    pid
}

fn copy_of(dir: &Path, name: &str, from: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::copy(from, &p).unwrap();
    p
}

/// The JSON alerts of `detect` (with `extra` flags) about `pid`.
fn alerts_of(extra: &[&str], pid: u32) -> Vec<Value> {
    let mut cmd = procscope();
    cmd.args(["detect", "--json"]).args(extra);
    (crate::support::json_lines(&mut cmd).into_iter())
        .filter(|a| a["pid"] == pid)
        .collect()
}

fn rules(v: &[Value]) -> Vec<&str> {
    v.iter().map(|a| a["rule"].as_str().unwrap()).collect()
}

#[test]
fn deleted_and_replaced_exes_are_alerts_with_integrity() {
    let dir = tempfile::tempdir().unwrap();
    let mut g = Guard::default();
    let gone = copy_of(dir.path(), "gone-sleep", "/usr/bin/sleep");
    let deleted = spawn(&mut g, &gone);
    std::fs::remove_file(&gone).unwrap();
    let swapped = copy_of(dir.path(), "swapped-sleep", "/usr/bin/sleep");
    let replaced = spawn(&mut g, &swapped);
    let new = copy_of(dir.path(), "swapped.new", "/usr/bin/true");
    std::fs::rename(&new, &swapped).unwrap();
    let kept = copy_of(dir.path(), "kept-sleep", "/usr/bin/sleep");
    let untouched = spawn(&mut g, &kept);

    let d = alerts_of(&["--integrity"], deleted);
    let a = d
        .iter()
        .find(|a| a["rule"] == "exe_deleted")
        .unwrap_or_else(|| panic!("no exe_deleted alert: {:?}", rules(&d)));
    assert_eq!(a["priority"], "Warning");
    assert_eq!(a["source"], "procscope");
    assert_eq!(a["output_fields"]["proc.name"], "gone-sleep");
    let ev = a["evidence"].as_str().unwrap();
    assert!(ev.contains(gone.to_str().unwrap()), "{ev}");
    assert!(ev.contains("running sha256 "), "{ev}");
    assert!(
        a["output"]
            .as_str()
            .unwrap()
            .contains("Warning Process runs a deleted executable"),
        "{a}"
    );

    let r = alerts_of(&["--integrity"], replaced);
    let a = r
        .iter()
        .find(|a| a["rule"] == "exe_replaced_on_disk")
        .unwrap_or_else(|| panic!("no exe_replaced_on_disk alert: {:?}", rules(&r)));
    assert_eq!(a["priority"], "Error");
    let ev = a["evidence"].as_str().unwrap();
    assert!(ev.contains("on-disk sha256 "), "{ev}");

    let u = alerts_of(&["--integrity"], untouched);
    assert!(
        !rules(&u).iter().any(|r| r.starts_with("exe_")),
        "{:?}",
        rules(&u)
    );
    let plain = alerts_of(&[], deleted);
    assert!(
        !rules(&plain).iter().any(|r| r.starts_with("exe_")),
        "{:?}",
        rules(&plain)
    );
}

#[test]
fn integrity_needs_a_live_root() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s.json");
    let st = procscope()
        .args(["snapshot", "-o"])
        .arg(&snap)
        .output()
        .unwrap();
    assert!(st.status.success());
    let out = procscope()
        .args(["detect", "--integrity", "--snapshot"])
        .arg(&snap)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--integrity"));
}
