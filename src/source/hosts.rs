//! Which snapshot files stand for which hosts: `--snapshot DIR` (or several `--snapshot FILE`)
//! expanded to files, each identified by host and time (from a recorded file's name, else its
//! own `meta`), the newest per host unless every time is wanted. Shared by the CLI and the TUI.

use super::{record, snapshot_file};
use crate::model::escape;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One snapshot file picked for a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The host as the file says (its `meta.hostname`, or the recorded file name's host).
    pub host: String,
    /// Unix milliseconds the snapshot was taken.
    pub taken_ms: u64,
    pub path: PathBuf,
}

/// The files picked, and those that could not be identified (path, why: one line).
#[derive(Clone, Debug, Default)]
pub struct Picked {
    pub picks: Vec<Pick>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// Why no file was picked.
#[derive(Debug, thiserror::Error)]
pub enum HostsError {
    #[error("no snapshot files (*.json, *.json.gz) in {0}")]
    Empty(String),
    #[error(transparent)]
    Dir(#[from] record::RecordError),
}

/// Whether `paths` name more than one snapshot (a directory, or several files).
pub fn is_multi(paths: &[PathBuf]) -> bool {
    paths.len() > 1 || paths.iter().any(|p| record::is_dir(p))
}

/// The files to read: directories expanded (regular files only: a FIFO is never opened),
/// grouped by host, the newest of each host (or all, oldest first, with `all_times`), sorted by
/// host. A file that cannot be identified is skipped and listed.
pub fn pick(paths: &[PathBuf], all_times: bool) -> Result<Picked, HostsError> {
    let mut files = Vec::new();
    for p in paths {
        if record::is_dir(p) {
            files.extend(record::snapshot_files(p)?);
        } else {
            files.push(p.clone());
        }
    }
    let mut by_host: BTreeMap<String, Vec<Pick>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for path in files {
        match identify(&path) {
            Ok(pick) => by_host.entry(pick.host.clone()).or_default().push(pick),
            Err(why) => skipped.push((path, why.to_string())),
        }
    }
    if by_host.is_empty() && skipped.is_empty() {
        return Err(HostsError::Empty(shown(paths)));
    }
    let mut picks = Vec::new();
    for (_, mut v) in by_host {
        v.sort_by(|a, b| (a.taken_ms, &a.path).cmp(&(b.taken_ms, &b.path)));
        if all_times {
            picks.extend(v);
        } else if let Some(newest) = v.pop() {
            picks.push(newest);
        }
    }
    Ok(Picked { picks, skipped })
}

/// Host and time of one file: from a recorded file's name when it has that shape (no read),
/// otherwise from the snapshot's own `meta`.
fn identify(path: &Path) -> Result<Pick, snapshot_file::SnapshotFileError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Some((host, taken_ms)) = name.as_deref().and_then(record::parse_name) {
        return Ok(Pick {
            host,
            taken_ms,
            path: path.to_path_buf(),
        });
    }
    let snap = snapshot_file::read_snapshot(path)?;
    Ok(Pick {
        host: snap.meta.hostname.unwrap_or_else(|| "unknown".into()),
        taken_ms: snap.meta.taken_at.saturating_mul(1000),
        path: path.to_path_buf(),
    })
}

/// The paths, escaped and comma-joined (for a one-line error).
pub fn shown(paths: &[PathBuf]) -> String {
    let v: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    escape(&v.join(", ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_per_host_and_junk_skipped() {
        let dir = std::env::temp_dir().join(format!("procscope-hosts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let snap = crate::model::Snapshot::default();
        for name in [
            "a-20260101T000000.000Z.json.gz",
            "a-20260102T000000.000Z.json.gz",
            "b-20260101T000000.000Z.json.gz",
        ] {
            record::write_into(&dir, name, &snap).unwrap();
        }
        std::fs::write(dir.join("junk.json"), b"not json").unwrap();
        let got = pick(std::slice::from_ref(&dir), false).unwrap();
        let hosts: Vec<_> = got.picks.iter().map(|p| p.host.as_str()).collect();
        assert_eq!(hosts, ["a", "b"]);
        assert!(
            got.picks[0]
                .path
                .ends_with("a-20260102T000000.000Z.json.gz")
        );
        assert_eq!(got.skipped.len(), 1);
        assert!(got.skipped[0].0.ends_with("junk.json"));
        assert_eq!(
            pick(std::slice::from_ref(&dir), true).unwrap().picks.len(),
            3
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
