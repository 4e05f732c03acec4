//! The TUI's content over a snapshot whose every text field is hostile: the overview lines, the
//! fd and socket rows, the tree tag and marks, the container, secret and alert screens, all
//! escaped.

use super::cells;
use crate::analysis::secrets::RuleSet;
use crate::present::container::ContainerRow;
use crate::present::fixture::{OVERVIEW_TAGS, assert_clean, escaped, snapshot};
use crate::tui::overview;
use crate::tui::views::{Layout, containers, procs, secrets};
use crate::tui::{App, Keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn app() -> App {
    let keymap = Keymap::default_map().unwrap();
    App::new(
        snapshot(),
        keymap.help(),
        Some(RuleSet::builtin().unwrap()),
        true,
    )
}

fn rows_text(rows: &[cells::Row]) -> String {
    let lines: Vec<String> = rows.iter().map(|(c, _)| c.join(" | ")).collect();
    lines.join("\n")
}

fn screen(app: &App, draw: fn(&mut ratatui::Frame, &App, Rect) -> Layout) -> String {
    let mut term = Terminal::new(TestBackend::new(200, 12)).unwrap();
    term.draw(|f| {
        draw(f, app, f.area());
    })
    .unwrap();
    term.backend().to_string()
}

#[test]
fn overview_lines_escape_every_field_and_tag_the_deleted_exe() {
    let a = app();
    let p = a.loaded.snap.process(10).unwrap();
    let lines = overview::overview_lines(&a, p);
    let text: Vec<String> = lines.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let mut tags = OVERVIEW_TAGS.to_vec();
    tags.extend(["GNAME", "UF", "DETAIL"]);
    assert_clean(&text.join("\n"), &tags);
    assert!(text.contains(&format!("exe {} [deleted]", escaped("EXE"))));
    assert!(text.contains(&format!(
        "container {} {} pod {} qos {}",
        escaped("RT"),
        escaped("ID"),
        escaped("POD"),
        escaped("QOS")
    )));
    // Every namespace kind, from the one list.
    let ns = lines.iter().filter(|(k, _)| k.starts_with("ns ")).count();
    assert_eq!(ns, crate::model::NsKind::ALL.len());
    // Styles come from the cells' kinds, not from the text: the deleted exe is a finding, a
    // path that merely starts with `<` is not dimmed, a reason is.
    let t = crate::tui::views::theme(&a);
    let style_of = |rows: &[cells::Row], label: &str| {
        rows.iter().find(|(c, _)| c[0] == label).map(|(_, s)| *s)
    };
    let rows = cells::overview(&a, p);
    assert_eq!(rows.len(), lines.len());
    assert_eq!(style_of(&rows, "exe"), Some(t.finding()));
    let mut q = p.clone();
    q.cwd = Some("<not a reason>".into());
    q.root = None;
    q.unavailable
        .insert("root".into(), crate::model::Unavailable::Denied);
    let rows = cells::overview(&a, &q);
    assert_eq!(style_of(&rows, "cwd"), Some(ratatui::style::Style::new()));
    assert_eq!(style_of(&rows, "root"), Some(t.dim()));
}

#[test]
fn fd_and_socket_rows_escape_every_field() {
    let a = app();
    let p = a.loaded.snap.process(10).unwrap();
    let files = rows_text(&cells::files(&a, p));
    assert_clean(&files, &["FDT", "LADDR", "RADDR", "SSTATE", "PEER"]);
    let line = format!(
        "{}:80 → {}:5 ⇄ {}(11)",
        escaped("LADDR"),
        escaped("RADDR"),
        escaped("PEER")
    );
    assert!(files.contains(&line), "{files}");
    let socks = rows_text(&cells::sockets(&a, p));
    assert_clean(&socks, &["LADDR", "RADDR", "SSTATE", "PEER"]);
    let env = rows_text(&cells::environ(&a, p));
    assert_clean(&env, &["ENVN", "ENVV", "TOKN"]);
}

#[test]
fn tree_marks_container_and_secret_screens_escape_every_field() {
    let a = app();
    let (init, p) = (a.loaded.snap.process(1), a.loaded.snap.process(10).unwrap());
    let marks = procs::marks(p, init);
    assert_eq!(marks, "[ctr][ns:mnt,pid+4][uid:1000]");
    assert_clean(&procs::tag(p), &[]);
    let mut q = p.clone();
    q.container.as_mut().unwrap().id = None;
    assert_clean(&procs::tag(&q), &[]);
    q.container.as_mut().unwrap().pod_uid = None;
    assert_clean(&procs::tag(&q), &["RT"]);
    for g in &a.loaded.groups {
        let cells: Vec<String> = (ContainerRow::of(&a.loaded.snap, g).cells().into_iter())
            .map(|c| c.text.into_string())
            .collect();
        assert_clean(&cells.join(" | "), &["RT", "POD", "QOS", "ROOT", "COMM"]);
    }
    assert!(!a.loaded.groups.is_empty());
    assert_clean(&screen(&a, containers::render), &["ROOT"]);
    assert!(!a.loaded.findings.rows.is_empty(), "the token is found");
    assert_clean(&screen(&a, secrets::render), &[]);
}

#[test]
fn alert_rows_screen_and_overview_lines_escape_every_field() {
    let a = app();
    assert!(!a.loaded.alerts.rows.is_empty(), "the deleted exe fires");
    for al in &a.loaded.alerts.rows {
        let p = a.loaded.snap.process(al.pid);
        let r = crate::present::alert::AlertRow::of(al, p);
        let cells = [r.rule, r.comm, r.container, r.output, r.evidence, r.tags];
        let text: Vec<&str> = cells.iter().map(|c| c.as_str()).collect();
        assert_clean(&text.join(" | "), &["COMM"]);
    }
    assert_clean(&screen(&a, crate::tui::views::alerts::render), &[]);
    let p = a.loaded.snap.process(10).unwrap();
    let lines = overview::overview_lines(&a, p);
    let alerts: Vec<&str> = (lines.iter())
        .filter(|(k, _)| k == "alert")
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(!alerts.is_empty(), "{lines:?}");
    assert_clean(&alerts.join("\n"), &[]);
}
