//! Falco rules evaluated over a snapshot: rules files loaded in order (Falco's format and
//! merge semantics), conditions compiled once, then every inferred event of every process
//! checked against the rules whose event types it has. Pure: no I/O, no UI.

pub mod ast;
mod compile;
mod eval;
pub mod events;
mod expand;
mod extract;
mod extract_more;
pub mod fields;
pub mod integrity;
pub mod loader;
mod output;
pub mod parser;
mod prefix;
mod program;
mod vocab;

pub use extract_more::split_image;
pub use loader::Origin;

use crate::model::{Pid, Snapshot};
use events::Kind;
use extract::Ctx;
use program::{Memo, NodeId, Program};
use serde::Serialize;
use std::collections::BTreeMap;

/// procscope's built-in rules (Falco's names where Falco has the rule).
pub const BUILTIN: &str = include_str!("../../../assets/procscope_rules.yaml");
/// The name the built-in rules file is reported under.
pub const BUILTIN_NAME: &str = "<built-in procscope_rules.yaml>";

/// A rules file error: one line with the file, the line, the item and the reason.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DetectError {
    #[error("{file}:{line}: {}{msg}", if item.is_empty() { String::new() } else { format!("'{item}': ") })]
    Rules {
        file: String,
        line: u64,
        item: String,
        msg: String,
    },
}

/// Falco's priorities, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Emergency,
    Alert,
    Critical,
    Error,
    Warning,
    Notice,
    Informational,
    Debug,
}

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "emergency" => Priority::Emergency,
            "alert" => Priority::Alert,
            "critical" => Priority::Critical,
            "error" => Priority::Error,
            "warning" | "warn" => Priority::Warning,
            "notice" => Priority::Notice,
            "informational" | "info" => Priority::Informational,
            "debug" => Priority::Debug,
            _ => return None,
        })
    }

    /// As Falco prints it (`Notice`).
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "Emergency",
            Priority::Alert => "Alert",
            Priority::Critical => "Critical",
            Priority::Error => "Error",
            Priority::Warning => "Warning",
            Priority::Notice => "Notice",
            Priority::Informational => "Informational",
            Priority::Debug => "Debug",
        }
    }

    /// The syslog severity (0 emergency .. 7 debug).
    pub fn syslog_level(self) -> u8 {
        self as u8
    }
}

impl Serialize for Priority {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Whether a rule is evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Status {
    Evaluable,
    NotEvaluable(String),
    Disabled,
}

/// A loaded rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub desc: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub source: String,
    pub origin: Origin,
    pub status: Status,
    cond: Option<Vec<NodeId>>,
    kinds: u16,
    template: output::Template,
}

/// The rules after loading every file, compiled.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub rules: Vec<Rule>,
    /// Where `required_engine_version`/`required_plugin_versions` items were (noted, not checked).
    pub requirements: Vec<String>,
    /// Every evaluable rule's condition, sub-expressions shared.
    prog: Program,
}

/// One alert: a rule that holds for an event inferred from the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub rule: String,
    pub priority: Priority,
    /// The output text, exact (escape it for a terminal).
    pub output: String,
    pub output_fields: BTreeMap<String, serde_json::Value>,
    pub source: String,
    pub tags: Vec<String>,
    pub pid: Pid,
    pub start_time: u64,
    /// Always true: the event was inferred from state, not observed.
    pub inferred: bool,
    /// The inferred syscall (`evt.type`).
    pub event: &'static str,
    /// The state the event was inferred from.
    pub evidence: String,
}

impl Alert {
    /// The key `--interval` and `diff` use: rule, pid, start time and evidence.
    pub fn key(&self) -> (String, Pid, u64, String) {
        (
            self.rule.clone(),
            self.pid,
            self.start_time,
            self.evidence.clone(),
        )
    }
}

impl Rules {
    /// Load rules files in order (name, text) and compile them.
    pub fn load(files: &[(String, String)]) -> Result<Rules, DetectError> {
        let mut db = loader::RuleDb::default();
        for (name, text) in files {
            db.load(name, text)?;
        }
        let x = expand::Expanded::new(&db)?;
        let mut rules = Vec::with_capacity(db.rules.len());
        let mut prog = Program::default();
        for r in &db.rules {
            rules.push(compile_rule(&x, r, &mut prog)?);
        }
        prog.finish();
        Ok(Rules {
            rules,
            requirements: db.requirements,
            prog,
        })
    }

    /// Rules evaluated.
    pub fn evaluable(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.status == Status::Evaluable)
    }
}

fn compile_rule(
    x: &expand::Expanded,
    r: &loader::RuleDef,
    prog: &mut Program,
) -> Result<Rule, DetectError> {
    let o = &r.origin;
    let bad = |msg: String| DetectError::Rules {
        file: o.file.clone(),
        line: o.line,
        item: r.name.clone(),
        msg,
    };
    let priority = Priority::parse(&r.priority)
        .ok_or_else(|| bad(format!("unknown priority '{}'", r.priority)))?;
    let mut rule = Rule {
        name: r.name.clone(),
        desc: r.desc.clone(),
        priority,
        tags: r.tags.clone(),
        source: r.source.clone(),
        origin: o.clone(),
        status: Status::Evaluable,
        cond: None,
        kinds: 0,
        template: output::Template::new(&r.output),
    };
    if r.source != "syscall" {
        rule.status = Status::NotEvaluable(format!("source {} is not syscall events", r.source));
        return Ok(rule);
    }
    let parsed = parser::parse(&r.condition).map_err(|e| bad(format!("condition: {e}")))?;
    let parsed = match expand::exceptions(o, &r.name, &r.exceptions)? {
        Some(ex) => ast::Expr::And(vec![parsed, ast::Expr::Not(Box::new(ex))]),
        None => parsed,
    };
    let resolved = x.resolve(&parsed, o, &r.name, 0)?;
    let c = compile::Compiler {
        origin: o,
        item: &r.name,
        lenient: r.skip_if_unknown_filter,
    };
    match c.expr(&resolved)? {
        Ok(cond) => {
            rule.kinds = compile::kinds(&cond);
            rule.cond = Some(prog.add_rule(cond));
            if rule.kinds & all_kinds() == 0 {
                rule.status = Status::NotEvaluable(
                    "matches no event inferred from state (its evt.type are not inferred)".into(),
                );
            }
        }
        Err(compile::Skip::Unknowable(why)) => rule.status = Status::NotEvaluable(why),
    }
    if !r.enabled && rule.status == Status::Evaluable {
        rule.status = Status::Disabled;
    }
    Ok(rule)
}

fn all_kinds() -> u16 {
    Kind::ALL.iter().fold(0, |m, k| m | k.bit())
}

/// Every alert the evaluable rules raise over `snap`, in pid order, then rule order.
pub fn detect(snap: &Snapshot, rules: &Rules) -> Vec<Alert> {
    detect_with(snap, rules, &[])
}

/// [`detect`] with the secret scan's findings (from the unmasked snapshot; their values are
/// masked unless revealed) for `procscope.secret`.
pub fn detect_with(
    snap: &Snapshot,
    rules: &Rules,
    secrets: &[crate::analysis::secrets::Finding],
) -> Vec<Alert> {
    let mut ctx = Ctx::new(snap);
    for f in secrets
        .iter()
        .filter(|f| f.source == crate::analysis::secrets::SecretSource::Environ && !f.placeholder)
    {
        let e = ctx.secrets.entry((f.pid, f.start_time)).or_default();
        if !e.is_empty() {
            e.push(' ');
        }
        e.push_str(&format!("{}={} ({})", f.name.lossy(), f.value, f.rule));
    }
    let live: Vec<&Rule> = rules.evaluable().collect();
    let by_kind: Vec<Vec<&Rule>> = Kind::ALL
        .iter()
        .map(|k| {
            live.iter()
                .copied()
                .filter(|r| r.kinds & k.bit() != 0)
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    let idx = &ctx.idx;
    let mut memo = Memo::new(&rules.prog);
    for p in &snap.processes {
        idx.events_of(p, &mut |e| {
            memo.event(e);
            for r in &by_kind[e.kind as usize] {
                let Some(cond) = &r.cond else { continue };
                if rules.prog.holds(cond, &mut memo, &ctx, e) {
                    let (output, output_fields) = r.template.render(&ctx, e);
                    let subject = e.tracee.unwrap_or(e.proc);
                    out.push(Alert {
                        rule: r.name.clone(),
                        priority: r.priority,
                        output,
                        output_fields,
                        source: r.source.clone(),
                        tags: r.tags.clone(),
                        pid: subject.pid,
                        start_time: subject.start_time,
                        inferred: true,
                        event: e.kind.name(),
                        evidence: events::evidence(idx, e),
                    });
                }
            }
        });
    }
    out
}
#[cfg(test)]
mod tests;

/// The alerts of `new` not raised on `old` (keyed by rule, pid, start time and evidence).
pub fn new_alerts(old: &Snapshot, new: &Snapshot, rules: &Rules) -> Vec<Alert> {
    let seen: std::collections::HashSet<_> = detect(old, rules).iter().map(Alert::key).collect();
    detect(new, rules)
        .into_iter()
        .filter(|a| !seen.contains(&a.key()))
        .collect()
}
