//! The text of a cell ([`Shown`]: escaped by construction), its [`Kind`], and how a caller
//! supplies the shown form of an environ value or argv entry ([`Values`]: masking is not
//! decided here).

use crate::model::{Bytes, Unavailable, escape, escape_bytes, escape_prefix};
use std::fmt;

/// Text that is safe for a terminal: every constructor outside this layer goes through the
/// escaping boundary (`model::escape*`, `Bytes::safe`), takes a `&'static str` label, or
/// formats a number. Joining `Shown`s keeps them safe.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shown(String);

impl Shown {
    /// Untrusted text, escaped.
    pub fn text(s: &str) -> Shown {
        Shown(escape(s).into_owned())
    }

    /// Untrusted bytes, escaped (invalid UTF-8 as `\xNN`).
    pub fn bytes(b: &[u8]) -> Shown {
        Shown(escape_bytes(b).into_owned())
    }

    /// Kernel bytes as [`Bytes::safe`] shows them.
    pub fn of(b: &Bytes) -> Shown {
        Shown(b.safe().into_owned())
    }

    /// The first `n` characters of untrusted text, escaped (short ids).
    pub fn prefix(s: &str, n: usize) -> Shown {
        Shown(escape_prefix(s, n))
    }

    /// A fixed label written in the code.
    pub fn label(s: &'static str) -> Shown {
        Shown(s.to_string())
    }

    /// A number.
    pub fn num(n: impl Into<i128>) -> Shown {
        Shown(n.into().to_string())
    }

    /// Text this layer composed from escaped parts, labels and numbers.
    pub(super) fn composed(s: String) -> Shown {
        Shown(s)
    }

    /// `parts` joined by `sep`.
    pub fn join<'a>(parts: impl IntoIterator<Item = &'a Shown>, sep: &'static str) -> Shown {
        let v: Vec<&str> = parts.into_iter().map(Shown::as_str).collect();
        Shown(v.join(sep))
    }

    /// This text followed by `more`.
    pub fn then(mut self, more: &Shown) -> Shown {
        self.0.push_str(&more.0);
        self
    }

    /// This text followed by a fixed label.
    pub fn then_label(mut self, more: &'static str) -> Shown {
        self.0.push_str(more);
        self
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Shown> for String {
    fn from(s: Shown) -> String {
        s.0
    }
}

/// What a cell is, for styling: the TUI picks a colour from it, the text output ignores it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An ordinary value.
    #[default]
    Normal,
    /// Secondary text (a count, a note).
    Dim,
    /// Worth a look (a tag, a mark where something changes).
    Warn,
    /// A forensic red flag: a deleted or memfd exe, a secret finding.
    Danger,
    /// A secret value shown masked.
    Masked,
    /// A value that could not be read (gone, missing, unparsable).
    Missing,
    /// A value the reader was not allowed to read.
    Denied,
}

/// One cell: escaped text and its kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: Shown,
    pub kind: Kind,
}

impl Cell {
    pub fn new(text: Shown, kind: Kind) -> Cell {
        Cell { text, kind }
    }

    /// An ordinary cell.
    pub fn normal(text: Shown) -> Cell {
        Cell::new(text, Kind::Normal)
    }

    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text.fmt(f)
    }
}

/// `v`, or `<why>` when it could not be read (kind `Denied` or `Missing`), or `-` when it is
/// simply absent.
pub fn or_why(v: Option<Shown>, why: Option<&Unavailable>) -> Cell {
    match (v, why) {
        (Some(v), _) => Cell::normal(v),
        (None, Some(w)) => Cell::new(reason(w), reason_kind(w)),
        (None, None) => Cell::normal(Shown::label("-")),
    }
}

/// `<why>`, escaped (an unparsable detail read from a file is untrusted).
pub(super) fn reason(w: &Unavailable) -> Shown {
    Shown(format!("<{}>", escape(&w.to_string())))
}

pub(super) fn reason_kind(w: &Unavailable) -> Kind {
    match w {
        Unavailable::Denied => Kind::Denied,
        _ => Kind::Missing,
    }
}

/// Where a value sits in its process: the place a caller's masking decides about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// environ entry index.
    Env(usize),
    /// argv index.
    Argv(usize),
}

/// The shown form of an environ value or argv entry at a place: the caller decides masking
/// (the CLI's snapshot is already masked; the TUI masks until revealed).
pub trait Values {
    fn shown(&self, place: Place, raw: &[u8]) -> Shown;
}

impl<F: Fn(Place, &[u8]) -> Shown> Values for F {
    fn shown(&self, place: Place, raw: &[u8]) -> Shown {
        self(place, raw)
    }
}

/// Values shown as they are, escaped: for a snapshot already masked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Escaped;

impl Values for Escaped {
    fn shown(&self, _: Place, raw: &[u8]) -> Shown {
        Shown::bytes(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constructor_escapes() {
        let hostile = "a\u{1b}[2J\u{9b}\u{202e}\nb";
        let want = "a\\e[2J\\x9b\\u{202e}\\nb";
        assert_eq!(Shown::text(hostile).as_str(), want);
        assert_eq!(Shown::bytes(hostile.as_bytes()).as_str(), want);
        assert_eq!(Shown::of(&Bytes::from(hostile)).as_str(), want);
        assert_eq!(Shown::prefix(hostile, 3).as_str(), "a\\e[");
        assert_eq!(
            Escaped.shown(Place::Env(0), hostile.as_bytes()).as_str(),
            want
        );
        let d = or_why(None, Some(&Unavailable::Unparsable("x\u{1b}y".into())));
        assert_eq!((d.as_str(), d.kind), ("<unparsable: x\\ey>", Kind::Missing));
        let d = or_why(None, Some(&Unavailable::Denied));
        assert_eq!((d.as_str(), d.kind), ("<permission denied>", Kind::Denied));
        assert_eq!(or_why(None, None).as_str(), "-");
        assert_eq!(Shown::num(-3i32).as_str(), "-3");
    }
}
