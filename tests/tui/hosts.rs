//! Many hosts in one TUI (`--snapshot DIR`): three hosts whose pids collide (the same pid and
//! start time is another process on each), a hostile host name, a FIFO and a junk file in the
//! directory. The tree's roots are the hosts, the picker jumps, `host=` filters, and Enter on
//! a process of host B opens host B's process.

use crate::support::tui::drive::{app_of, press, screen};
use crate::support::tui::proc;
use procscope::analysis::secrets::RuleSet;
use procscope::model::{Meta, Snapshot};
use procscope::source::record;
use procscope::tui::fleet::{LoadOptions, load};
use procscope::tui::{App, View};
use std::path::{Path, PathBuf};

/// A host whose pid 100 (same start time everywhere) runs `comm`.
fn host(name: &str, comm: &str, taken_at: u64) -> Snapshot {
    Snapshot {
        meta: Meta {
            hostname: Some(name.into()),
            taken_at,
            ..Meta::default()
        },
        processes: vec![
            proc(1, 0, "systemd", &["/sbin/init"], 0, "root"),
            proc(100, 1, comm, &[comm], 0, "root"),
            proc(200, 100, &format!("{comm}-child"), &["child"], 0, "root"),
        ],
        ..Snapshot::default()
    }
}

/// A fresh directory with hosts alpha, beta (an older and a newer file), a hostile-named host
/// in a file not named as the recorder names them, a FIFO and a junk file.
pub fn fleet_dir(tag: &str) -> PathBuf {
    // why: no pid in the name: the picker's screen (an insta snapshot) shows the junk's path.
    let dir = std::env::temp_dir().join(format!("procscope-fleet-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let put = |name: &str, s: &Snapshot| record::write_into(&dir, name, s).unwrap();
    put(
        &record::file_name("alpha", 1_795_000_000_000),
        &host("alpha", "nginx", 1_795_000_000),
    );
    put(
        &record::file_name("beta", 1_794_000_000_000),
        &host("beta", "stale", 1_794_000_000),
    );
    put(
        &record::file_name("beta", 1_795_000_100_000),
        &host("beta", "postgres", 1_795_000_100),
    );
    put("odd.json", &host("gamma\u{1b}[31m", "redis", 1_795_000_200));
    std::fs::write(dir.join("junk.json"), b"{ not a snapshot").unwrap();
    let fifo = dir.join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    dir
}

fn fleet_app(dir: &Path) -> App {
    let rules = RuleSet::builtin().unwrap();
    let hosts = load(
        &[dir.to_path_buf()],
        Some(&rules),
        None,
        &LoadOptions::default(),
    )
    .unwrap();
    let mut app = app_of(Snapshot::default(), 100, 20);
    drop(app.install_hosts(hosts));
    app
}

fn names(a: &App) -> Vec<String> {
    a.fleet()
        .unwrap()
        .hosts
        .iter()
        .map(|h| h.name.clone())
        .collect()
}

#[test]
fn tree_roots_are_the_hosts_and_names_are_escaped() {
    let dir = fleet_dir("tree");
    let a = fleet_app(&dir);
    // The FIFO is never opened; the junk file is a host row saying why; beta's newest file.
    assert_eq!(names(&a), ["alpha", "beta", "gamma\\e[31m", "junk.json"]);
    let f = a.fleet().unwrap();
    assert_eq!(f.hosts[1].processes, 3);
    assert!(f.hosts[3].error.is_some());
    let s = screen(&a);
    assert!(!s.contains('\u{1b}'), "{s}");
    assert!(s.contains("HOST gamma\\e[31m"), "{s}");
    assert!(s.contains("nginx") && !s.contains("postgres"), "{s}");
    insta::assert_snapshot!("fleet_tree", s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn picker_lists_hosts_and_jumps() {
    let dir = fleet_dir("picker");
    let mut a = fleet_app(&dir);
    press(&mut a, "5");
    assert_eq!(a.view(), View::Hosts);
    let s = screen(&a);
    assert!(
        s.contains("beta") && s.contains("2026-11-18 11:08:20Z"),
        "{s}"
    );
    assert!(!s.contains('\u{1b}'), "{s}");
    insta::assert_snapshot!("fleet_picker", s);
    press(&mut a, "down enter");
    assert_eq!(a.view(), View::Procs);
    assert_eq!(a.fleet().unwrap().active, 1);
    let s = screen(&a);
    assert!(s.contains("postgres") && !s.contains("nginx"), "{s}");
    // One host: no picker, a message.
    let mut one = app_of(Snapshot::default(), 100, 20);
    press(&mut one, "5");
    assert_eq!(one.view(), View::Procs);
    assert!(screen(&one).contains("one host"), "{}", screen(&one));
    // The unreadable host cannot be shown.
    press(&mut a, "5 G enter");
    assert_eq!(a.fleet().unwrap().active, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn host_filter_shows_that_host_only() {
    let dir = fleet_dir("filter");
    let mut a = fleet_app(&dir);
    press(&mut a, "\\ text:host=BETA enter");
    assert_eq!(a.fleet().unwrap().active, 1);
    let s = screen(&a);
    assert!(s.contains("HOST beta") && !s.contains("HOST alpha"), "{s}");
    insta::assert_snapshot!("fleet_filter", s);
    // A filter matching processes on two hosts keeps both host rows, with their counts.
    press(&mut a, "c \\ text:comm=child enter");
    let s = screen(&a);
    assert!(s.contains("HOST alpha") && s.contains("HOST beta"), "{s}");
    assert!(s.contains("1 matching the filter"), "{s}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn enter_opens_the_process_of_its_own_host() {
    let dir = fleet_dir("enter");
    let mut a = fleet_app(&dir);
    // pid 100 with the same start time on alpha and beta: open it on alpha, then on beta.
    press(&mut a, "g down down enter");
    assert_eq!(
        a.detail_process().map(|p| p.comm.lossy()),
        Some("nginx".into())
    );
    press(&mut a, "esc g down");
    let beta = a
        .procs()
        .rows
        .iter()
        .position(|r| r.kind == procscope::tui::state::rows::RowKind::Host(1));
    a.select_row(beta.unwrap());
    press(&mut a, "enter");
    assert_eq!(a.fleet().unwrap().active, 1);
    press(&mut a, "down down enter");
    assert_eq!(a.view(), View::Detail);
    let p = a.detail_process().unwrap();
    assert_eq!((p.pid, p.comm.lossy().as_ref()), (100, "postgres"));
    let s = screen(&a);
    assert!(s.contains("postgres") && !s.contains("nginx"), "{s}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_new_load_keeps_the_host_and_process_shown() {
    let dir = fleet_dir("reload");
    let mut a = fleet_app(&dir);
    let beta = |a: &App| {
        (a.procs().rows.iter())
            .position(|r| r.kind == procscope::tui::state::rows::RowKind::Host(1))
    };
    a.select_row(beta(&a).unwrap());
    press(&mut a, "enter down down down");
    assert_eq!(
        a.selected().map(|p| p.comm.lossy().into_owned()),
        Some("postgres-child".into())
    );
    let rules = RuleSet::builtin().unwrap();
    let again = load(
        std::slice::from_ref(&dir),
        Some(&rules),
        None,
        &LoadOptions::default(),
    )
    .unwrap();
    drop(a.install_hosts(again));
    assert_eq!(a.fleet().unwrap().active, 1);
    assert_eq!(
        a.selected().map(|p| p.comm.lossy().into_owned()),
        Some("postgres-child".into())
    );
    // beta gone from the directory: the first host is shown, nothing of beta selected.
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with("beta") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let again = load(
        std::slice::from_ref(&dir),
        Some(&rules),
        None,
        &LoadOptions::default(),
    )
    .unwrap();
    drop(a.install_hosts(again));
    assert_eq!(names(&a)[a.fleet().unwrap().active], "alpha");
    assert_ne!(
        a.selected().map(|p| p.comm.lossy().into_owned()),
        Some("postgres-child".into())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn search_goes_to_the_host_where_it_matches() {
    let dir = fleet_dir("search");
    let mut a = fleet_app(&dir);
    press(&mut a, "/ text:comm=postgres enter");
    assert_eq!(a.fleet().unwrap().active, 1);
    assert_eq!(
        a.selected().map(|p| (p.pid, p.comm.lossy().into_owned())),
        Some((100, "postgres".into()))
    );
    // host= in a search too; a search matching nowhere leaves the host shown alone.
    press(&mut a, "/ text:host=alpha enter");
    assert_eq!(a.fleet().unwrap().active, 0);
    press(&mut a, "/ text:comm=nothing-runs-this enter");
    assert_eq!(a.fleet().unwrap().active, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_hosts_process_never_opens_a_local_root() {
    let dir = fleet_dir("root");
    let mut a = fleet_app(&dir);
    // pid 100 of alpha is a file's process: no effect may reach this machine's pid 100.
    let fx = press(&mut a, "g down down R");
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        screen(&a).contains("not in a snapshot file"),
        "{}",
        screen(&a)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
