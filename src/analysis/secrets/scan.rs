//! The matching engine: for one process, which byte spans of which environ values and argv
//! entries are secrets, by which rule. Keywords pre-filter, the `RegexSet` confirms, each
//! candidate rule's regex locates the secret, then entropy, allowlists and placeholders judge it,
//! and overlapping hits keep the most severe (then the first-listed) rule.

use super::cmdline;
use super::compile::RuleSet;
use super::entropy;
use super::{SecretSource, Severity};
use crate::model::Process;
use std::collections::HashMap;

/// At most this many matches of one rule in one value (bounds the cost of hostile input).
const MAX_MATCHES: usize = 64;

/// A secret found at `[start, end)` of environ value or argv entry `index`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub source: SecretSource,
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub rule: usize,
    pub severity: Severity,
    pub placeholder: bool,
    pub entropy: f64,
    pub name: Vec<u8>,
}

/// Per-thread scanning state: caches name lookups and the keyword scratch space.
pub(crate) struct Scanner<'r> {
    rules: &'r RuleSet,
    names: HashMap<Vec<u8>, Vec<usize>>,
    kw: Vec<bool>,
    /// Rules with neither keywords nor names: they look at every value of their sources.
    free: Vec<usize>,
}

impl<'r> Scanner<'r> {
    pub(crate) fn new(rules: &'r RuleSet) -> Self {
        let free = (0..rules.rules.len())
            .filter(|&i| !rules.rules[i].keyworded && !rules.rules[i].named)
            .collect();
        Scanner {
            rules,
            names: HashMap::new(),
            kw: vec![false; rules.rules.len()],
            free,
        }
    }

    fn name_rules(&mut self, norm: &[u8]) -> Vec<usize> {
        if let Some(v) = self.names.get(norm) {
            return v.clone();
        }
        let v = self.rules.name_hits(norm);
        self.names.insert(norm.to_vec(), v.clone());
        v
    }

    /// Every secret in one process, overlaps resolved.
    pub(crate) fn process(&mut self, p: &Process) -> Vec<Hit> {
        let mut out = Vec::new();
        for (i, e) in p.environ.iter().flatten().enumerate() {
            let Some(v) = &e.value else { continue };
            let norm = cmdline::normalise(e.name.as_bytes());
            let named = self.name_rules(&norm);
            let mut hits = Vec::new();
            self.check(
                SecretSource::Environ,
                v.as_bytes(),
                Some(&norm),
                &named,
                true,
                &mut hits,
            );
            for (rule, start, end, severity, placeholder, ent) in hits {
                out.push(Hit {
                    source: SecretSource::Environ,
                    index: i,
                    start,
                    end,
                    rule,
                    severity,
                    placeholder,
                    entropy: ent,
                    name: e.name.as_bytes().to_vec(),
                });
            }
        }
        let env_hits = resolve(out);
        let mut cmd = Vec::new();
        let items = {
            let mut named = |n: &[u8]| !self.name_rules(n).is_empty();
            cmdline::items(&p.cmdline, &mut named)
        };
        for it in items {
            let named = match &it.norm {
                Some(n) => self.name_rules(n),
                None => Vec::new(),
            };
            let mut hits = Vec::new();
            self.check(
                SecretSource::Cmdline,
                it.value,
                it.norm.as_deref(),
                &named,
                it.norm.is_none(),
                &mut hits,
            );
            for (rule, start, end, severity, placeholder, ent) in hits {
                cmd.push(Hit {
                    source: SecretSource::Cmdline,
                    index: it.index,
                    start: it.offset + start,
                    end: it.offset + end,
                    rule,
                    severity,
                    placeholder,
                    entropy: ent,
                    name: it.name.clone(),
                });
            }
        }
        let mut all = env_hits;
        all.extend(resolve(cmd));
        all
    }

    /// Candidate hits in one value: (rule, start, end, severity, placeholder, entropy).
    #[allow(clippy::type_complexity)]
    fn check(
        &mut self,
        source: SecretSource,
        value: &[u8],
        norm: Option<&[u8]>,
        named: &[usize],
        value_rules: bool,
        out: &mut Vec<(usize, usize, usize, Severity, bool, f64)>,
    ) {
        if value.is_empty() {
            return;
        }
        let rs = self.rules;
        let applies = |r: usize| match source {
            SecretSource::Environ => rs.rules[r].environ,
            SecretSource::Cmdline => rs.rules[r].cmdline,
        };
        let mut cands: Vec<usize> = Vec::new();
        let need_kw = value_rules || named.iter().any(|&r| rs.rules[r].keyworded);
        let any_kw = need_kw && rs.keyword_hits(value, &mut self.kw);
        for &r in named {
            if applies(r) && (!rs.rules[r].keyworded || self.kw[r]) {
                cands.push(r);
            }
        }
        if value_rules {
            if any_kw {
                for r in 0..rs.rules.len() {
                    if self.kw[r] && !rs.rules[r].named && applies(r) {
                        cands.push(r);
                    }
                }
            }
            cands.extend(self.free.iter().copied().filter(|&r| applies(r)));
            // why: a pattern rule may still exclude names (a hash under INTEGRITY_HASH).
            if let Some(n) = norm {
                cands.retain(|&r| rs.rules[r].named || !rs.rules[r].allow.name(n));
            }
        }
        if any_kw {
            self.kw.iter_mut().for_each(|k| *k = false);
        }
        if cands.is_empty() {
            return;
        }
        let set = rs.values.matches(value);
        for r in cands {
            if !set.matched(r) {
                continue;
            }
            let rule = &rs.rules[r];
            for caps in rule.regex.captures_iter(value).take(MAX_MATCHES) {
                let Some(m) = (1..caps.len())
                    .find_map(|g| caps.get(g))
                    .or_else(|| caps.get(0))
                else {
                    continue;
                };
                if let Some(h) = judge(rs, r, &value[m.start()..m.end()]) {
                    out.push((r, m.start(), m.end(), h.0, h.1, h.2));
                }
            }
        }
    }
}

/// Whether `secret` passes rule `r`'s conditions: (severity, placeholder, entropy) if so.
fn judge(rs: &RuleSet, r: usize, secret: &[u8]) -> Option<(Severity, bool, f64)> {
    let rule = &rs.rules[r];
    if secret.len() < rule.min_length || entropy::classes(secret) < rule.classes {
        return None;
    }
    let ent = entropy::shannon(secret);
    if ent < rule.min_entropy {
        return None;
    }
    if let Some(claims) = &rule.jwt_claims {
        let payload = entropy::jwt_payload(secret)?;
        if !claims.is_match(&payload) {
            return None;
        }
    }
    if !rule.encoded_text && entropy::is_encoded_text(secret) {
        return None;
    }
    if rule.allow.value(secret) {
        return None;
    }
    if !rule.lead && (rs.global.value(secret) || entropy::looks_like_path(secret)) {
        return None;
    }
    let placeholder = rs.placeholders.is_match(secret);
    let severity = if placeholder {
        rule.severity.min(Severity::Low)
    } else {
        rule.severity
    };
    Some((severity, placeholder, ent))
}

/// Keep, per (source, index), the most severe hits that do not overlap (ties: first-listed rule).
fn resolve(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.source as u8, a.index)
            .cmp(&(b.source as u8, b.index))
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.cmp(&b.rule))
            .then(a.start.cmp(&b.start))
    });
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    let mut group_start = 0;
    for h in hits {
        if out
            .last()
            .is_none_or(|l| (l.source, l.index) != (h.source, h.index))
        {
            group_start = out.len();
        }
        let overlaps = out[group_start..]
            .iter()
            .any(|k| h.start < k.end && k.start < h.end);
        if !overlaps {
            out.push(h);
        }
    }
    out.sort_by_key(|h| (h.source as u8, h.index, h.start));
    out
}
