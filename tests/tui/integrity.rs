//! The integrity key (`X`): an effect the executor carries out on the live system, and its
//! lines on the process's overview (escaped); refused on a snapshot that is not live.

use crate::support::tui::drive::{app_sized, press, screen};
use procscope::model::{Bytes, Libraries, MappedFile, ProcessIntegrity};
use procscope::tui::Effect;

#[test]
fn integrity_needs_the_live_system_and_its_lines_show_on_the_overview() {
    let mut app = app_sized(110, 45);
    // The fixture is not a live snapshot: nothing is asked, a status line says why.
    let fx = press(&mut app, "j X");
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        screen(&app).contains("integrity: needs the live /proc"),
        "{}",
        screen(&app)
    );
    // An answer for the selected process (as the executor gives it) is drawn on its overview.
    let key = app.selected().map(|p| p.key()).expect("a selected process");
    let found = ProcessIntegrity {
        exe: None,
        libraries: Libraries {
            maps: vec![MappedFile {
                path: Bytes(b"/tmp/\x1b[31mevil.so".to_vec()),
                inode: 7,
                exec: true,
                deleted: true,
                memfd: false,
                flags: vec!["deleted".into()],
            }],
            ..Libraries::default()
        },
        findings: Vec::new(),
    };
    app.set_integrity(key, Some(found));
    press(&mut app, "Enter");
    let s = screen(&app);
    assert!(s.contains("mapped files (1)"), "{s}");
    assert!(
        s.contains("x /tmp/\\e[31mevil.so [deleted]"),
        "escaped:\n{s}"
    );
    assert!(!s.contains('\x1b'), "raw escape on screen");
    // Another process's overview does not show it.
    press(&mut app, "esc j Enter");
    assert!(!screen(&app).contains("mapped files (1)"));
}

#[test]
fn integrity_key_asks_the_executor_on_a_live_snapshot() {
    let mut snap = crate::support::tui::snapshot();
    snap.meta.live = true;
    let mut app = app_sized(110, 45);
    app.set_snapshot(snap, Default::default());
    let fx = press(&mut app, "j X");
    let key = app
        .detail_process()
        .map(|p| p.key())
        .expect("the overview of the process");
    assert_eq!(fx, vec![Effect::Integrity(key)]);
    assert!(screen(&app).contains("hashing the exe"), "{}", screen(&app));
}
