//! Many hosts in one procscope: `--snapshot DIR` (or several `--snapshot FILE`) runs a
//! subcommand over each host's snapshot, newest per host unless `--all-times`, and groups the
//! text by host; JSON is one array whose every object carries its `host` (and `snapshot`).

use super::{Command, Global, Out};
use crate::model::{escape, time};
use crate::source::{record, snapshot_file};
use anyhow::{Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One snapshot file picked for a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The host as the file says (its `meta.hostname`, or the recorded file name's host).
    pub host: String,
    /// Unix milliseconds the snapshot was taken.
    pub taken_ms: u64,
    pub path: PathBuf,
}

/// Whether the global options name more than one snapshot (a directory, or several files).
pub fn is_multi(g: &Global) -> bool {
    g.snapshot.len() > 1 || g.snapshot.iter().any(|p| record::is_dir(p))
}

/// The files to read: directories expanded, grouped by host, the newest of each host (or all,
/// oldest first, with `all_times`), sorted by host.
pub fn picks(paths: &[PathBuf], all_times: bool) -> Result<Vec<Pick>> {
    let mut files = Vec::new();
    for p in paths {
        if record::is_dir(p) {
            files.extend(record::snapshot_files(p)?);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        bail!("no snapshot files (*.json, *.json.gz) in {}", shown(paths));
    }
    let mut by_host: BTreeMap<String, Vec<Pick>> = BTreeMap::new();
    for path in files {
        let pick = identify(path)?;
        by_host.entry(pick.host.clone()).or_default().push(pick);
    }
    let mut out = Vec::new();
    for (_, mut v) in by_host {
        v.sort_by(|a, b| (a.taken_ms, &a.path).cmp(&(b.taken_ms, &b.path)));
        if all_times {
            out.extend(v);
        } else if let Some(newest) = v.pop() {
            out.push(newest);
        }
    }
    Ok(out)
}

/// Host and time of one file: from a recorded file's name when it has that shape (no read),
/// otherwise from the snapshot's own `meta`.
fn identify(path: PathBuf) -> Result<Pick> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Some((host, taken_ms)) = name.as_deref().and_then(record::parse_name) {
        return Ok(Pick {
            host,
            taken_ms,
            path,
        });
    }
    let snap = snapshot_file::read_snapshot(&path)?;
    Ok(Pick {
        host: snap
            .meta
            .hostname
            .clone()
            .unwrap_or_else(|| "unknown".into()),
        taken_ms: snap.meta.taken_at.saturating_mul(1000),
        path,
    })
}

fn shown(paths: &[PathBuf]) -> String {
    let v: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    escape(&v.join(", ")).into_owned()
}

/// Run `cmd` once per picked snapshot. Text: a `== host ==` header before each host's output.
/// JSON: one array of the objects each run printed, each with `host` and `snapshot` added.
pub fn run(g: &Global, cmd: &Command, o: &mut Out) -> Result<()> {
    if matches!(
        cmd,
        Command::Fs(_) | Command::Record(_) | Command::Snapshot(_)
    ) {
        bail!("this subcommand reads one system; give one --snapshot FILE");
    }
    if let Command::Diff(a) = cmd {
        return super::diff::run_hosts(g, a, &picks(&g.snapshot, true)?, o);
    }
    let mut all = Vec::new();
    for pick in picks(&g.snapshot, g.all_times)? {
        let one = Global {
            snapshot: vec![pick.path.clone()],
            ..g.clone()
        };
        let mut buf = Vec::new();
        super::run(&one, cmd, &mut buf)?;
        if o.json {
            let v: Value = serde_json::from_slice(&buf)?;
            tag(v, &pick, &mut all);
        } else {
            writeln!(
                o.w,
                "== host {}  ({}, taken {})",
                escape(&pick.host),
                escape(&pick.path.display().to_string()),
                time::utc(pick.taken_ms / 1000)
            )?;
            o.w.write_all(&buf)?;
            writeln!(o.w)?;
        }
    }
    if o.json {
        serde_json::to_writer(&mut *o.w, &all)?;
        writeln!(o.w)?;
    }
    Ok(())
}

/// Add `host` and `snapshot` to every object of `v` (each element of an array, or `v` itself).
fn tag(v: Value, pick: &Pick, out: &mut Vec<Value>) {
    let stamp = |mut obj: serde_json::Map<String, Value>| {
        obj.insert("host".into(), Value::String(pick.host.clone()));
        obj.insert(
            "snapshot".into(),
            Value::String(pick.path.display().to_string()),
        );
        Value::Object(obj)
    };
    match v {
        Value::Array(items) => out.extend(items.into_iter().map(|i| match i {
            Value::Object(obj) => stamp(obj),
            other => other,
        })),
        Value::Object(obj) => out.push(stamp(obj)),
        other => out.push(other),
    }
}
