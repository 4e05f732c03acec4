//! Hostile files where procscope opens one: FIFOs (no writer) in a copied proc root and as
//! every user-named file never block; symlinks in a copied proc root never lead outside it;
//! pid directories that are not canonical decimal are not pids.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{FakeProc, procscope_path};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Run procscope with `args`, killed (by pid) if it takes longer than 30 s: a hang fails.
fn run_bounded(args: &[&str]) -> Output {
    let child = Command::new(procscope_path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn procscope");
    let pid = child.id();
    let start = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = done.clone();
    let watchdog = std::thread::spawn(move || {
        while !flag.load(std::sync::atomic::Ordering::SeqCst) {
            if start.elapsed() > Duration::from_secs(30) {
                crate::support::kill(pid);
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    });
    let out = child.wait_with_output().expect("wait");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let killed = watchdog.join().unwrap();
    assert!(!killed, "procscope {args:?} hung (killed after 30 s)");
    out
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

fn one_line_error(out: &Output, want: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "succeeded: {err}");
    assert_ne!(out.status.code(), Some(101), "panicked: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(want), "{want:?} not in {err}");
}

fn snapshot_json(root: &Path) -> Value {
    let out = run_bounded(&["--proc-root", root.to_str().unwrap(), "snapshot"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn proc_of(snap: &Value, pid: u64) -> &Value {
    snap["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == pid)
        .unwrap_or_else(|| panic!("pid {pid} in {snap}"))
}

#[test]
fn fifo_as_any_file_of_a_proc_root_copy_never_blocks() {
    for (rel, field) in [
        ("cmdline", "cmdline"),
        ("environ", "environ"),
        ("status", "status"),
        ("cgroup", "cgroup"),
        ("net/tcp", ""),
        ("stat", ""),
    ] {
        let f = FakeProc::new();
        f.process(1, 0, "init");
        f.process(42, 1, "victim")
            .net("tcp", crate::support::TCP_HEADER);
        mkfifo(&f.path().join("42").join(rel));
        let snap = snapshot_json(f.path());
        if field.is_empty() {
            continue;
        }
        let p = proc_of(&snap, 42);
        let why = p["unavailable"][field].as_str().unwrap_or_default();
        assert!(
            why.contains("refused: a FIFO"),
            "{rel}: {}",
            p["unavailable"]
        );
    }
    // The top-level stat (boot time) and a whole-host table.
    let f = FakeProc::new();
    f.process(1, 0, "init")
        .net("tcp", crate::support::TCP_HEADER);
    mkfifo(&f.path().join("stat"));
    mkfifo(&f.path().join("1/net/unix"));
    let snap = snapshot_json(f.path());
    assert_eq!(snap["meta"]["boot_time"], Value::Null);
}

#[test]
fn fifo_as_a_user_named_file_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    let out = run_bounded(&["--snapshot", fifo, "tree"]);
    one_line_error(&out, "refused: a FIFO");
    let out = run_bounded(&["diff", fifo]);
    one_line_error(&out, "refused: a FIFO");
    let out = run_bounded(&["--rules", fifo, "secrets"]);
    one_line_error(&out, "refused: a FIFO");
    let out = run_bounded(&["--snapshot", "/dev/zero", "tree"]);
    one_line_error(&out, "refused: a character device");
    // The keymap and rules files are read through the same call.
    let e = procscope::source::config::read_text(Path::new(fifo)).unwrap_err();
    assert!(e.to_string().contains("refused: a FIFO"), "{e}");
}

#[test]
fn tui_diff_of_a_fifo_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    // why: the TUI wants a terminal; script(1) gives it one.
    let cmd = format!(
        "{} --diff {} --proc-root {}",
        procscope_path().display(),
        fifo.display(),
        dir.path().display()
    );
    let out = run_bounded_cmd(Command::new("script").args(["-qec", &cmd, "/dev/null"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("refused: a FIFO"), "{text}");
}

fn run_bounded_cmd(cmd: &mut Command) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            crate::support::kill(pid);
        }
    });
    let out = child.wait_with_output().expect("wait");
    let _ = tx.send(());
    out
}

#[test]
fn links_in_a_proc_root_copy_never_leave_it() {
    let host = tempfile::tempdir().unwrap();
    let marker = host.path().join("shadow");
    std::fs::write(&marker, b"HOST_MARKER=leaked\0").unwrap();
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(42, 1, "victim")
        .link("environ", marker.to_str().unwrap().as_bytes())
        .link("status", b"/dev/zero")
        .link("cmdline", b"../../../../../../../../dev/zero")
        .link("cgroup", b"/proc/self/cgroup");
    // A relative link that stays inside the pid dir is still read.
    f.process(43, 1, "inside")
        .file("real_environ", b"IN=side\0")
        .link("environ", b"real_environ");
    let snap = snapshot_json(f.path());
    let text = snap.to_string();
    assert!(!text.contains("HOST_MARKER"), "host file read");
    let p = proc_of(&snap, 42);
    for field in ["environ", "status", "cmdline", "cgroup"] {
        let why = p["unavailable"][field].as_str().unwrap_or_default();
        assert!(why.contains("outside the proc root"), "{field}: {why}");
    }
    let q = proc_of(&snap, 43);
    assert_eq!(q["environ"][0]["name"], "IN", "{q}");
    // A pid directory that is itself a link out of the tree is not followed either.
    std::os::unix::fs::symlink(host.path(), f.path().join("44")).unwrap();
    let snap = snapshot_json(f.path());
    assert!(!snap.to_string().contains("HOST_MARKER"));
}

#[test]
fn pid_directories_must_be_canonical_decimal() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(12, 1, "real");
    for alias in ["00012", "+14", "012", "-3", "12a"] {
        std::fs::create_dir(f.path().join(alias)).unwrap();
        std::fs::copy(f.path().join("12/stat"), f.path().join(alias).join("stat")).unwrap();
    }
    let snap = snapshot_json(f.path());
    let pids: Vec<u64> = snap["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(pids, vec![1, 12]);
    assert_eq!(procscope::source::canonical_pid(b"12"), Some(12));
    assert_eq!(procscope::source::canonical_pid(b"4294967296"), None);
    assert_eq!(procscope::source::canonical_pid(b"0"), None);
}
