//! The file viewer's state: the bytes read, the display mode (text, hex, strings) and the
//! line index of each mode, plus search matches. UI-free; the view escapes what it draws.

use crate::model::Bytes;
use crate::tui::fsview::FileData;

/// How the file is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ViewMode {
    #[default]
    Text,
    Hex,
    Strings,
}

impl ViewMode {
    pub fn next(self) -> ViewMode {
        match self {
            ViewMode::Text => ViewMode::Hex,
            ViewMode::Hex => ViewMode::Strings,
            ViewMode::Strings => ViewMode::Text,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ViewMode::Text => "text",
            ViewMode::Hex => "hex",
            ViewMode::Strings => "strings",
        }
    }
}

/// Bytes per hex line.
pub const HEX_WIDTH: usize = 16;
/// Shortest printable run shown in strings mode (as strings(1)).
pub const MIN_STRING: usize = 4;

/// An open file.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub path: Bytes,
    pub data: FileData,
    pub mode: ViewMode,
    /// First line shown.
    pub scroll: usize,
    /// Search text and the lines matching it.
    pub query: String,
    pub matches: Vec<usize>,
    /// Byte ranges of each line in the current mode (hex lines are computed, not stored).
    spans: Vec<(usize, usize)>,
}

impl Viewer {
    pub fn new(path: Bytes, data: FileData) -> Viewer {
        let mut v = Viewer {
            path,
            data,
            ..Viewer::default()
        };
        v.index();
        v
    }

    fn index(&mut self) {
        let b = &self.data.bytes;
        self.spans = match self.mode {
            ViewMode::Text => {
                let mut out = Vec::new();
                let mut start = 0;
                for (i, &c) in b.iter().enumerate() {
                    if c == b'\n' {
                        out.push((start, i));
                        start = i + 1;
                    }
                }
                if start < b.len() {
                    out.push((start, b.len()));
                }
                out
            }
            ViewMode::Hex => Vec::new(),
            ViewMode::Strings => {
                let mut out = Vec::new();
                let mut start = None;
                for (i, &c) in b.iter().chain(std::iter::once(&0)).enumerate() {
                    let printable = c == b'\t' || (0x20..0x7f).contains(&c);
                    match (printable, start) {
                        (true, None) => start = Some(i),
                        (false, Some(s)) => {
                            if i - s >= MIN_STRING {
                                out.push((s, i));
                            }
                            start = None;
                        }
                        _ => {}
                    }
                }
                out
            }
        };
        self.scroll = self.scroll.min(self.len().saturating_sub(1));
        self.search();
    }

    /// Number of lines in the current mode.
    pub fn len(&self) -> usize {
        match self.mode {
            ViewMode::Hex => self.data.bytes.len().div_ceil(HEX_WIDTH),
            _ => self.spans.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of line `i` and its starting offset.
    pub fn line(&self, i: usize) -> (usize, &[u8]) {
        let b = &self.data.bytes;
        match self.mode {
            ViewMode::Hex => {
                let s = (i * HEX_WIDTH).min(b.len());
                (s, &b[s..(s + HEX_WIDTH).min(b.len())])
            }
            _ => match self.spans.get(i) {
                Some(&(s, e)) => (s, &b[s..e]),
                None => (0, &[]),
            },
        }
    }

    /// Switch to the next mode, keeping roughly the same place.
    pub fn cycle_mode(&mut self) {
        let (at, _) = self.line(self.scroll);
        self.mode = self.mode.next();
        self.index();
        self.scroll = (0..self.len()).find(|&i| self.line(i).0 >= at).unwrap_or(0);
    }

    /// Recompute the lines matching the query (case-insensitive, on the raw bytes).
    pub fn search(&mut self) {
        self.matches.clear();
        if self.query.is_empty() {
            return;
        }
        let q = self.query.to_lowercase().into_bytes();
        for i in 0..self.len() {
            let (_, l) = self.line(i);
            let found = match self.mode {
                ViewMode::Hex => crate::model::Bytes(l.to_vec())
                    .lossy()
                    .to_lowercase()
                    .contains(&self.query.to_lowercase()),
                _ => l.windows(q.len()).any(|w| w.eq_ignore_ascii_case(&q)),
            };
            if found {
                self.matches.push(i);
            }
        }
    }

    /// Scroll to the next (or previous) match after the current line.
    pub fn jump(&mut self, forward: bool) {
        let next = if forward {
            self.matches
                .iter()
                .find(|&&m| m > self.scroll)
                .or(self.matches.first())
        } else {
            self.matches
                .iter()
                .rev()
                .find(|&&m| m < self.scroll)
                .or(self.matches.last())
        };
        if let Some(&m) = next {
            self.scroll = m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(b: &[u8]) -> Viewer {
        Viewer::new(
            "/f".into(),
            FileData {
                bytes: b.to_vec(),
                size: b.len() as u64,
                truncated: false,
                sensitive: false,
            },
        )
    }

    #[test]
    fn modes_and_search() {
        let mut x = v(b"root:x:0\n\x00\x01secretkey\x02ab\nlast");
        assert_eq!(x.len(), 3);
        x.query = "LAST".into();
        x.search();
        assert_eq!(x.matches, vec![2]);
        x.jump(true);
        assert_eq!(x.scroll, 2);
        x.cycle_mode();
        assert_eq!(x.mode, ViewMode::Hex);
        assert_eq!(x.len(), 2, "28 bytes in 16-byte lines");
        x.cycle_mode();
        let strs: Vec<&[u8]> = (0..x.len()).map(|i| x.line(i).1).collect();
        assert_eq!(strs, vec![&b"root:x:0"[..], b"secretkey", b"last"]);
    }
}
