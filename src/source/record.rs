//! The recorder's directory (`procscope record`): snapshot files named
//! `HOST-YYYYMMDDTHHMMSS.mmmZ.json.gz`, each written under a hidden temporary name and renamed
//! into place, so a reader of the directory never sees a partial file, and rotation that keeps
//! the newest N of one host and deletes only files of that exact shape.

use super::snapshot_file::{Overwrite, SnapshotFileError, write_snapshot_to};
use crate::model::Snapshot;
use std::io;
use std::path::{Path, PathBuf};

/// Why the recorder could not write or rotate.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Write(#[from] SnapshotFileError),
    #[error("cannot use record directory {}: {source}", dir.display())]
    Dir { dir: PathBuf, source: io::Error },
}

/// The suffix every recorded file ends with.
const SUFFIX: &str = ".json.gz";

/// A host name made safe as a file name prefix: bytes outside `[A-Za-z0-9._-]` become `_`
/// (a hostile hostname cannot add a path separator or hide among other files).
pub fn file_host(host: &str) -> String {
    let s: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("host{s}")
    } else {
        s
    }
}

/// The file name for `host` at `millis` (unix milliseconds): `HOST-20261202T052100.123Z.json.gz`.
pub fn file_name(host: &str, millis: u64) -> String {
    let utc = crate::model::time::utc(millis / 1000); // "YYYY-MM-DD HH:MM:SSZ"
    let stamp: String = utc.chars().filter(|c| c.is_ascii_digit()).collect();
    let (date, time) = stamp.split_at(8.min(stamp.len()));
    format!(
        "{}-{date}T{time}.{:03}Z{SUFFIX}",
        file_host(host),
        millis % 1000
    )
}

/// Whether `name` is a recorded file of `host` (exactly the shape [`file_name`] makes).
fn is_recorded(name: &str, host: &str) -> bool {
    let Some(rest) = name.strip_prefix(&file_host(host)) else {
        return false;
    };
    let Some(stamp) = rest.strip_prefix('-').and_then(|r| r.strip_suffix(SUFFIX)) else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 20
        && b[8] == b'T'
        && b[15] == b'.'
        && b[19] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 8 | 15 | 19) || c.is_ascii_digit())
}

/// The host (as made safe by [`file_host`]) and unix milliseconds a recorded file name says,
/// when `name` has exactly the shape [`file_name`] makes.
pub fn parse_name(name: &str) -> Option<(String, u64)> {
    let stem = name.strip_suffix(SUFFIX)?;
    let (host, stamp) = stem.rsplit_once('-')?;
    if host.is_empty() || !is_recorded(name, host) {
        return None;
    }
    let d = |r: std::ops::Range<usize>| stamp.get(r)?.parse::<u64>().ok();
    let (y, mo, da) = (d(0..4)?, d(4..6)?, d(6..8)?);
    let (h, mi, se, ms) = (d(9..11)?, d(11..13)?, d(13..15)?, d(16..19)?);
    let days = crate::model::time::days_from_civil(y, mo, da)?;
    Some((
        host.to_string(),
        ((days * 86_400 + h * 3600 + mi * 60 + se) * 1000) + ms,
    ))
}

/// The snapshot files directly in `dir` (regular files named `*.json` or `*.json.gz`, not
/// hidden: a recorder's temporary files are skipped), sorted by name.
pub fn snapshot_files(dir: &Path) -> Result<Vec<PathBuf>, RecordError> {
    let dir_err = |source| RecordError::Dir {
        dir: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(dir_err)? {
        let e = e.map_err(dir_err)?;
        let name = e.file_name().to_string_lossy().into_owned();
        let wanted = !name.starts_with('.') && (name.ends_with(".json") || name.ends_with(SUFFIX));
        // why: a FIFO or device named like a snapshot must not be opened (it could block).
        if wanted && e.file_type().map_err(dir_err)?.is_file() {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Whether `path` is a directory (a `--snapshot DIR` of many hosts' files).
pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

/// Write `snap` into `dir` as `name`. `write_snapshot` writes a hidden temporary file beside
/// it (mode 0600, synced) and renames it into place without replacing anything, so a reader
/// never sees a partial file and an existing file is never overwritten.
pub fn write_into(dir: &Path, name: &str, snap: &Snapshot) -> Result<PathBuf, RecordError> {
    let dest = dir.join(name);
    write_snapshot_to(&dest, snap, Overwrite::Refuse)?;
    Ok(dest)
}

/// Whether `name` is a temporary file a killed writer left for a recorded file of `host`
/// (`.HOST-STAMP.json.gz.procscope-PID-N.tmp`).
fn is_stale_temp(name: &str, host: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    inner
        .rsplit_once(".procscope-")
        .is_some_and(|(recorded, _)| is_recorded(recorded, host))
}

/// Delete all but the newest `keep` recorded files of `host` in `dir`, and any temporary file a
/// killed recorder left; returns the files deleted. Other files are never touched.
pub fn rotate(dir: &Path, host: &str, keep: usize) -> Result<Vec<PathBuf>, RecordError> {
    let dir_err = |source| RecordError::Dir {
        dir: dir.to_path_buf(),
        source,
    };
    let mut ours = Vec::new();
    let mut stale = Vec::new();
    for e in std::fs::read_dir(dir).map_err(dir_err)? {
        let e = e.map_err(dir_err)?;
        if !e.file_type().map_err(dir_err)?.is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        if is_recorded(&name, host) {
            ours.push(name);
        } else if is_stale_temp(&name, host) {
            stale.push(name);
        }
    }
    // Names sort by time: the stamp is fixed-width, most significant first.
    ours.sort_unstable();
    let old = ours.len().saturating_sub(keep);
    let mut gone = Vec::new();
    for name in ours.into_iter().take(old).chain(stale) {
        let p = dir.join(&name);
        std::fs::remove_file(&p).map_err(dir_err)?;
        gone.push(p);
    }
    Ok(gone)
}

/// Create `dir` (and its parents) if missing, mode 0700 for what is created.
pub fn ensure_dir(dir: &Path) -> Result<(), RecordError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| RecordError::Dir {
            dir: dir.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_only_exact_shapes_count() {
        let a = file_name("node-1", 1_795_331_510_007);
        assert_eq!(a, "node-1-20261122T071150.007Z.json.gz");
        assert!(is_recorded(&a, "node-1"));
        let b = file_name("node-1", 1_795_331_511_000);
        assert!(a < b);
        assert!(!is_recorded(
            "node_1-20261122T071150.007Z.json.gz.bak",
            "node-1"
        ));
        assert!(!is_recorded(
            "node_10-20261122T071150.007Z.json.gz",
            "node-1"
        ));
        assert!(!is_recorded(
            "node_1-2026112XT071150.007Z.json.gz",
            "node-1"
        ));
        assert_eq!(file_host("../etc"), "host.._etc");
        assert_eq!(
            parse_name(&a),
            Some(("node-1".to_string(), 1_795_331_510_007))
        );
        assert_eq!(parse_name("node-1-20261122T071150.007Z.json"), None);
        assert!(is_stale_temp(&format!(".{a}.procscope-12-0.tmp"), "node-1"));
        assert!(!is_stale_temp(
            &format!(".{a}.procscope-12-0.tmp"),
            "node-2"
        ));
        assert!(!is_stale_temp(".notes.json.gz.procscope-1-0.tmp", "node-1"));
        assert_eq!(file_host("a/b\u{1b}"), "a_b_");
    }
}
