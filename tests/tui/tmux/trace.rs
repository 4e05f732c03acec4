//! The trace key in the real binary: a counting trace runs in the background with no key
//! pressed, Esc detaches, and quitting mid-trace leaves the process untraced.

use super::*;

/// A python child calling getppid in a loop, killed and reaped by pid on drop; its pid.
fn getppid_loop() -> (Planted, u32) {
    let child = Command::new("python3")
        .args(["-c", "import os\nwhile True:\n    os.getppid()\n"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn python3");
    let pid = child.id();
    (Planted(child), pid)
}

fn tracer_pid(pid: u32) -> String {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (s.lines().find_map(|l| l.strip_prefix("TracerPid:")))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The number before " calls" on the Trace tab's progress line.
fn calls_shown(s: &str, pid: u32) -> u64 {
    let head = format!("tracing pid {pid}: ");
    (s.lines().find_map(|l| l.split_once(&head)))
        .and_then(|(_, rest)| rest.split(", ").nth(1))
        .and_then(|c| {
            c.trim_end_matches(|ch: char| !ch.is_ascii_digit())
                .split(' ')
                .next()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn trace_key_counts_in_the_background_and_esc_detaches() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    let (child, pid) = getppid_loop();
    let tmp = tempfile::tempdir().expect("test setup");
    let t = start_tui(
        format!("procscope-trace-{}", std::process::id()),
        tmp.path(),
        "",
    );
    t.send(&["/"]);
    t.send(&["-l", &format!("pid={pid}")]);
    t.send(&["Enter"]);
    t.wait("the child's row", 10, |s| {
        s.lines().any(|l| l.starts_with(&format!("{pid} ")))
    });
    t.send(&["T"]);
    // The count grows with no key pressed: the loop wakes for the running trace.
    let s = t.wait("a growing count", 10, |s| calls_shown(s, pid) > 0);
    let first = calls_shown(&s, pid);
    t.wait("more calls", 10, |s| calls_shown(s, pid) > first);
    assert_ne!(tracer_pid(pid), "0", "attached while counting");
    t.send(&["Escape"]);
    let s = t.wait("the end of the trace", 10, |s| s.contains("detached after"));
    assert!(s.contains("getppid"), "{s}");
    assert!(s.contains("Trace"), "still on the Trace tab:\n{s}");
    assert_eq!(tracer_pid(pid), "0", "detached");
    // The tree's SYSCALL column.
    t.send(&["Escape"]);
    t.send(&["S"]);
    t.wait("the SYSCALL column", 10, |s| s.contains("SYSCALL"));
    // A trace still running when procscope quits is detached first.
    t.send(&["T"]);
    t.wait("a second trace", 10, |s| calls_shown(s, pid) > 0);
    t.send(&["q"]);
    t.wait("the exit", 20, |s| s.contains("EXIT=0"));
    assert_eq!(tracer_pid(pid), "0", "detached on quit");
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    assert!(
        state.contains(") R") || state.contains(") S"),
        "runs on: {state}"
    );
    drop(child);
}
