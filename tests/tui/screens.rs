//! The TUI driven by key events on ratatui's TestBackend over a fixture snapshot, with insta
//! snapshots of every view and assertions on behaviour (escaping, masking, jumps, filters).

use crate::support::tui::drive::{app, app_sized, mouse, press, screen};
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use procscope::tui::fsview::FileData;
use procscope::tui::{App, Effect, Exec, Tab, View};
use std::collections::HashMap;

#[test]
fn tree_view() {
    let wide = screen(&app_sized(140, 30));
    assert!(
        wide.contains("[ctr][ns:mnt,pid+5] [alert:Notice+1] nginx: master"),
        "{wide}"
    );
    assert!(wide.contains("[uid:33] nginx: worker"), "{wide}");
    let s = screen(&app());
    insta::assert_snapshot!(s);
}

#[test]
fn tree_view_80x24() {
    insta::assert_snapshot!(screen(&app_sized(80, 24)));
}

#[test]
fn hostile_names_are_escaped() {
    let mut a = app();
    let s = screen(&a);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}') && !s.contains('\u{202e}'));
    assert!(
        s.contains("./x\\e[31mred --token=…(8)"),
        "argv secret masked: {s}"
    );
    press(&mut a, "text:/ text:comm=evil enter enter");
    let s = screen(&a);
    assert!(!s.contains('\u{1b}'), "{s}");
    assert!(s.contains("[deleted]"), "{s}");
    assert!(
        s.contains("comm          evil\\e[2J\\e]0;pwned\\x07"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn threads_collapse_and_flat_list() {
    let mut a = app();
    press(&mut a, "H");
    let s = screen(&a);
    assert!(s.contains("{nginx-io}"), "{s}");
    insta::assert_snapshot!("threads", s);
    // Collapse the root: only it remains.
    press(&mut a, "H g h");
    assert_eq!(a.procs().rows.len(), 1);
    press(&mut a, "l");
    assert_eq!(a.procs().rows.len(), 9);
    press(&mut a, "- ");
    assert_eq!(a.procs().rows.len(), 1);
    press(&mut a, "+");
    assert_eq!(a.procs().rows.len(), 9);
    press(&mut a, "t s s");
    insta::assert_snapshot!("flat_by_user", screen(&a));
    press(&mut a, "I");
    assert_eq!(a.selected().map(|p| p.pid), Some(1));
}

#[test]
fn search_highlights_and_jumps() {
    let mut a = app();
    press(&mut a, "/ text:nginx");
    assert_eq!(a.selected().map(|p| p.pid), Some(500));
    assert_eq!(a.procs().search.count, 2);
    insta::assert_snapshot!("search_prompt", screen(&a));
    press(&mut a, "enter n");
    assert_eq!(a.selected().map(|p| p.pid), Some(501));
    press(&mut a, "n");
    assert_eq!(a.selected().map(|p| p.pid), Some(500));
}

#[test]
fn filter_keeps_ancestors_and_reports_bad_regex() {
    let mut a = app();
    press(&mut a, "f4 text:port=80");
    let pids: Vec<u32> = a
        .procs()
        .rows
        .iter()
        .map(|r| a.loaded().snap.processes[r.index].pid)
        .collect();
    assert_eq!(pids, vec![1, 400, 500]);
    insta::assert_snapshot!("filter_port", screen(&a));
    press(&mut a, "esc f4 text:re:(oops");
    let s = screen(&a);
    assert!(s.contains("bad regex"), "{s}");
    insta::assert_snapshot!("filter_bad_regex", s);
    press(&mut a, "esc");
    assert_eq!(a.procs().rows.len(), 9);
    press(&mut a, "f4 text:!user=root");
    let pids: Vec<u32> = a
        .procs()
        .rows
        .iter()
        .map(|r| a.loaded().snap.processes[r.index].pid)
        .collect();
    assert_eq!(pids, vec![1, 100, 200, 300, 400, 500, 501]);
    press(&mut a, "ctrl-t");
    assert!(screen(&a).contains("filter [regex]"));
}

#[test]
fn environ_masked_then_revealed() {
    let mut a = app();
    press(&mut a, "/ text:pid=500 enter e");
    assert_eq!(a.view(), View::Detail);
    let s = screen(&a);
    assert!(
        !s.contains("wJalrXUtnFEMI/K7MDENG"),
        "masked by default: {s}"
    );
    insta::assert_snapshot!("environ_masked", s);
    press(&mut a, "j v");
    let s = screen(&a);
    assert!(
        s.contains("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT3LmKq"),
        "{s}"
    );
    assert!(
        !s.contains("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"),
        "only one revealed"
    );
    press(&mut a, "v V");
    let s = screen(&a);
    assert!(
        s.contains("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"),
        "{s}"
    );
    assert!(s.contains("REVEALED"));
}

#[test]
fn files_and_sockets_and_pipe_jump() {
    let mut a = app();
    press(&mut a, "/ text:pid=500 enter f");
    insta::assert_snapshot!("files", screen(&a));
    press(&mut a, "j j enter");
    assert_eq!(
        a.detail_process().map(|p| p.pid),
        Some(501),
        "jumped to the pipe peer"
    );
    press(&mut a, "esc esc");
    press(&mut a, "/ text:pid=500 enter enter tab tab tab");
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Sockets));
    let s = screen(&a);
    assert!(s.contains("10.0.0.5:51234"), "{s}");
    insta::assert_snapshot!("sockets", s);
}

#[test]
fn overview_of_fileless_and_denied() {
    let mut a = app();
    press(&mut a, "/ text:pid=600 enter enter");
    let s = screen(&a);
    assert!(s.contains("[memfd]"), "{s}");
    insta::assert_snapshot!("overview_memfd", s);
    press(&mut a, "esc / text:pid=700 enter e");
    assert!(screen(&a).contains("environ <permission denied>"));
}

#[test]
fn secrets_view() {
    let mut a = app();
    press(&mut a, "2");
    assert_eq!(a.view(), View::Secrets);
    insta::assert_snapshot!("secrets", screen(&a));
}

#[test]
fn containers_view_and_root_browser() {
    let mut a = app();
    press(&mut a, "3");
    let s = screen(&a);
    assert!(s.contains("docker"), "{s}");
    insta::assert_snapshot!("containers", s);
    let fx = press(&mut a, "enter");
    assert_eq!(fx, vec![Effect::OpenRoot(500)]);
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Root));

    // A proc root whose 500/root is a real directory tree, browsed through the real RootFs.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("500/root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("root")).unwrap();
    std::fs::write(root.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    std::fs::write(root.join("etc/evil\u{1b}[2Jname"), "x").unwrap();
    std::fs::write(
        root.join("root/.bash_history"),
        "curl -H 'Authorization: Bearer abc'\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("etc/link")).unwrap();
    let mut exec = Exec::new(tmp.path().to_path_buf());
    for e in fx {
        exec.apply(&mut a, e);
    }
    let names: Vec<String> = a
        .browser()
        .unwrap()
        .items
        .iter()
        .map(|i| i.name.lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["etc", "root"],
        "{:?}",
        a.browser().unwrap().error
    );
    for e in press(&mut a, "enter") {
        exec.apply(&mut a, e);
    }
    let s = screen(&a);
    assert!(!s.contains('\u{1b}'), "{s}");
    assert!(s.contains("evil\\e[2Jname"), "{s}");
    assert!(s.contains("link -> /etc/passwd"), "{s}");
    insta::assert_snapshot!("root_browser", s);
    // Open passwd in the viewer.
    let sel = a
        .browser()
        .unwrap()
        .items
        .iter()
        .position(|i| i.name.as_bytes() == b"passwd")
        .unwrap();
    press(&mut a, "g");
    for _ in 0..sel {
        press(&mut a, "j");
    }
    for e in press(&mut a, "enter") {
        exec.apply(&mut a, e);
    }
    assert!(screen(&a).contains("root:x:0:0:root:/root:/bin/sh"));
    press(&mut a, "esc h");
    for e in press(&mut a, "h") {
        exec.apply(&mut a, e);
    }
    assert_eq!(a.browser().unwrap().path, b"/".to_vec());
    for e in press(&mut a, "i") {
        exec.apply(&mut a, e);
    }
    let s = screen(&a);
    assert!(s.contains("/root/.bash_history"), "{s}");
}

#[test]
fn secret_enter_jumps_to_the_variable() {
    let mut a = app();
    press(&mut a, "2 j enter");
    assert_eq!(a.view(), View::Detail);
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Environ));
    assert_eq!(a.detail_process().map(|p| p.pid), Some(500));
    assert_eq!(a.detail_cursor().sel, 2, "GITHUB_TOKEN is environ entry 2");
    press(&mut a, "v");
    assert!(screen(&a).contains("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"));
    press(&mut a, "esc");
    assert_eq!(a.view(), View::Secrets, "Esc goes back to the list");
    press(&mut a, "k v");
    let s = screen(&a);
    assert!(
        s.contains("wJalrXUtnFEMI/K7MDENG/bPxRfiCY"),
        "reveal from the secrets list: {s}"
    );
}

#[test]
fn viewer_modes_and_search() {
    let mut a = app();
    press(&mut a, "/ text:pid=500 enter R");
    let text = b"root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101::/var/cache/nginx:/sbin/nologin\n\x1b[2Jtrap\n";
    a.set_file(
        b"/etc/passwd".to_vec(),
        Ok(FileData {
            bytes: text.to_vec(),
            size: text.len() as u64,
            truncated: false,
            sensitive: false,
        }),
    );
    press(&mut a, "/ text:nologin enter");
    let s = screen(&a);
    assert!(!s.contains('\u{1b}'));
    insta::assert_snapshot!("viewer_text", s);
    press(&mut a, "m");
    insta::assert_snapshot!("viewer_hex", screen(&a));
    press(&mut a, "m");
    assert!(screen(&a).contains("trap"));
    press(&mut a, "q");
    assert!(a.viewer().is_none());
}

#[test]
fn help_lists_every_mode() {
    let mut a = app();
    press(&mut a, "?");
    let s = screen(&a);
    assert!(s.contains("Everywhere") && s.contains("Quit"), "{s}");
    insta::assert_snapshot!("help", s);
    press(&mut a, "esc");
    assert!(!a.help_open());
    assert_eq!(press(&mut a, "q"), vec![Effect::Quit]);
}

#[test]
fn refresh_keeps_selection_and_collapsed_nodes() {
    let mut a = app();
    press(&mut a, "/ text:pid=400 enter h");
    press(&mut a, "/ text:pid=200 enter");
    assert_eq!(press(&mut a, "r"), vec![Effect::Refresh]);
    assert!(screen(&a).contains("scanning"));
    let mut next = crate::support::tui::snapshot();
    next.processes.retain(|p| p.pid != 100 && p.pid != 300);
    a.set_snapshot(next, HashMap::new());
    // 200 lost its parent: it is a root now and still selected; 400 is still collapsed.
    assert_eq!(a.selected().map(|p| p.pid), Some(200));
    assert!(
        a.procs()
            .rows
            .iter()
            .all(|r| a.loaded().snap.processes[r.index].pid != 500)
    );
}

#[test]
fn mouse_click_and_wheel() {
    let mut a = app();
    let click = |a: &mut App, column: u16, row: u16| {
        mouse(
            a,
            MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column,
                row,
                modifiers: KeyModifiers::NONE,
            },
        )
    };
    // Rows start under the top bar and the header: screen row 4 is the third process.
    click(&mut a, 5, 4);
    assert_eq!(a.selected().map(|p| p.pid), Some(200));
    mouse(
        &mut a,
        MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 5,
            row: 4,
            modifiers: KeyModifiers::NONE,
        },
    );
    assert_eq!(a.selected().map(|p| p.pid), Some(500));
    // The top bar: " procscope " then " 1 Tree " then " 2 Secrets (3) ".
    click(&mut a, 22, 0);
    assert_eq!(a.view(), View::Secrets);
    click(&mut a, 13, 0);
    assert_eq!(a.view(), View::Procs);
    // The detail tabs: " Overview ", " Environ ", " Files ".
    press(&mut a, "enter");
    click(&mut a, 23, 2);
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Files));
}

#[test]
fn tiny_and_huge_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (300, 100)] {
        let mut a = app_sized(w, h);
        for keys in [
            "j", "enter", "tab", "tab", "tab", "tab", "esc", "2", "3", "?",
        ] {
            press(&mut a, keys);
            screen(&a);
        }
    }
}

#[test]
fn snapshot_file_mode_has_no_roots() {
    let mut a = app();
    a.set_snapshot_file(
        "/evidence/node1.json.gz".into(),
        procscope::model::NO_ROOT_IN_SNAPSHOT.into(),
    );
    assert!(press(&mut a, "R").is_empty(), "no root is opened");
    let s = screen(&a);
    assert!(
        s.contains("container roots are not in a snapshot file"),
        "{s}"
    );
    assert!(
        s.contains("file /evidence/node1.json.gz (/fixture/proc at 2026-11-22"),
        "{s}"
    );
}
