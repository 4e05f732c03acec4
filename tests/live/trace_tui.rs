//! The TUI's background trace against a real child: `T` on the child's row asks for a trace,
//! the executor runs it, the rows grow while it runs, Esc stops it, a duration ends it, and
//! the child runs on untraced. Also the Threads data of a live snapshot (per-thread state).

use crate::support::Guard;
use procscope::collect::{Options, snapshot_at};
use procscope::model::{ProcKey, Snapshot};
use procscope::present::thread::ThreadRow;
use procscope::tui::state::trace::Phase;
use procscope::tui::{Action, App, Effect, Exec, Keymap, Tab};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A python child whose main thread calls getppid in a loop and whose second thread sleeps;
/// its pid once both run.
fn getppid_loop(g: &mut Guard) -> u32 {
    g.python_ready(
        "import os, threading, time\n\
threading.Thread(target=lambda: time.sleep(600), daemon=True).start()\n\
print('READY', flush=True)\nwhile True:\n    os.getppid()\n",
    )
}

fn status(tid: &str) -> (String, String) {
    let s = std::fs::read_to_string(format!("/proc/{tid}/status")).unwrap_or_default();
    let f = |k: &str| {
        (s.lines().find_map(|l| l.strip_prefix(k)))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    (f("State:"), f("TracerPid:"))
}

/// Every thread of `pid` still there, not stopped, with no tracer.
fn assert_running_untraced(pid: u32) {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("child still exists");
    let mut n = 0;
    for t in tasks.flatten() {
        let (state, tracer) = status(&t.file_name().to_string_lossy());
        assert!(!state.starts_with(['t', 'T', 'Z']), "{pid}: {state}");
        assert_eq!(tracer, "0", "TracerPid of a thread of {pid}");
        n += 1;
    }
    assert_eq!(n, 2, "both threads of {pid} run on");
}

fn app_over(snap: Snapshot, pid: u32) -> (App, ProcKey) {
    let help = Keymap::default_map().expect("keymap").help();
    let mut app = App::new(snap, help, None, false);
    app.resize(100, 30);
    let key = app
        .loaded()
        .snap
        .process(pid)
        .map(|p| p.key())
        .expect("child in the snapshot");
    assert!(app.select_key(key), "child row visible");
    (app, key)
}

fn phase(app: &App) -> Option<Phase> {
    app.trace().map(|t| t.phase.clone())
}

/// The Threads rows of `pid` in a live snapshot: both threads, each with its own state.
fn check_thread_rows(app: &App, pid: u32) {
    let p = app.loaded().snap.process(pid).expect("child");
    let rows = ThreadRow::all(&app.loaded().snap, p);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.state.as_str() != "-"), "{rows:?}");
    assert!(
        rows[1].syscall.as_str().contains("sleep") || rows[1].syscall.as_str().contains("select"),
        "{rows:?}"
    );
    assert_eq!(rows[1].state.as_str(), "S", "{rows:?}");
}

/// A trace of a pid that is no longer the process shown (another start time) is refused in
/// one status line, and nothing attaches.
fn check_stale_pid_refused(snap: Snapshot, pid: u32, exec: &mut Exec) {
    let mut other = snap;
    if let Some(p) = other.processes.iter_mut().find(|p| p.pid == pid) {
        p.start_time += 1;
    }
    let (mut app, _) = app_over(other, pid);
    let fx = app.update(Action::TraceSyscalls);
    for e in fx {
        exec.apply(&mut app, e);
    }
    exec.wait_trace(&mut app, Duration::from_secs(2));
    assert!(matches!(phase(&app), Some(Phase::Failed(w)) if w.contains("another process")));
    let msg = app.status().message.clone().unwrap_or_default();
    assert!(
        msg.contains("another process") && !msg.contains('\n'),
        "{msg}"
    );
    assert_running_untraced(pid);
}

#[test]
fn tui_trace_counts_the_child_then_it_runs_on_untraced() {
    let mut g = Guard::default();
    let pid = getppid_loop(&mut g);
    let snap = snapshot_at(Path::new("/proc"), &Options::default()).expect("live snapshot");
    let (mut app, key) = app_over(snap.clone(), pid);

    check_thread_rows(&app, pid);

    let fx = app.update(Action::TraceSyscalls);
    assert_eq!(fx, vec![Effect::Trace(key, 5)]);
    assert_eq!(app.detail().map(|d| d.tab), Some(Tab::Trace));
    let mut exec = Exec::new("/proc".into());
    for e in fx {
        exec.apply(&mut app, e);
    }
    // The rows grow while it runs.
    let began = Instant::now();
    let mut seen = 0;
    while began.elapsed() < Duration::from_secs(4) {
        exec.poll(&mut app);
        seen = app.trace().map_or(0, |t| t.table.total.calls);
        if seen > 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(seen > 200, "calls counted while running: {seen}");
    assert_eq!(phase(&app), Some(Phase::Running { stopping: false }));
    // Esc on the Trace tab stops it; it detaches promptly.
    let fx = app.update(Action::Back);
    assert_eq!(fx, vec![Effect::CancelTrace]);
    let stop = Instant::now();
    for e in fx {
        exec.apply(&mut app, e);
    }
    exec.wait_trace(&mut app, Duration::from_secs(5));
    assert!(stop.elapsed() < Duration::from_secs(3), "detached promptly");
    let t = app.trace().expect("trace");
    assert!(
        matches!(&t.phase, Phase::Done(how) if how.starts_with("detached")),
        "{t:?}"
    );
    let getppid = t.table.syscalls.iter().find(|r| r.syscall == "getppid");
    assert!(
        getppid.is_some_and(|r| r.calls >= seen / 2),
        "{:?}",
        t.table
    );
    assert_running_untraced(pid);
    std::thread::sleep(Duration::from_millis(100));
    assert_running_untraced(pid);

    // A trace that runs its duration out ends by itself, detached.
    let mut exec = Exec::new("/proc".into());
    app.update(Action::TraceSyscalls);
    exec.apply(&mut app, Effect::Trace(key, 1));
    exec.wait_trace(&mut app, Duration::from_secs(5));
    let t = app.trace().expect("trace");
    assert!(
        matches!(&t.phase, Phase::Done(how) if how.starts_with("detached after 1.")),
        "{t:?}"
    );
    assert!(t.table.total.calls > 100, "{:?}", t.table);
    assert_running_untraced(pid);

    check_stale_pid_refused(snap, pid, &mut exec);
}

#[test]
fn tui_trace_needs_procscopes_own_proc() {
    let mut g = Guard::default();
    let pid = getppid_loop(&mut g);
    let snap = snapshot_at(Path::new("/proc"), &Options::default()).expect("live snapshot");
    let (mut app, _) = app_over(snap, pid);
    let mut exec = Exec::new("/somewhere/else/proc".into());
    for e in app.update(Action::TraceSyscalls) {
        exec.apply(&mut app, e);
    }
    assert!(matches!(phase(&app), Some(Phase::Failed(w)) if w.contains("needs /proc")));
    assert_running_untraced(pid);
}

#[test]
fn tui_trace_refused_by_the_kernel_side_is_one_status_line() {
    let mut g = Guard::default();
    let sleeper = g.spawn(Command::new("sleep").arg("60")).id();
    let strace = g
        .spawn(
            Command::new("strace")
                .args(["-o", "/dev/null", "-p", &sleeper.to_string()])
                .stderr(Stdio::null()),
        )
        .id();
    let attached = crate::support::wait_for(10, || {
        (status(&sleeper.to_string()).1 == strace.to_string()).then_some(())
    });
    attached.expect("strace attached");
    let snap = snapshot_at(Path::new("/proc"), &Options::default()).expect("live snapshot");
    let (mut app, _) = app_over(snap, sleeper);
    let mut exec = Exec::new("/proc".into());
    for e in app.update(Action::TraceSyscalls) {
        exec.apply(&mut app, e);
    }
    exec.wait_trace(&mut app, Duration::from_secs(5));
    let want = format!("already traced by pid {strace} (strace)");
    assert!(
        matches!(phase(&app), Some(Phase::Failed(w)) if w.contains(&want)),
        "{:?}",
        app.trace()
    );
    let msg = app.status().message.clone().unwrap_or_default();
    assert!(msg.contains(&want) && !msg.contains('\n'), "{msg}");
    assert_eq!(
        status(&sleeper.to_string()).1,
        strace.to_string(),
        "strace's, untouched"
    );
}
