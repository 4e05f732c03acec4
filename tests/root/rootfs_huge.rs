//! Huge directories in a root: `procscope fs` and the TUI root browser read at most a capped
//! number of entries, say that the listing is truncated and how many entries were not shown,
//! in text, JSON and the browser; on a plain directory and inside a real container.

#![allow(clippy::unwrap_used)]

use crate::support::rootfs::{Container, skip_reason};
use crate::support::tui::drive::{app, press, screen};
use assert_cmd::Command;
use procscope::source::rootfs::DEFAULT_MAX_ENTRIES;
use procscope::tui::{Effect, Exec};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// Fill `dir` with `n` empty files `e00000`, `e00001`, ...
fn fill(dir: &Path, n: usize) -> BTreeSet<String> {
    std::fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|i| {
            let name = format!("e{i:05}");
            std::fs::File::create(dir.join(&name)).unwrap();
            name
        })
        .collect()
}

/// Run `procscope ARGS` (at most 20 s): (success, stdout, stderr, elapsed).
fn ps(args: &[&str]) -> (bool, String, String, Duration) {
    let t = Instant::now();
    let out = Command::cargo_bin("procscope")
        .unwrap()
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        t.elapsed(),
    )
}

/// Check the text and JSON listings of `path` in the root of `pid`, a directory holding
/// exactly `names`, capped at `cap` entries.
fn check_capped(pid: &str, path: &str, names: &BTreeSet<String>, cap: usize) {
    let cap_s = cap.to_string();
    let (ok, out, err, took) = ps(&["fs", pid, path, "--max-entries", &cap_s]);
    assert!(ok, "{err}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let lines: Vec<&str> = out.lines().collect();
    // Header, exactly `cap` entries, then the note.
    assert_eq!(lines.len(), cap + 2, "{out}");
    let more = names.len() - cap;
    let note = lines.last().unwrap();
    assert!(
        note.starts_with(&format!("… {} more entries not shown", grouped(more))),
        "{note}"
    );
    let shown: Vec<&str> = lines[1..=cap]
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert!(
        shown.windows(2).all(|w| w[0] < w[1]),
        "not sorted: {shown:?}"
    );
    assert!(shown.iter().all(|n| names.contains(*n)), "{shown:?}");

    let (ok, out, err, _) = ps(&["--json", "fs", pid, path, "--max-entries", &cap_s]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["truncated"], true, "{v}");
    assert_eq!(v["more"], more as u64, "{v}");
    assert_eq!(v["more_exact"], true, "{v}");
    assert_eq!(v["entries"].as_array().unwrap().len(), cap);
    // The same entries, deterministically, on a second run.
    let json_names: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(json_names, shown);

    // Under the cap nothing is truncated and nothing is said.
    let all = (names.len() + 1).to_string();
    let (ok, out, err, _) = ps(&["--json", "fs", pid, path, "--max-entries", &all]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["truncated"], false, "{v}");
    assert!(v.get("more").is_none(), "{v}");
    assert_eq!(v["entries"].as_array().unwrap().len(), names.len());
    let (_, out, _, _) = ps(&["fs", pid, path, "--max-entries", &all]);
    assert!(
        !out.contains("not shown") && !out.contains("truncated"),
        "{out}"
    );
}

fn grouped(n: usize) -> String {
    procscope::model::grouped(n as u64)
}

#[test]
fn a_big_directory_is_listed_up_to_the_cap_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("big");
    let names = fill(&dir, 3_000);
    // The test process's root is the host root: the directory is reached by its host path.
    let pid = std::process::id().to_string();
    check_capped(&pid, dir.to_str().unwrap(), &names, 40);
    // A zero cap is refused in one line.
    let (ok, _, err, _) = ps(&["fs", &pid, dir.to_str().unwrap(), "--max-entries", "0"]);
    assert!(!ok && err.contains("at least 1"), "{err}");
}

#[test]
fn a_big_directory_inside_a_container_is_capped() {
    if let Some(why) = skip_reason() {
        eprintln!("skipping container test: {why}");
        return;
    }
    let c = Container::start();
    let names = fill(&c.rootfs.join("tmp/huge"), 2_500);
    check_capped(&c.pid1.to_string(), "/tmp/huge", &names, 25);
}

#[test]
fn the_root_browser_reads_at_most_the_default_cap_and_says_so() {
    let mut a = app();
    press(&mut a, "3");
    let fx = press(&mut a, "enter");
    assert_eq!(fx, vec![Effect::OpenRoot(500)]);
    // A proc root whose 500/root holds a directory of more entries than the cap.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("500/root");
    let extra = 37;
    fill(&root.join("big"), DEFAULT_MAX_ENTRIES + extra);
    let mut exec = Exec::new(tmp.path().to_path_buf());
    for e in fx {
        exec.apply(&mut a, e);
    }
    let b = a.browser().unwrap();
    assert_eq!(b.truncated, None, "the root itself is small");
    assert_eq!(b.items.len(), 1, "{:?}", b.error);
    for e in press(&mut a, "enter") {
        exec.apply(&mut a, e);
    }
    let b = a.browser().unwrap();
    assert_eq!(b.path, b"/big".to_vec(), "{:?}", b.error);
    assert_eq!(b.items.len(), DEFAULT_MAX_ENTRIES);
    let note = format!("… {extra} more entries not shown");
    assert!(b.truncated.as_deref().unwrap().starts_with(&note), "{b:?}");
    let s = screen(&a);
    assert!(s.contains(&note), "{s}");
    // The note stays on screen at the end of the list too.
    press(&mut a, "G");
    assert!(screen(&a).contains(&note));
    // Back up: the small root is not truncated any more.
    for e in press(&mut a, "h") {
        exec.apply(&mut a, e);
    }
    let b = a.browser().unwrap();
    assert_eq!((b.path.as_slice(), b.truncated.as_ref()), (&b"/"[..], None));
    assert!(!screen(&a).contains("not shown"));
}
