//! `snapshot -o`: a new file renamed into place, mode 0600, never written through a final
//! symlink, an existing file kept unless `--force`.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{FakeProc, procscope};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

fn snapshot_to(root: &Path, out: &Path, force: bool) -> (bool, String) {
    let mut cmd = procscope();
    cmd.arg("--proc-root")
        .arg(root)
        .args(["snapshot", "-o"])
        .arg(out);
    if force {
        cmd.arg("--force");
    }
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_ne!(o.status.code(), Some(101), "{err}");
    (o.status.success(), err)
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

fn no_temp_left(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name();
        assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?} left");
    }
}

#[test]
fn a_final_symlink_is_never_followed() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"VICTIM").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.path().join("link.json");
    symlink(&victim, &link).unwrap();
    let (ok, err) = snapshot_to(f.path(), &link, false);
    assert!(!ok && err.contains("symlink"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"VICTIM");
    // --force replaces the link itself; the file it pointed at is untouched.
    let (ok, err) = snapshot_to(f.path(), &link, true);
    assert!(ok, "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"VICTIM");
    assert_eq!(mode(&victim), 0o644);
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.is_file(), "the link was replaced by the snapshot");
    assert_eq!(mode(&link), 0o600);
    // A dangling link (to a file an attacker wants created) is refused as well.
    let dangling = dir.path().join("dangling.json");
    symlink(dir.path().join("created-by-link"), &dangling).unwrap();
    let (ok, _) = snapshot_to(f.path(), &dangling, false);
    assert!(!ok);
    assert!(!dir.path().join("created-by-link").exists());
    no_temp_left(dir.path());
}

#[test]
fn existing_files_are_kept_and_new_files_are_0600() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    let old = rustix::process::umask(rustix::fs::Mode::empty());
    let (ok, err) = snapshot_to(f.path(), &out, false);
    rustix::process::umask(old);
    assert!(ok, "{err}");
    assert_eq!(mode(&out), 0o600, "even with umask 0");
    let first = std::fs::read(&out).unwrap();
    assert!(first.starts_with(b"{\"format\":\"procscope-snapshot\""));
    // An existing file is refused without --force, and left as it was.
    std::fs::write(&out, b"EVIDENCE").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (ok, err) = snapshot_to(f.path(), &out, false);
    assert!(!ok && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"EVIDENCE");
    let (ok, err) = snapshot_to(f.path(), &out, true);
    assert!(ok, "{err}");
    assert_eq!(
        mode(&out),
        0o600,
        "a replaced file does not keep the old mode"
    );
    assert!(std::fs::read(&out).unwrap().starts_with(b"{\"format\""));
    // gzip by name, same rules.
    let gz = dir.path().join("s.json.gz");
    let (ok, err) = snapshot_to(f.path(), &gz, false);
    assert!(ok, "{err}");
    assert_eq!(mode(&gz), 0o600);
    no_temp_left(dir.path());
}
