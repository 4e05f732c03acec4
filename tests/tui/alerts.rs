//! The alerts screen (built-in Falco rules and hidden processes over the fixture plus a reverse
//! shell in the container and a process hidden from /proc): rows coloured by priority, Enter on
//! an alert opens its process, the tree marks, the detail overview and the status bar count.

use crate::support::tui::drive::{app_of, press, screen};
use crate::support::tui::{fd, proc, snapshot, sock};
use procscope::analysis::detect;
use procscope::model::{Bytes, FdKind, Hidden, HiddenEvidence, ProcKey, Proto, Snapshot};
use procscope::tui::{App, Tab, View};

/// The container's netns (as the fixture's nginx).
const NETNS: u64 = 4026532000 + 3;

/// The fixture, plus pid 800: a shell in the nginx container whose stdin and stdout are a TCP
/// connection to 10.0.0.9:4444 (a secret and an escape in argv), and pid 900: a process
/// hidden by a bind mount over its /proc entry.
pub fn with_shell_and_hidden() -> Snapshot {
    let mut s = snapshot();
    let nginx = s.processes[5].clone();
    let mut sh = proc(
        800,
        500,
        "sh",
        &["sh", "-i", "--password=hunter2hunter2hunter2", "\u{1b}[2J"],
        0,
        "root",
    );
    sh.container = nginx.container.clone();
    sh.namespaced = true;
    sh.namespaces = nginx.namespaces.clone();
    sh.cgroups = nginx.cgroups.clone();
    sh.exe = Some(procscope::model::Exe {
        path: "/bin/sh".into(),
        deleted: false,
        memfd: false,
    });
    sh.fds = Some(
        vec![
            fd(0, FdKind::Socket, "socket:[9300]", 9300, vec![]),
            fd(1, FdKind::Socket, "socket:[9300]", 9300, vec![]),
            fd(2, FdKind::Socket, "socket:[9300]", 9300, vec![]),
        ]
        .into(),
    );
    let conn = sock(
        Proto::Tcp,
        "172.17.0.2",
        40000,
        Some(("10.0.0.9", 4444)),
        "ESTABLISHED",
        9300,
        NETNS,
        vec![800],
    );
    let mut hidden = proc(
        900,
        1,
        "kminer",
        &["/usr/bin/kminer", "-o", "pool:3333"],
        0,
        "root",
    );
    hidden.hidden = Some(Hidden {
        evidence: vec![
            HiddenEvidence::MountedOver {
                mount_point: Bytes::from("/proc/900"),
                fs_type: Bytes::from("tmpfs"),
                source: Bytes::from("none"),
                root: Bytes::from("/"),
            },
            HiddenEvidence::NotListed,
        ],
    });
    s.processes.push(sh);
    s.processes.push(hidden);
    s.sockets.push(conn);
    s.stats.processes = s.processes.len();
    s
}

fn app() -> App {
    app_of(with_shell_and_hidden(), 120, 30)
}

/// The row of the first alert of `rule`.
fn row_of(a: &App, rule: &str) -> usize {
    (a.loaded().alerts.rows.iter())
        .position(|x| x.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} alert"))
}

#[test]
fn alerts_view_lists_every_alert_escaped_and_masked() {
    let mut a = app();
    press(&mut a, "4");
    assert_eq!(a.view(), View::Alerts);
    let s = screen(&a);
    assert!(s.contains("Critical  hidden_process"), "{s}");
    assert!(s.contains("Notice    Redirect STDOUT/STDIN"), "{s}");
    assert!(
        !s.contains('\u{1b}') && !s.contains("hunter2hunter2"),
        "{s}"
    );
    insta::assert_snapshot!("alerts_view", s);
    // The selected alert in full: the reverse shell's output, evidence and tags.
    let r = row_of(
        &a,
        "Redirect STDOUT/STDIN to Network Connection in Container",
    );
    press(&mut a, &"j ".repeat(r));
    let s = screen(&a);
    assert!(s.contains("rport=4444"), "{s}");
    assert!(!s.contains("hunter2hunter2"), "argv secret masked: {s}");
    assert!(
        s.contains("command=sh -i --password=hunt…(21) \\e[2J"),
        "{s}"
    );
    insta::assert_snapshot!("alerts_view_reverse_shell", s);
}

#[test]
fn enter_on_an_alert_opens_its_process_on_the_alert_line() {
    let mut a = app();
    press(&mut a, "4");
    let r = row_of(
        &a,
        "Redirect STDOUT/STDIN to Network Connection in Container",
    );
    press(&mut a, &format!("{}enter", "j ".repeat(r)));
    assert_eq!(a.view(), View::Detail);
    let d = a.detail().expect("detail open");
    assert_eq!((d.key, d.tab), (ProcKey::new(800, 1800), Tab::Overview));
    assert_eq!(a.selected().map(|p| p.key()), Some(ProcKey::new(800, 1800)));
    let p = a.detail_process().expect("in the snapshot");
    let lines = procscope::tui::overview::overview_lines(&a, p);
    let sel = a.detail_cursor().sel;
    assert_eq!(lines[sel].0, "alert", "{lines:?}");
    // Esc goes back to the alerts; the hidden process's alert opens that process.
    press(&mut a, "esc");
    assert_eq!(a.view(), View::Alerts);
    let hidden = row_of(&a, "hidden_process");
    press(&mut a, &format!("g {}enter", "j ".repeat(hidden)));
    assert_eq!(a.detail().map(|d| d.key), Some(ProcKey::new(900, 1900)));
}

#[test]
fn the_status_bar_counts_what_detect_reports() {
    let a = app();
    let snap = with_shell_and_hidden();
    let rules = detect::Rules::load(&[(
        detect::BUILTIN_NAME.to_string(),
        detect::BUILTIN.to_string(),
    )])
    .expect("built-in rules");
    let secrets = procscope::analysis::secrets::RuleSet::builtin().expect("secret rules");
    let found = procscope::analysis::secrets::scan(&snap, &secrets);
    let n = detect::detect_with(&snap, &rules, &found).len()
        + detect::integrity::integrity_alerts(&snap).len();
    assert!(n >= 8, "the fixture fires several rules: {n}");
    assert_eq!(a.loaded().alerts.rows.len(), n);
    let s = screen(&a);
    let status = s.lines().last().unwrap_or_default();
    assert!(status.contains(&format!("│ {n} alert(s)")), "{status}");
    assert!(s.contains(&format!(" 4 Alerts ({n}) ")), "{s}");
}

#[test]
fn tree_marks_alerts_and_hidden_processes_and_the_overview_lists_them() {
    let mut a = app();
    let s = screen(&a);
    let row = |pid: &str| {
        s.lines()
            .find(|l| l.trim_start_matches('"').starts_with(pid))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("900 ").contains("HIDDEN"), "{s}");
    assert!(row("900 ").contains("[alert:Critical"), "{s}");
    assert!(row("800 ").contains("[alert:"), "{s}");
    assert!(!row("700 ").contains("[alert:"), "{s}");
    insta::assert_snapshot!("alerts_tree", s);
    press(&mut a, "/ text:pid=900 enter enter");
    let s = screen(&a);
    assert!(s.contains("hidden from /proc"), "{s}");
    assert!(s.contains("tmpfs mounted over /proc/900 (root /)"), "{s}");
    assert!(s.contains("not listed by readdir(/proc)"), "{s}");
    assert!(
        s.contains("Critical hidden_process: Process hidden from /proc"),
        "{s}"
    );
    insta::assert_snapshot!("alerts_hidden_overview", s);
}

#[test]
fn rows_are_coloured_by_priority() {
    use ratatui::style::Color;
    let mut a = app();
    a.set_color(true);
    press(&mut a, "4 j");
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    term.draw(|f| {
        procscope::tui::draw(f, &a);
    })
    .unwrap();
    let buf = term.backend().buffer().clone();
    let fg_of = |prio: &str, skip_selected: bool| {
        (2..30u16)
            .find(|&y| {
                let line: String = (0..10u16)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect();
                line.starts_with(prio) && !(skip_selected && buf[(0, y)].bg == Color::Blue)
            })
            .map(|y| buf[(0, y)].fg)
    };
    // Row 1 (selected, drawn in the selection's colours) is a Critical row too.
    assert_eq!(fg_of("Critical", true), Some(Color::LightRed));
    assert_eq!(fg_of("Warning", false), Some(Color::Magenta));
    assert_eq!(fg_of("Notice", false), Some(Color::Reset));
}

#[test]
fn without_secret_rules_alerts_are_withheld_not_shown_unmasked() {
    let keymap = procscope::tui::Keymap::default_map().unwrap();
    let mut a = App::new(with_shell_and_hidden(), keymap.help(), None, false);
    a.set_color(false);
    a.resize(120, 30);
    assert!(a.loaded().alerts.rows.is_empty());
    press(&mut a, "4");
    let s = screen(&a);
    assert!(s.contains("alerts: no secret rules to mask with"), "{s}");
    assert!(!s.contains("hunter2"), "{s}");
}
