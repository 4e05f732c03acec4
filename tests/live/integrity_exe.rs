//! Real processes whose executable or libraries are not what they claim: a deleted exe, an exe
//! replaced on disk after start, a memfd exe, an `LD_PRELOAD` library (a tiny .so compiled
//! here) and a deleted mapped library. Each is flagged through `inspect --json` and as a
//! finding of the pure check functions; an untouched `sleep` matches.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, json, wait_asleep, wait_for};
use procscope::analysis::integrity::{exe_findings, library_findings};
use procscope::collect::integrity::exe::{exe_integrity, libraries};
use procscope::source::ProcRoot;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn spawn(g: &mut Guard, cmd: &mut Command) -> u32 {
    // why: cargo sets LD_LIBRARY_PATH for tests; a child keeping it would be flagged.
    if !cmd.get_envs().any(|(k, _)| k == "LD_LIBRARY_PATH") {
        cmd.env_remove("LD_LIBRARY_PATH");
    }
    let pid = g.spawn(cmd.stdin(Stdio::null()).stdout(Stdio::null())).id();
    assert!(wait_asleep(pid), "child {pid} did not start");
    pid
}

fn copy_of(dir: &Path, name: &str, from: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::copy(from, &p).unwrap();
    p
}

fn inspect(pid: u32) -> Value {
    json(["inspect", &pid.to_string(), "--hash", "--json"])
}

fn verdicts(v: &Value) -> Vec<String> {
    v["integrity"]["exe"]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn rules(v: &Value) -> Vec<String> {
    v["integrity"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The findings of the pure check functions, over a fresh live snapshot.
fn pure_rules(pid: u32) -> Vec<String> {
    let snap = procscope::collect::snapshot_at(Path::new("/proc"), &Default::default()).unwrap();
    let p = snap.process(pid).unwrap();
    let root = ProcRoot::open(Path::new("/proc")).unwrap();
    let mut f = exe_findings(p, &exe_integrity(&root, p));
    f.extend(library_findings(p, &libraries(&root, p)));
    f.into_iter().map(|f| f.rule).collect()
}

fn has(list: &[String], rule: &str) -> bool {
    list.iter().any(|r| r == rule)
}

#[test]
fn untouched_exe_matches() {
    let mut g = Guard::default();
    let pid = spawn(&mut g, Command::new("sleep").arg("600"));
    let v = inspect(pid);
    assert_eq!(verdicts(&v), ["matches"]);
    let ex = &v["integrity"]["exe"];
    assert_eq!(ex["running"]["sha256"], ex["on_disk"]["sha256"]);
    assert_eq!(ex["running"]["sha256"].as_str().unwrap().len(), 64);
    assert!(rules(&v).is_empty(), "{}", v["integrity"]);
    assert!(pure_rules(pid).is_empty());
    // The loader's variable is reported when set.
    let lp = spawn(
        &mut g,
        Command::new("sleep")
            .arg("600")
            .env("LD_LIBRARY_PATH", "/opt/x"),
    );
    assert_eq!(rules(&inspect(lp)), ["ld_library_path_env"]);
}

#[test]
fn deleted_exe_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let exe = copy_of(dir.path(), "gone-sleep", "/usr/bin/sleep");
    let mut g = Guard::default();
    let pid = spawn(&mut g, Command::new(&exe).arg("600"));
    std::fs::remove_file(&exe).unwrap();
    let v = inspect(pid);
    assert_eq!(verdicts(&v), ["deleted"]);
    assert!(v["integrity"]["exe"]["running"]["sha256"].is_string());
    assert!(v["integrity"]["exe"]["on_disk"].is_null());
    assert!(has(&rules(&v), "exe_deleted"));
    assert!(has(&pure_rules(pid), "exe_deleted"));
}

#[test]
fn exe_replaced_on_disk_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let exe = copy_of(dir.path(), "swapped", "/usr/bin/sleep");
    let mut g = Guard::default();
    let pid = spawn(&mut g, Command::new(&exe).arg("600"));
    let new = copy_of(dir.path(), "swapped.new", "/usr/bin/true");
    std::fs::rename(&new, &exe).unwrap();
    let v = inspect(pid);
    assert_eq!(verdicts(&v), ["replaced_on_disk"]);
    let ex = &v["integrity"]["exe"];
    assert_ne!(ex["running"]["sha256"], ex["on_disk"]["sha256"]);
    assert!(has(&rules(&v), "exe_replaced_on_disk"));
    assert!(has(&pure_rules(pid), "exe_replaced_on_disk"));
}

#[test]
fn memfd_exe_is_flagged() {
    let script = concat!(
        "import os\n",
        "fd = os.memfd_create('fileless', 0)\n",
        "os.write(fd, open('/usr/bin/sleep', 'rb').read())\n",
        "os.execv('/proc/self/fd/%d' % fd, ['fileless', '600'])\n",
    );
    let mut g = Guard::default();
    let pid = g
        .spawn(
            Command::new("python3")
                .args(["-c", script])
                .env_remove("LD_LIBRARY_PATH")
                .stdin(Stdio::null()),
        )
        .id();
    let link = format!("/proc/{pid}/exe");
    wait_for(30, || {
        let t = std::fs::read_link(&link).ok()?;
        t.to_string_lossy().starts_with("/memfd:").then_some(())
    })
    .expect("memfd exec");
    assert!(wait_asleep(pid));
    let v = inspect(pid);
    assert_eq!(verdicts(&v), ["memfd"]);
    assert!(v["integrity"]["exe"]["running"]["sha256"].is_string());
    assert!(has(&rules(&v), "exe_memfd"));
    assert!(has(&pure_rules(pid), "exe_memfd"));
}

/// A tiny shared object compiled into `dir`.
fn tiny_so(dir: &Path) -> PathBuf {
    let src = dir.join("tiny.c");
    std::fs::write(&src, "int procscope_tiny(void) { return 42; }\n").unwrap();
    let so = dir.join("libtiny.so");
    let st = Command::new("gcc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&src)
        .status()
        .expect("gcc is installed (tests/setup.sh)");
    assert!(st.success());
    so
}

fn map_flags(v: &Value, path: &Path) -> Vec<String> {
    let maps = v["integrity"]["libraries"]["maps"].as_array().unwrap();
    let m = maps
        .iter()
        .find(|m| m["path"] == path.to_str().unwrap())
        .unwrap_or_else(|| panic!("{} not mapped: {maps:?}", path.display()));
    m["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ld_preload_library_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let so = tiny_so(dir.path());
    let mut g = Guard::default();
    let pid = spawn(
        &mut g,
        Command::new("sleep").arg("600").env("LD_PRELOAD", &so),
    );
    let v = inspect(pid);
    assert_eq!(
        v["integrity"]["libraries"]["ld_preload"],
        so.to_str().unwrap()
    );
    assert_eq!(map_flags(&v, &so), ["outside library dirs"]);
    let r = rules(&v);
    assert!(has(&r, "ld_preload_env"), "{r:?}");
    assert!(has(&r, "mapped_code_outside_library_dirs"), "{r:?}");
    assert_eq!(verdicts(&v), ["matches"]);
    let pure = pure_rules(pid);
    assert!(has(&pure, "ld_preload_env") && has(&pure, "mapped_code_outside_library_dirs"));
}

#[test]
fn deleted_mapped_library_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let so = tiny_so(dir.path());
    let mut g = Guard::default();
    let pid = spawn(
        &mut g,
        Command::new("sleep").arg("600").env("LD_PRELOAD", &so),
    );
    std::fs::remove_file(&so).unwrap();
    let v = inspect(pid);
    assert_eq!(map_flags(&v, &so), ["deleted", "outside library dirs"]);
    assert!(has(&rules(&v), "mapped_deleted_library"));
    assert!(has(&pure_rules(pid), "mapped_deleted_library"));
    let text = crate::support::procscope()
        .args(["inspect", &pid.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!(
            "x {} [deleted, outside library dirs]",
            so.display()
        )),
        "{text}"
    );
}

/// An overlay mount, unmounted on drop.
struct Overlay(PathBuf);

impl Drop for Overlay {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn exe_on_overlay_upper_layer_is_flagged() {
    if !crate::support::is_root() {
        eprintln!("skip: needs root (overlay mount)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| {
        let p = dir.path().join(n);
        std::fs::create_dir(&p).unwrap();
        p
    };
    let (lower, upper, work, merged) = (d("lower"), d("upper"), d("work"), d("merged"));
    copy_of(&lower, "shipped", "/usr/bin/sleep");
    let opts = format!(
        "lowerdir={},upperdir={},workdir={}",
        lower.display(),
        upper.display(),
        work.display()
    );
    let st = Command::new("mount")
        .args(["-t", "overlay", "overlay", "-o", &opts])
        .arg(&merged)
        .status()
        .unwrap();
    assert!(st.success(), "overlay mount");
    let _mnt = Overlay(merged.clone());
    // Written through the merged view: the file lands in the upper layer.
    let dropped = copy_of(&merged, "dropped", "/usr/bin/sleep");
    assert!(upper.join("dropped").exists());
    let mut g = Guard::default();
    let up = spawn(&mut g, Command::new(&dropped).arg("600"));
    let low = spawn(&mut g, Command::new(merged.join("shipped")).arg("600"));
    let v = inspect(up);
    assert_eq!(verdicts(&v), ["matches", "overlay_upper"]);
    assert!(has(&rules(&v), "exe_on_overlay_upper"));
    let v = inspect(low);
    assert_eq!(verdicts(&v), ["matches"]);
    assert_eq!(v["integrity"]["exe"]["overlay_upper"], false);
    drop(g);
}
