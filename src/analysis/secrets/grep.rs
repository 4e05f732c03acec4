//! Ad-hoc search (`secrets --pattern REGEX`, `--name REGEX`): like `grep -a` over
//! `/proc/*/environ` and `cmdline`, with the process and container attached and values masked.

use super::{Finding, SecretSource, Severity, container_of};
use crate::analysis::mask::mask;
use crate::model::{Bytes, Snapshot};
use regex::bytes::Regex;

/// Compiled ad-hoc patterns.
#[derive(Debug, Default)]
pub struct Grep {
    patterns: Vec<Regex>,
    names: Vec<Regex>,
}

/// A `--pattern` or `--name` regex that does not compile, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad {flag} regex '{pattern}': {why}")]
pub struct GrepError {
    pub flag: &'static str,
    pub pattern: String,
    pub why: String,
}

fn compile(flag: &'static str, ps: &[String]) -> Result<Vec<Regex>, GrepError> {
    ps.iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                let s = e.to_string();
                let why = match s.rfind("error: ") {
                    Some(i) => s[i + 7..].trim().to_string(),
                    None => s.lines().last().unwrap_or_default().to_string(),
                };
                GrepError {
                    flag,
                    pattern: p.clone(),
                    why,
                }
            })
        })
        .collect()
}

impl Grep {
    /// Compile `--pattern` (over `NAME=value` entries and argv entries) and `--name` (variable
    /// names) regexes. The error is one line naming the flag and the pattern.
    pub fn new(patterns: &[String], names: &[String]) -> Result<Grep, GrepError> {
        Ok(Grep {
            patterns: compile("--pattern", patterns)?,
            names: compile("--name", names)?,
        })
    }

    /// No pattern given: the rules apply instead.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty() && self.names.is_empty()
    }

    fn text_ok(&self, t: &[u8]) -> bool {
        self.patterns.is_empty() || self.patterns.iter().any(|r| r.is_match(t))
    }
}

/// Environ entries (and, without `--name`, argv entries) matching the ad-hoc patterns. An entry
/// must match one `--name` (when given) and one `--pattern` (when given).
pub fn grep(snap: &Snapshot, g: &Grep, reveal: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let show = |v: &[u8]| {
        if reveal {
            String::from_utf8_lossy(v).into_owned()
        } else {
            mask(v)
        }
    };
    let rule = if g.patterns.is_empty() {
        "name"
    } else {
        "pattern"
    };
    for p in &snap.processes {
        let (container, pod_uid) = container_of(p);
        let mut push = |source, index, name: &[u8], v: &[u8], what: String| {
            out.push(Finding {
                pid: p.pid,
                start_time: p.start_time,
                comm: p.comm.clone(),
                container: container.clone(),
                pod_uid: pod_uid.clone(),
                source,
                index,
                name: Bytes::from(name),
                rule: rule.to_string(),
                severity: Severity::Low,
                description: what,
                value: show(v),
                entropy: (super::shannon(v) * 100.0).round() / 100.0,
                placeholder: false,
                lead: false,
                span: (0, v.len()),
                mask: (0, v.len()),
            })
        };
        for (i, e) in p.environ.iter().flatten().enumerate() {
            let name = e.name;
            if !g.names.is_empty() && !g.names.iter().any(|r| r.is_match(name)) {
                continue;
            }
            let v = e.value.unwrap_or_default();
            let mut entry = name.to_vec();
            if e.value.is_some() {
                entry.push(b'=');
                entry.extend_from_slice(v);
            }
            if g.text_ok(&entry) {
                push(
                    SecretSource::Environ,
                    i,
                    name,
                    v,
                    format!("matches --{rule}"),
                );
            }
        }
        if g.names.is_empty() {
            for (i, a) in p.cmdline.iter().enumerate() {
                if g.text_ok(a.as_bytes()) {
                    let name = format!("argv[{i}]");
                    push(
                        SecretSource::Cmdline,
                        i,
                        name.as_bytes(),
                        a.as_bytes(),
                        format!("matches --{rule}"),
                    );
                }
            }
        }
    }
    out
}
