//! The TUI's integrity key against a real process: the executor hashes the exe through the
//! process's own link and the overview shows the same SHA-256 as `sha256sum` of the file.

use crate::support::Guard;
use procscope::analysis::secrets::RuleSet;
use procscope::collect::{self, Options};
use procscope::tui::{Action, App, Effect, Exec, Keymap};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn the_integrity_key_hashes_a_live_process_exe() {
    let mut g = Guard::default();
    let child = g.spawn(
        Command::new("sleep")
            .arg("300")
            .stdin(Stdio::null())
            .stdout(Stdio::null()),
    );
    let pid = child.id();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).expect("exe link");
    let want = Command::new("sha256sum")
        .arg(&exe)
        .output()
        .expect("sha256sum");
    let want = String::from_utf8_lossy(&want.stdout);
    let want = want
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_string();
    assert!(crate::support::wait_asleep(pid));

    let snap = collect::snapshot_at(Path::new("/proc"), &Options::default()).expect("scan");
    let keymap = Keymap::default_map().expect("keymap");
    let mut app = App::new(
        snap,
        keymap.help(),
        Some(RuleSet::builtin().expect("rules")),
        false,
    );
    app.resize(120, 50);
    let key = (app.loaded().snap.process(pid))
        .map(|p| p.key())
        .expect("the child in the snapshot");
    assert!(app.select_key(key));
    let fx = app.update(Action::CheckIntegrity);
    assert_eq!(fx, vec![Effect::Integrity(key)]);
    let mut exec = Exec::new("/proc".into());
    for e in fx {
        exec.apply(&mut app, e);
    }
    let p = app.detail_process().expect("the child's overview").clone();
    let lines = procscope::tui::overview::overview_lines(&app, &p);
    let sha = (lines.iter())
        .find_map(|(l, v)| {
            (l == "integrity")
                .then(|| v.strip_prefix("  running sha256 "))
                .flatten()
        })
        .unwrap_or_else(|| panic!("no running sha256 line: {lines:?}"));
    assert_eq!(sha, want);
    assert!(
        lines
            .iter()
            .any(|(l, v)| l == "integrity" && v.starts_with("mapped files ("))
    );
}
