//! The one boundary where untrusted text becomes displayable: C0 and C1 controls, DEL, bidi
//! overrides and line separators are escaped, invalid UTF-8 bytes shown as `\xNN`.
//! Both the TUI and the text output go through [`escape`] or [`Bytes::safe`].

use super::Bytes;
use std::borrow::Cow;
use std::fmt::Write;

/// Characters that can act on a terminal or reorder what is shown.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{1b}' => out.push_str("\\e"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Escape a string for a terminal. Borrowed when nothing needs escaping.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escape raw bytes for a terminal: valid UTF-8 runs as in [`escape`], invalid bytes as `\xNN`.
pub fn escape_bytes(b: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        return escape(s);
    }
    let mut out = String::with_capacity(b.len() + 8);
    for chunk in b.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for x in chunk.invalid() {
            let _ = write!(out, "\\x{x:02x}");
        }
    }
    Cow::Owned(out)
}

/// The first `n` characters of `s`, escaped: for ids shown short (an lxc or nspawn name is any
/// UTF-8, so cutting at a byte offset could split a character).
pub fn escape_prefix(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((end, _)) => escape(&s[..end]).into_owned(),
        None => escape(s).into_owned(),
    }
}

impl Bytes {
    /// Terminal-safe text of these bytes.
    pub fn safe(&self) -> Cow<'_, str> {
        escape_bytes(&self.0)
    }
}

/// `addr:port`, IPv6 addresses in brackets; `addr` is text already escaped.
pub fn endpoint(addr: &str, port: Option<u16>) -> String {
    match port {
        Some(p) if addr.contains(':') => format!("[{addr}]:{p}"),
        Some(p) => format!("{addr}:{p}"),
        None => addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_names_are_escaped_and_endpoints_bracket_ipv6() {
        let snap = crate::model::Snapshot {
            processes: vec![crate::model::Process {
                pid: 7,
                comm: crate::model::Bytes::from("x\u{1b}[2J"),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(snap.name_pids(&[7, 9]), "x\\e[2J(7),?(9)");
        assert_eq!(snap.name_pids(&[]), "");
        assert_eq!(endpoint("::1", Some(80)), "[::1]:80");
        assert_eq!(endpoint("127.0.0.1", Some(80)), "127.0.0.1:80");
        assert_eq!(endpoint("/run/x.sock", None), "/run/x.sock");
    }

    #[test]
    fn controls_c1_bidi_and_invalid_bytes_are_escaped() {
        assert_eq!(escape("plain /usr/bin"), "plain /usr/bin");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\e[2Jb");
        assert_eq!(escape("x\u{9b}31m"), "x\\x9b31m");
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(escape("del\u{7f}"), "del\\x7f");
        assert_eq!(escape_bytes(b"a\xffb\n"), "a\\xffb\\n");
        assert_eq!(escape_bytes(b"\xc2\x9b"), "\\x9b");
        assert_eq!(escape_prefix("héééééé", 3), "héé");
        assert_eq!(escape_prefix("ab", 12), "ab");
        assert_eq!(escape_prefix("\u{1b}[2Jxyz", 4), "\\e[2J");
    }
}
