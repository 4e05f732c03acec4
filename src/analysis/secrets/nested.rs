//! Two additions to the scanner: the fields inside a structured value (each checked under its
//! own key name, found as `NAME › path`, its span the inner value only), and a flag whose value
//! is one whole argument holding spaces (`--password "correct horse battery staple"`).

use super::cmdline::{self, Item};
use super::scan::{Hit, NameInfo, Scanner};
use super::{SecretSource, structured};
use crate::model::Bytes;

impl Scanner<'_> {
    /// Check the fields of `value` when it is structured, pushing their hits to `out`. Returns
    /// the name meaning to use for the whole value: without its name rules when fields were
    /// found (the fields carry the names now), unchanged otherwise.
    pub(super) fn nested(
        &mut self,
        source: SecretSource,
        index: usize,
        name: &[u8],
        value: &[u8],
        info: NameInfo,
        out: &mut Vec<Hit>,
    ) -> NameInfo {
        let fields = structured::fields(value);
        if fields.is_empty() {
            return info;
        }
        for f in &fields {
            let sub = match &f.unlocated {
                Some(text) => text.as_bytes(),
                None => match value.get(f.start..f.end) {
                    Some(s) => s,
                    None => continue,
                },
            };
            let finfo = self.flag_name(&cmdline::normalise(f.key.as_bytes()));
            let kw = self.value_keywords(sub);
            let mut hits = super::scan::Cands::default();
            self.check(source, sub, &finfo, Some(&kw), &mut hits);
            if hits.hits.is_empty() {
                continue;
            }
            // why: fail closed: past a cap, the whole outer value is hidden.
            let capped = hits.capped;
            let mut shown = name.to_vec();
            shown.extend_from_slice(" › ".as_bytes());
            shown.extend_from_slice(f.path.as_bytes());
            for (rule, s, e, severity, placeholder, entropy) in hits.hits {
                let (start, end) = match f.unlocated {
                    Some(_) => (0, value.len()),
                    None => (f.start + s, f.start + e),
                };
                out.push(Hit {
                    mask: if capped {
                        (0, value.len())
                    } else {
                        (start, end)
                    },
                    source,
                    index,
                    start,
                    end,
                    rule,
                    severity,
                    placeholder,
                    entropy,
                    name: shown.clone(),
                });
            }
        }
        NameInfo {
            named: Vec::new(),
            excluded: info.excluded,
        }
    }
}

/// `items` plus, for each secret-named flag followed by an argument holding spaces, that whole
/// argument as the flag's value (instead of its first word).
pub(super) fn spaced_values<'a>(
    argv: &'a [Bytes],
    mut items: Vec<Item<'a>>,
    named: &mut dyn FnMut(&[u8]) -> bool,
) -> Vec<Item<'a>> {
    for i in 1..argv.len() {
        let (prev, a) = (argv[i - 1].as_bytes(), argv[i].as_bytes());
        let flag = prev.len() > 1
            && prev[0] == b'-'
            && !prev.contains(&b'=')
            && !prev.iter().any(u8::is_ascii_whitespace);
        if !flag || a.starts_with(b"-") || !a.iter().any(u8::is_ascii_whitespace) {
            continue;
        }
        let norm = cmdline::normalise(prev);
        if !named(&norm) {
            continue;
        }
        items.retain(|it| !(it.index == i && it.norm.is_some() && it.name == prev));
        items.push(Item {
            index: i,
            offset: 0,
            value: a,
            name: prev.to_vec(),
            norm: Some(norm),
        });
    }
    items
}
