//! `procscope --diff OLD` in the TUI: processes gone since OLD are rows marked `-`, drawn from
//! OLD (escaped, secrets masked) after the current ones; they can be selected and opened
//! (overview of OLD, read-only, nothing read live) and survive refreshes, even when their pid
//! is reused by a new process.

use crate::support::tui::drive::{app, press, screen};
use crate::support::tui::proc;
use procscope::model::Snapshot;
use procscope::tui::{App, Effect, Tab, View};
use std::collections::HashMap;
use std::sync::Arc;

const SECRET: &str = "Zq8vN3xK7pL2mR9tW4yB6cD1";

/// The fixture as NEW; OLD is the same plus a gone `miner` (pid 800, under init) with a
/// secret in argv, and its gone child 850 with a hostile name.
fn diff_app() -> (App, Snapshot) {
    let mut a = app();
    let new = (*a.loaded().snap).clone();
    let mut old = new.clone();
    let token = format!("--token={SECRET}");
    old.processes.push(proc(
        800,
        1,
        "miner",
        &["/tmp/miner", &token],
        1000,
        "alice",
    ));
    old.processes.push(proc(
        850,
        800,
        "kid\u{1b}[2J",
        &["./kid\u{1b}]0;pwned\u{7}", "-q"],
        0,
        "root",
    ));
    old.processes.sort_by_key(|p| p.pid);
    a.set_diff_base(Some(Arc::new(old)));
    a.set_snapshot(new.clone(), HashMap::new());
    (a, new)
}

/// The screen line of the row whose pid column is `pid`.
/// Columns before the diff mark: pid, user, state, CPU % and memory, the tag (the flat list
/// has no CPU % and memory before it).
const MARK: usize = 8 + 10 + 2 + 13 + 14;
const MARK_FLAT: usize = 8 + 10 + 2 + 14;

fn row(s: &str, pid: u32) -> Option<String> {
    s.lines()
        .map(|l| l.trim_matches('"').to_string())
        .find(|l| l.starts_with(&format!("{pid} ")))
}

fn selected_pid(a: &App) -> Option<u32> {
    a.selected().or_else(|| a.selected_gone()).map(|p| p.pid)
}

#[test]
fn gone_processes_are_rows_marked_minus_after_the_tree() {
    let (a, _) = diff_app();
    let s = screen(&a);
    assert!(s.contains("diff +0 ~0 -2 gone"), "{s}");
    let miner = row(&s, 800).unwrap_or_else(|| panic!("no gone row in\n{s}"));
    let kid = row(&s, 850).unwrap_or_else(|| panic!("no gone child in\n{s}"));
    assert_eq!(miner.chars().nth(MARK), Some('-'), "{miner}");
    assert_eq!(kid.chars().nth(MARK), Some('-'), "{kid}");
    assert!(miner.contains("(gone) /tmp/miner --token="), "{miner}");
    // Under its gone parent, drawn with a branch; escaped; the secret masked.
    assert!(kid.contains("└─(gone) ./kid\\e]0;pwned\\x07 -q"), "{kid}");
    assert!(!s.contains(SECRET), "{s}");
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
    // After every current process.
    let lines: Vec<&str> = s.lines().collect();
    let at = |pid: u32| {
        lines
            .iter()
            .position(|l| l.trim_matches('"').starts_with(&format!("{pid} ")))
            .unwrap()
    };
    assert!(at(700) < at(800) && at(800) < at(850));
    insta::assert_snapshot!("tree_with_gone_rows", s);
}

#[test]
fn a_gone_row_opens_its_old_overview_read_only() {
    let (mut a, new) = diff_app();
    press(&mut a, "G");
    assert_eq!(selected_pid(&a), Some(850));
    press(&mut a, "k");
    assert_eq!(selected_pid(&a), Some(800));
    assert!(a.selected().is_none(), "a gone row has no current process");
    let fx = press(&mut a, "enter");
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(a.view(), View::Detail);
    let s = screen(&a);
    assert!(s.contains("800 miner"), "{s}");
    assert!(s.contains("GONE since OLD"), "{s}");
    assert!(s.contains("read-only"), "{s}");
    assert!(s.contains("/tmp/miner --token="), "{s}");
    assert!(!s.contains(SECRET), "{s}");
    // Every tab key keeps the OLD overview: nothing is read live (the pid may be reused).
    for k in [
        "e", "f", "R", "tab", "l", "backtab", "v", "enter", "j", "G", "g",
    ] {
        let fx = press(&mut a, k);
        assert!(fx.is_empty(), "{k}: {fx:?}");
        assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Overview), "{k}");
        assert!(screen(&a).contains("GONE since OLD"), "{k}");
    }
    // A refresh keeps the detail, the gone rows and the selection.
    a.set_snapshot(new.clone(), HashMap::new());
    assert!(screen(&a).contains("GONE since OLD"));
    press(&mut a, "esc");
    assert_eq!(a.view(), View::Procs);
    assert_eq!(selected_pid(&a), Some(800));
    // Reveal shows the gone process's secret too, like any other.
    press(&mut a, "V");
    assert!(screen(&a).contains(SECRET));
}

#[test]
fn a_reused_pid_is_a_new_process_and_the_gone_one_stays_apart() {
    let (mut a, mut new) = diff_app();
    // pid 800 now belongs to another process (another start time).
    let mut other = proc(800, 1, "sleep", &["sleep", "60"], 0, "root");
    other.start_time += 1_000_000;
    new.processes.push(other);
    new.processes.sort_by_key(|p| p.pid);
    a.set_snapshot(new, HashMap::new());
    let s = screen(&a);
    let rows800: Vec<&str> = s
        .lines()
        .map(|l| l.trim_matches('"'))
        .filter(|l| l.starts_with("800 "))
        .collect();
    assert_eq!(rows800.len(), 2, "{s}");
    assert!(rows800[0].contains("sleep 60") && rows800[0].chars().nth(MARK) == Some('+'));
    assert!(rows800[1].contains("(gone) /tmp/miner") && rows800[1].chars().nth(MARK) == Some('-'));
    // Opening the gone one shows OLD's miner, not the live sleep.
    press(&mut a, "G k enter");
    let s = screen(&a);
    assert!(s.contains("GONE since OLD") && s.contains("miner"), "{s}");
    assert!(!s.contains("sleep 60"), "{s}");
    // The live one opens normally, with its root tab reachable.
    press(&mut a, "esc");
    let live = (0..a.procs().rows.len())
        .find(|&r| {
            a.select_row(r);
            a.selected().is_some_and(|p| p.pid == 800)
        })
        .expect("live 800 row");
    a.select_row(live);
    assert_eq!(press(&mut a, "R"), vec![Effect::OpenRoot(800)]);
}

#[test]
fn flat_list_filter_and_collapse_handle_gone_rows() {
    let (mut a, new) = diff_app();
    press(&mut a, "t");
    let s = screen(&a);
    let kid = row(&s, 850).unwrap_or_else(|| panic!("{s}"));
    assert!(
        kid.chars().nth(MARK_FLAT) == Some('-') && kid.contains("(gone)"),
        "{kid}"
    );
    press(&mut a, "t");
    // Collapse on a gone child goes to its gone parent; on the gone root it does nothing.
    press(&mut a, "G h");
    assert_eq!(selected_pid(&a), Some(800));
    press(&mut a, "h l - + H H");
    assert_eq!(selected_pid(&a), Some(800));
    // The filter matches gone rows against OLD.
    press(&mut a, "\\ text:miner enter");
    let s = screen(&a);
    assert!(row(&s, 800).is_some(), "{s}");
    assert!(row(&s, 850).is_none() && row(&s, 700).is_none(), "{s}");
    press(&mut a, "c \\ text:cron enter");
    let s = screen(&a);
    assert!(row(&s, 700).is_some() && row(&s, 800).is_none(), "{s}");
    press(&mut a, "c");
    // Every tree key on a gone row, then a refresh: no panic, no live effect.
    press(&mut a, "G");
    for k in [
        "e", "f", "R", "enter", "esc", "h", "l", "n", "N", "s", "I", "t", "t", "1",
    ] {
        let fx = press(&mut a, k);
        assert!(
            fx.iter().all(|e| matches!(e, Effect::Refresh)),
            "{k}: {fx:?}"
        );
        let _ = screen(&a);
    }
    a.set_snapshot(new, HashMap::new());
    let _ = screen(&a);
}
