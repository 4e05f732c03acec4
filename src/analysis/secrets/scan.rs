//! The matching engine: for one process, which byte spans of which environ values and argv
//! entries are secrets, by which rule. Keywords pre-filter, the `RegexSet` confirms, each
//! candidate rule's regex locates the secret, then entropy, allowlists and placeholders judge it,
//! and overlapping hits keep the most severe (then the first-listed) rule.

use super::cmdline;
use super::compile::RuleSet;
use super::entropy;
use super::placeholder;
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
    /// The span the masking policy hides: the secret itself, or the whole value when in doubt
    /// (a secret-named variable or flag, or more matches than [`MAX_MATCHES`]).
    pub mask: (usize, usize),
}

/// What a name means to the rules: name rules it turns on, pattern rules it turns off.
#[derive(Clone, Default)]
pub(super) struct NameInfo {
    pub(super) named: Vec<usize>,
    pub(super) excluded: Vec<usize>,
}

/// Candidate hit in one value: (rule, start, end, severity, placeholder, entropy).
pub(super) type Cand = (usize, usize, usize, Severity, bool, f64);

/// Candidate hits in one value, and whether the value is to be masked whole.
#[derive(Default)]
pub(super) struct Cands {
    pub(super) hits: Vec<Cand>,
    /// A cap was reached: what was not looked at may hold more secret bytes.
    pub(super) capped: bool,
}

/// Per-thread scanning state: caches what each name means and holds scratch space.
pub(crate) struct Scanner<'r> {
    pub(super) rules: &'r RuleSet,
    /// Raw environ name or normalised flag name -> its meaning.
    env_names: HashMap<Vec<u8>, NameInfo>,
    names: HashMap<Vec<u8>, NameInfo>,
    /// Rules with neither keywords nor names: they look at every value of their sources.
    free: Vec<usize>,
    /// Pattern rules that allowlist some names.
    name_allowing: Vec<usize>,
    blob: Vec<u8>,
}

impl<'r> Scanner<'r> {
    pub(crate) fn new(rules: &'r RuleSet) -> Self {
        let n = rules.rules.len();
        Scanner {
            rules,
            env_names: HashMap::new(),
            names: HashMap::new(),
            free: (0..n)
                .filter(|&i| !rules.rules[i].keyworded && !rules.rules[i].named)
                .collect(),
            name_allowing: (0..n)
                .filter(|&i| !rules.rules[i].named && rules.rules[i].allow.has_names())
                .collect(),
            blob: Vec::new(),
        }
    }

    fn info(&self, norm: &[u8]) -> NameInfo {
        NameInfo {
            named: self.rules.name_hits(norm),
            excluded: self
                .name_allowing
                .iter()
                .copied()
                .filter(|&r| self.rules.rules[r].allow.name(norm))
                .collect(),
        }
    }

    fn env_name(&mut self, raw: &[u8]) -> NameInfo {
        if let Some(v) = self.env_names.get(raw) {
            return v.clone();
        }
        let v = self.info(&cmdline::normalise(raw));
        self.env_names.insert(raw.to_vec(), v.clone());
        v
    }

    pub(super) fn flag_name(&mut self, norm: &[u8]) -> NameInfo {
        if let Some(v) = self.names.get(norm) {
            return v.clone();
        }
        let v = self.info(norm);
        self.names.insert(norm.to_vec(), v.clone());
        v
    }

    /// (entry, rule) for every keyword occurrence in the environ values, in entry order.
    // why: one automaton pass over all values joined by NUL (no keyword holds a NUL) costs far
    // less than one search per value.
    fn env_keywords(&mut self, p: &Process) -> Vec<(usize, usize)> {
        let mut starts = Vec::new();
        self.blob.clear();
        for e in p.environ.iter().flatten() {
            starts.push(self.blob.len());
            // why: an entry without `=` is scanned whole, as its own value.
            self.blob.extend_from_slice(e.value.unwrap_or(e.name));
            self.blob.push(0);
        }
        let mut out = Vec::new();
        self.rules.keyword_hits(&self.blob, |at, rule| {
            let entry = starts.partition_point(|&s| s <= at).saturating_sub(1);
            out.push((entry, rule));
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every secret in one process, overlaps resolved.
    pub(crate) fn process(&mut self, p: &Process) -> Vec<Hit> {
        let mut out = Vec::new();
        let kws = self.env_keywords(p);
        let mut k = 0;
        for (i, e) in p.environ.iter().flatten().enumerate() {
            let from = k;
            while k < kws.len() && kws[k].0 == i {
                k += 1;
            }
            let (v, info) = match e.value {
                Some(v) => (v, self.env_name(e.name)),
                None => (e.name, NameInfo::default()),
            };
            let kw: Vec<usize> = kws[from..k].iter().map(|x| x.1).collect();
            let mut hits = Cands::default();
            let info = self.nested(SecretSource::Environ, i, e.name, v, info, &mut out);
            self.check(SecretSource::Environ, v, &info, Some(&kw), &mut hits);
            // why: fail closed: under a secret name the whole value is the secret, whatever
            // rule located part of it (`DB_PASSWORD=AKIA… tail`).
            let whole = hits.capped || !info.named.is_empty();
            for (rule, start, end, severity, placeholder, ent) in hits.hits {
                out.push(Hit {
                    mask: if whole { (0, v.len()) } else { (start, end) },
                    source: SecretSource::Environ,
                    index: i,
                    start,
                    end,
                    rule,
                    severity,
                    placeholder,
                    entropy: ent,
                    // why: an entry without `=` has no name; its text is the secret.
                    name: match e.value {
                        Some(_) => e.name.to_vec(),
                        None => format!("environ[{i}]").into_bytes(),
                    },
                });
            }
        }
        let env_hits = resolve(out);
        let mut cmd = Vec::new();
        let items = {
            let mut named = |n: &[u8]| !self.flag_name(n).named.is_empty();
            let items = cmdline::items(&p.cmdline, &mut named);
            super::nested::spaced_values(&p.cmdline, items, &mut named)
        };
        for it in items {
            let info = match &it.norm {
                Some(n) => self.flag_name(n),
                None => NameInfo::default(),
            };
            let info = if it.norm.is_none() {
                self.nested(
                    SecretSource::Cmdline,
                    it.index,
                    &it.name,
                    it.value,
                    info,
                    &mut cmd,
                )
            } else {
                info
            };
            let kw = if it.norm.is_none() {
                let mut kw = Vec::new();
                self.rules.keyword_hits(it.value, |_, r| kw.push(r));
                kw.sort_unstable();
                kw.dedup();
                Some(kw)
            } else {
                None
            };
            let mut hits = Cands::default();
            self.check(
                SecretSource::Cmdline,
                it.value,
                &info,
                kw.as_deref(),
                &mut hits,
            );
            let whole = hits.capped || !info.named.is_empty();
            let (lo, hi) = (it.offset, it.offset + it.value.len());
            for (rule, start, end, severity, placeholder, ent) in hits.hits {
                cmd.push(Hit {
                    mask: if whole {
                        (lo, hi)
                    } else {
                        (lo + start, lo + end)
                    },
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

    /// Candidate hits in one value. `kw` lists the rules whose keywords occur in it, and is
    /// `None` where only name rules apply (a flag's value, already checked whole as an argument).
    pub(super) fn check(
        &mut self,
        source: SecretSource,
        value: &[u8],
        info: &NameInfo,
        kw: Option<&[usize]>,
        out: &mut Cands,
    ) {
        if value.is_empty() {
            return;
        }
        let rs = self.rules;
        let applies = |r: usize| {
            value.len() >= rs.rules[r].min_length
                && match source {
                    SecretSource::Environ => rs.rules[r].environ,
                    SecretSource::Cmdline => rs.rules[r].cmdline,
                }
        };
        let kw_hit = |r: usize| kw.is_some_and(|k| k.binary_search(&r).is_ok());
        let mut cands: Vec<usize> = Vec::new();
        // why: a value in a known format's shape (`ghp_...`) is judged by the format rules;
        // when they reject it (a placeholder body, a bad checksum) no name rule reports it.
        let claimed =
            (!info.named.is_empty() || !self.free.is_empty()) && rs.claims.is_match(value);
        for &r in info.named.iter().filter(|_| !claimed) {
            if applies(r) && (!rs.rules[r].keyworded || kw_hit(r)) {
                cands.push(r);
            }
        }
        if let Some(kw) = kw {
            let pattern =
                |r: usize| !rs.rules[r].named && applies(r) && !info.excluded.contains(&r);
            cands.extend(kw.iter().copied().filter(|&r| pattern(r)));
            cands.extend(
                self.free
                    .iter()
                    .copied()
                    .filter(|&r| !claimed && pattern(r)),
            );
        }
        if cands.is_empty() {
            return;
        }
        // why: one RegexSet pass tells which of several candidates match at all; for one or
        // two candidates a DFA `is_match` on their own regexes is cheaper than the whole set,
        // and far cheaper than a capturing search that mostly fails.
        let set = (cands.len() > 2).then(|| rs.values.matches(value));
        for r in cands {
            let rule = &rs.rules[r];
            let matched = match &set {
                Some(s) => s.matched(r),
                None => rule.regex.is_match(value),
            };
            if !matched {
                continue;
            }
            let mut seen = 0;
            for caps in rule.regex.captures_iter(value).take(MAX_MATCHES + 1) {
                seen += 1;
                if seen > MAX_MATCHES {
                    // why: fail closed: past the cap the value is masked whole.
                    out.capped = true;
                    out.hits.push((
                        r,
                        0,
                        value.len(),
                        rule.severity,
                        false,
                        entropy::shannon(value),
                    ));
                    break;
                }
                let Some(m) = (1..caps.len())
                    .find_map(|g| caps.get(g))
                    .or_else(|| caps.get(0))
                else {
                    continue;
                };
                if let Some(h) = judge(rs, r, &value[m.start()..m.end()]) {
                    out.hits.push((r, m.start(), m.end(), h.0, h.1, h.2));
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
    if rule.validate.is_some_and(|c| !c.passes(secret)) {
        return None;
    }
    // why: a placeholder stands for a secret; it is not one, so it is not reported at all.
    if !rule.lead && (rs.placeholders.is_match(secret) || placeholder::is_placeholder(secret)) {
        return None;
    }
    Some((rule.severity, false, ent))
}

/// Keep, per (source, index), the most severe hits that do not overlap (ties: first-listed rule).
fn resolve(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.source as u8, a.index)
            .cmp(&(b.source as u8, b.index))
            .then(b.severity.cmp(&a.severity))
            .then(b.name.len().cmp(&a.name.len()))
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
