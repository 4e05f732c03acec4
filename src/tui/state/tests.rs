//! Unit tests of state parts that need no snapshot: navigation, tabs, the browser's paths,
//! reveal toggles.

use super::*;
use crate::tui::fsview::DirItem;

#[test]
fn back_stack_is_bounded_and_cycling_does_not_push() {
    let mut n = Nav::default();
    for _ in 0..40 {
        n.go(View::Secrets);
        n.go(View::Procs);
    }
    let mut backs = 0;
    while n.back() {
        backs += 1;
    }
    assert_eq!(backs, 32);
    n.view = View::Secrets;
    n.cycle(1);
    assert_eq!(n.view, View::Containers);
    n.cycle(1);
    assert_eq!(n.view, View::Alerts);
    n.cycle(1);
    assert_eq!(n.view, View::Procs);
    assert!(!n.back(), "cycling left nothing to go back to");
    assert_eq!(Tab::Overview.step(-1), Tab::Trace);
    assert_eq!(Tab::Root.step(1), Tab::Threads);
    assert_eq!(Tab::Trace.step(1), Tab::Overview);
}

#[test]
fn browser_opens_children_and_walks_up_to_the_root() {
    let mut b = Browser::at_root(7, None);
    b.path = b"/etc/ssl".to_vec();
    b.items = vec![DirItem {
        name: "certs".into(),
        kind: "dir".into(),
        size: None,
        link: None,
    }];
    assert_eq!(
        b.open_selected(),
        Some(Effect::List(7, b"/etc/ssl/certs".to_vec()))
    );
    assert_eq!(b.parent_dir(), Some(Effect::List(7, b"/etc".to_vec())));
    b.path = b"/etc".to_vec();
    assert_eq!(b.parent_dir(), Some(Effect::List(7, b"/".to_vec())));
    b.path = b"/".to_vec();
    assert_eq!(b.parent_dir(), None);
    b.interesting = Some(Vec::new());
    assert_eq!(b.parent_dir(), None, "leaves the interesting paths first");
    assert!(b.interesting.is_none());
}

#[test]
fn reveal_toggles_one_value_or_all() {
    let mut r = Reveal::new(false);
    let k = ProcKey::new(5, 50);
    let p = Process {
        pid: 5,
        start_time: 50,
        ..Process::default()
    };
    // Without a detector every environ value is masked, argv is not.
    let loaded = Loaded {
        gone_findings: crate::tui::findings::Findings::from_rows(Vec::new(), Some("no".into())),
        ..Loaded::default()
    };
    assert!(r.value_masked(&loaded, &p, Place::Env(1)));
    assert!(!r.value_masked(&loaded, &p, Place::Argv(0)));
    r.toggle(k, Place::Env(1));
    assert!(!r.value_masked(&loaded, &p, Place::Env(1)), "revealed");
    assert!(r.value_masked(&loaded, &p, Place::Env(2)), "only that one");
    r.toggle(k, Place::Env(1));
    assert!(r.value_masked(&loaded, &p, Place::Env(1)), "masked again");
    r.toggle_all();
    assert!(!r.value_masked(&loaded, &p, Place::Env(2)));
}
