//! `procscope record`: snapshots written atomically into a directory, rotated to the newest N,
//! readable back; a recorder killed mid-write leaves no partial file under a visible name, and
//! the next run clears its leftovers without touching anyone else's files.

use crate::support::{kill, procscope, procscope_path};
use std::path::Path;
use std::time::Duration;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn recorded(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.') && n.ends_with(".json.gz"))
        .collect()
}

#[test]
fn record_rotates_and_every_file_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = procscope()
        .args([
            "record", "--every", "1", "--keep", "2", "--count", "3", "--dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout);
    assert_eq!(lines.lines().count(), 3, "{lines}");
    assert!(
        lines
            .lines()
            .last()
            .unwrap()
            .contains("1 old file(s) deleted")
    );
    let files = recorded(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");
    assert_eq!(names(dir.path()), files, "no temporary file left");
    // The newest two were kept: they are the last two written.
    let written: Vec<&str> = lines
        .lines()
        .map(|l| l.split(' ').nth(1).unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(files, written[1..], "{lines}");
    for f in &files {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(dir.path().join(f)).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "{f}");
        let back = procscope()
            .arg("--snapshot")
            .arg(dir.path().join(f))
            .args(["tree", "--json"])
            .output()
            .unwrap();
        assert!(
            back.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&back.stderr)
        );
    }
}

#[test]
fn killed_recorder_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("notes.json.gz");
    std::fs::write(&foreign, b"not ours").unwrap();
    // Kill recorders at different moments of a write; whatever is visible must load whole.
    for delay_ms in [30u64, 120, 250, 400] {
        let mut child = std::process::Command::new(procscope_path())
            .args(["record", "--every", "1", "--keep", "50", "--dir"])
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        kill(child.id());
        let _ = child.wait();
    }
    for f in recorded(dir.path())
        .iter()
        .filter(|f| *f != "notes.json.gz")
    {
        let back = procscope()
            .arg("--snapshot")
            .arg(dir.path().join(f))
            .arg("containers")
            .output()
            .unwrap();
        assert!(
            back.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&back.stderr)
        );
    }
    // A run to completion clears every leftover temporary file of this host.
    let out = procscope()
        .args([
            "record", "--every", "1", "--keep", "50", "--count", "1", "--dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        names(dir.path()).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names(dir.path())
    );
    assert_eq!(std::fs::read(&foreign).unwrap(), b"not ours");
}
