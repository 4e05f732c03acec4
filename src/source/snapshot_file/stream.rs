//! The byte stream of a snapshot file: plain or gzip (told by its magic bytes), with the
//! decompressed size cap and the compression ratio limit enforced as bytes arrive, so a
//! 2 GiB whitespace file or a gzip bomb is refused after reading at most the cap, in buffers.

use flate2::read::GzDecoder;
use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

/// The two bytes that open every gzip stream (RFC 1952).
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Most decompressed bytes per compressed byte (JSON snapshots compress about 25:1): past
/// it, after the first MiB, the stream is refused as a decompression bomb.
pub const MAX_RATIO: u64 = 200;

/// Why the stream stopped, when it was the stream's doing rather than the JSON's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    TooLarge,
    Ratio,
    /// The gzip data ends early.
    GzipEof,
    /// The gzip data is not valid.
    GzipBad,
}

/// What a pass over the stream saw.
#[derive(Debug, Default)]
pub struct Seen {
    pub stop: Cell<Option<Stop>>,
    /// Whether any byte other than JSON whitespace was read.
    pub content: Cell<bool>,
    pub gzip: Cell<bool>,
    /// The text of a gzip error, for the message.
    pub gzip_error: std::cell::RefCell<String>,
}

/// Counts compressed bytes read from the file.
struct CountIn<R> {
    inner: R,
    n: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountIn<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.set(self.n.get() + k as u64);
        Ok(k)
    }
}

/// The decompressed (or plain) stream, checked as it is read.
pub struct Guarded<'a> {
    inner: Box<dyn Read + 'a>,
    compressed: Option<Rc<Cell<u64>>>,
    out: u64,
    cap: u64,
    seen: Rc<Seen>,
}

impl<'a> Guarded<'a> {
    /// Wrap `file`, recognising gzip by its first two bytes.
    pub fn new<R: Read + 'a>(file: R, cap: u64, seen: Rc<Seen>) -> io::Result<Self> {
        let mut buf = BufReader::with_capacity(64 << 10, file);
        let gzip = buf.fill_buf()?.starts_with(&GZIP_MAGIC);
        seen.gzip.set(gzip);
        let (inner, compressed): (Box<dyn Read + 'a>, _) = if gzip {
            let n = Rc::new(Cell::new(0));
            let counted = CountIn {
                inner: buf,
                n: n.clone(),
            };
            (Box::new(GzDecoder::new(counted)), Some(n))
        } else {
            (Box::new(buf), None)
        };
        Ok(Guarded {
            inner,
            compressed,
            out: 0,
            cap,
            seen,
        })
    }

    fn stop(&self, why: Stop, msg: &str) -> io::Error {
        self.seen.stop.set(Some(why));
        io::Error::other(msg.to_string())
    }
}

impl Read for Guarded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = match self.inner.read(buf) {
            Ok(k) => k,
            Err(e) if self.compressed.is_some() => {
                *self.seen.gzip_error.borrow_mut() = e.to_string();
                return Err(match e.kind() {
                    io::ErrorKind::UnexpectedEof => self.stop(Stop::GzipEof, "gzip ends early"),
                    io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
                        self.stop(Stop::GzipBad, "bad gzip data")
                    }
                    _ => e,
                });
            }
            Err(e) => return Err(e),
        };
        self.out += k as u64;
        if self.out > self.cap {
            return Err(self.stop(Stop::TooLarge, "too large"));
        }
        if let Some(n) = &self.compressed
            && self.out > (1 << 20)
            && self.out / n.get().max(1) > MAX_RATIO
        {
            return Err(self.stop(Stop::Ratio, "decompression ratio"));
        }
        if !self.seen.content.get() && buf[..k].iter().any(|b| !b.is_ascii_whitespace()) {
            self.seen.content.set(true);
        }
        Ok(k)
    }
}
