//! Byte-level parsers for `/proc/PID/{stat,status,cmdline,environ,cgroup}` and `ns/*` link text.
//! why hand-written: procfs's parsers read these files as UTF-8 and fail on an attacker-chosen
//! non-UTF-8 comm or argument, which would hide the very process a responder is looking for.

use crate::model::{Bytes, Cgroup, Ids, Pid};

/// A file that could not be parsed: what was wrong, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl From<&str> for ParseError {
    fn from(s: &str) -> Self {
        ParseError(s.to_string())
    }
}

impl From<String> for ParseError {
    fn from(s: String) -> Self {
        ParseError(s)
    }
}

/// The fields of `stat` the snapshot uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatLine {
    pub comm: Bytes,
    pub state: String,
    pub ppid: Pid,
    pub flags: u64,
    pub start_time: u64,
    /// Process group, session and controlling terminal (fields 5, 6, 7).
    pub pgid: Option<Pid>,
    pub sid: Option<Pid>,
    pub tty_nr: Option<u32>,
    /// utime + stime (fields 14 and 15), clock ticks.
    pub cpu_ticks: Option<u64>,
    /// Resident pages (field 24).
    pub rss_pages: Option<u64>,
}

/// PF_KTHREAD from include/linux/sched.h.
const PF_KTHREAD: u64 = 0x0020_0000;

impl StatLine {
    pub fn is_kernel_thread(&self) -> bool {
        self.flags & PF_KTHREAD != 0
    }
}

/// Parse `/proc/PID/stat`. comm may contain spaces and parentheses: it spans from the first
/// `(` to the last `)`.
pub fn stat(buf: &[u8]) -> Result<StatLine, ParseError> {
    let open = buf.iter().position(|&b| b == b'(').ok_or("stat: no '('")?;
    let close = buf.iter().rposition(|&b| b == b')').ok_or("stat: no ')'")?;
    if close < open {
        return Err("stat: ')' before '('".into());
    }
    let comm = Bytes::from(&buf[open + 1..close]);
    let rest = std::str::from_utf8(&buf[close + 1..]).map_err(|_| "stat: non-ASCII fields")?;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    // f[0] is field 3 (state); field n is f[n - 3].
    let get = |n: usize| {
        f.get(n - 3)
            .copied()
            .ok_or(format!("stat: field {n} missing"))
    };
    let num = |n: usize| -> Result<u64, ParseError> {
        get(n)?
            .parse()
            .map_err(|_| ParseError(format!("stat: field {n} not a number")))
    };
    Ok(StatLine {
        comm,
        state: get(3)?.to_string(),
        ppid: num(4)? as Pid,
        flags: num(9)?,
        start_time: num(22)?,
        pgid: num(5).ok().map(|v| v as Pid),
        sid: num(6).ok().map(|v| v as Pid),
        tty_nr: get(7)
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
            .map(|v| v as u32),
        cpu_ticks: num(14)
            .ok()
            .zip(num(15).ok())
            .map(|(u, s)| u.saturating_add(s)),
        rss_pages: get(24)
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
            .map(|v| v.max(0) as u64),
    })
}

/// The fields of `status` the snapshot uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusLines {
    pub uid: Option<Ids>,
    pub gid: Option<Ids>,
    pub tracer_pid: Option<Pid>,
    pub cap_eff: Option<String>,
    pub cap_prm: Option<String>,
    pub seccomp: Option<u8>,
    pub nspid: Vec<Pid>,
}

fn ids(v: &str) -> Option<Ids> {
    let n: Vec<u32> = v
        .split_ascii_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    (n.len() == 4).then(|| Ids {
        real: n[0],
        effective: n[1],
        saved: n[2],
        fs: n[3],
        ..Ids::default()
    })
}

/// Parse `/proc/PID/status` line by line; lines that are not `Key:\tvalue` are ignored, and
/// the `Name:` line (which may hold any bytes) is never decoded.
pub fn status(buf: &[u8]) -> Result<StatusLines, ParseError> {
    let mut s = StatusLines::default();
    let mut saw_uid = false;
    for line in buf.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let key = &line[..colon];
        let Ok(val) = std::str::from_utf8(&line[colon + 1..]) else {
            continue;
        };
        let val = val.trim();
        match key {
            b"Uid" => {
                saw_uid = true;
                s.uid = Some(ids(val).ok_or("status: bad Uid line")?);
            }
            b"Gid" => s.gid = Some(ids(val).ok_or("status: bad Gid line")?),
            b"TracerPid" => s.tracer_pid = val.parse().ok(),
            b"CapEff" => s.cap_eff = Some(val.to_string()),
            b"CapPrm" => s.cap_prm = Some(val.to_string()),
            b"Seccomp" => s.seccomp = val.parse().ok(),
            b"NSpid" => {
                s.nspid = val
                    .split_ascii_whitespace()
                    .filter_map(|x| x.parse().ok())
                    .collect()
            }
            _ => {}
        }
    }
    if !saw_uid {
        return Err("status: no Uid line".into());
    }
    Ok(s)
}

/// Split a NUL-separated list (cmdline, environ). A final terminating NUL does not start an
/// empty entry; empty entries in the middle are kept.
pub fn nul_list(buf: &[u8]) -> Vec<&[u8]> {
    if buf.is_empty() {
        return Vec::new();
    }
    let body = buf.strip_suffix(&[0]).unwrap_or(buf);
    body.split(|&b| b == 0).collect()
}

/// argv from `cmdline`.
pub fn cmdline(buf: &[u8]) -> Vec<Bytes> {
    nul_list(buf).into_iter().map(Bytes::from).collect()
}

/// Inode from an `ns/*` link text such as `net:[4026531840]`.
pub fn ns_inode(link: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(link).ok()?;
    let inner = s.split_once(":[")?.1.strip_suffix(']')?;
    inner.parse().ok()
}

/// Inode from `socket:[123]` / `pipe:[456]` after the given prefix.
pub fn bracket_inode(link: &[u8], prefix: &[u8]) -> Option<u64> {
    let rest = link
        .strip_prefix(prefix)?
        .strip_prefix(b"[")?
        .strip_suffix(b"]")?;
    std::str::from_utf8(rest).ok()?.parse().ok()
}

/// Parse `/proc/PID/cgroup` (`hierarchy:controllers:path` per line).
pub fn cgroups(buf: &[u8]) -> Result<Vec<Cgroup>, ParseError> {
    let mut out = Vec::new();
    for line in buf.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut parts = line.splitn(3, |&b| b == b':');
        let (Some(h), Some(c), Some(p)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("cgroup: line without two ':'".into());
        };
        let hierarchy = std::str::from_utf8(h)
            .ok()
            .and_then(|h| h.parse().ok())
            .ok_or("cgroup: hierarchy id not a number")?;
        let controllers = String::from_utf8_lossy(c)
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Cgroup {
            hierarchy,
            controllers,
            path: Bytes::from(p),
        });
    }
    Ok(out)
}

/// Parse `/etc/passwd` into uid -> name.
pub fn passwd(buf: &[u8]) -> std::collections::HashMap<u32, String> {
    let mut m = std::collections::HashMap::new();
    for line in buf.split(|&b| b == b'\n') {
        let f: Vec<&[u8]> = line.split(|&b| b == b':').collect();
        if f.len() >= 3
            && let Some(uid) = std::str::from_utf8(f[2]).ok().and_then(|u| u.parse().ok())
        {
            m.entry(uid)
                .or_insert_with(|| String::from_utf8_lossy(f[0]).into_owned());
        }
    }
    m
}

/// The `flags:` line of an `fdinfo/N` file (octal).
pub fn fdinfo_flags(buf: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(buf).ok()?;
    let v = text.lines().find_map(|l| l.strip_prefix("flags:"))?;
    u32::from_str_radix(v.trim(), 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_hostile_comm() {
        let line = b"42 (a) (b\xff) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n";
        let s = stat(line).unwrap();
        assert_eq!(s.comm.as_bytes(), b"a) (b\xff");
        assert_eq!((s.state.as_str(), s.ppid, s.start_time), ("S", 7, 12345));
        assert!(stat(b"42 no parens").is_err());
        assert!(stat(b"42 (x) S").is_err());
    }

    #[test]
    fn lists_keep_empty_args_duplicates_and_bare_names() {
        assert_eq!(nul_list(b"a\0\0b\0"), vec![&b"a"[..], b"", b"b"]);
        assert!(nul_list(b"").is_empty());
    }

    #[test]
    fn ns_and_bracket_inodes() {
        assert_eq!(ns_inode(b"net:[4026531840]"), Some(4026531840));
        assert_eq!(ns_inode(b"net:4026531840"), None);
        assert_eq!(bracket_inode(b"socket:[99]", b"socket:"), Some(99));
        assert_eq!(bracket_inode(b"pipe:[x]", b"pipe:"), None);
    }

    #[test]
    fn status_and_cgroup_parsing() {
        let st = status(b"Name:\t\xff\nUid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\nTracerPid:\t9\nCapEff:\t000001ffffffffff\nSeccomp:\t2\nNSpid:\t100\t1\n").unwrap();
        assert_eq!(st.uid.unwrap().effective, 2);
        assert_eq!(st.nspid, vec![100, 1]);
        assert_eq!(st.seccomp, Some(2));
        assert!(status(b"Name:\tx\n").is_err());
        let cg = cgroups(b"0::/kubepods/pod1/abc\n4:memory,cpu:/x:y\n").unwrap();
        assert_eq!(cg[1].controllers, vec!["memory", "cpu"]);
        assert_eq!(cg[1].path.as_bytes(), b"/x:y");
        assert!(cgroups(b"garbage\n").is_err());
    }
}
