//! Byte-level parsers for the integrity checks: `mountinfo` lines (octal escapes undone),
//! `maps` lines, the pid, pgrp and session of `stat`, and `Tgid` of `status`.

use crate::model::{Bytes, MappedFile, Pid};
use std::collections::HashMap;

/// One line of a `mountinfo` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    pub root: Vec<u8>,
    pub mount_point: Vec<u8>,
    pub fs_type: Vec<u8>,
    pub source: Vec<u8>,
    pub super_options: Vec<u8>,
}

/// Undo mountinfo's `\ooo` escapes (space, tab, newline, backslash).
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\'
            && i + 3 < s.len()
            && s[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (s[i + 1] - b'0') as u32 * 64
                + (s[i + 2] - b'0') as u32 * 8
                + (s[i + 3] - b'0') as u32;
            out.push(v as u8);
            i += 4;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Parse `mountinfo` (lines that do not parse are skipped).
pub fn mountinfo(buf: &[u8]) -> Vec<Mount> {
    buf.split(|&b| b == b'\n')
        .filter_map(|line| {
            let f: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
            let sep = f.iter().position(|x| *x == b"-")?;
            if sep < 6 || f.len() < sep + 4 {
                return None;
            }
            Some(Mount {
                root: unescape(f[3]),
                mount_point: unescape(f[4]),
                fs_type: unescape(f[sep + 1]),
                source: unescape(f[sep + 2]),
                super_options: unescape(f[sep + 3]),
            })
        })
        .collect()
}

/// The pid whose `/proc` entry (or a path inside it) `m` is mounted on, when `m`'s mount
/// point is `PROC/PID` or below it (`proc` being the proc root's mount point).
pub fn masked_pid(m: &Mount, proc: &[u8]) -> Option<Pid> {
    let rest = m.mount_point.strip_prefix(proc)?.strip_prefix(b"/")?;
    let name = rest.split(|&b| b == b'/').next()?;
    std::str::from_utf8(name).ok()?.parse().ok()
}

/// The value of option `key` in a comma-separated option list (`upperdir=/x`).
pub fn option<'a>(opts: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    opts.split(|&b| b == b',').find_map(|o| {
        let v = o.strip_prefix(key)?;
        v.strip_prefix(b"=")
    })
}

/// The mount holding `path`: the last mount whose mount point is the longest prefix of it.
pub fn mount_of<'a>(mounts: &'a [Mount], path: &[u8]) -> Option<&'a Mount> {
    let under = |mp: &[u8]| {
        mp == b"/" || path == mp || (path.starts_with(mp) && path.get(mp.len()) == Some(&b'/'))
    };
    mounts
        .iter()
        .enumerate()
        .filter(|(_, m)| under(&m.mount_point))
        .max_by_key(|(i, m)| (m.mount_point.len(), *i))
        .map(|(_, m)| m)
}

/// The files `maps` lists, one per (path, inode), in first-seen order, with whether any of
/// their mappings is executable.
pub fn maps(buf: &[u8]) -> Vec<MappedFile> {
    const DELETED: &[u8] = b" (deleted)";
    let mut out: Vec<MappedFile> = Vec::new();
    let mut at: HashMap<(Vec<u8>, u64), usize> = HashMap::new();
    for line in buf.split(|&b| b == b'\n') {
        // address perms offset dev inode [path]; the path may hold spaces.
        let mut rest = line;
        let mut fields = Vec::with_capacity(5);
        for _ in 0..5 {
            let trimmed = rest
                .iter()
                .position(|&b| b != b' ')
                .map_or(&rest[rest.len()..], |i| &rest[i..]);
            let end = trimmed
                .iter()
                .position(|&b| b == b' ')
                .unwrap_or(trimmed.len());
            fields.push(&trimmed[..end]);
            rest = &trimmed[end..];
        }
        let path = rest
            .iter()
            .position(|&b| b != b' ')
            .map_or(&rest[rest.len()..], |i| &rest[i..]);
        if !path.starts_with(b"/") {
            continue;
        }
        let exec = fields[1].get(2) == Some(&b'x');
        let inode: u64 = std::str::from_utf8(fields[4])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let deleted = path.ends_with(DELETED);
        let clean = if deleted {
            &path[..path.len() - DELETED.len()]
        } else {
            path
        };
        let key = (clean.to_vec(), inode);
        if let Some(&i) = at.get(&key) {
            out[i].exec |= exec;
            continue;
        }
        at.insert(key, out.len());
        out.push(MappedFile {
            path: Bytes::from(clean),
            inode,
            exec,
            deleted,
            memfd: clean.starts_with(b"/memfd:"),
            flags: Vec::new(),
        });
    }
    out
}

/// The pid (field 1), process group (5) and session (6) of a `stat` line.
pub fn stat_ids(buf: &[u8]) -> Option<(Pid, Pid, Pid)> {
    let pid = std::str::from_utf8(buf.split(|&b| b == b' ').next()?)
        .ok()?
        .parse()
        .ok()?;
    let close = buf.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(&buf[close + 1..]).ok()?;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    // f[0] is field 3.
    Some((pid, f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
}

/// `Tgid` of a `status` file.
pub fn tgid(status: &[u8]) -> Option<Pid> {
    status.split(|&b| b == b'\n').find_map(|l| {
        let v = l.strip_prefix(b"Tgid:")?;
        std::str::from_utf8(v).ok()?.trim().parse().ok()
    })
}

/// The pids of `task/TID/children` texts (space-separated).
pub fn pid_list(buf: &[u8]) -> Vec<Pid> {
    buf.split(|b| b.is_ascii_whitespace())
        .filter_map(|w| std::str::from_utf8(w).ok()?.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_and_masks() {
        let text = b"22 27 0:21 / /proc rw,relatime - proc proc rw\n\
            90 22 0:40 / /proc/4242 rw - tmpfs none rw\n\
            91 22 0:21 /17 /proc/4343 rw - proc proc rw\n\
            92 27 0:50 / /a\\040b rw - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n";
        let m = mountinfo(text);
        assert_eq!(m.len(), 4);
        assert_eq!(masked_pid(&m[1], b"/proc"), Some(4242));
        assert_eq!(masked_pid(&m[2], b"/proc"), Some(4343));
        assert_eq!(m[2].root, b"/17");
        assert_eq!(masked_pid(&m[0], b"/proc"), None);
        assert_eq!(m[3].mount_point, b"/a b");
        assert_eq!(
            option(&m[3].super_options, b"upperdir"),
            Some(b"/u".as_slice())
        );
        assert_eq!(
            mount_of(&m, b"/a b/bin/sh").map(|x| x.fs_type.clone()),
            Some(b"overlay".to_vec())
        );
        assert!(mount_of(&m, b"/a bc").is_none());
    }

    #[test]
    fn maps_lines() {
        let text = b"55-56 r--p 0 fe:00 10 /usr/bin/cat\n\
            56-57 r-xp 1000 fe:00 10 /usr/bin/cat\n\
            57-58 r-xp 0 00:01 77 /memfd:x (deleted)\n\
            58-59 r-xp 0 fe:00 12 /tmp/my lib.so (deleted)\n\
            59-5a rw-p 0 00:00 0 [heap]\n";
        let m = maps(text);
        assert_eq!(m.len(), 3);
        assert!(m[0].exec);
        assert!(m[1].memfd && m[1].deleted);
        assert_eq!(m[2].path, Bytes::from("/tmp/my lib.so"));
        assert!(m[2].deleted);
    }

    #[test]
    fn stat_and_status() {
        assert_eq!(stat_ids(b"12 (a b) S 1 12 9 0 -1"), Some((12, 12, 9)));
        assert_eq!(tgid(b"Name:\tx\nTgid:\t40\nPid:\t41\n"), Some(40));
        assert_eq!(pid_list(b"3 4 \n5 "), vec![3, 4, 5]);
    }
}
