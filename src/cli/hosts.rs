//! Many hosts in one procscope: `--snapshot DIR` (or several `--snapshot FILE`) runs a
//! subcommand over each host's snapshot, newest per host unless `--all-times`, and groups the
//! text by host; JSON is one array whose every object carries its `host` (and `snapshot`).

use super::{Command, Global, Out};
use crate::model::{escape, time};
use crate::source::hosts;
use anyhow::{Result, bail};
use serde_json::Value;
use std::path::PathBuf;

pub use crate::source::hosts::Pick;

/// Whether the global options name more than one snapshot (a directory, or several files).
pub fn is_multi(g: &Global) -> bool {
    hosts::is_multi(&g.snapshot)
}

/// The files to read (see [`hosts::pick`]); a file that is not a readable snapshot is an error.
pub fn picks(paths: &[PathBuf], all_times: bool) -> Result<Vec<Pick>> {
    let got = hosts::pick(paths, all_times)?;
    if let Some((path, why)) = got.skipped.first() {
        bail!("{}: {}", escape(&path.display().to_string()), escape(why));
    }
    Ok(got.picks)
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
            // why: some subcommands (detect) print one JSON object per line.
            for v in serde_json::Deserializer::from_slice(&buf).into_iter::<Value>() {
                tag(v?, &pick, &mut all);
            }
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
