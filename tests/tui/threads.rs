//! The Threads tab, the tree's SYSCALL column and the background trace's state (Trace tab,
//! `T` to start, `esc`/`T` to stop), over the fixture with thread activity added.

use crate::support::tui::drive::{layout, press, screen};
use crate::support::tui::{HOSTILE_COMM, snapshot};
use procscope::analysis::syscall::summary::Summary;
use procscope::model::*;
use procscope::tui::state::trace::Phase;
use procscope::tui::{Action, App, Effect, Keymap, Tab, View};
use std::time::Duration;

fn call(tid: Pid, state: &str, nr: i64, name: &str, args: [u64; 6], wchan: &str) -> ThreadNow {
    ThreadNow {
        tid,
        state: Some(state.into()),
        syscall: Some(ThreadSyscall::Call(SyscallNow {
            nr,
            name: Some(name.into()),
            args: args.to_vec(),
            sp: 0x7ffd_0000,
            pc: 0x7f00_1234,
        })),
        wchan: Some(wchan.into()),
        stack: None,
    }
}

/// The fixture with what its threads are doing: nginx's master in `accept4` on its listening
/// socket, the worker in `read` on the pipe and its io thread running, systemd asleep, a
/// hostile syscall name and wchan on the hostile process, and cron's activity denied.
fn activity_snapshot(live: bool) -> Snapshot {
    let mut s = snapshot();
    s.meta.arch = Some("x86_64".into());
    s.meta.live = live;
    let act = |s: &mut Snapshot, pid: Pid, now: Vec<ThreadNow>| {
        if let Some(p) = s.processes.iter_mut().find(|p| p.pid == pid) {
            p.activity = now;
        }
    };
    let sleep = call(
        1,
        "S",
        230,
        "clock_nanosleep",
        [1, 0, 0x7ffc, 0x7ffc, 0, 0],
        "hrtimer_nanosleep",
    );
    act(&mut s, 1, vec![sleep]);
    let accept = call(
        500,
        "S",
        288,
        "accept4",
        [3, 0, 0, 0x80800, 0, 0],
        "inet_csk_accept",
    );
    act(&mut s, 500, vec![accept]);
    let read = call(
        501,
        "S",
        0,
        "read",
        [4, 0x7ffd_1000, 4096, 0, 0, 0],
        "pipe_read",
    );
    let io = ThreadNow {
        tid: 502,
        state: Some("R".into()),
        syscall: Some(ThreadSyscall::State(NotInSyscall::Running)),
        wchan: Some("0".into()),
        stack: None,
    };
    act(&mut s, 501, vec![read, io]);
    let evil = call(
        300,
        "D\u{1b}[5m",
        999,
        "x\u{1b}[31mred",
        [0; 6],
        "w\u{1b}]0;t\u{7}",
    );
    act(&mut s, 300, vec![evil]);
    if let Some(p) = s.processes.iter_mut().find(|p| p.pid == 700) {
        for f in ["syscall", "wchan", "stack"] {
            p.unavailable
                .insert(thread_field(700, f), Unavailable::Denied);
        }
    }
    s
}

fn app_over(snap: Snapshot) -> App {
    let mut app = App::new(
        snap,
        Keymap::default_map().expect("keymap").help(),
        None,
        false,
    );
    app.set_color(false);
    app.resize(100, 30);
    app
}

fn open_tab(a: &mut App, pid: Pid, tab: Tab) -> Vec<Effect> {
    press(a, &format!("/ text:pid={pid} enter enter"));
    assert_eq!(a.detail_process().map(|p| p.pid), Some(pid));
    a.update(Action::SelectTab(tab))
}

#[test]
fn threads_tab_decodes_each_thread() {
    let mut a = app_over(activity_snapshot(false));
    open_tab(&mut a, 501, Tab::Threads);
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Threads));
    let s = screen(&a);
    assert!(s.contains("read(4<pipe:[7000]>, 0x7ffd1000, 4096)"), "{s}");
    assert!(s.contains("pipe_read"), "{s}");
    assert!(s.contains("502     nginx-io        R     running"), "{s}");
    insta::assert_snapshot!("threads_tab", s);
    let list = layout(&a).list.map(|r| r.height as usize);
    assert_eq!(list, Some(a.page()), "drawn list vs page");
    // The cursor moves over the two threads only.
    press(&mut a, "j j j");
    assert_eq!(a.detail_cursor().sel, 1);

    // A socket fd is described from the socket table, as `inspect` does.
    press(&mut a, "esc esc");
    open_tab(&mut a, 500, Tab::Threads);
    let s = screen(&a);
    assert!(s.contains("accept4(3<socket tcp 0.0.0.0:80 LISTEN>"), "{s}");
}

#[test]
fn threads_tab_escapes_and_says_denied() {
    let mut a = app_over(activity_snapshot(false));
    open_tab(&mut a, 300, Tab::Threads);
    let s = screen(&a);
    for bad in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(!s.contains(bad), "raw {bad:?} in:\n{s}");
    }
    assert!(s.contains("x\\e[31mred("), "{s}");
    assert!(s.contains("w\\e]0;t\\x07"), "{s}");
    assert!(
        s.contains(" D\\e["),
        "the state, escaped (cut to its column): {s}"
    );
    assert!(
        s.contains(&HOSTILE_COMM.replace('\u{1b}', "\\e")[..8]),
        "{s}"
    );
    press(&mut a, "esc esc");
    open_tab(&mut a, 700, Tab::Threads);
    let s = screen(&a);
    assert!(
        s.contains("<permission denied> <permission denied>")
            || s.matches("<permission denied>").count() == 2,
        "{s}"
    );
}

#[test]
fn tree_syscall_column_toggles() {
    let mut a = app_over(activity_snapshot(false));
    let before = screen(&a);
    assert!(!before.contains("SYSCALL"), "{before}");
    press(&mut a, "S");
    let s = screen(&a);
    let line = |pid: &str| {
        s.lines()
            .find(|l| l.trim_start_matches('"').starts_with(pid))
            .unwrap_or_default()
            .to_string()
    };
    assert!(s.contains("SYSCALL"), "{s}");
    assert!(line("1 ").contains("clock_nanosleep"), "{s}");
    assert!(line("500 ").contains("accept4"), "{s}");
    assert!(line("501 ").contains("read"), "{s}");
    assert!(line("700 ").contains("denied"), "{s}");
    // No activity recorded: the process state.
    assert!(line("100 ").contains(" S "), "{s}");
    assert!(!s.contains('\u{1b}'), "{s}");
    insta::assert_snapshot!("tree_syscall_column", s);
    // With threads shown, each thread row has its own syscall.
    press(&mut a, "H");
    let s = screen(&a);
    assert!(
        s.lines()
            .any(|l| l.contains("{nginx-io}") && l.contains("R ")),
        "{s}"
    );
    press(&mut a, "H t");
    assert!(screen(&a).contains("SYSCALL"), "flat list too");
    press(&mut a, "S");
    assert!(!screen(&a).contains("SYSCALL"), "hidden again");
}

fn table(calls: &[(&str, u64)]) -> procscope::analysis::syscall::summary::Table {
    let mut s = Summary::default();
    for (name, n) in calls {
        for _ in 0..*n {
            s.add(name, false, Duration::from_micros(3));
        }
    }
    s.table()
}

#[test]
fn trace_starts_shows_progress_and_esc_stops() {
    let mut a = app_over(activity_snapshot(true));
    press(&mut a, "/ text:pid=501 enter");
    let key = a.selected().map(|p| p.key()).expect("501");
    let fx = press(&mut a, "T");
    assert_eq!(fx, vec![Effect::Trace(key, 5)]);
    assert_eq!(a.view(), View::Detail);
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Trace));
    assert!(screen(&a).contains("tracing pid 501: 0.0 of 5 s, 0 calls"));
    a.trace_progress(key, table(&[("read", 40), ("write", 2)]), 1200);
    let s = screen(&a);
    assert!(
        s.contains("tracing pid 501: 1.2 of 5 s, 42 calls (T or esc: stop)"),
        "{s}"
    );
    assert!(s.contains("        40           read"), "{s}");
    let list = layout(&a).list.map(|r| r.height as usize);
    assert_eq!(list, Some(a.page()), "drawn list vs page");
    assert_eq!(a.detail_len(), 5, "rule, two rows, rule, total");
    // Esc stops the trace (it does not leave the tab); the rows stay.
    assert_eq!(press(&mut a, "esc"), vec![Effect::CancelTrace]);
    assert_eq!(a.view(), View::Detail);
    assert_eq!(
        a.trace().map(|t| t.phase.clone()),
        Some(Phase::Running { stopping: true })
    );
    assert!(screen(&a).contains("stopping"));
    a.trace_ended(
        key,
        Ok((
            "detached after 1.3 s".into(),
            table(&[("read", 41), ("write", 2)]),
        )),
    );
    let s = screen(&a);
    assert!(
        s.contains("43 calls; detached after 1.3 s (T: count again)"),
        "{s}"
    );
    insta::assert_snapshot!("trace_done", s);
    // Done: esc goes back as usual, and nothing is cancelled.
    assert_eq!(press(&mut a, "esc"), vec![]);
    assert_eq!(a.view(), View::Procs);
    // T again on the tree starts a new trace; T on the running one stops it.
    assert_eq!(press(&mut a, "T"), vec![Effect::Trace(key, 5)]);
    assert_eq!(press(&mut a, "T"), vec![Effect::CancelTrace]);
    // A report about another process is ignored.
    let other = ProcKey::new(500, 1500);
    a.trace_progress(other, table(&[("poll", 9)]), 100);
    assert_eq!(a.trace().map(|t| t.table.total.calls), Some(0));
}

#[test]
fn trace_refusals_are_one_status_line() {
    // A saved (not live) snapshot: nothing to trace.
    let mut a = app_over(activity_snapshot(false));
    press(&mut a, "/ text:pid=501 enter");
    assert_eq!(press(&mut a, "T"), vec![]);
    let msg = a.status().message.clone().unwrap_or_default();
    assert!(msg.contains("not live"), "{msg}");
    assert!(!msg.contains('\n'));
    // procscope itself.
    let mut snap = activity_snapshot(true);
    snap.meta.self_pid = 501;
    let mut a = app_over(snap);
    press(&mut a, "/ text:pid=501 enter");
    assert_eq!(press(&mut a, "T"), vec![]);
    assert!(
        a.status()
            .message
            .clone()
            .unwrap_or_default()
            .contains("itself")
    );
    // The kernel refuses (permission denied): the tab and the status line say why.
    let mut a = app_over(activity_snapshot(true));
    press(&mut a, "/ text:pid=501 enter");
    let key = a.selected().map(|p| p.key()).expect("501");
    press(&mut a, "T");
    let why = "PTRACE_SEIZE of pid 501 refused: not root and no CAP_SYS_PTRACE";
    a.trace_ended(key, Err(why.into()));
    let msg = a.status().message.clone().unwrap_or_default();
    assert_eq!(msg, format!("trace of pid 501: {why}"));
    let s = screen(&a);
    assert!(
        s.contains(&format!("trace refused or failed: {why}")),
        "{s}"
    );
    assert_eq!(a.detail_len(), 0, "no table rows after a refusal");
    assert_eq!(press(&mut a, "esc"), vec![], "nothing left to stop");
}

#[test]
fn trace_tab_before_any_trace_says_how() {
    let mut a = app_over(activity_snapshot(true));
    open_tab(&mut a, 100, Tab::Trace);
    let s = screen(&a);
    assert!(s.contains("T: count the syscalls of pid 100"), "{s}");
    assert_eq!(a.detail_len(), 0);
}
