//! `procscope secrets`: credentials in every process's environment and command line, with the
//! process, container and pod attached, values masked unless `--reveal`.

use super::Out;
use crate::analysis::secrets::{self, Finding, Grep, RuleSet, Severity};
use crate::model::{Snapshot, escape};
use crate::present::Shown;
use crate::present::finding::FindingRow;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::collections::{BTreeMap, BTreeSet};

/// `--min-severity` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MinSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl From<MinSeverity> for Severity {
    fn from(m: MinSeverity) -> Self {
        match m {
            MinSeverity::Low => Severity::Low,
            MinSeverity::Medium => Severity::Medium,
            MinSeverity::High => Severity::High,
            MinSeverity::Critical => Severity::Critical,
        }
    }
}

/// Options of `procscope secrets`.
#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Instead of the rules, report environ entries (`NAME=value`) and argv entries matching
    /// REGEX, like grep over /proc/*/environ (repeatable: any may match).
    #[arg(long, value_name = "REGEX")]
    pub pattern: Vec<String>,
    /// Instead of the rules, report environ entries whose variable name matches REGEX (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub name: Vec<String>,
    /// Only findings at least this severe.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "low")]
    pub min_severity: MinSeverity,
    /// Only these processes (repeatable).
    #[arg(long, value_name = "PID")]
    pub pid: Vec<u32>,
    /// List the rules in effect and exit.
    #[arg(long)]
    pub list_rules: bool,
}

impl SecretsArgs {
    /// The ad-hoc patterns, compiled (an error names the bad one).
    pub fn grep(&self) -> Result<Grep> {
        Ok(Grep::new(&self.pattern, &self.name)?)
    }
}

/// Print the findings (or the rules, with `--list-rules`) as a table or JSON.
pub fn run(
    snap: &Snapshot,
    rules: &RuleSet,
    grep: &Grep,
    a: &SecretsArgs,
    reveal: bool,
    o: &mut Out,
) -> Result<()> {
    if a.list_rules {
        if o.json {
            let v: Vec<_> = rules
                .describe()
                .map(
                    |(id, sev, d)| serde_json::json!({"id": id, "severity": sev, "description": d}),
                )
                .collect();
            return o.json(&v);
        }
        let rows: Vec<Vec<String>> = rules
            .describe()
            .map(|(id, sev, d)| vec![escape(id).into(), sev.as_str().into(), escape(d).into()])
            .collect();
        return o.table(&["RULE", "SEVERITY", "DESCRIPTION"], &rows);
    }
    let mut found = if grep.is_empty() {
        secrets::scan_with(snap, rules, reveal)
    } else {
        secrets::grep(snap, grep, reveal)
    };
    let min: Severity = a.min_severity.into();
    found.retain(|f| f.severity >= min && (a.pid.is_empty() || a.pid.contains(&f.pid)));
    if o.json {
        return o.json(&found);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|f| {
            let r = FindingRow::of(f, !reveal && !f.lead);
            [
                r.pid,
                r.comm,
                r.container,
                r.source,
                r.name,
                r.rule,
                r.severity,
                r.value.text,
            ]
            .into_iter()
            .map(Shown::into_string)
            .collect()
        })
        .collect();
    o.table(
        &[
            "PID",
            "COMM",
            "CONTAINER",
            "SOURCE",
            "NAME",
            "RULE",
            "SEVERITY",
            "VALUE",
        ],
        &rows,
    )?;
    o.line("")?;
    o.line(&summary(snap, &found, reveal))
}

/// `3 finding(s) in 2 process(es) (1 high, 2 low); ...`.
fn summary(snap: &Snapshot, found: &[Finding], reveal: bool) -> String {
    let procs: BTreeSet<_> = found.iter().map(|f| f.pid).collect();
    let mut by: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
    for f in found {
        *by.entry(std::cmp::Reverse(f.severity)).or_default() += 1;
    }
    let counts: Vec<String> = by
        .iter()
        .map(|(s, n)| format!("{n} {}", s.0.as_str()))
        .collect();
    let unreadable = snap
        .processes
        .iter()
        .filter(|p| p.environ.is_none() && !p.kernel_thread)
        .count();
    let mut summary = format!("{} finding(s) in {} process(es)", found.len(), procs.len());
    if !counts.is_empty() {
        summary.push_str(&format!(" ({})", counts.join(", ")));
    }
    if unreadable > 0 {
        summary.push_str(&format!(
            "; environ unreadable for {unreadable} process(es)"
        ));
    }
    if !reveal && !found.is_empty() {
        summary.push_str("; values masked (--reveal shows them)");
    }
    summary
}
