//! The search and filter language. Terms separated by spaces must all match; `!` negates a
//! term. Field keywords: `pid=`, `user=`, `comm=`, `container=`, `pod=`, `port=`, `host=`,
//! `env:NAME`, `env:NAME=REGEX`, `secret`. Other words match the name and command line as
//! plain text (case-insensitive), a regex (`re:` prefix or regex mode) or fuzzily (`~` prefix
//! or fuzzy mode). Pure: no terminal, no I/O.

use crate::model::{FdKind, Pid, Process, Snapshot};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use regex::bytes::Regex;
use std::collections::{HashMap, HashSet};

/// How bare words are matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MatchMode {
    #[default]
    Plain,
    Regex,
    Fuzzy,
}

impl MatchMode {
    pub fn next(self) -> MatchMode {
        match self {
            MatchMode::Plain => MatchMode::Regex,
            MatchMode::Regex => MatchMode::Fuzzy,
            MatchMode::Fuzzy => MatchMode::Plain,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::Plain => "plain",
            MatchMode::Regex => "regex",
            MatchMode::Fuzzy => "fuzzy",
        }
    }
}

#[derive(Debug)]
enum Text {
    Plain(String),
    Regex(Regex),
    Fuzzy(Pattern),
}

#[derive(Debug)]
enum Kind {
    Pid(Pid),
    User(String),
    Comm(String),
    Container(String),
    Pod(String),
    Port(u16),
    /// `host=NAME`: the snapshot's host name, whole and case-insensitive (many hosts).
    Host(String),
    Env(Vec<u8>, Option<Regex>),
    Secret,
    Text(Text),
}

#[derive(Debug)]
struct Term {
    negate: bool,
    kind: Kind,
}

/// A parsed query.
#[derive(Debug, Default)]
pub struct Query {
    terms: Vec<Term>,
}

/// Why a query does not parse (one line, shown inline in the prompt).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("bad regex {pattern:?}: {reason}")]
    Regex { pattern: String, reason: String },
    #[error("bad pid {0:?}")]
    Pid(String),
    #[error("bad port {0:?}")]
    Port(String),
}

fn regex(s: &str) -> Result<Regex, QueryError> {
    regex::bytes::RegexBuilder::new(s)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let reason = msg.lines().last().unwrap_or("").trim().to_string();
            QueryError::Regex {
                pattern: s.to_string(),
                reason,
            }
        })
}

fn term(word: &str, mode: MatchMode) -> Result<Term, QueryError> {
    let (negate, w) = match word.strip_prefix('!') {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, word),
    };
    let lower = |s: &str| s.to_lowercase();
    let kind = if let Some(v) = w.strip_prefix("pid=") {
        Kind::Pid(v.parse().map_err(|_| QueryError::Pid(v.into()))?)
    } else if let Some(v) = w.strip_prefix("port=") {
        Kind::Port(v.parse().map_err(|_| QueryError::Port(v.into()))?)
    } else if let Some(v) = w.strip_prefix("user=") {
        Kind::User(v.to_string())
    } else if let Some(v) = w.strip_prefix("comm=") {
        Kind::Comm(lower(v))
    } else if let Some(v) = w.strip_prefix("host=") {
        Kind::Host(lower(v))
    } else if let Some(v) = w.strip_prefix("container=") {
        Kind::Container(lower(v))
    } else if let Some(v) = w.strip_prefix("pod=") {
        Kind::Pod(lower(v))
    } else if let Some(v) = w.strip_prefix("env:") {
        match v.split_once('=') {
            Some((name, re)) => Kind::Env(name.as_bytes().to_vec(), Some(regex(re)?)),
            None => Kind::Env(v.as_bytes().to_vec(), None),
        }
    } else if w == "secret" {
        Kind::Secret
    } else if let Some(re) = w.strip_prefix("re:") {
        Kind::Text(Text::Regex(regex(re)?))
    } else if let Some(f) = w.strip_prefix('~') {
        Kind::Text(fuzzy(f))
    } else {
        Kind::Text(match mode {
            MatchMode::Plain => Text::Plain(lower(w)),
            MatchMode::Regex => Text::Regex(regex(w)?),
            MatchMode::Fuzzy => fuzzy(w),
        })
    };
    Ok(Term { negate, kind })
}

fn fuzzy(s: &str) -> Text {
    Text::Fuzzy(Pattern::parse(
        s,
        CaseMatching::Ignore,
        Normalization::Smart,
    ))
}

/// Parse a query. An empty query matches everything. Errors are one line, for display.
pub fn parse(input: &str, mode: MatchMode) -> Result<Query, QueryError> {
    let terms = input
        .split_whitespace()
        .map(|w| term(w, mode))
        .collect::<Result<_, _>>()?;
    Ok(Query { terms })
}

/// What a query needs besides the process itself.
pub struct Context<'a> {
    pub snap: &'a Snapshot,
    /// Pids with at least one finding.
    pub flagged: &'a HashSet<Pid>,
    /// Lowercased `comm` and command line of each process (see [`haystack`]), to match plain
    /// text without converting every process on every keystroke.
    pub hay: Option<&'a [String]>,
}

/// The lowercased text plain words are matched against: comm, a NUL, then the arguments
/// separated by NULs (so a word never matches across two of them).
pub fn haystack(p: &Process) -> String {
    let mut s = p.comm.lossy().to_lowercase();
    for a in &p.cmdline {
        s.push('\0');
        s.push_str(&a.lossy().to_lowercase());
    }
    s
}

struct Eval<'a> {
    ctx: &'a Context<'a>,
    matcher: Matcher,
    buf: Vec<char>,
    ports: Option<HashMap<u64, Vec<u16>>>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether each process of the snapshot (by index) matches.
    pub fn eval(&self, ctx: &Context) -> Vec<bool> {
        let needs_ports = self.terms.iter().any(|t| matches!(t.kind, Kind::Port(_)));
        let mut ev = Eval {
            ctx,
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
            ports: needs_ports.then(|| port_index(ctx.snap)),
        };
        ctx.snap
            .processes
            .iter()
            .enumerate()
            .map(|(i, p)| self.terms.iter().all(|t| ev.term(t, i, p) != t.negate))
            .collect()
    }
}

fn port_index(snap: &Snapshot) -> HashMap<u64, Vec<u16>> {
    let mut m: HashMap<u64, Vec<u16>> = HashMap::new();
    for s in &snap.sockets {
        let e = m.entry(s.inode).or_default();
        e.extend(s.local_port.iter().chain(s.remote_port.iter()).copied());
    }
    m
}

impl Eval<'_> {
    fn term(&mut self, t: &Term, i: usize, p: &Process) -> bool {
        match &t.kind {
            Kind::Pid(pid) => p.pid == *pid,
            Kind::User(u) => {
                p.uid.effective_name.as_deref() == Some(u.as_str())
                    || p.uid.real_name.as_deref() == Some(u.as_str())
                    || u.parse::<u32>()
                        .is_ok_and(|n| n == p.uid.effective || n == p.uid.real)
            }
            Kind::Host(h) => {
                (self.ctx.snap.meta.hostname.as_deref()).is_some_and(|n| n.to_lowercase() == *h)
            }
            Kind::Comm(c) => p.comm.lossy().to_lowercase().contains(c.as_str()),
            Kind::Container(c) => p.container.as_ref().is_some_and(|k| {
                c.is_empty()
                    || k.runtime.contains(c.as_str())
                    || k.id.as_deref().is_some_and(|id| id.starts_with(c.as_str()))
            }),
            Kind::Pod(c) => p
                .container
                .as_ref()
                .and_then(|k| k.pod_uid.as_deref())
                .is_some_and(|u| u.contains(c.as_str())),
            Kind::Port(port) => {
                let Some(ix) = &self.ports else { return false };
                p.fd_list().iter().any(|f| {
                    f.kind == FdKind::Socket
                        && f.inode
                            .and_then(|i| ix.get(&i))
                            .is_some_and(|ps| ps.contains(port))
                })
            }
            Kind::Env(name, re) => p.environ.iter().flatten().any(|e| {
                e.name == name.as_slice()
                    && match re {
                        None => true,
                        Some(re) => e.value.is_some_and(|v| re.is_match(v)),
                    }
            }),
            Kind::Secret => self.ctx.flagged.contains(&p.pid),
            Kind::Text(Text::Plain(s)) => match self.ctx.hay.and_then(|h| h.get(i)) {
                Some(h) => h.contains(s.as_str()),
                None => haystack(p).contains(s.as_str()),
            },
            Kind::Text(Text::Regex(re)) => {
                re.is_match(p.comm.as_bytes())
                    || p.cmdline.iter().any(|a| re.is_match(a.as_bytes()))
            }
            Kind::Text(Text::Fuzzy(pat)) => {
                let hay = format!("{} {}", p.comm.lossy(), p.command_line());
                pat.score(Utf32Str::new(&hay, &mut self.buf), &mut self.matcher)
                    .is_some()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bytes, Container, EnvEntry, Fd, Proto, Socket};

    fn snap() -> Snapshot {
        let mut a = Process {
            pid: 10,
            comm: "nginx".into(),
            cmdline: vec!["nginx".into(), "-g".into(), "daemon off;".into()],
            ..Process::default()
        };
        a.uid.effective_name = Some("www".into());
        a.uid.effective = 33;
        a.environ = Some(
            vec![EnvEntry {
                name: "TOKEN".into(),
                value: Some("ghp_abc".into()),
            }]
            .into(),
        );
        a.fds = Some(
            vec![Fd {
                fd: 3,
                kind: FdKind::Socket,
                target: "socket:[77]".into(),
                inode: Some(77),
                peers: vec![],
            }]
            .into(),
        );
        a.container = Some(Container {
            runtime: "docker".into(),
            id: Some("abcdef".into()),
            pod_uid: Some("pod-1".into()),
            qos: None,
        });
        let b = Process {
            pid: 20,
            comm: Bytes::from("sleep"),
            cmdline: vec!["sleep".into(), "600".into()],
            ..Process::default()
        };
        Snapshot {
            processes: vec![a, b],
            sockets: vec![Socket {
                proto: Proto::Tcp,
                local_addr: "0.0.0.0".into(),
                local_port: Some(8080),
                remote_addr: None,
                remote_port: None,
                state: "LISTEN".into(),
                sock_type: None,
                inode: 77,
                netns: 1,
                uid: None,
                pids: vec![10],
                peer: None,
            }],
            ..Snapshot::default()
        }
    }

    fn hits(q: &str, mode: MatchMode) -> Vec<Pid> {
        let s = snap();
        let flagged: HashSet<Pid> = [20].into();
        let ctx = Context {
            snap: &s,
            flagged: &flagged,
            hay: None,
        };
        let m = parse(q, mode).unwrap().eval(&ctx);
        s.processes
            .iter()
            .zip(m)
            .filter(|(_, m)| *m)
            .map(|(p, _)| p.pid)
            .collect()
    }

    #[test]
    fn host_matches_the_whole_name_case_insensitively() {
        let mut s = snap();
        s.meta.hostname = Some("Node-A".into());
        let none = HashSet::new();
        let ctx = Context {
            snap: &s,
            flagged: &none,
            hay: None,
        };
        let n = |q: &str| {
            let m = parse(q, MatchMode::Plain).unwrap().eval(&ctx);
            m.iter().filter(|x| **x).count()
        };
        assert_eq!(n("host=node-a"), 2);
        assert_eq!(n("host=node"), 0);
        assert_eq!(n("!host=node-a"), 0);
        assert_eq!(n("host=node-a pid=10"), 1);
    }

    #[test]
    fn keywords_and_negation() {
        use MatchMode::Plain as P;
        assert_eq!(hits("", P), vec![10, 20]);
        assert_eq!(hits("pid=20", P), vec![20]);
        assert_eq!(hits("!pid=20", P), vec![10]);
        assert_eq!(hits("user=www", P), vec![10]);
        assert_eq!(hits("user=33", P), vec![10]);
        assert_eq!(hits("comm=NGI", P), vec![10]);
        assert_eq!(hits("container=docker", P), vec![10]);
        assert_eq!(hits("container=abc", P), vec![10]);
        assert_eq!(hits("pod=pod-1", P), vec![10]);
        assert_eq!(hits("port=8080", P), vec![10]);
        assert_eq!(hits("port=80", P), Vec::<Pid>::new());
        assert_eq!(hits("env:TOKEN", P), vec![10]);
        assert_eq!(hits("env:TOKEN=^ghp_", P), vec![10]);
        assert_eq!(hits("env:TOKEN=^xyz", P), Vec::<Pid>::new());
        assert_eq!(hits("secret", P), vec![20]);
        assert_eq!(hits("!secret daemon", P), vec![10]);
    }

    #[test]
    fn text_modes() {
        assert_eq!(hits("SLEEP", MatchMode::Plain), vec![20]);
        assert_eq!(hits("^sl.*p$", MatchMode::Regex), vec![20]);
        assert_eq!(hits("re:^ngin", MatchMode::Plain), vec![10]);
        assert_eq!(hits("slp", MatchMode::Fuzzy), vec![20]);
        assert_eq!(hits("~ngx", MatchMode::Plain), vec![10]);
        assert_eq!(hits("slp", MatchMode::Plain), Vec::<Pid>::new());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let e = parse("re:(unclosed", MatchMode::Plain).unwrap_err();
        assert!(e.to_string().starts_with("bad regex"), "{e}");
        assert!(parse("[", MatchMode::Regex).is_err());
        assert!(parse("pid=x", MatchMode::Plain).is_err());
        assert!(parse("env:A=(", MatchMode::Plain).is_err());
        assert!(parse("!", MatchMode::Plain).is_ok());
    }
}
