//! `procscope hidden`: processes hidden from `/proc` (masked entries, pids the listing does
//! not show), confirmed by a recheck, with the evidence; `[]` and exit 0 on a clean host.

use super::{Global, Out};
use crate::collect::integrity::hidden::{SearchOptions, search};
use crate::model::{HiddenProcess, Snapshot, escape};
use crate::source::ProcRoot;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct HiddenArgs {
    /// Do not probe the pid range (only the listing's own views and the masks).
    #[arg(long)]
    pub no_probe: bool,
    /// Threads probing the pid range.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: u16,
}

/// The hidden processes a snapshot file recorded (flagged by the scan that wrote it).
fn from_snapshot(snap: &Snapshot) -> Vec<HiddenProcess> {
    snap.processes
        .iter()
        .filter_map(|p| {
            Some(HiddenProcess {
                pid: p.pid,
                start_time: Some(p.start_time),
                ppid: Some(p.ppid),
                comm: Some(p.comm.clone()),
                exe: p.exe.clone(),
                evidence: p.hidden.as_ref()?.evidence.clone(),
            })
        })
        .collect()
}

pub fn run(g: &Global, a: &HiddenArgs, o: &mut Out) -> Result<()> {
    let found = match g.snapshot.first() {
        Some(path) => from_snapshot(&super::read_file(path)?),
        None => {
            let root = ProcRoot::open(&g.proc_root)?;
            let opt = SearchOptions {
                probe_range: !a.no_probe,
                threads: usize::from(a.threads),
                ..SearchOptions::default()
            };
            let report = search(&root, &opt)?;
            for line in &report.refused {
                eprintln!("procscope: note: {}", escape(line));
            }
            if !o.json && report.processes.is_empty() {
                let probed = if report.pid_max > 0 {
                    format!(", pids 1..{} probed", report.pid_max)
                } else {
                    String::new()
                };
                o.line(&format!(
                    "no hidden process ({} listed{probed})",
                    report.listed
                ))?;
                return Ok(());
            }
            report.processes
        }
    };
    if o.json {
        return o.json(&found);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|h| {
            vec![
                h.pid.to_string(),
                h.start_time.map_or("?".into(), |s| s.to_string()),
                h.comm
                    .as_ref()
                    .map_or("?".into(), |c| c.safe().into_owned()),
                h.exe
                    .as_ref()
                    .map_or("?".into(), |e| e.path.safe().into_owned()),
                h.evidence
                    .iter()
                    .map(|e| escape(&e.describe()).into_owned())
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    o.table(&["Pid", "Start", "Comm", "Exe", "Evidence"], &rows)
}
