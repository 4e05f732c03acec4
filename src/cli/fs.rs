//! `procscope fs PID [PATH]`: browse and read a process's root filesystem as the container sees
//! it, every path resolved inside the root (see `source::rootfs`). No snapshot is taken.

use super::{Global, Out};
use crate::analysis::content::hex_dump;
use crate::analysis::interesting::InterestingList;
use crate::analysis::masking::{ContentMask, content_mask};
use crate::collect::interesting::{find_interesting, is_whole_secret};
use crate::model::{Bytes, DirListing, FsEntry, FsKind, Pid, escape_bytes, time};
use crate::source::ProcRoot;
use crate::source::rootfs::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, FileContent, RootFs, RootFsError,
};
use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

#[derive(Debug, Args)]
pub struct FsArgs {
    /// A process in the container (any process sharing its mount namespace and root gives the
    /// same view; `procscope containers` names one).
    pub pid: Pid,
    /// Path inside the root, as the container sees it. A directory is listed, anything else
    /// shown as its one entry; a trailing `/` follows a symlink to a directory.
    #[arg(default_value = "/")]
    pub path: OsString,
    /// Print the content of the regular file PATH leads to (FIFOs, sockets and devices are
    /// refused). Written as is to a pipe; control characters escaped on a terminal.
    #[arg(long, conflicts_with = "interesting")]
    pub cat: bool,
    /// With --cat: a hex dump.
    #[arg(long, requires = "cat", conflicts_with = "strings")]
    pub hex: bool,
    /// With --cat: runs of at least 4 printable characters, like strings(1).
    #[arg(long, requires = "cat")]
    pub strings: bool,
    /// With --cat: read at most N bytes of the file (at most 64 MiB).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BYTES,
          value_parser = clap::value_parser!(u64).range(1..=crate::source::rootfs::MAX_READ_BYTES))]
    pub max_bytes: u64,
    /// Read at most N entries of a directory (sorted over those read); the listing says when
    /// it is truncated and how many entries were not shown (at most 1,000,000).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ENTRIES, value_parser = at_least_one)]
    pub max_entries: usize,
    /// List the paths responders look at first (service-account tokens, keys, shell
    /// histories, credentials, executables in /tmp and /dev/shm) that are present.
    #[arg(long)]
    pub interesting: bool,
}

/// A count that is not a positive number, in one line.
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error("must be at least 1")]
    Zero,
    #[error("must be at most {0}")]
    TooMany(usize),
    #[error("{0}")]
    NotANumber(#[from] std::num::ParseIntError),
}

/// A count of at least 1.
fn at_least_one(s: &str) -> Result<usize, CountError> {
    match s.parse::<usize>()? {
        0 => Err(CountError::Zero),
        n if n > crate::source::rootfs::MAX_LIST_ENTRIES => {
            Err(CountError::TooMany(crate::source::rootfs::MAX_LIST_ENTRIES))
        }
        n => Ok(n),
    }
}

/// Open the root of `pid` under the configured proc root, with one-line errors.
pub fn open(g: &Global, pid: Pid) -> Result<RootFs> {
    let root = ProcRoot::open(&g.proc_root)?;
    RootFs::open(&root, pid).map_err(|e| match e {
        RootFsError::Gone => anyhow::anyhow!("no process with pid {pid}"),
        e => anyhow::Error::new(e).context(format!("root of pid {pid}")),
    })
}

/// Run `fs`. `tty` says whether stdout is a terminal (then file content is escaped).
pub fn run(g: &Global, a: &FsArgs, o: &mut Out, tty: bool) -> Result<()> {
    let fs = open(g, a.pid)?;
    let path = a.path.as_bytes();
    // why: not-found, not-a-directory and loop errors already name the path.
    let ctx = |e: RootFsError| match e {
        RootFsError::NotFound(_) | RootFsError::NotADirectory(_) | RootFsError::Loop(_) => {
            anyhow::Error::new(e)
        }
        e => anyhow::Error::new(e).context(escape_bytes(path).into_owned()),
    };
    let list = InterestingList::builtin()?;
    if a.interesting {
        return interesting(&fs, &list, o);
    }
    if a.cat {
        let content = fs.read(path, a.max_bytes).map_err(ctx)?;
        let rules = super::load_rules(g)?;
        let whole = !g.reveal && is_whole_secret(&fs, &list, path, &content);
        let masked = content_mask(&content.bytes, whole, Some(&rules), g.reveal);
        if content.truncated {
            eprintln!(
                "procscope: {}: showing the first {} bytes of {} (--max-bytes)",
                escape_bytes(path),
                content.bytes.len(),
                if content.size > content.bytes.len() as u64 {
                    content.size.to_string()
                } else {
                    "more".to_string()
                }
            );
        }
        return cat(a, &content, &masked, o, tty);
    }
    let entry = fs.stat(path).map_err(ctx)?;
    let listing = if entry.kind == FsKind::Dir {
        fs.list(path, a.max_entries).map_err(ctx)?
    } else {
        DirListing {
            path: Bytes::from(path),
            entries: vec![entry],
            ..DirListing::default()
        }
    };
    if o.json {
        return o.json(&listing);
    }
    o.table(
        &["Mode", "Uid", "Gid", "Size", "Modified", "Name"],
        &listing.entries.iter().map(ls_row).collect::<Vec<_>>(),
    )?;
    match listing.truncation_note() {
        Some(note) => o.line(&format!("{note}; --max-entries N reads more")),
        None => Ok(()),
    }
}

fn ls_row(e: &FsEntry) -> Vec<String> {
    let size = match e.device {
        Some([maj, min]) => format!("{maj}, {min}"),
        None => e.size.to_string(),
    };
    let mut name = e.name.safe().into_owned();
    if let Some(t) = &e.link_target {
        name.push_str(" -> ");
        name.push_str(&t.safe());
    }
    vec![
        e.mode_string(),
        e.uid.to_string(),
        e.gid.to_string(),
        size,
        mtime(e.mtime),
        name,
    ]
}

fn mtime(secs: i64) -> String {
    u64::try_from(secs).map_or_else(|_| secs.to_string(), time::utc)
}

fn interesting(fs: &RootFs, list: &InterestingList, o: &mut Out) -> Result<()> {
    let hits = find_interesting(fs, list);
    if o.json {
        return o.json(&hits);
    }
    if hits.is_empty() {
        return o.line("no interesting paths found");
    }
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            let what = if h.sensitive {
                format!("{} [secret]", h.what)
            } else {
                h.what.clone()
            };
            vec![
                h.entry.kind.as_str().to_string(),
                h.entry.size.to_string(),
                mtime(h.entry.mtime),
                h.path.safe().into_owned(),
                what,
            ]
        })
        .collect();
    o.table(&["Kind", "Size", "Modified", "Path", "What"], &rows)
}

#[derive(Serialize)]
struct CatJson {
    size: u64,
    read: usize,
    truncated: bool,
    masked: bool,
    /// The exact bytes (or the mask when masked).
    content: crate::model::Bytes,
    #[serde(skip_serializing_if = "Option::is_none")]
    strings: Option<Vec<String>>,
}

fn cat(a: &FsArgs, c: &FileContent, m: &ContentMask, o: &mut Out, tty: bool) -> Result<()> {
    let shown = m.apply(&c.bytes);
    if o.json {
        let strings = if a.strings { m.strings(&c.bytes) } else { None };
        return o.json(&CatJson {
            size: c.size,
            read: c.bytes.len(),
            truncated: c.truncated,
            masked: m.is_whole(),
            content: crate::model::Bytes(shown),
            strings: strings.map(|s| {
                s.into_iter()
                    .map(|r| String::from_utf8_lossy(&r).into_owned())
                    .collect()
            }),
        });
    }
    if m.is_whole() {
        let m = String::from_utf8_lossy(&shown).into_owned();
        // why: the mask keeps the first characters of the file, which may be escape bytes.
        return o.line(&format!(
            "{}  (secret masked; --reveal to show)",
            crate::model::escape(&m)
        ));
    }
    if a.hex {
        for line in hex_dump(&shown) {
            o.line(&line)?;
        }
        return Ok(());
    }
    if a.strings {
        for s in m.strings(&c.bytes).unwrap_or_default() {
            // why: a run holds printable ASCII, tabs and masks: nothing a terminal acts on.
            o.w.write_all(&s)?;
            o.w.write_all(b"\n")?;
        }
        return Ok(());
    }
    text(&shown, o, tty)
}

/// File content as text: as is to a pipe, escaped line by line on a terminal.
fn text(b: &[u8], o: &mut Out, tty: bool) -> Result<()> {
    if !tty {
        o.w.write_all(b)?;
        return Ok(());
    }
    let mut lines = b.split(|&x| x == b'\n').peekable();
    while let Some(line) = lines.next() {
        o.w.write_all(escape_bytes(line).as_bytes())?;
        if lines.peek().is_some() {
            o.w.write_all(b"\n")?;
        }
    }
    if !b.ends_with(b"\n") && !b.is_empty() {
        o.w.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_cat(bytes: &[u8], masked: bool, tty: bool) -> Vec<u8> {
        let a = FsArgs {
            pid: 1,
            path: "/x".into(),
            cat: true,
            hex: false,
            strings: false,
            max_bytes: DEFAULT_MAX_BYTES,
            max_entries: DEFAULT_MAX_ENTRIES,
            interesting: false,
        };
        let c = FileContent {
            bytes: bytes.to_vec(),
            size: bytes.len() as u64,
            truncated: false,
            dev: 1,
            inode: 1,
        };
        let mut buf = Vec::new();
        let m = if masked {
            ContentMask::Whole
        } else {
            ContentMask::Clear
        };
        cat(&a, &c, &m, &mut Out::new(&mut buf, false), tty).unwrap();
        buf
    }

    #[test]
    fn cat_escapes_on_a_terminal_and_passes_bytes_to_a_pipe() {
        let evil = b"line1\n\x1b]0;pwned\x07\x9b31m\nend";
        assert_eq!(run_cat(evil, false, false), evil.to_vec());
        let tty = String::from_utf8(run_cat(evil, false, true)).unwrap();
        assert_eq!(tty, "line1\n\\e]0;pwned\\x07\\x9b31m\nend\n");
        let masked = String::from_utf8(run_cat(b"eyJhbGciOiJSUzI1NiJ9", true, false)).unwrap();
        assert!(masked.starts_with("eyJh…(20)"), "{masked}");
        assert!(!masked.contains("eyJhbGci"));
    }
}
