//! Judging what the rules locate: whether a located candidate passes its rule's conditions
//! (entropy, allowlists, placeholders, validators), and which of overlapping hits is kept.

use super::Severity;
use super::compile::RuleSet;
use super::entropy;
use super::placeholder;
use super::scan::Hit;

/// Whether `secret` passes rule `r`'s conditions: (severity, placeholder, entropy) if so.
pub(super) fn judge(rs: &RuleSet, r: usize, secret: &[u8]) -> Option<(Severity, bool, f64)> {
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
pub(super) fn resolve(mut hits: Vec<Hit>) -> Vec<Hit> {
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
