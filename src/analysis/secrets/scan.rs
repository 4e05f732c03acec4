//! The matching engine: for one process, which byte spans of which environ values and argv
//! entries are secrets, by which rule. Keywords pre-filter, the `RegexSet` confirms, each
//! candidate rule's regex locates the secret, then entropy, allowlists and placeholders judge it,
//! and overlapping hits keep the most severe (then the first-listed) rule.

use super::cmdline;
use super::compile::RuleSet;
use super::entropy;
use super::judge::{judge, resolve};
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
        let mut all = resolve(self.environ_hits(p));
        all.extend(resolve(self.cmdline_hits(p)));
        all
    }

    /// The candidate hits in the environ values of `p`, overlaps not yet resolved.
    fn environ_hits(&mut self, p: &Process) -> Vec<Hit> {
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
            let at = ValueAt {
                source: SecretSource::Environ,
                index: i,
                offset: 0,
                len: v.len(),
                // why: an entry without `=` has no name; its text is the secret.
                name: match e.value {
                    Some(_) => e.name.to_vec(),
                    None => format!("environ[{i}]").into_bytes(),
                },
            };
            place(hits, !info.named.is_empty(), &at, &mut out);
        }
        out
    }

    /// The candidate hits in the command line of `p`, overlaps not yet resolved.
    fn cmdline_hits(&mut self, p: &Process) -> Vec<Hit> {
        let mut out = Vec::new();
        let items = {
            let mut named = |n: &[u8]| !self.flag_name(n).named.is_empty();
            let items = cmdline::items(&p.cmdline, &mut named);
            super::nested::spaced_values(&p.cmdline, items, &mut named)
        };
        for it in items {
            self.cmdline_item(&it, &mut out);
        }
        out
    }

    /// The candidate hits in one command-line item: a whole argument is checked by every rule
    /// (and for structured content); a flag's value only by the name rules its flag turns on.
    fn cmdline_item(&mut self, it: &cmdline::Item<'_>, out: &mut Vec<Hit>) {
        let (info, kw) = match &it.norm {
            Some(n) => (self.flag_name(n), None),
            None => {
                let source = SecretSource::Cmdline;
                let info = NameInfo::default();
                let info = self.nested(source, it.index, &it.name, it.value, info, out);
                (info, Some(self.value_keywords(it.value)))
            }
        };
        let mut hits = Cands::default();
        let source = SecretSource::Cmdline;
        self.check(source, it.value, &info, kw.as_deref(), &mut hits);
        let at = ValueAt {
            source,
            index: it.index,
            offset: it.offset,
            len: it.value.len(),
            name: it.name.clone(),
        };
        place(hits, !info.named.is_empty(), &at, out);
    }

    /// The rules whose keywords occur in `value`, sorted, each once.
    pub(super) fn value_keywords(&self, value: &[u8]) -> Vec<usize> {
        let mut kw = Vec::new();
        self.rules.keyword_hits(value, |_, r| kw.push(r));
        kw.sort_unstable();
        kw.dedup();
        kw
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
        let cands = self.candidates(source, value, info, kw);
        if cands.is_empty() {
            return;
        }
        let rs = self.rules;
        // why: one RegexSet pass tells which of several candidates match at all; for one or
        // two candidates a DFA `is_match` on their own regexes is cheaper than the whole set,
        // and far cheaper than a capturing search that mostly fails.
        let set = (cands.len() > 2).then(|| rs.values.matches(value));
        for r in cands {
            let matched = match &set {
                Some(s) => s.matched(r),
                None => rs.rules[r].regex.is_match(value),
            };
            if matched {
                self.locate(r, value, out);
            }
        }
    }

    /// The rules that may report something in `value`: the name rules its name turns on, and
    /// the pattern rules whose keywords it holds (or that need none), unless its name turns them off.
    fn candidates(
        &self,
        source: SecretSource,
        value: &[u8],
        info: &NameInfo,
        kw: Option<&[usize]>,
    ) -> Vec<usize> {
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
        cands
    }

    /// The secrets rule `r` locates in `value` and judges to be secrets, at most
    /// [`MAX_MATCHES`] of them; past that the whole value is one hit and `out` is capped.
    fn locate(&self, r: usize, value: &[u8], out: &mut Cands) {
        let rs = self.rules;
        let rule = &rs.rules[r];
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

/// Where a checked value sits: its source and entry, its byte offset and length in that entry,
/// and the name its findings show.
struct ValueAt {
    source: SecretSource,
    index: usize,
    offset: usize,
    len: usize,
    name: Vec<u8>,
}

/// Turns the candidate hits of the value at `at` into hits on its entry. The mask covers the
/// whole value when it is under a secret name (`named`) or `hits` was capped.
fn place(hits: Cands, named: bool, at: &ValueAt, out: &mut Vec<Hit>) {
    // why: fail closed: under a secret name the whole value is the secret, whatever
    // rule located part of it (`DB_PASSWORD=AKIA… tail`).
    let whole = hits.capped || named;
    let lo = at.offset;
    for (rule, start, end, severity, placeholder, entropy) in hits.hits {
        out.push(Hit {
            mask: if whole {
                (lo, lo + at.len)
            } else {
                (lo + start, lo + end)
            },
            source: at.source,
            index: at.index,
            start: lo + start,
            end: lo + end,
            rule,
            severity,
            placeholder,
            entropy,
            name: at.name.clone(),
        });
    }
}
