//! Secrets in process environments and command lines: rules loaded from YAML and compiled once,
//! findings with process and container attached, and masking of every matched value.

mod cmdline;
mod compile;
mod entropy;
pub use entropy::base64url_decode as base64_decode;
mod grep;
mod judge;
mod nested;
mod placeholder;
mod rules;
mod scan;
mod structured;
mod structured_xml;
mod validate;

pub use compile::RuleSet;
pub use entropy::shannon;
pub use grep::{Grep, GrepError, grep};
pub use rules::{BUILTIN_RULES, RulesError};

use crate::analysis::mask::mask;
use crate::analysis::masking::{Place, Span};
use crate::model::{Bytes, Pid, Process, Snapshot};
use scan::{Hit, Scanner};
use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The lowercase name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Where a secret was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretSource {
    Environ,
    Cmdline,
}

impl SecretSource {
    /// `environ` or `cmdline`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretSource::Environ => "environ",
            SecretSource::Cmdline => "cmdline",
        }
    }
}

/// One secret in one process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub pid: Pid,
    pub start_time: u64,
    pub comm: Bytes,
    /// Container id (or the runtime name when the id is unknown), `None` on the host.
    pub container: Option<String>,
    /// Kubernetes pod uid, when the process runs in a pod.
    pub pod_uid: Option<String>,
    pub source: SecretSource,
    /// environ entry index or argv index.
    pub index: usize,
    /// Variable name, flag (`--password`, `-p`) or `argv[N]`.
    pub name: Bytes,
    pub rule: String,
    pub severity: Severity,
    pub description: String,
    /// The secret, masked unless revealed (a lead shows its path).
    pub value: String,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// Kept for the JSON schema: always false now that placeholders (`changeme`, `${VAR}`) are
    /// not reported at all.
    #[serde(default)]
    pub placeholder: bool,
    /// The finding points at key material (a key file path) rather than holding a secret.
    #[serde(default)]
    pub lead: bool,
    /// Byte span of the secret in the environ value or argv entry.
    #[serde(skip)]
    pub span: (usize, usize),
    /// Byte span the masking policy hides (the span, or the whole value when in doubt).
    #[serde(skip)]
    pub mask: (usize, usize),
}

/// Run `f` over the processes on a few threads; results in process order, `None` for the
/// processes of a worker that panicked.
fn per_process<T: Send>(
    snap: &Snapshot,
    rules: &RuleSet,
    f: impl Fn(&mut Scanner, &Process) -> T + Sync,
) -> Vec<Option<T>> {
    let procs = &snap.processes;
    let n = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    if procs.len() < 64 || n == 1 {
        let mut s = Scanner::new(rules);
        return procs.iter().map(|p| Some(f(&mut s, p))).collect();
    }
    let chunk = procs.len().div_ceil(n);
    std::thread::scope(|sc| {
        let handles: Vec<_> = procs
            .chunks(chunk)
            .map(|ps| {
                let f = &f;
                (
                    ps.len(),
                    sc.spawn(move || {
                        let mut s = Scanner::new(rules);
                        ps.iter().map(|p| Some(f(&mut s, p))).collect::<Vec<_>>()
                    }),
                )
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(len, h)| {
                h.join()
                    .unwrap_or_else(|_| std::iter::repeat_with(|| None).take(len).collect())
            })
            .collect()
    })
}

/// The raw text of a hit's secret in `p`.
fn secret_of<'a>(p: &'a Process, h: &Hit) -> &'a [u8] {
    let whole: &[u8] = match h.source {
        SecretSource::Environ => p
            .environ
            .as_ref()
            .and_then(|e| e.get(h.index))
            .map(|e| e.value.unwrap_or(e.name))
            .unwrap_or_default(),
        SecretSource::Cmdline => p.cmdline.get(h.index).map_or(&[], |a| a.as_bytes()),
    };
    whole.get(h.start..h.end).unwrap_or_default()
}

/// Identity of `p`'s container: (id or runtime, pod uid).
pub fn container_of(p: &Process) -> (Option<String>, Option<String>) {
    match &p.container {
        Some(c) => (
            Some(c.id.clone().unwrap_or_else(|| c.runtime.clone())),
            c.pod_uid.clone(),
        ),
        None => (None, None),
    }
}

/// Secrets in every process, values masked. Scan the unmasked snapshot.
pub fn scan(snap: &Snapshot, rules: &RuleSet) -> Vec<Finding> {
    scan_with(snap, rules, false)
}

/// Secrets in every process; `reveal` shows values whole.
pub fn scan_with(snap: &Snapshot, rules: &RuleSet, reveal: bool) -> Vec<Finding> {
    per_process(snap, rules, |s, p| {
        let hits = s.process(p);
        let (container, pod_uid) = container_of(p);
        hits.into_iter()
            .map(|h| {
                let r = &rules.rules[h.rule];
                let secret = secret_of(p, &h);
                let value = if reveal || r.lead {
                    String::from_utf8_lossy(secret).into_owned()
                } else {
                    mask(secret)
                };
                let mut description = r.description.clone();
                if h.placeholder {
                    description.push_str(" (placeholder value)");
                }
                Finding {
                    pid: p.pid,
                    start_time: p.start_time,
                    comm: p.comm.clone(),
                    container: container.clone(),
                    pod_uid: pod_uid.clone(),
                    source: h.source,
                    index: h.index,
                    name: Bytes(h.name),
                    rule: r.id.clone(),
                    severity: h.severity,
                    description,
                    value,
                    entropy: (h.entropy * 100.0).round() / 100.0,
                    placeholder: h.placeholder,
                    lead: r.lead,
                    span: (h.start, h.end),
                    mask: h.mask,
                }
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .flatten()
    .collect()
}

/// What the masking policy hides in each process, in process order: (place, span) of every
/// non-lead hit, sorted by place; `None` for a process that could not be scanned.
pub(crate) fn mask_plan(snap: &Snapshot, rules: &RuleSet) -> Vec<Option<Vec<(Place, Span)>>> {
    per_process(snap, rules, |s, p| {
        let mut v: Vec<(Place, Span)> = s
            .process(p)
            .into_iter()
            .filter(|h| !rules.rules[h.rule].lead)
            .map(|h| (Place::of(h.source, h.index), h.mask))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// Mask, in place, every value a rule matched (see [`crate::analysis::masking::mask_snapshot`]).
pub fn mask_snapshot(snap: &mut Snapshot, rules: &RuleSet) {
    crate::analysis::masking::mask_snapshot(snap, Some(rules));
}

/// The spans to hide in each of `texts` (each scanned as one argv entry and as one environ
/// entry), sorted; a text past a cap is hidden whole.
pub(crate) fn text_spans(rules: &RuleSet, texts: &[&[u8]]) -> Vec<Vec<Span>> {
    let mut s = Scanner::new(rules);
    texts
        .iter()
        .map(|t| {
            let p = Process {
                cmdline: vec![Bytes(t.to_vec())],
                environ: Some(crate::model::Environ::from_raw(t)),
                ..Process::default()
            };
            let eq = t.iter().position(|&b| b == b'=').map_or(0, |e| e + 1);
            let mut v: Vec<Span> = s
                .process(&p)
                .into_iter()
                .filter(|h| !rules.rules[h.rule].lead)
                .map(|h| match h.source {
                    SecretSource::Environ => (h.mask.0 + eq, h.mask.1 + eq),
                    SecretSource::Cmdline => h.mask,
                })
                .collect();
            v.sort_unstable();
            v
        })
        .collect()
}

#[cfg(test)]
mod tests;
