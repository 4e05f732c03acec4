//! Snapshot files: a snapshot written as JSON (gzip-compressed when the name ends in `.gz`) and
//! read back with every failure named: not a snapshot, a newer schema, truncated, corrupt.

use crate::model::{FORMAT, SCHEMA_VERSION, Snapshot};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::Deserializer;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use std::cell::RefCell;
use std::fmt;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

mod write;
pub use write::Overwrite;

/// Largest snapshot accepted, after decompression (a guard against gzip bombs).
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;

/// The two bytes that open every gzip stream (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

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

/// Read a snapshot file (plain or gzip, told apart by the gzip magic bytes, not the name).
pub fn read_snapshot(path: &Path) -> Result<Snapshot, SnapshotFileError> {
    read_snapshot_capped(path, MAX_SNAPSHOT_BYTES)
}

fn read_snapshot_capped(path: &Path, cap: u64) -> Result<Snapshot, SnapshotFileError> {
    let file = super::open::open_user_file(path);
    let size = file
        .as_ref()
        .ok()
        .and_then(|f| f.metadata().ok())
        .map_or(0, |m| m.len());
    let raw = read_capped(path, file, false, cap, size)?;
    let data = if raw.starts_with(&GZIP_MAGIC) {
        // why: JSON snapshots compress about 25:1; start big to avoid repeated regrowth.
        let guess = (raw.len() as u64).saturating_mul(16);
        read_capped(path, Ok(GzDecoder::new(raw.as_slice())), true, cap, guess)?
    } else {
        raw
    };
    parse_snapshot(path, &data)
}

fn read_capped<R: Read>(
    path: &Path,
    reader: io::Result<R>,
    gzip: bool,
    cap: u64,
    size_hint: u64,
) -> Result<Vec<u8>, SnapshotFileError> {
    let p = || path.to_path_buf();
    let mut out = Vec::with_capacity(size_hint.min(cap) as usize + 1);
    reader
        .and_then(|r| r.take(cap + 1).read_to_end(&mut out))
        .map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof if gzip => SnapshotFileError::Truncated {
                path: p(),
                detail: "the compressed stream ends early".into(),
            },
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData if gzip => {
                SnapshotFileError::Corrupt {
                    path: p(),
                    detail: format!("bad gzip data: {e}"),
                }
            }
            _ => SnapshotFileError::Read {
                path: p(),
                source: e,
            },
        })?;
    if out.len() as u64 > cap {
        return Err(SnapshotFileError::TooLarge {
            path: p(),
            limit: cap,
        });
    }
    Ok(out)
}

/// Parse snapshot JSON, escaping terminal controls in its text fields
/// ([`Snapshot::escape_text_fields`]). On failure, a second pass over the top-level keys decides which error
/// it is: no `format` marker means not a snapshot; otherwise a newer schema, an early end, or
/// corruption.
pub fn parse_snapshot(path: &Path, data: &[u8]) -> Result<Snapshot, SnapshotFileError> {
    let p = || path.to_path_buf();
    let full = match serde_json::from_slice::<Snapshot>(data) {
        Ok(mut snap) if snap.schema <= SCHEMA_VERSION => {
            // why: a file may be crafted; its text fields must not reach a terminal raw.
            snap.escape_text_fields();
            return Ok(snap);
        }
        other => other,
    };
    let seen = RefCell::new(Seen::default());
    let mut de = serde_json::Deserializer::from_slice(data);
    let probe = (&mut de)
        .deserialize_map(Probe { seen: &seen })
        .and_then(|()| de.end());
    let seen = seen.into_inner();
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(SnapshotFileError::NotASnapshot {
            path: p(),
            reason: "the file is empty".into(),
        });
    }
    match seen.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(SnapshotFileError::NotASnapshot {
                path: p(),
                reason: format!("its format is {other:?}"),
            });
        }
        None => {
            let reason = match &probe {
                Err(e) if e.is_eof() => "it ends before saying what it is",
                Err(e) if !e.is_data() => "not JSON",
                _ => "no \"format\": \"procscope-snapshot\" field",
            };
            return Err(SnapshotFileError::NotASnapshot {
                path: p(),
                reason: reason.into(),
            });
        }
    }
    if let Some(found) = seen.schema
        && found > u64::from(SCHEMA_VERSION)
    {
        return Err(SnapshotFileError::NewerSchema {
            path: p(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    match (probe, full) {
        (Err(e), _) if e.is_eof() => Err(SnapshotFileError::Truncated {
            path: p(),
            detail: format!("it ends at line {} column {}", e.line(), e.column()),
        }),
        (Err(e), _) | (Ok(()), Err(e)) => Err(SnapshotFileError::Corrupt {
            path: p(),
            detail: e.to_string(),
        }),
        (Ok(()), Ok(snap)) => Err(SnapshotFileError::Corrupt {
            path: p(),
            detail: format!("bad schema {}", snap.schema),
        }),
    }
}

/// The top-level `format` and `schema` values met so far, kept even when parsing fails later.
#[derive(Default)]
struct Seen {
    format: Option<String>,
    schema: Option<u64>,
}

/// Visits the top-level object, recording `format` and `schema` and skipping the rest.
struct Probe<'a> {
    seen: &'a RefCell<Seen>,
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "format" => {
                    let v: serde_json::Value = map.next_value()?;
                    self.seen.borrow_mut().format =
                        Some(v.as_str().map_or_else(|| v.to_string(), str::to_string));
                }
                "schema" => {
                    let v: serde_json::Value = map.next_value()?;
                    self.seen.borrow_mut().schema = v.as_u64();
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
