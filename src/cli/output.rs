//! Output helpers: JSON documents and aligned text tables whose cells are already escaped.

use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// Where a command writes, and in which form.
pub struct Out<'a> {
    pub w: &'a mut dyn Write,
    pub json: bool,
}

impl<'a> Out<'a> {
    pub fn new(w: &'a mut dyn Write, json: bool) -> Self {
        Out { w, json }
    }

    /// Pretty JSON followed by a newline.
    pub fn json<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut *self.w, v)?;
        writeln!(self.w)?;
        Ok(())
    }

    /// A line of text (the caller escapes untrusted parts).
    pub fn line(&mut self, s: &str) -> Result<()> {
        writeln!(self.w, "{s}")?;
        Ok(())
    }

    /// An aligned table; the last column is not padded. Cells must already be escaped.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
        let n = header.len();
        let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for r in rows {
            for (i, c) in r.iter().enumerate().take(n) {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let fmt_row = |cells: &mut dyn Iterator<Item = &str>| {
            let mut s = String::new();
            for (i, c) in cells.enumerate() {
                if i + 1 < n {
                    s.push_str(c);
                    s.extend(std::iter::repeat_n(' ', width[i] - c.chars().count() + 2));
                } else {
                    s.push_str(c);
                }
            }
            s.trim_end().to_string()
        };
        writeln!(self.w, "{}", fmt_row(&mut header.iter().copied()))?;
        for r in rows {
            writeln!(self.w, "{}", fmt_row(&mut r.iter().map(String::as_str)))?;
        }
        Ok(())
    }
}

/// An error and its causes as one line (`a: b: c`), each cause once: a cause whose text the
/// message before it already ends with (a typed error that embeds its source) is not repeated.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    let mut last = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || last.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
        last = text;
    }
    out.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::error_line;
    use crate::source::rootfs::RootFsError;

    #[test]
    fn causes_are_not_repeated() {
        let io = || std::io::Error::from_raw_os_error(5);
        let e = anyhow::Error::new(RootFsError::Io(io())).context("root of pid 7");
        assert_eq!(
            error_line(&e),
            "root of pid 7: Input/output error (os error 5)"
        );
        #[derive(Debug, thiserror::Error)]
        #[error("cannot read x: {0}")]
        struct Embeds(#[source] std::io::Error);
        let e = anyhow::Error::new(Embeds(io()));
        assert_eq!(
            error_line(&e),
            "cannot read x: Input/output error (os error 5)"
        );
        let e = anyhow::Error::new(io()).context("a").context("b");
        assert_eq!(error_line(&e), "b: a: Input/output error (os error 5)");
    }
}
