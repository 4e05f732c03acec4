//! Entries of a container's root filesystem as procscope reports them (`procscope fs`): plain
//! data, no I/O. JSON: `mode` is the permission bits as a 4-digit octal string (`"0644"`,
//! `"4755"`), `mtime` is unix seconds, `link_target` is present only for symlinks and `device`
//! (`[major, minor]`) only for character and block devices.

use super::Bytes;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of file an entry is, from its `lstat` mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FsKind {
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl FsKind {
    /// The JSON name (`file`, `dir`, `char_device`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FsKind::File => "file",
            FsKind::Dir => "dir",
            FsKind::Symlink => "symlink",
            FsKind::Fifo => "fifo",
            FsKind::Socket => "socket",
            FsKind::CharDevice => "char_device",
            FsKind::BlockDevice => "block_device",
            FsKind::Other => "other",
        }
    }

    /// The type letter of `ls -l` (`-`, `d`, `l`, `p`, `s`, `c`, `b`, `?`).
    pub fn letter(self) -> char {
        match self {
            FsKind::File => '-',
            FsKind::Dir => 'd',
            FsKind::Symlink => 'l',
            FsKind::Fifo => 'p',
            FsKind::Socket => 's',
            FsKind::CharDevice => 'c',
            FsKind::BlockDevice => 'b',
            FsKind::Other => '?',
        }
    }
}

impl fmt::Display for FsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file of a container root, as `lstat` saw it (a symlink is the link, not its target).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsEntry {
    /// The file name (last path component; `/` for the root itself), raw bytes.
    pub name: Bytes,
    pub kind: FsKind,
    /// Size in bytes (`st_size`; for a symlink, the length of its target text).
    pub size: u64,
    /// Permission bits including setuid, setgid and sticky, as 4 octal digits (`"0755"`).
    pub mode: String,
    pub uid: u32,
    pub gid: u32,
    /// Modification time, unix seconds (negative before 1970).
    pub mtime: i64,
    /// Inode number and device of the file (as `ls -i` and `stat -c %d`), to tell hard links
    /// and bind mounts apart.
    pub inode: u64,
    pub dev: u64,
    /// The target text of a symlink, exactly as stored (never resolved on the host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_target: Option<Bytes>,
    /// `[major, minor]` of a character or block device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<[u32; 2]>,
}

impl FsEntry {
    /// `ls -l` style permission string, e.g. `-rwsr-xr-x` or `drwxrwxrwt`.
    pub fn mode_string(&self) -> String {
        let bits = u32::from_str_radix(&self.mode, 8).unwrap_or(0);
        let mut s = String::with_capacity(10);
        s.push(self.kind.letter());
        let special = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
        for (i, (sbit, on, off)) in special.iter().enumerate() {
            let shift = 6 - 3 * i as u32;
            let r = bits >> shift & 4 != 0;
            let w = bits >> shift & 2 != 0;
            let x = bits >> shift & 1 != 0;
            s.push(if r { 'r' } else { '-' });
            s.push(if w { 'w' } else { '-' });
            s.push(match (bits & sbit != 0, x) {
                (true, true) => *on,
                (true, false) => *off,
                (false, true) => 'x',
                (false, false) => '-',
            });
        }
        s
    }

    /// Whether any execute bit is set on a regular file.
    pub fn is_executable_file(&self) -> bool {
        self.kind == FsKind::File && u32::from_str_radix(&self.mode, 8).unwrap_or(0) & 0o111 != 0
    }
}

/// The 4-digit octal form of the permission bits of `st_mode`.
pub fn octal_mode(st_mode: u32) -> String {
    format!("{:04o}", st_mode & 0o7777)
}

/// The entries of one directory as `procscope fs` lists them, at most a cap of them. JSON:
/// `{path, entries, truncated, more?, more_exact?}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirListing {
    /// The directory, as asked.
    pub path: Bytes,
    /// The entries read, sorted by name. When truncated, these are the first ones the kernel
    /// returned (directory order), so the sorted list is deterministic over what was read, not
    /// the alphabetically first names of the directory.
    pub entries: Vec<FsEntry>,
    /// Whether the directory holds more entries than were read.
    pub truncated: bool,
    /// Entries not shown, counted by name only (no `lstat`): exact when `more_exact`, else a
    /// lower bound (counting stops after a fixed number to keep time bounded too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more_exact: Option<bool>,
}

impl DirListing {
    /// One line saying the listing is incomplete, or `None` when it is not: `… 1,234,567 more
    /// entries not shown` when counted, `listing truncated at 10,000 entries` otherwise.
    pub fn truncation_note(&self) -> Option<String> {
        if !self.truncated {
            return None;
        }
        let shown = grouped(self.entries.len() as u64);
        Some(match (self.more, self.more_exact) {
            (Some(n), Some(true)) => format!(
                "… {} more entr{} not shown (listing truncated at {shown})",
                grouped(n),
                if n == 1 { "y" } else { "ies" }
            ),
            (Some(n), _) => format!(
                "listing truncated at {shown} entries (over {} more not shown)",
                grouped(n)
            ),
            (None, _) => format!("listing truncated at {shown} entries"),
        })
    }
}

/// `n` with thousands separated by commas (`1,234,567`).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A path from the interesting-paths list found present in a container root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestingHit {
    /// The path inside the root, as found (globs and `~` expanded).
    pub path: Bytes,
    /// What it is (`Kubernetes service-account token`, `executable in /tmp`, ...).
    pub what: String,
    /// Whether its content is a secret, masked by `fs --cat` unless `--reveal`.
    pub sensitive: bool,
    /// The file itself: symlinks on the way and at the end are followed inside the root, so
    /// size and mtime are those of the file the path leads to.
    pub entry: FsEntry,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: FsKind, mode: &str) -> FsEntry {
        FsEntry {
            name: Bytes::from("x"),
            kind,
            size: 0,
            mode: mode.into(),
            uid: 0,
            gid: 0,
            mtime: 0,
            inode: 1,
            dev: 1,
            link_target: None,
            device: None,
        }
    }

    #[test]
    fn mode_strings_like_ls() {
        assert_eq!(entry(FsKind::File, "0644").mode_string(), "-rw-r--r--");
        assert_eq!(entry(FsKind::File, "4755").mode_string(), "-rwsr-xr-x");
        assert_eq!(entry(FsKind::Dir, "1777").mode_string(), "drwxrwxrwt");
        assert_eq!(entry(FsKind::File, "2640").mode_string(), "-rw-r-S---");
        assert_eq!(entry(FsKind::Symlink, "0777").mode_string(), "lrwxrwxrwx");
        assert_eq!(octal_mode(0o100_644), "0644");
        assert_eq!(octal_mode(0o104_755), "4755");
    }

    #[test]
    fn executable_means_a_regular_file_with_an_x_bit() {
        assert!(entry(FsKind::File, "0700").is_executable_file());
        assert!(entry(FsKind::File, "0601").is_executable_file());
        assert!(!entry(FsKind::File, "0644").is_executable_file());
        assert!(!entry(FsKind::Dir, "0755").is_executable_file());
    }

    #[test]
    fn truncation_notes_say_how_much_is_missing() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        let mut l = DirListing {
            entries: vec![entry(FsKind::File, "0644"); 3],
            ..DirListing::default()
        };
        assert_eq!(l.truncation_note(), None);
        l.truncated = true;
        assert_eq!(
            l.truncation_note().unwrap(),
            "listing truncated at 3 entries"
        );
        l.more = Some(1_234_567);
        l.more_exact = Some(true);
        assert_eq!(
            l.truncation_note().unwrap(),
            "… 1,234,567 more entries not shown (listing truncated at 3)"
        );
        l.more_exact = Some(false);
        assert!(l.truncation_note().unwrap().contains("over 1,234,567 more"));
        let v = serde_json::to_value(&l).unwrap();
        assert_eq!(v["truncated"], true);
        assert_eq!(v["more"], 1_234_567);
        assert_eq!(v["entries"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn json_field_names_and_optional_fields() {
        let mut e = entry(FsKind::CharDevice, "0666");
        e.device = Some([1, 3]);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "char_device");
        assert_eq!(v["mode"], "0666");
        assert_eq!(v["device"], serde_json::json!([1, 3]));
        assert!(v.get("link_target").is_none());
        let back: FsEntry = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
    }
}
