//! Root-only: real processes hidden by mounts over their `/proc/PID` (an empty directory, and
//! another process's entry so the mask "looks like a process"): `hidden` reports each with the
//! right evidence, `inspect` shows its real comm and pid, `tree` marks it. Every mount is
//! removed by a guard, even when an assertion fails.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, is_root, json, procscope, wait_asleep};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// One mask at a time: each test's report would show the other's mask too.
static SERIAL: Mutex<()> = Mutex::new(());

/// A bind mount over `/proc/PID`, removed on drop.
struct Mask(String);

impl Mask {
    fn bind(from: &str, pid: u32) -> Mask {
        let to = format!("/proc/{pid}");
        let st = Command::new("mount")
            .args(["--bind", from, &to])
            .status()
            .unwrap();
        assert!(st.success(), "mount --bind {from} {to}");
        Mask(to)
    }
}

impl Drop for Mask {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn spawn(g: &mut Guard, prog: &str, args: &[&str]) -> u32 {
    let c = g.spawn(
        Command::new(prog)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null()),
    );
    let pid = c.id();
    assert!(wait_asleep(pid));
    pid
}

fn hidden_entry(pid: u32) -> Value {
    let v = json(["hidden", "--json"]);
    v.as_array()
        .unwrap()
        .iter()
        .find(|h| h["pid"] == pid)
        .cloned()
        .unwrap_or_else(|| panic!("pid {pid} not reported hidden: {v}"))
}

fn kinds(h: &Value) -> Vec<String> {
    h["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

fn tree_line(pid: u32) -> String {
    let out = procscope().arg("tree").output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.contains(&format!("({pid})")))
        .unwrap_or_else(|| panic!("pid {pid} not in tree"))
        .to_string()
}

#[test]
fn empty_dir_over_proc_entry_is_reported_and_seen_through() {
    if !is_root() {
        eprintln!("skip: needs root (mounts over /proc/PID)");
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut g = Guard::default();
    let pid = spawn(&mut g, "sleep", &["600"]);
    let empty = tempfile::tempdir().unwrap();
    let _mask = Mask::bind(empty.path().to_str().unwrap(), pid);
    assert!(std::fs::read(format!("/proc/{pid}/stat")).is_err());

    let h = hidden_entry(pid);
    assert_eq!(h["comm"], "sleep");
    assert_eq!(h["exe"]["path"], "/usr/bin/sleep");
    assert!(h["start_time"].as_u64().unwrap() > 0);
    assert_eq!(kinds(&h), ["mounted_over", "entry_mismatch"]);
    assert_eq!(h["evidence"][0]["mount_point"], format!("/proc/{pid}"));
    assert!(h["evidence"][1]["stat_pid"].is_null());

    let p = json(["inspect", &pid.to_string(), "--json"]);
    assert_eq!(p["pid"], pid);
    assert_eq!(p["comm"], "sleep");
    assert_eq!(p["cmdline"], serde_json::json!(["sleep", "600"]));
    assert_eq!(p["hidden"]["evidence"][0]["kind"], "mounted_over");
    let line = tree_line(pid);
    assert!(line.contains(&format!("sleep({pid}) [hidden: ")), "{line}");
    // The hidden process is also a detection alert.
    let out = crate::support::procscope()
        .args(["detect", "--json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let hit = text.lines().any(|l| {
        serde_json::from_str::<serde_json::Value>(l)
            .is_ok_and(|a| a["rule"] == "hidden_process" && a["pid"] == pid)
    });
    assert!(hit, "no hidden_process alert for {pid}");
}

#[test]
fn another_process_entry_over_proc_entry_is_reported() {
    if !is_root() {
        eprintln!("skip: needs root (mounts over /proc/PID)");
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut g = Guard::default();
    let decoy = spawn(&mut g, "tail", &["-f", "/dev/null"]);
    let pid = spawn(&mut g, "sleep", &["601"]);
    let _mask = Mask::bind(&format!("/proc/{decoy}"), pid);
    // The entry now looks like a live process: the decoy.
    let shown = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap();
    assert_eq!(shown.trim(), "tail");

    let h = hidden_entry(pid);
    assert_eq!(h["comm"], "sleep");
    assert_eq!(kinds(&h), ["mounted_over", "entry_mismatch"]);
    assert_eq!(h["evidence"][0]["fs_type"], "proc");
    assert_eq!(h["evidence"][0]["root"], format!("/{decoy}"));
    assert_eq!(h["evidence"][1]["stat_pid"], decoy);

    let p = json(["inspect", &pid.to_string(), "--json"]);
    assert_eq!(p["comm"], "sleep");
    assert_eq!(p["cmdline"], serde_json::json!(["sleep", "601"]));
    let d = json(["inspect", &decoy.to_string(), "--json"]);
    assert_eq!(d["comm"], "tail");
    assert!(d.get("hidden").is_none());
    assert!(tree_line(pid).contains("[hidden: "));
    let text = procscope().arg("hidden").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!("its /proc entry's stat names pid {decoy}")),
        "{text}"
    );
}

#[test]
fn clean_host_prints_an_empty_list() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let out = procscope().args(["hidden", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, serde_json::json!([]), "{v}");
}
