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
