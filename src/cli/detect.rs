//! `procscope detect`: Falco's rules over the snapshot's inferred events, as Falco's text
//! lines, Falco's JSON alerts or syslog messages; `--interval` emits only new alerts.

use super::{Global, Out};
use crate::analysis::detect::{self, Alert, Priority, Rules, Status};
use crate::analysis::secrets::{self, Finding};
use crate::model::{Snapshot, escape, time};
use crate::present::alert::{self, AlertRow};
use crate::source::{config, detect_io};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Load this rules file after the built-in and local rules (repeatable, in order).
    #[arg(short = 'r', long = "rules-file", value_name = "FILE")]
    pub rules_file: Vec<PathBuf>,
    /// Also send each alert to the local syslog (`/dev/log`, LOG_USER, ident falco).
    #[arg(long)]
    pub syslog: bool,
    /// Write alerts to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rescan every SECS seconds and emit only alerts not emitted before.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub interval: Option<u64>,
    /// Only alerts of this priority or more severe (emergency .. debug).
    #[arg(long, value_name = "P", value_parser = parse_priority)]
    pub min_priority: Option<Priority>,
    /// List the rules loaded, evaluable or not and why.
    #[arg(long)]
    pub list_rules: bool,
    /// Also hash every process's exe and read its maps and preload settings (costly: off by
    /// default): exe and library integrity findings become alerts.
    #[arg(long)]
    pub integrity: bool,
}

fn parse_priority(s: &str) -> Result<Priority, String> {
    Priority::parse(s).ok_or_else(|| format!("unknown priority '{s}'"))
}

/// Built-ins, the local rules file, then each `-r FILE`.
pub fn load_rules(files: &[PathBuf]) -> Result<Rules> {
    let mut texts = vec![(
        detect::BUILTIN_NAME.to_string(),
        detect::BUILTIN.to_string(),
    )];
    let local = detect_io::local_rules_path();
    for p in local.iter().chain(files) {
        let text = config::read_text(p)
            .with_context(|| format!("cannot read rules file {}", p.display()))?;
        texts.push((p.display().to_string(), text));
    }
    Ok(Rules::load(&texts)?)
}

#[derive(Serialize)]
struct JsonAlert<'a> {
    time: String,
    rule: &'a str,
    priority: Priority,
    output: String,
    output_fields: &'a std::collections::BTreeMap<String, serde_json::Value>,
    hostname: &'a str,
    source: &'a str,
    tags: &'a [String],
    pid: u32,
    start_time: u64,
    inferred: bool,
    evidence: &'a str,
}

/// `HH:MM:SS.nnnnnnnnn` and ISO 8601 of the snapshot's time.
fn times(snap: &Snapshot) -> (String, String) {
    let full = time::utc(snap.meta.taken_at);
    let day = full.get(..10).unwrap_or("").to_string();
    let hms = full.get(11..19).unwrap_or("00:00:00").to_string();
    (
        format!("{hms}.000000000"),
        format!("{day}T{hms}.000000000Z"),
    )
}

fn text_line(snap: &Snapshot, a: &Alert) -> String {
    let (hms, _) = times(snap);
    format!("{hms}: {} {}", a.priority.as_str(), alert::text(a))
}

fn json_line(snap: &Snapshot, a: &Alert) -> Result<String> {
    let (_, iso) = times(snap);
    let j = JsonAlert {
        time: iso,
        rule: &a.rule,
        priority: a.priority,
        output: format!(
            "{hms}: {} {}",
            a.priority.as_str(),
            a.output,
            hms = times(snap).0
        ),
        output_fields: &a.output_fields,
        hostname: snap.meta.hostname.as_deref().unwrap_or(""),
        source: &a.source,
        tags: &a.tags,
        pid: a.pid,
        start_time: a.start_time,
        inferred: a.inferred,
        evidence: &a.evidence,
    };
    Ok(serde_json::to_string(&j)?)
}

/// The alerts of `snap` at or above `min`.
pub fn alerts(
    snap: &Snapshot,
    rules: &Rules,
    secrets: &[Finding],
    min: Option<Priority>,
) -> Vec<Alert> {
    let mut v = detect::detect_with(snap, rules, secrets);
    v.extend(detect::integrity::integrity_alerts(snap));
    if let Some(m) = min {
        v.retain(|a| a.priority <= m);
    }
    v
}

/// The exe and library findings of every process of live `snap` (read now: each exe is
/// hashed), as alerts at or above `min`. Hidden processes are alerts already.
pub fn integrity_alerts(snap: &Snapshot, min: Option<Priority>) -> Vec<Alert> {
    let mut v = Vec::new();
    for p in snap.processes.iter().filter(|p| !p.kernel_thread) {
        let Some(i) = crate::collect::integrity::exe::for_process(snap, p, true) else {
            continue;
        };
        v.extend(
            i.findings
                .into_iter()
                .filter(|f| f.rule != "hidden_process")
                .map(|f| detect::integrity::alert(snap, f))
                .filter(|a| min.is_none_or(|m| a.priority <= m)),
        );
    }
    v
}

/// One `ld_so_preload` alert per root of live `snap` whose `/etc/ld.so.preload` lists
/// something (read once per root; `--integrity` reports it per process instead).
pub fn preload_alerts(snap: &Snapshot, min: Option<Priority>) -> Vec<Alert> {
    (crate::collect::integrity::exe::preloads(snap).into_iter())
        .filter_map(|(pid, entries, sharing)| {
            let p = snap.process(pid)?;
            let f = crate::analysis::integrity::root_preload_finding(p, &entries, sharing);
            Some(detect::integrity::alert(snap, f))
        })
        .filter(|a| min.is_none_or(|m| a.priority <= m))
        .collect()
}

fn list(rules: &Rules, o: &mut Out) -> Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        rule: &'a str,
        priority: Priority,
        source: &'a str,
        file: &'a str,
        line: u64,
        #[serde(flatten)]
        status: &'a Status,
    }
    let rows: Vec<Row> = rules
        .rules
        .iter()
        .map(|r| Row {
            rule: &r.name,
            priority: r.priority,
            source: &r.source,
            file: &r.origin.file,
            line: r.origin.line,
            status: &r.status,
        })
        .collect();
    if o.json {
        return o.json(&rows);
    }
    let table: Vec<Vec<String>> = rules
        .rules
        .iter()
        .map(|r| {
            let (st, why) = match &r.status {
                Status::Evaluable => ("evaluable", String::new()),
                Status::Disabled => ("disabled", String::new()),
                Status::NotEvaluable(w) => ("not evaluable", w.clone()),
            };
            vec![
                escape(&r.name).into_owned(),
                r.priority.as_str().into(),
                st.into(),
                escape(&why).into_owned(),
            ]
        })
        .collect();
    o.table(&["Rule", "Priority", "Status", "Reason"], &table)
}

pub fn run(g: &Global, a: &DetectArgs, o: &mut Out) -> Result<()> {
    let rules = load_rules(&a.rules_file)?;
    let srules = super::load_rules(g)?;
    if a.list_rules {
        return list(&rules, o);
    }
    if a.interval.is_some() && g.offline() {
        bail!("--interval rescans a proc root; a snapshot file does not change");
    }
    if a.integrity && g.offline() {
        bail!("--integrity reads the running processes' images; a snapshot file has none");
    }
    let syslog = if a.syslog {
        let p = detect_io::syslog_path();
        Some(
            detect_io::Syslog::connect(&p)
                .with_context(|| format!("cannot connect to syslog socket {}", p.display()))?,
        )
    } else {
        None
    };
    let mut file = match &a.output {
        Some(p) => Some(
            crate::source::open::create_output(p)
                .with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => None,
    };
    let mut seen = HashSet::new();
    loop {
        // why: credentials are found on the values as read, reported masked unless --reveal.
        let raw = super::load(g)?;
        let found = secrets::scan_with(&raw, &srules, g.reveal);
        let snap = super::prepare_with(raw, g, &srules);
        let mut all = alerts(&snap, &rules, &found, a.min_priority);
        if a.integrity {
            all.extend(integrity_alerts(&snap, a.min_priority));
        } else {
            all.extend(preload_alerts(&snap, a.min_priority));
        }
        for al in all {
            if !seen.insert(al.key()) {
                continue;
            }
            let line = if o.json {
                json_line(&snap, &al)?
            } else {
                text_line(&snap, &al)
            };
            match &mut file {
                Some(f) => writeln!(f, "{line}")?,
                None => writeln!(o.w, "{line}")?,
            }
            if let Some(s) = &syslog {
                s.send(
                    al.priority.syslog_level(),
                    &format!("{} {}", al.priority.as_str(), escape(&al.output)),
                )?;
            }
        }
        o.w.flush()?;
        match a.interval {
            Some(secs) => std::thread::sleep(std::time::Duration::from_secs(secs)),
            None => return Ok(()),
        }
    }
}

/// Alerts of `new` not raised on `old`, with the built-in and local rules (for `diff`).
pub fn diff_alerts(old: &Snapshot, new: &Snapshot) -> Result<Vec<Alert>> {
    let rules = load_rules(&[])?;
    Ok(detect::new_alerts(old, new, &rules))
}

/// The `diff` section of new alerts (nothing when there are none).
pub fn print_new_alerts(alerts: &[Alert], o: &mut Out) -> Result<()> {
    if alerts.is_empty() {
        return Ok(());
    }
    o.line(&format!("new alerts ({})", alerts.len()))?;
    for a in alerts {
        let r = AlertRow::of(a, None);
        o.line(&format!(
            "  + {} {} (pid {}; inferred from state: {})",
            r.priority, r.output, r.pid, r.evidence
        ))?;
    }
    Ok(())
}
