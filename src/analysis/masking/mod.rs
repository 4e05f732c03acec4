//! The one masking policy: what of a snapshot, a value or a file is hidden unless `--reveal`.
//! Every output (text, JSON, snapshot files, diffs, the TUI) asks here.
//!
//! - environ values and argv entries: the spans secret rules match are masked (leads, which are
//!   paths, stay); when in doubt the whole value (a secret-named variable or flag, more matches
//!   than a cap; see `secrets::scan`);
//! - failing closed: with no rules, or for a process whose scan failed, every environ value is
//!   masked whole;
//! - before a diff both sides are masked the same way ([`diff_sides`]);
//! - file contents: whole-file masking for files that are a secret as a whole, the secret values
//!   inside every other file ([`content`]).

pub mod content;

pub use crate::analysis::mask::{mask, mask_spans};
pub use content::{ContentMask, content_mask};

use crate::analysis::secrets::{self, RuleSet, SecretSource};
use crate::model::{Bytes, Snapshot};
use std::borrow::Cow;

/// A byte span `[start, end)` of a value.
pub type Span = (usize, usize);

/// Where a value sits in its process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// environ entry index.
    Env(usize),
    /// argv index.
    Argv(usize),
}

impl Place {
    /// The place of a secret found in `source` at `index`.
    pub fn of(source: SecretSource, index: usize) -> Place {
        match source {
            SecretSource::Environ => Place::Env(index),
            SecretSource::Cmdline => Place::Argv(index),
        }
    }
}

/// How one value is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueMask {
    /// As it is.
    Clear,
    /// These spans (sorted) replaced by their masks.
    Spans(Vec<Span>),
    /// The whole value replaced by its mask.
    Whole,
}

impl ValueMask {
    /// Whether anything of the value is hidden.
    pub fn hides(&self) -> bool {
        !matches!(self, ValueMask::Clear)
    }

    /// `raw` as shown under this mask (not escaped).
    pub fn apply<'a>(&self, raw: &'a [u8]) -> Cow<'a, [u8]> {
        match self {
            ValueMask::Clear => Cow::Borrowed(raw),
            ValueMask::Spans(s) => Cow::Owned(mask_spans(raw, s)),
            ValueMask::Whole => Cow::Owned(mask(raw).into_bytes()),
        }
    }
}

/// The mask of the value at `place`. `found` lists (span, lead) of the findings at that place,
/// or is `None` when the secret scan is unavailable (no rules, or it failed): then environ
/// values are masked whole (fail closed) and argv entries shown.
pub fn value_mask(place: Place, found: Option<&[(Span, bool)]>, reveal: bool) -> ValueMask {
    if reveal {
        return ValueMask::Clear;
    }
    let Some(found) = found else {
        return match place {
            Place::Env(_) => ValueMask::Whole,
            Place::Argv(_) => ValueMask::Clear,
        };
    };
    let mut spans: Vec<Span> = found
        .iter()
        .filter(|(_, lead)| !lead)
        .map(|(s, _)| *s)
        .collect();
    if spans.is_empty() {
        return ValueMask::Clear;
    }
    spans.sort_unstable();
    spans.dedup();
    ValueMask::Spans(spans)
}

/// Mask, in place, every value the rules match: environ values and the secret part of argv
/// entries (leads stay). Fails closed: without rules, or for a process the scan could not
/// finish, every environ value is masked whole. Sets `meta.masked`.
pub fn mask_snapshot(snap: &mut Snapshot, rules: Option<&RuleSet>) {
    let plan = match rules {
        Some(r) => secrets::mask_plan(snap, r),
        None => vec![None; snap.processes.len()],
    };
    for (p, plan) in snap.processes.iter_mut().zip(plan) {
        let Some(env) = &p.environ else {
            mask_argv(&mut p.cmdline, plan.as_deref().unwrap_or_default());
            continue;
        };
        let Some(plan) = plan else {
            p.environ = Some(env.map_entries(|_, e| Some(whole_entry(e.name, e.value))));
            continue;
        };
        mask_argv(&mut p.cmdline, &plan);
        let env_of = |i: usize| -> Vec<Span> {
            let from = plan.partition_point(|(pl, _)| *pl < Place::Env(i));
            plan[from..]
                .iter()
                .take_while(|(pl, _)| *pl == Place::Env(i))
                .map(|(_, s)| *s)
                .collect()
        };
        p.environ = Some(env.map_entries(|i, e| {
            let spans = env_of(i);
            if spans.is_empty() {
                return None;
            }
            Some(match e.value {
                Some(v) => entry(e.name, &mask_spans(v, &spans)),
                None => mask_spans(e.name, &spans),
            })
        }));
    }
    snap.meta.masked = true;
}

/// `NAME=value` text.
fn entry(name: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = name.to_vec();
    out.push(b'=');
    out.extend_from_slice(value);
    out
}

/// An entry with its value (or, without `=`, its whole text) masked.
fn whole_entry(name: &[u8], value: Option<&[u8]>) -> Vec<u8> {
    match value {
        Some(v) => entry(name, mask(v).as_bytes()),
        None => mask(name).into_bytes(),
    }
}

fn mask_argv(argv: &mut [Bytes], plan: &[(Place, Span)]) {
    let mut k = 0;
    while k < plan.len() {
        let Place::Argv(i) = plan[k].0 else {
            k += 1;
            continue;
        };
        let spans: Vec<Span> = plan[k..]
            .iter()
            .take_while(|(pl, _)| *pl == Place::Argv(i))
            .map(|(_, s)| *s)
            .collect();
        k += spans.len();
        if let Some(t) = argv.get_mut(i) {
            *t = Bytes(mask_spans(t.as_bytes(), &spans));
        }
    }
}

/// `snap` as shown: masked unless `reveal` or masked already (a file written without
/// `--reveal`; masking twice would corrupt the masks). `meta.masked` says which.
pub fn prepare(mut snap: Snapshot, reveal: bool, rules: Option<&RuleSet>) -> Snapshot {
    if snap.meta.masked {
        return snap;
    }
    if reveal {
        snap.meta.masked = false;
    } else {
        mask_snapshot(&mut snap, rules);
    }
    snap
}

/// The two sides of a diff, masked the same way: both shown as read only when `reveal` and
/// neither was written masked; otherwise both masked (a side already masked stays as it is).
/// The flag says whether the values are revealed.
pub fn diff_sides<'a>(
    old: Cow<'a, Snapshot>,
    new: Cow<'a, Snapshot>,
    reveal: bool,
    rules: Option<&RuleSet>,
) -> (Cow<'a, Snapshot>, Cow<'a, Snapshot>, bool) {
    let revealed = reveal && !old.meta.masked && !new.meta.masked;
    if revealed {
        return (old, new, true);
    }
    let side = |s: Cow<'a, Snapshot>| {
        if s.meta.masked {
            s
        } else {
            let mut s = s.into_owned();
            mask_snapshot(&mut s, rules);
            Cow::Owned(s)
        }
    };
    (side(old), side(new), false)
}

#[cfg(test)]
mod tests;
