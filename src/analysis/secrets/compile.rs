//! Compiles a rules document once into a [`RuleSet`]: one keyword automaton as the pre-filter,
//! one `RegexSet` over values, one over names, and each rule's own regex for the capture.

use super::Severity;
use super::rules::{self, AllowSpec, RuleSpec, RulesDoc, RulesError, SourceSpec};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::collections::HashSet;

/// What is not a secret even though a rule matched.
#[derive(Debug, Default)]
pub(crate) struct Allow {
    values: HashSet<Vec<u8>>,
    regexes: Option<RegexSet>,
    stopwords: Vec<Vec<u8>>,
    names: Option<RegexSet>,
}

impl Allow {
    /// The secret value is allowlisted.
    pub(crate) fn value(&self, v: &[u8]) -> bool {
        if self.values.contains(v) || self.regexes.as_ref().is_some_and(|r| r.is_match(v)) {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let low = v.to_ascii_lowercase();
        self.stopwords
            .iter()
            .any(|w| low.windows(w.len()).any(|x| x == w.as_slice()))
    }

    /// Whether any name pattern is listed.
    pub(crate) fn has_names(&self) -> bool {
        self.names.is_some()
    }

    /// The (normalised) name is allowlisted.
    pub(crate) fn name(&self, n: &[u8]) -> bool {
        self.names.as_ref().is_some_and(|r| r.is_match(n))
    }
}

/// One compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub description: String,
    pub severity: Severity,
    pub regex: Regex,
    pub min_entropy: f64,
    pub min_length: usize,
    pub classes: u8,
    /// Only looks at values of matching names.
    pub named: bool,
    /// Only runs when one of its keywords occurs in the value.
    pub keyworded: bool,
    pub environ: bool,
    pub cmdline: bool,
    pub lead: bool,
    pub jwt_claims: Option<Regex>,
    /// Whether base64 of printable text may count as a secret.
    pub encoded_text: bool,
    pub allow: Allow,
    pub validate: Option<super::validate::Check>,
}

/// The compiled rules, ready to scan with.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    keywords: Option<AhoCorasick>,
    /// The same keywords, leftmost-first: finds where keywords start, fast.
    keywords_fast: Option<AhoCorasick>,
    keyword_max: usize,
    /// Keyword pattern index -> rules having that keyword.
    keyword_rules: Vec<Vec<usize>>,
    /// Pattern i is rule i's regex.
    pub(crate) values: RegexSet,
    names: RegexSet,
    /// Name pattern index -> rule.
    name_rule: Vec<usize>,
    pub(crate) global: Allow,
    pub(crate) placeholders: RegexSet,
    /// The `claims` regexes of every rule: values in a known format's shape.
    pub(crate) claims: RegexSet,
}

fn regex_problem(e: &regex::Error) -> String {
    let s = e.to_string();
    match s.rfind("error: ") {
        Some(i) => s[i + 7..].trim().to_string(),
        None => s.lines().last().unwrap_or_default().trim().to_string(),
    }
}

fn build(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p)
        .unicode(false)
        .size_limit(1 << 24)
        .build()
}

fn build_set(ps: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(ps)
        .unicode(false)
        .size_limit(1 << 26)
        .build()
}

/// Compile `p`, or say which rule and which pattern is wrong.
fn compile_one(id: &str, path: &str, what: &str, p: &str) -> Result<Regex, RulesError> {
    build(p).map_err(|e| RulesError::Rule {
        path: path.to_string(),
        id: id.to_string(),
        problem: format!(
            "bad {what}{}regex '{p}': {}",
            if what.is_empty() { "" } else { " " },
            regex_problem(&e)
        ),
    })
}

fn compile_allow(a: &AllowSpec, id: &str, path: &str) -> Result<Allow, RulesError> {
    let set = |ps: &[String], what: &str| -> Result<Option<RegexSet>, RulesError> {
        for p in ps {
            compile_one(id, path, what, p)?;
        }
        if ps.is_empty() {
            return Ok(None);
        }
        let ps: Vec<String> = ps
            .iter()
            .map(|p| {
                if what == "allowlist name" {
                    format!("(?i:{p})")
                } else {
                    p.clone()
                }
            })
            .collect();
        build_set(&ps).map(Some).map_err(|e| RulesError::Rule {
            path: path.to_string(),
            id: id.to_string(),
            problem: regex_problem(&e),
        })
    };
    Ok(Allow {
        values: a.values.iter().map(|v| v.as_bytes().to_vec()).collect(),
        regexes: set(&a.regexes, "allowlist")?,
        stopwords: a
            .stopwords
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect(),
        names: set(&a.names, "allowlist name")?,
    })
}

fn compile_rule(r: &RuleSpec, path: &str) -> Result<Rule, RulesError> {
    let bad = |problem: String| RulesError::Rule {
        path: path.to_string(),
        id: r.id.clone(),
        problem,
    };
    if r.id.trim().is_empty() {
        return Err(bad("empty id".into()));
    }
    let pattern = match (&r.regex, r.names.is_empty()) {
        (Some(p), _) => p.clone(),
        (None, false) => "(?s)^\\s*(.+?)\\s*$".to_string(),
        (None, true) => return Err(bad("needs a regex or names".into())),
    };
    let regex = compile_one(&r.id, path, "", &pattern)?;
    for n in &r.names {
        compile_one(&r.id, path, "name", n)?;
    }
    if r.classes.is_some_and(|c| c > 3) {
        return Err(bad("classes must be 0 to 3".into()));
    }
    if r.keywords.iter().any(|k| k.is_empty()) {
        return Err(bad("empty keyword".into()));
    }
    let sources = r
        .sources
        .clone()
        .unwrap_or(vec![SourceSpec::Environ, SourceSpec::Cmdline]);
    Ok(Rule {
        id: r.id.clone(),
        description: r.description.clone().unwrap_or_else(|| r.id.clone()),
        severity: r.severity.unwrap_or(Severity::Medium),
        regex,
        min_entropy: r.entropy.unwrap_or(0.0),
        min_length: r.min_length.unwrap_or(1),
        classes: r.classes.unwrap_or(0),
        named: !r.names.is_empty(),
        keyworded: !r.keywords.is_empty(),
        environ: sources.contains(&SourceSpec::Environ),
        cmdline: sources.contains(&SourceSpec::Cmdline),
        lead: r.lead,
        jwt_claims: match &r.jwt_claims {
            Some(p) => Some(compile_one(&r.id, path, "jwt_claims", p)?),
            None => None,
        },
        encoded_text: r.encoded_text,
        allow: compile_allow(&r.allowlist, &r.id, path)?,
        validate: r.validate,
    })
}

/// Records that rule `rule` has the keywords `spec` (matched without case): each distinct
/// keyword once in `keywords`, with the rules that have it at the same index in `keyword_rules`.
fn add_keywords(
    spec: &[String],
    rule: usize,
    keywords: &mut Vec<Vec<u8>>,
    keyword_rules: &mut Vec<Vec<usize>>,
) {
    for k in spec {
        let k = k.to_ascii_lowercase().into_bytes();
        match keywords.iter().position(|x| *x == k) {
            Some(j) => keyword_rules[j].push(rule),
            None => {
                keywords.push(k);
                keyword_rules.push(vec![rule]);
            }
        }
    }
}

/// One case-insensitive DFA over all keywords with match semantics `kind`; `None` when no rule
/// has keywords. `path` names the rules file in errors.
fn keyword_automaton(
    keywords: &[Vec<u8>],
    kind: MatchKind,
    path: &str,
) -> Result<Option<AhoCorasick>, RulesError> {
    if keywords.is_empty() {
        return Ok(None);
    }
    AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(kind)
        .build(keywords)
        .map(Some)
        .map_err(|e| RulesError::File {
            path: path.to_string(),
            message: format!("keywords: {e}"),
        })
}

impl RuleSet {
    /// The built-in rules from `assets/rules.yaml`.
    pub fn builtin() -> Result<RuleSet, RulesError> {
        RuleSet::compile(rules::parse(rules::BUILTIN_RULES, "builtin")?, "builtin")
    }

    /// The built-in rules merged with a user rules file's text, if given: `(text, name)`, the
    /// name shown in errors. (Reading the file is the caller's: `collect::rules::load`.)
    pub fn from_text(user: Option<(&str, &str)>) -> Result<RuleSet, RulesError> {
        let base = rules::parse(rules::BUILTIN_RULES, "builtin")?;
        match user {
            None => RuleSet::compile(base, "builtin"),
            Some((text, name)) => {
                let doc = rules::merge(base, rules::parse(text, name)?);
                RuleSet::compile(doc, name)
            }
        }
    }

    /// Compile a parsed document; `path` names it in errors.
    pub fn compile(doc: RulesDoc, path: &str) -> Result<RuleSet, RulesError> {
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        let mut patterns = Vec::new();
        let mut name_patterns = Vec::new();
        let mut name_rule = Vec::new();
        let mut keywords: Vec<Vec<u8>> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut claims = Vec::new();
        for spec in &doc.rules {
            if !seen.insert(spec.id.clone()) {
                return Err(RulesError::Rule {
                    path: path.to_string(),
                    id: spec.id.clone(),
                    problem: "duplicate id".into(),
                });
            }
            if !spec.enabled {
                continue;
            }
            let rule = compile_rule(spec, path)?;
            if let Some(c) = &spec.claims {
                compile_one(&spec.id, path, "claims", c)?;
                claims.push(c.clone());
            }
            let i = rules.len();
            patterns.push(rule.regex.as_str().to_string());
            for n in &spec.names {
                name_patterns.push(format!("(?i:{n})"));
                name_rule.push(i);
            }
            add_keywords(&spec.keywords, i, &mut keywords, &mut keyword_rules);
            rules.push(rule);
        }
        let whole = |e: regex::Error| RulesError::File {
            path: path.to_string(),
            message: regex_problem(&e),
        };
        let keyword_max = keywords.iter().map(Vec::len).max().unwrap_or(0);
        let keywords_fast = keyword_automaton(&keywords, MatchKind::LeftmostFirst, path)?;
        let keywords = keyword_automaton(&keywords, MatchKind::Standard, path)?;
        for p in &doc.placeholders {
            compile_one("placeholders", path, "placeholder", p)?;
        }
        Ok(RuleSet {
            values: build_set(&patterns).map_err(whole)?,
            names: build_set(&name_patterns).map_err(whole)?,
            name_rule,
            keywords,
            keywords_fast,
            keyword_max,
            keyword_rules,
            global: compile_allow(&doc.allowlist, "allowlist", path)?,
            placeholders: build_set(&doc.placeholders).map_err(whole)?,
            claims: build_set(&claims).map_err(whole)?,
            rules,
        })
    }

    /// Number of enabled rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether no rule is enabled.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// (id, severity, description) of every enabled rule, in evaluation order.
    pub fn describe(&self) -> impl Iterator<Item = (&str, Severity, &str)> {
        self.rules
            .iter()
            .map(|r| (r.id.as_str(), r.severity, r.description.as_str()))
    }

    /// Call `f(offset, rule)` for each keyword occurrence in `text` and each rule having it.
    // why: an overlapping automaton search walks every byte; a leftmost search skips ahead with
    // a SIMD prefilter, so it finds each position where some keyword starts, and only there the
    // overlapping automaton runs over a keyword-long window to list every keyword starting there.
    pub(crate) fn keyword_hits(&self, text: &[u8], mut f: impl FnMut(usize, usize)) {
        let (Some(fast), Some(all)) = (&self.keywords_fast, &self.keywords) else {
            return;
        };
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = fast.find(Input::new(text).span(pos..text.len())) else {
                break;
            };
            let s = m.start();
            let w = &text[s..(s + self.keyword_max).min(text.len())];
            for k in all.find_overlapping_iter(w) {
                if k.start() == 0 {
                    for &r in &self.keyword_rules[k.pattern().as_usize()] {
                        f(s, r);
                    }
                }
            }
            pos = s + 1;
        }
    }

    /// Rules whose name patterns match the normalised name `norm` and do not allowlist it.
    pub(crate) fn name_hits(&self, norm: &[u8]) -> Vec<usize> {
        if self.name_rule.is_empty() || self.global.name(norm) {
            return Vec::new();
        }
        let mut out: Vec<usize> = self
            .names
            .matches(norm)
            .into_iter()
            .map(|i| self.name_rule[i])
            .filter(|&r| !self.rules[r].allow.name(norm))
            .collect();
        out.dedup();
        out
    }
}
