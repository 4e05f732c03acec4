//! The process overview: every fact of one process as a cell (ids with names, exe with its
//! deleted/memfd tag, seccomp mode, namespaces, cgroups, container, unavailable reasons), and
//! the labelled lines the detail view lists.

use super::cell::{reason, reason_kind};
use super::{Cell, Kind, Place, Shown, Values, or_why};
use crate::model::{Container, Exe, Ids, NsKind, Process, time};

/// What `/proc/PID/status` says of one process, when it could be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// real, effective, saved, fs; the first two with their names (`0(root)`).
    pub uid: [Shown; 4],
    pub gid: [Shown; 4],
    pub caps: Cell,
    pub seccomp: Cell,
    pub tracer: Cell,
    pub nspid: Cell,
}

/// One process's overview, every cell escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    pub pid: Shown,
    pub ppid: Shown,
    pub state: Shown,
    pub comm: Shown,
    /// argv joined, `<why>` when unreadable, `-` when empty.
    pub cmdline: Cell,
    /// argv joined, or `[comm]` when empty (as `ps` shows it).
    pub command: Shown,
    /// `2024-01-01 00:00:00 UTC (ticks 123)`.
    pub started: Shown,
    pub exe: Cell,
    pub cwd: Cell,
    pub root: Cell,
    /// `Err(<why>)` when `status` could not be read.
    pub status: Result<Status, Cell>,
    pub container: Cell,
    /// Every kind of [`NsKind::ALL`]: the inode, or `<why>` (`<?>` when nothing says why).
    pub namespaces: Vec<(NsKind, Cell)>,
    /// `hierarchy:controllers:path`, and `<why>` when the file could not be read.
    pub cgroups: Vec<Cell>,
    /// `name(tid)` of each thread.
    pub threads: Vec<Shown>,
    /// Lines the caller adds before the unavailable ones (the TUI's argv findings).
    pub findings: Vec<Cell>,
    /// How the process was hidden from `/proc`, one line per piece of evidence (kind `Danger`).
    pub hidden: Vec<Cell>,
    /// Detection alerts the caller adds (listed after the hidden lines).
    pub alerts: Vec<Cell>,
    /// `field: why` for every field that could not be read.
    pub unavailable: Vec<Cell>,
    /// Why there is no thread list (not collected, denied), when there is none.
    pub threads_why: Option<crate::model::Unavailable>,
}

/// A labelled line of the overview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub label: Shown,
    pub cell: Cell,
}

/// The seccomp mode's name (`/proc/PID/status` `Seccomp:` 0, 1, 2), `?` for another value.
pub fn seccomp_name(mode: u8) -> &'static str {
    match mode {
        0 => "disabled",
        1 => "strict",
        2 => "filter",
        _ => "?",
    }
}

/// The exe path with its tags: `/bin/x [deleted]`, `/memfd:x [memfd]` (kind `Danger` then).
pub fn exe(e: &Exe) -> Cell {
    let mut s = Shown::of(&e.path);
    if e.deleted {
        s = s.then_label(" [deleted]");
    }
    if e.memfd {
        s = s.then_label(" [memfd]");
    }
    let kind = if e.deleted || e.memfd {
        Kind::Danger
    } else {
        Kind::Normal
    };
    Cell::new(s, kind)
}

/// An id with its name: `1000(alice)`, or `1000`.
pub fn id_name(id: u32, name: &Option<String>) -> Shown {
    let n = Shown::num(id);
    match name {
        Some(s) => n.then_label("(").then(&Shown::text(s)).then_label(")"),
        None => n,
    }
}

fn ids(i: &Ids) -> [Shown; 4] {
    [
        id_name(i.real, &i.real_name),
        id_name(i.effective, &i.effective_name),
        Shown::num(i.saved),
        Shown::num(i.fs),
    ]
}

/// `runtime id pod POD qos QOS`, or `none recognised (namespaced)`, or `none`.
pub fn container(c: Option<&Container>, namespaced: bool) -> Cell {
    let dash = |v: &Option<String>| v.as_deref().map_or(Shown::label("-"), Shown::text);
    let s = match c {
        Some(c) => Shown::text(&c.runtime)
            .then_label(" ")
            .then(&c.id.as_deref().map(Shown::text).unwrap_or_default())
            .then_label(" pod ")
            .then(&dash(&c.pod_uid))
            .then_label(" qos ")
            .then(&dash(&c.qos)),
        None if namespaced => Shown::label("none recognised (namespaced)"),
        None => Shown::label("none"),
    };
    Cell::normal(s)
}

/// The command line with each argv entry as `v` shows it, or `[comm]` when it is empty.
pub fn command_line(p: &Process, v: &dyn Values) -> Shown {
    if p.cmdline.is_empty() {
        return Shown::label("[").then(&Shown::of(&p.comm)).then_label("]");
    }
    let parts: Vec<Shown> = (p.cmdline.iter().enumerate())
        .map(|(i, a)| v.shown(Place::Argv(i), a.as_bytes()))
        .collect();
    Shown::join(&parts, " ")
}

fn status(p: &Process) -> Status {
    let caps = p.cap_eff.as_deref().map(Shown::text);
    let dash = |s: Option<Shown>| Cell::normal(s.unwrap_or_else(|| Shown::label("-")));
    let nspid: Vec<Shown> = p.nspid.iter().map(|&n| Shown::num(n)).collect();
    Status {
        uid: ids(&p.uid),
        gid: ids(&p.gid),
        caps: or_why(caps, p.why("cap_eff")),
        seccomp: dash(p.seccomp.map(|s| Shown::label(seccomp_name(s)))),
        tracer: dash(p.tracer_pid.map(Shown::num)),
        nspid: Cell::normal(Shown::join(&nspid, " ")),
    }
}

impl Overview {
    /// The overview of `p`, argv entries shown by `v`.
    pub fn build(p: &Process, v: &dyn Values) -> Overview {
        let path = |b: Option<&crate::model::Bytes>, f: &str| or_why(b.map(Shown::of), p.why(f));
        let command = command_line(p, v);
        let cmdline = if p.cmdline.is_empty() && p.why("cmdline").is_none() {
            Cell::normal(Shown::label("-"))
        } else {
            let args = (!p.cmdline.is_empty()).then(|| command.clone());
            or_why(args, p.why("cmdline"))
        };
        let started = p.started_at.map_or_else(|| "?".to_string(), time::utc);
        Overview {
            pid: Shown::num(p.pid),
            ppid: Shown::num(p.ppid),
            state: Shown::text(&p.state),
            comm: Shown::of(&p.comm),
            cmdline,
            command,
            started: Shown::composed(format!("{started} (ticks {})", p.start_time)),
            exe: match &p.exe {
                Some(e) => exe(e),
                None => or_why(None, p.why("exe")),
            },
            cwd: path(p.cwd.as_ref(), "cwd"),
            root: path(p.root.as_ref(), "root"),
            status: match p.why("status") {
                None => Ok(status(p)),
                Some(w) => Err(or_why(None, Some(w))),
            },
            container: match p.why("cgroup") {
                Some(w @ crate::model::Unavailable::NotCollected) if p.container.is_none() => {
                    Cell::new(reason(w), reason_kind(w))
                }
                _ => container(p.container.as_ref(), p.namespaced),
            },
            namespaces: namespaces(p),
            cgroups: cgroups(p),
            threads: (p.threads.iter())
                .map(|t| {
                    Shown::of(&t.name)
                        .then_label("(")
                        .then(&Shown::num(t.tid))
                        .then_label(")")
                })
                .collect(),
            findings: Vec::new(),
            hidden: (p.hidden.iter().flat_map(|h| h.evidence.iter()))
                .map(|e| Cell::new(Shown::text(&e.describe()), Kind::Danger))
                .collect(),
            alerts: Vec::new(),
            unavailable: (p.unavailable.iter())
                .map(|(f, w)| Cell::normal(Shown::text(f).then_label(": ").then(&reason_text(w))))
                .chain(not_collected(p))
                .collect(),
            threads_why: p.why("threads").cloned(),
        }
    }

    /// The labelled lines, in the order the detail view lists them.
    pub fn lines(&self) -> Vec<Line> {
        let mut l = Vec::new();
        let mut push = |label: Shown, cell: Cell| l.push(Line { label, cell });
        let pid = (self.pid.clone().then_label("  ppid ").then(&self.ppid))
            .then_label("  state ")
            .then(&self.state);
        push(Shown::label("pid"), Cell::normal(pid));
        push(Shown::label("comm"), Cell::normal(self.comm.clone()));
        push(Shown::label("cmdline"), Cell::normal(self.command.clone()));
        push(Shown::label("started"), Cell::normal(self.started.clone()));
        push(Shown::label("exe"), self.exe.clone());
        push(Shown::label("cwd"), self.cwd.clone());
        push(Shown::label("root"), self.root.clone());
        for c in &self.hidden {
            push(Shown::label("hidden"), c.clone());
        }
        for c in &self.alerts {
            push(Shown::label("alert"), c.clone());
        }
        match &self.status {
            Ok(s) => {
                let ids = |i: &[Shown; 4]| {
                    Cell::normal(Shown::composed(format!(
                        "real {} eff {} saved {} fs {}",
                        i[0], i[1], i[2], i[3]
                    )))
                };
                push(Shown::label("uid"), ids(&s.uid));
                push(Shown::label("gid"), ids(&s.gid));
                push(Shown::label("capabilities"), s.caps.clone());
                push(Shown::label("seccomp"), s.seccomp.clone());
                push(Shown::label("tracer"), s.tracer.clone());
                push(Shown::label("nspid"), s.nspid.clone());
            }
            Err(why) => push(Shown::label("ids"), why.clone()),
        }
        push(Shown::label("container"), self.container.clone());
        for (k, c) in &self.namespaces {
            push(Shown::label("ns ").then_label(k.name()), c.clone());
        }
        for c in &self.cgroups {
            push(Shown::label("cgroup"), c.clone());
        }
        let threads = match &self.threads_why {
            Some(w) if self.threads.is_empty() => Cell::new(reason(w), reason_kind(w)),
            _ => Cell::normal(Shown::num(self.threads.len() as u64)),
        };
        push(Shown::label("threads"), threads);
        for c in &self.findings {
            push(Shown::label("finding"), c.clone());
        }
        for c in &self.unavailable {
            push(Shown::label("unavailable"), c.clone());
        }
        l
    }
}

fn reason_text(w: &crate::model::Unavailable) -> Shown {
    Shown::text(&w.to_string())
}

/// `not collected: fds, environ` when the scan skipped parts of `p`.
fn not_collected(p: &Process) -> Option<Cell> {
    let missing = p.collected.missing();
    (!missing.is_empty()).then(|| {
        Cell::new(
            Shown::composed(format!("not collected: {}", missing.join(", "))),
            Kind::Missing,
        )
    })
}

fn namespaces(p: &Process) -> Vec<(NsKind, Cell)> {
    (NsKind::ALL.into_iter())
        .map(|k| {
            let cell = match p.namespaces.get(k.name()) {
                Some(&i) => Cell::normal(Shown::num(i)),
                None => match p.why(&format!("ns.{}", k.name())) {
                    Some(w) => Cell::new(reason(w), reason_kind(w)),
                    None => Cell::new(Shown::label("<?>"), Kind::Missing),
                },
            };
            (k, cell)
        })
        .collect()
}

fn cgroups(p: &Process) -> Vec<Cell> {
    let mut v: Vec<Cell> = (p.cgroups.iter())
        .map(|c| {
            let controllers = Shown::text(&c.controllers.join(","));
            Cell::normal(
                (Shown::num(c.hierarchy).then_label(":").then(&controllers))
                    .then_label(":")
                    .then(&Shown::of(&c.path)),
            )
        })
        .collect();
    if let Some(w) = p.why("cgroup") {
        v.push(Cell::new(reason(w), reason_kind(w)));
    }
    v
}
