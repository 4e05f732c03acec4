//! `procscope trace` against strace and real processes, and the background counting trace.

use crate::support::{Guard, procscope, wait_for};
use procscope::trace::background::BackgroundTrace;
use procscope::trace::session::End;
use std::collections::BTreeMap;
use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A pid no process has (searched down from the top of the pid space).
fn unused_pid() -> u32 {
    let max: u32 = fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(32768);
    (2..max - 1)
        .rev()
        .find(|p| !std::path::Path::new(&format!("/proc/{p}")).exists())
        .expect("a free pid")
}

fn trace_stderr(args: &[&str]) -> String {
    let out = procscope()
        .arg("trace")
        .args(args)
        .output()
        .expect("run trace");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn kill_shows_the_signal_and_esrch() {
    let pid = unused_pid().to_string();
    let err = trace_stderr(&["--", "kill", "-9", &pid]);
    let want = format!("kill({pid}, SIGKILL) = -1 ESRCH (No such process)");
    assert!(err.contains(&want), "{err}");
    assert!(
        err.contains("execve(\""),
        "the trace starts at the command's execve: {err}"
    );
    assert!(
        !err.contains("procscope-trace"),
        "the wrapper's own calls are hidden: {err}"
    );
    let err = trace_stderr(&["--", "kill", "-15", &pid]);
    assert!(
        err.contains(&format!("kill({pid}, SIGTERM) = -1 ESRCH")),
        "{err}"
    );
}

#[test]
fn uname_and_filter_and_json_lines() {
    let err = trace_stderr(&["--", "uname"]);
    assert!(err.contains("uname(0x"), "{err}");
    let only = trace_stderr(&["-e", "uname", "--", "uname"]);
    assert!(
        only.lines()
            .all(|l| l.starts_with("uname(") || l == "Linux"),
        "{only}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.jsonl");
    let f = file.to_str().expect("utf8");
    procscope()
        .args([
            "trace",
            "--json",
            "-e",
            "file",
            "-o",
            f,
            "--",
            "cat",
            "/etc/hostname",
        ])
        .output()
        .expect("run");
    let text = fs::read_to_string(&file).expect("trace file");
    let calls: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let open = calls
        .iter()
        .find(|c| {
            c["syscall"].as_str().is_some_and(|s| s.starts_with("open"))
                && c["args"]
                    .as_str()
                    .is_some_and(|a| a.contains("\"/etc/hostname\""))
        })
        .expect("the open of /etc/hostname");
    assert!(
        open["syscall"]
            .as_str()
            .is_some_and(|s| s.starts_with("open"))
    );
    assert!(open["ret"].as_i64().is_some_and(|r| r >= 0), "{open}");
    assert!(
        calls.iter().all(|c| c["syscall"] != "read"),
        "-e file leaves read out"
    );
}

#[test]
fn nc_bind_shows_the_port() {
    let port = 20000 + (std::process::id() % 20000);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("nc.trace");
    let mut g = Guard::default();
    let tracer = g
        .spawn(
            Command::new(crate::support::procscope_path())
                .args(["trace", "-f", "-o"])
                .arg(&file)
                .args(["--", "busybox", "nc", "-l", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null()),
        )
        .id();
    let want = format!("_port=htons({port})");
    let seen = wait_for(20, || {
        let t = fs::read_to_string(&file).ok()?;
        t.lines()
            .find(|l| l.contains("bind(") && l.contains(&want))
            .map(str::to_string)
    });
    // the traced nc is the tracer's child (the wrapper exec'd it): kill it by pid.
    for k in children_of(tracer) {
        g.pids.push(k);
        crate::support::kill(k);
    }
    let line = seen.expect("a bind with the port");
    assert!(line.starts_with("[pid "), "{line}");
    assert!(line.contains("sa_family=AF_INET"), "{line}");
}

/// Pids whose parent is `pid` (from each `/proc/N/stat`).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in fs::read_dir("/proc").expect("proc").flatten() {
        let Ok(n) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = fs::read_to_string(format!("/proc/{n}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().nth(1));
        if ppid == Some(pid.to_string().as_str()) {
            out.push(n);
        }
    }
    out
}

/// `name -> calls` of strace's `-c` table.
fn strace_counts(text: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for l in text.lines().skip(2) {
        if l.starts_with("------") {
            break;
        }
        let w: Vec<&str> = l.split_whitespace().collect();
        if w.len() >= 5 {
            out.insert(w[w.len() - 1].to_string(), w[3].parse().unwrap_or(0));
        }
    }
    out
}

#[test]
fn count_agrees_with_strace() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..50 {
        fs::write(dir.path().join(format!("f{i}")), b"x").expect("file");
    }
    let d = dir.path().to_str().expect("utf8");
    let sfile = dir.path().join("strace.txt");
    let st = Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(&sfile)
        .args(["ls", "-l", d])
        .stdout(Stdio::null())
        .status()
        .expect("strace");
    assert!(st.success());
    let theirs = strace_counts(&fs::read_to_string(&sfile).expect("strace output"));
    let out = procscope()
        .args(["--json", "trace", "-f", "-c", "--", "ls", "-l", d])
        .output()
        .expect("trace");
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json summary");
    let ours: BTreeMap<String, u64> = v["syscalls"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["syscall"].as_str().unwrap_or("").to_string(),
                r["calls"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (name, &n) in &theirs {
        let m = ours[name];
        let off = (m as f64 - n as f64).abs() / n.max(1) as f64;
        assert!(
            off <= 0.05 || m.abs_diff(n) <= 1,
            "{name}: ours {m}, strace {n}"
        );
    }
    assert!(v["total"]["calls"].as_u64().unwrap_or(0) > 50);
}

/// A python process with three threads making syscalls in a loop; its pid.
fn busy_threads(g: &mut Guard) -> u32 {
    g.python_ready(
        "import threading, os, time\n\
def spin():\n    while True:\n        os.stat('/')\n        time.sleep(0.002)\n\
for _ in range(3):\n    threading.Thread(target=spin, daemon=True).start()\n\
print('READY', flush=True)\ntime.sleep(600)\n",
    )
}

fn status_of(pid: u32) -> (String, String) {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let f = |k: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    (f("State:"), f("TracerPid:"))
}

fn assert_untouched(pid: u32) {
    for tid in fs::read_dir(format!("/proc/{pid}/task"))
        .expect("task")
        .flatten()
    {
        let tid: u32 = tid.file_name().to_string_lossy().parse().expect("tid");
        let (state, tracer) = status_of(tid);
        assert!(
            !state.starts_with('t') && !state.starts_with('T'),
            "{tid}: {state}"
        );
        assert_eq!(tracer, "0", "tid {tid}");
    }
}

#[test]
fn attach_follow_for_a_duration_then_it_runs_on() {
    let mut g = Guard::default();
    let pid = busy_threads(&mut g);
    let p = pid.to_string();
    let out = procscope()
        .args(["--json", "trace", "-f", "-c", "-w", "--duration", "1.5", &p])
        .output()
        .expect("trace");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("summary");
    let stat = v["syscalls"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["syscall"] == "newfstatat" || r["syscall"] == "stat")
        .expect("the threads' stat calls");
    assert!(stat["calls"].as_u64().unwrap_or(0) > 30, "{v}");
    assert!(v["total"]["seconds"].as_f64().unwrap_or(0.0) > 0.0);
    assert_untouched(pid);
    std::thread::sleep(Duration::from_millis(100));
    assert_untouched(pid);
}

#[test]
fn background_trace_counts_and_cancels() {
    let mut g = Guard::default();
    let pid = busy_threads(&mut g);
    let t = BackgroundTrace::start(pid, Duration::from_secs(60), true, false);
    std::thread::sleep(Duration::from_millis(800));
    assert!(!t.is_finished());
    let live = t.table();
    t.cancel();
    let began = Instant::now();
    let (end, table) = t.finish().expect("trace ran");
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "cancel detaches promptly"
    );
    assert_eq!(end, End::Detached);
    assert!(
        table.total.calls >= live.total.calls && table.total.calls > 10,
        "{table:?}"
    );
    assert_untouched(pid);
    let me = BackgroundTrace::start(std::process::id(), Duration::from_secs(1), false, false);
    let err = me.finish().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("procscope itself"), "{err}");
}

#[test]
fn another_tracer_is_named() {
    let mut g = Guard::default();
    let sleeper = g.spawn(Command::new("sleep").arg("60")).id();
    let strace = g
        .spawn(
            Command::new("strace")
                .args(["-o", "/dev/null", "-p", &sleeper.to_string()])
                .stderr(Stdio::null()),
        )
        .id();
    wait_for(10, || {
        (status_of(sleeper).1 == strace.to_string()).then_some(())
    })
    .expect("strace attached");
    let out = procscope()
        .args(["trace", &sleeper.to_string()])
        .output()
        .expect("trace");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("already traced by pid {strace} (strace)")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
