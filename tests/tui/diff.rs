//! `procscope --diff OLD` in the TUI: rows started since OLD carry `+`, changed rows `~`, and the
//! status bar counts what is gone.

use crate::support::tui::drive::{app, screen};
use procscope::model::Bytes;
use std::collections::HashMap;
use std::sync::Arc;

#[test]
fn rows_new_and_changed_since_old_are_marked() {
    let mut a = app();
    let new = (*a.loaded().snap).clone();
    // OLD: one process not yet started, one with another cwd, one since gone.
    let mut old = new.clone();
    let started = old.processes.pop().expect("fixture has processes");
    let changed_pid = old.processes[1].pid;
    old.processes[1].cwd = Some(Bytes::from("/somewhere/else"));
    let mut gone = old.processes[0].clone();
    gone.pid = 999_999;
    gone.ppid = 0;
    old.processes.push(gone);
    a.set_diff_base(Some(Arc::new(old)));
    a.set_snapshot(new, HashMap::new());

    let s = screen(&a);
    assert!(s.contains("diff +1 ~1 -1 gone"), "{s}");
    let row = |pid: u32| {
        s.lines()
            .map(|l| l.trim_matches('"'))
            .find(|l| l.starts_with(&format!("{pid} ")))
            .unwrap_or_else(|| panic!("no row for {pid} in\n{s}"))
            .to_string()
    };
    let mark_of = |pid: u32| row(pid).chars().nth(8 + 10 + 2 + 13 + 14).unwrap_or(' ');
    assert_eq!(mark_of(started.pid), '+', "{}", row(started.pid));
    assert_eq!(mark_of(changed_pid), '~', "{}", row(changed_pid));
    let unchanged = a.loaded().snap.processes[0].pid;
    assert_eq!(mark_of(unchanged), ' ', "{}", row(unchanged));
}

#[test]
fn without_diff_no_mark_column_or_summary() {
    let s = screen(&app());
    assert!(!s.contains("diff +"), "{s}");
}
