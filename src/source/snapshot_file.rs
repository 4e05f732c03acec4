//! Snapshot files: a snapshot written as JSON (gzip-compressed when the name ends in `.gz`) and
//! read back with every failure named: not a snapshot, a newer schema, truncated, corrupt.

use crate::model::{FORMAT, SCHEMA_VERSION, Snapshot};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::de::DeserializeSeed;
use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

mod budget;
mod stream;
mod write;
pub use budget::{LIMITS, Limits};
pub use write::Overwrite;

/// Largest snapshot accepted, after decompression (a guard against gzip bombs).
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;

pub use stream::GZIP_MAGIC;

/// Why a snapshot file could not be written or read. Each renders as one line.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotFileError {
    #[error("cannot read snapshot {}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write snapshot {}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("{} is not a procscope snapshot ({reason})", path.display())]
    NotASnapshot { path: PathBuf, reason: String },
    #[error(
        "{} has snapshot schema {found}, newer than schema {supported} which this procscope reads: use a newer procscope",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error("{} is a truncated snapshot ({detail})", path.display())]
    Truncated { path: PathBuf, detail: String },
    #[error("{} is a corrupt snapshot: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("{} is larger than {limit} bytes (decompressed)", path.display())]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{} is refused: it holds {limit} (bounded by what it would cost in memory)", path.display())]
    OverBudget { path: PathBuf, limit: String },
}

/// Whether `path` names a gzip-compressed snapshot (`.gz` suffix).
pub fn is_gzip_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// Write `snap` to `path` as compact JSON, gzip-compressed when the name ends in `.gz`,
/// replacing an existing file (never through a final symlink). See [`write_snapshot_to`].
pub fn write_snapshot(path: &Path, snap: &Snapshot) -> Result<(), SnapshotFileError> {
    write_snapshot_to(path, snap, Overwrite::Allow)
}

/// Write `snap` to `path`: a new file beside it (mode 0600), synced, renamed over it. With
/// [`Overwrite::Refuse`] any existing file or symlink at `path` is refused. A pipe or a
/// character device (`/dev/null`, `/dev/stdout`) is written in place.
pub fn write_snapshot_to(
    path: &Path,
    snap: &Snapshot,
    overwrite: Overwrite,
) -> Result<(), SnapshotFileError> {
    let err = |source: io::Error| SnapshotFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut sink = write::open_sink(path, overwrite).map_err(err)?;
    match encode(path, snap, sink.file()) {
        Ok(()) => sink.commit().map_err(err),
        Err(e) => {
            sink.abort();
            Err(err(e))
        }
    }
}

/// The JSON (gzip-compressed for a `.gz` name) of `snap` into `file`.
fn encode(path: &Path, snap: &Snapshot, file: &mut std::fs::File) -> io::Result<()> {
    let mut buf = io::BufWriter::with_capacity(1 << 16, file);
    if is_gzip_name(path) {
        // why: serde writes a few bytes at a time; feed the compressor large blocks instead.
        let mut json =
            io::BufWriter::with_capacity(1 << 16, GzEncoder::new(&mut buf, Compression::default()));
        crate::model::json::write_json(snap, &mut json)?;
        let gz = json.into_inner().map_err(|e| e.into_error())?;
        gz.finish()?;
    } else {
        crate::model::json::write_json(snap, &mut buf)?;
    }
    buf.flush()
}

/// Read a snapshot file (plain or gzip, told apart by the gzip magic bytes, not the name),
/// validated ([`crate::model::Snapshot::validate`]); notes about what validation dropped are
/// discarded (see [`read_snapshot_noted`]).
pub fn read_snapshot(path: &Path) -> Result<Snapshot, SnapshotFileError> {
    read_snapshot_noted(path).map(|(s, _)| s)
}

/// [`read_snapshot`], with one line per kind of inconsistency validation repaired.
pub fn read_snapshot_noted(path: &Path) -> Result<(Snapshot, Vec<String>), SnapshotFileError> {
    let mut snap = read_snapshot_capped(path, MAX_SNAPSHOT_BYTES)?;
    let notes = snap.validate();
    Ok((snap, notes))
}

fn read_snapshot_capped(path: &Path, cap: u64) -> Result<Snapshot, SnapshotFileError> {
    let open = || -> io::Result<Box<dyn Read>> { Ok(Box::new(super::open::open_user_file(path)?)) };
    load(path, &open, cap)
}

/// Parse snapshot JSON held in memory (see [`read_snapshot`]), not validated.
pub fn parse_snapshot(path: &Path, data: &[u8]) -> Result<Snapshot, SnapshotFileError> {
    let open = || -> io::Result<Box<dyn Read + '_>> { Ok(Box::new(data)) };
    load(path, &open, MAX_SNAPSHOT_BYTES)
}

type Opener<'a> = dyn Fn() -> io::Result<Box<dyn Read + 'a>> + 'a;

/// Two streaming passes: the first counts what the document would cost
/// ([`budget::Budget`]) and finds `format` and `schema`; only a document within every limit
/// is deserialized, by the second. Text fields are then escaped
/// ([`Snapshot::escape_text_fields`]).
fn load<'a>(path: &Path, open: &Opener<'a>, cap: u64) -> Result<Snapshot, SnapshotFileError> {
    let p = || path.to_path_buf();
    let read_err = |source: io::Error| SnapshotFileError::Read { path: p(), source };
    let seen = Rc::new(stream::Seen::default());
    let budget = RefCell::new(budget::Budget::new(budget::LIMITS));
    let first = {
        let input =
            stream::Guarded::new(open().map_err(read_err)?, cap, seen.clone()).map_err(read_err)?;
        let mut de = serde_json::Deserializer::from_reader(io::BufReader::new(input));
        budget::Counted::document(&budget)
            .deserialize(&mut de)
            .and_then(|()| de.end())
    };
    if let Some(e) = stopped(path, &seen, cap) {
        return Err(e);
    }
    let budget = budget.into_inner();
    if let Some(limit) = budget.exceeded {
        return Err(SnapshotFileError::OverBudget { path: p(), limit });
    }
    classify(path, &seen, &budget, first.as_ref().err())?;
    // why: the document is within every limit; reading it whole and parsing the slice is
    // several times faster than parsing from the stream (its size is part of the budget).
    let seen = Rc::new(stream::Seen::default());
    let mut data = Vec::new();
    stream::Guarded::new(open().map_err(read_err)?, cap, seen.clone())
        .and_then(|mut input| input.read_to_end(&mut data))
        .map_err(|e| stopped(path, &seen, cap).unwrap_or_else(|| read_err(e)))?;
    let full = serde_json::from_slice::<Snapshot>(&data);
    drop(data);
    match full {
        Ok(mut snap) => {
            // why: a file may be crafted; its text fields must not reach a terminal raw.
            snap.escape_text_fields();
            Ok(snap)
        }
        Err(e) => Err(SnapshotFileError::Corrupt {
            path: p(),
            detail: e.to_string(),
        }),
    }
}

/// The error for a stream stopped by the size cap, the ratio limit or bad gzip data.
fn stopped(path: &Path, seen: &stream::Seen, cap: u64) -> Option<SnapshotFileError> {
    let p = || path.to_path_buf();
    Some(match seen.stop.get()? {
        stream::Stop::TooLarge => SnapshotFileError::TooLarge {
            path: p(),
            limit: cap,
        },
        stream::Stop::Ratio => SnapshotFileError::Corrupt {
            path: p(),
            detail: format!(
                "decompresses more than {}:1 (a decompression bomb?)",
                stream::MAX_RATIO
            ),
        },
        stream::Stop::GzipEof => SnapshotFileError::Truncated {
            path: p(),
            detail: "the compressed stream ends early".into(),
        },
        stream::Stop::GzipBad => SnapshotFileError::Corrupt {
            path: p(),
            detail: format!("bad gzip data: {}", seen.gzip_error.borrow()),
        },
    })
}

/// Name what is wrong with a document whose first pass failed (or that is not a snapshot):
/// no `format` marker means not a snapshot; otherwise a newer schema, an early end, or
/// corruption.
fn classify(
    path: &Path,
    seen: &stream::Seen,
    budget: &budget::Budget,
    err: Option<&serde_json::Error>,
) -> Result<(), SnapshotFileError> {
    let p = || path.to_path_buf();
    if !seen.content.get() {
        return Err(SnapshotFileError::NotASnapshot {
            path: p(),
            reason: "the file is empty".into(),
        });
    }
    match budget.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(SnapshotFileError::NotASnapshot {
                path: p(),
                reason: format!("its format is {other:?}"),
            });
        }
        None => {
            let reason = match err {
                Some(e) if e.is_eof() => "it ends before saying what it is",
                Some(e) if !e.is_data() => "not JSON",
                _ => "no \"format\": \"procscope-snapshot\" field",
            };
            return Err(SnapshotFileError::NotASnapshot {
                path: p(),
                reason: reason.into(),
            });
        }
    }
    if let Some(found) = budget.schema
        && found > u64::from(SCHEMA_VERSION)
    {
        return Err(SnapshotFileError::NewerSchema {
            path: p(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    match err {
        Some(e) if e.is_eof() => Err(SnapshotFileError::Truncated {
            path: p(),
            detail: format!("it ends at line {} column {}", e.line(), e.column()),
        }),
        Some(e) => Err(SnapshotFileError::Corrupt {
            path: p(),
            detail: e.to_string(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
