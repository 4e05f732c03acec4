//! The staged first scan: the tree alone, then everything; the selection and scroll stay while
//! stages arrive, uncollected parts say so, and the status bar counts the last stage.

use crate::support::tui::drive::{app_sized, press, screen};
use procscope::model::{Parts, ProcKey, Snapshot};
use procscope::tui::state::Loaded;

/// `full` as the tree stage reads it: only `stat`, `status` and `cmdline`.
fn tree_only(full: &Snapshot) -> Snapshot {
    let mut s = full.clone();
    s.meta.collected = Parts::NONE;
    s.sockets.clear();
    s.netns.clear();
    for p in &mut s.processes {
        p.collected = Parts::NONE;
        p.environ = None;
        p.fds = None;
        p.exe = None;
        p.cwd = None;
        p.root = None;
        p.threads.clear();
        p.namespaces = Default::default();
        p.cgroups = Default::default();
        p.container = None;
        p.namespaced = false;
        p.unavailable.clear();
    }
    s
}

fn loaded(app: &procscope::tui::App, snap: Snapshot) -> Loaded {
    Loaded::compute(
        std::sync::Arc::new(snap),
        app.setup().rules.as_deref(),
        None,
        Default::default(),
    )
}

fn selected(app: &procscope::tui::App) -> Option<ProcKey> {
    app.procs().selected_key(app.loaded())
}

#[test]
fn the_selection_and_scroll_stay_while_stages_arrive() {
    let full = crate::support::tui::synthetic(400);
    let mut app = app_sized(100, 20);
    drop(app.install_stage(loaded(&app, tree_only(&full))));
    app.scan_running(10);
    // Down a few pages, then a few rows: the list is scrolled.
    press(&mut app, "PageDown PageDown j j j");
    let (key, cur) = (selected(&app), app.procs().cur);
    assert!(key.is_some() && cur.off > 0, "{cur:?}");
    // The focus the collector reads first: the selected process, then the rest on screen.
    let focus = app.focus();
    assert_eq!(focus.first().copied(), key.map(|k| k.pid));
    assert!(focus.len() >= 10, "{focus:?}");
    // The processes on screen arrive in full, then everything: nothing moves.
    let mut on_screen = tree_only(&full);
    for p in &mut on_screen.processes {
        if focus.contains(&p.pid) {
            *p = full.process(p.pid).cloned().expect("fixture process");
        }
    }
    drop(app.install_stage(loaded(&app, on_screen)));
    assert_eq!((selected(&app), app.procs().cur), (key, cur));
    assert!(
        app.status().scanning.is_some(),
        "a stage is not the end of the scan"
    );
    app.scan_progress(3120, 5000);
    assert!(screen(&app).contains("fds 3,120/5,000"), "{}", screen(&app));
    drop(app.install(loaded(&app, full)));
    assert_eq!((selected(&app), app.procs().cur), (key, cur));
    assert!(app.status().scanning.is_none() && app.status().progress.is_none());
    assert!(!screen(&app).contains("fds 3,120"));
}

#[test]
fn a_tree_stage_process_says_what_was_not_collected() {
    let full = crate::support::tui::snapshot();
    let mut app = app_sized(100, 40);
    drop(app.install(loaded(&app, tree_only(&full))));
    // The first process with a command line: its overview, then its environ and files.
    press(&mut app, "j Enter");
    let s = screen(&app);
    assert!(s.contains("<not collected>"), "exe/cwd/root:\n{s}");
    assert!(s.contains("not collected: exe/cwd/root, environ"), "{s}");
    assert!(!s.contains("permission denied"), "nothing was denied:\n{s}");
    insta::assert_snapshot!("tree_stage_overview", s);
}
