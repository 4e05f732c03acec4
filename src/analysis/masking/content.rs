//! File contents under the masking policy: a file that is a secret as a whole (a PEM private
//! key, a bare token, a file the interesting list marks whole) is masked whole; in every other
//! file the secret rules run over each printable run (a text line, a strings(1) run) and the
//! spans they match are masked, so an etcd database still shows its `/registry/...` keys.

use super::{Span, mask, mask_spans};
use crate::analysis::interesting::looks_secret;
use crate::analysis::secrets::{self, RuleSet};

/// Shortest run the rules look at (as strings(1)).
const MIN_RUN: usize = 4;

/// What of a file's content is hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentMask {
    /// Shown as read (`--reveal`).
    Clear,
    /// The whole content is a secret.
    Whole,
    /// These spans of the content (sorted, disjoint) are secret values.
    Spans(Vec<Span>),
}

/// The mask of `bytes`, a file's content. `whole_secret` says the interesting list marks the
/// file (by path or by identity) as a secret as a whole. Fails closed: without rules the whole
/// content is masked.
pub fn content_mask(
    bytes: &[u8],
    whole_secret: bool,
    rules: Option<&RuleSet>,
    reveal: bool,
) -> ContentMask {
    if reveal {
        return ContentMask::Clear;
    }
    if whole_secret || looks_secret(bytes) {
        return ContentMask::Whole;
    }
    let Some(rules) = rules else {
        return ContentMask::Whole;
    };
    let runs = runs(bytes);
    let texts: Vec<&[u8]> = runs.iter().map(|&(s, e)| &bytes[s..e]).collect();
    let mut found: Vec<Span> = Vec::new();
    for ((start, _), spans) in runs.iter().zip(secrets::text_spans(rules, &texts)) {
        found.extend(spans.into_iter().map(|(s, e)| (start + s, start + e)));
    }
    found.sort_unstable();
    // why: spans of one run may overlap (an argv and an environ reading of it): merge them.
    let mut spans: Vec<Span> = Vec::with_capacity(found.len());
    for (s, e) in found {
        match spans.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ if s < e => spans.push((s, e)),
            _ => {}
        }
    }
    ContentMask::Spans(spans)
}

/// `[start, end)` of every run of at least 4 printable ASCII characters or tabs.
fn runs(b: &[u8]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &x) in b.iter().enumerate() {
        let printable = x == b'\t' || (0x20..0x7f).contains(&x);
        match (printable, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= MIN_RUN {
                    out.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start
        && b.len() - s >= MIN_RUN
    {
        out.push((s, b.len()));
    }
    out
}

impl ContentMask {
    /// Whether the whole content is hidden.
    pub fn is_whole(&self) -> bool {
        matches!(self, ContentMask::Whole)
    }

    /// The content as shown (text and hex views): masked spans replaced by their masks, or the
    /// mask of the whole content.
    pub fn apply(&self, bytes: &[u8]) -> Vec<u8> {
        match self {
            ContentMask::Clear => bytes.to_vec(),
            ContentMask::Whole => mask(bytes).into_bytes(),
            ContentMask::Spans(s) => mask_spans(bytes, s),
        }
    }

    /// strings(1) runs of the content as shown, each with its secret spans masked (`None` when
    /// the content is masked whole).
    pub fn strings(&self, bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
        let spans: &[Span] = match self {
            ContentMask::Whole => return None,
            ContentMask::Clear => &[],
            ContentMask::Spans(s) => s,
        };
        let mut k = 0;
        let out = runs(bytes)
            .into_iter()
            .map(|(s, e)| {
                while k < spans.len() && spans[k].1 <= s {
                    k += 1;
                }
                let inside: Vec<Span> = spans[k..]
                    .iter()
                    .take_while(|x| x.0 < e)
                    .map(|&(a, b)| (a.max(s) - s, b.min(e) - s))
                    .collect();
                mask_spans(&bytes[s..e], &inside)
            })
            .collect();
        Some(out)
    }
}
