//! `procscope record`: a snapshot every N seconds into a directory, as `HOST-TIME.json.gz`
//! written atomically, keeping the newest K (the recorder a node DaemonSet runs).

use super::{Global, Out, load_rules, mask_unless};
use crate::collect;
use crate::source::record;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Directory the snapshot files go to (created 0700 if missing).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Seconds between snapshots (1 to 604800).
    #[arg(long, value_name = "SECS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub every: u64,
    /// How many files of this host to keep; older ones are deleted (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = 24,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub keep: u64,
    /// Stop after this many snapshots (default: run until killed).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub count: Option<u64>,
}

/// Record until `--count` snapshots are written (or forever), one line per file on `o`.
pub fn run(g: &Global, a: &RecordArgs, o: &mut Out) -> Result<()> {
    if g.offline() {
        anyhow::bail!("record takes snapshots of a proc root, not of a snapshot file");
    }
    record::ensure_dir(&a.dir)?;
    let rules = load_rules(g)?;
    let every = Duration::from_secs(a.every);
    let mut next = Instant::now();
    let mut written = 0u64;
    loop {
        let snap = collect::snapshot_at(&g.proc_root, &g.collect_options())?;
        let snap = mask_unless(snap, g.reveal, &rules);
        let host = snap.meta.hostname.clone().unwrap_or_else(|| "host".into());
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let path = record::write_into(&a.dir, &record::file_name(&host, millis), &snap)?;
        let gone = record::rotate(&a.dir, &host, a.keep as usize)?;
        written += 1;
        let shown = crate::model::escape(&path.display().to_string()).into_owned();
        if o.json {
            let v = serde_json::json!({
                "file": path.display().to_string(),
                "processes": snap.processes.len(),
                "deleted": gone.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            });
            writeln!(o.w, "{v}")?;
        } else {
            writeln!(
                o.w,
                "wrote {shown} ({} processes, {} old file(s) deleted)",
                snap.processes.len(),
                gone.len()
            )?;
        }
        o.w.flush()?;
        if a.count.is_some_and(|c| written >= c) {
            return Ok(());
        }
        next += every;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
}
