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
