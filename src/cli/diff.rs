//! `procscope diff OLD [NEW]`: what changed between two snapshots (NEW defaults to the live
//! system), as grouped `+`/`-`/`~` lines or `--json`.

use super::hosts::Pick;
use super::{Global, Out};
use crate::analysis::diff::{
    Boot, ContainerRef, ProcessChange, ProcessRef, SnapshotDiff, SocketRef, diff,
};
use crate::analysis::masking::diff_sides;
use crate::model::{Bytes, Ids, Meta, endpoint, escape, time};
use anyhow::{Result, bail};
use clap::Args;
use std::borrow::Cow;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot file (none with `--snapshot DIR`: each host's oldest is compared
    /// with its newest).
    #[arg(value_name = "OLD")]
    pub old: Option<PathBuf>,
    /// The later snapshot file (default: the live system, or --proc-root / --snapshot).
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,
}

pub fn run(g: &Global, a: &DiffArgs, o: &mut Out) -> Result<()> {
    let Some(old_path) = &a.old else {
        bail!("diff needs OLD (or --snapshot DIR: each host's oldest against its newest)");
    };
    let old = super::read_file(old_path)?;
    let new = match (&a.new, g.snapshot.first()) {
        (Some(_), Some(_)) => bail!("give NEW or --snapshot to diff, not both"),
        (Some(p), None) | (None, Some(p)) => super::read_file(p)?,
        (None, None) => super::load(g)?,
    };
    // why: a value masked when it was written cannot be unmasked, and comparing a masked value
    // with a revealed one would report every variable as changed; so both sides are masked.
    let reveal = g.reveal && !old.meta.masked && !new.meta.masked;
    if g.reveal && !reveal {
        super::note_masked();
    }
    let rules = super::load_rules(g)?;
    // why: secrets are found on the values as read; only then are both sides masked.
    let new_secrets = crate::analysis::diff::secrets::new_secrets(&old, &new, &rules, reveal);
    let (old_m, new_m, _) = diff_sides(Cow::Owned(old), Cow::Owned(new), reveal, Some(&rules));
    let mut d = diff(&old_m, &new_m);
    d.new_secrets = new_secrets;
    let alerts = super::detect::diff_alerts(&old_m, &new_m)?;
    if o.json {
        let mut v = serde_json::to_value(&d)?;
        if let (Some(m), false) = (v.as_object_mut(), alerts.is_empty()) {
            m.insert("new_alerts".into(), serde_json::to_value(&alerts)?);
        }
        return o.json(&v);
    }
    let label = |p: Option<&PathBuf>| match p {
        Some(p) => p.display().to_string(),
        None if g.proc_root.as_os_str() == "/proc" => "live system".to_string(),
        None => g.proc_root.display().to_string(),
    };
    let new_path = a.new.as_ref().or(g.snapshot.first());
    text(&d, [&label(Some(old_path)), &label(new_path)], o)?;
    super::detect::print_new_alerts(&alerts, o)
}

/// `--snapshot DIR diff`: for each host with two snapshots or more among `picks` (sorted by
/// host, then time), its oldest against its newest; text grouped by host, JSON one array of
/// diffs each with its `host`.
pub fn run_hosts(g: &Global, a: &DiffArgs, picks: &[Pick], o: &mut Out) -> Result<()> {
    if a.old.is_some() || a.new.is_some() {
        bail!(
            "with --snapshot DIR, diff takes no OLD or NEW: each host's oldest is compared with its newest"
        );
    }
    let one = Global {
        snapshot: Vec::new(),
        ..g.clone()
    };
    let mut all = Vec::new();
    for host in picks.chunk_by(|x, y| x.host == y.host) {
        let (Some(first), Some(last)) = (host.first(), host.last()) else {
            continue;
        };
        if host.len() < 2 {
            if !o.json {
                writeln!(
                    o.w,
                    "== host {}: one snapshot only, nothing to compare\n",
                    escape(&first.host)
                )?;
            }
            continue;
        }
        let pair = DiffArgs {
            old: Some(first.path.clone()),
            new: Some(last.path.clone()),
        };
        let mut buf = Vec::new();
        run(&one, &pair, &mut Out::new(&mut buf, o.json))?;
        if o.json {
            let mut v: serde_json::Value = serde_json::from_slice(&buf)?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("host".into(), first.host.clone().into());
            }
            all.push(v);
        } else {
            writeln!(o.w, "== host {}", escape(&first.host))?;
            o.w.write_all(&buf)?;
            writeln!(o.w)?;
        }
    }
    if o.json {
        serde_json::to_writer(&mut *o.w, &all)?;
        writeln!(o.w)?;
    }
    Ok(())
}

fn side(label: &str, m: &Meta) -> String {
    format!(
        "{}  (from {} on host {}, taken {}, boot {})",
        escape(label),
        escape(&m.source),
        escape(m.hostname.as_deref().unwrap_or("?")),
        time::utc(m.taken_at),
        escape(m.boot_id.as_deref().unwrap_or("?")),
    )
}

fn cmd(argv: &[Bytes]) -> String {
    argv.iter()
        .map(|a| a.safe().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn process_line(mark: char, p: &ProcessRef) -> String {
    let user = match &p.user {
        Some(u) => format!("{}({})", p.uid, escape(u)),
        None => p.uid.to_string(),
    };
    format!(
        "  {mark} {} {}  ppid {}  uid {user}  {}",
        p.pid,
        p.comm.safe(),
        p.ppid,
        cmd(&p.cmdline)
    )
}

fn ids(i: &Ids) -> String {
    format!("{}/{}/{}/{}", i.real, i.effective, i.saved, i.fs)
}

fn change_lines(c: &ProcessChange) -> Vec<String> {
    let mut l = vec![format!("  ~ {} {}", c.pid, c.comm.safe())];
    let mut field = |name: &str, old: String, new: String| {
        l.push(format!("      {name}: {old} -> {new}"));
    };
    if let Some(x) = &c.comm_change {
        field("comm", x.old.safe().into(), x.new.safe().into());
    }
    if let Some(x) = &c.exe {
        let exe = |e: &crate::model::Exe| crate::present::overview::exe(e).text.into_string();
        field("exe", exe(&x.old), exe(&x.new));
    }
    if let Some(x) = &c.cwd {
        field("cwd", x.old.safe().into(), x.new.safe().into());
    }
    if let Some(x) = &c.uid {
        field("uid", ids(&x.old), ids(&x.new));
    }
    if let Some(x) = &c.cmdline {
        field("cmdline", cmd(&x.old), cmd(&x.new));
    }
    let val = |v: &Option<Bytes>| match v {
        Some(v) => format!("={}", v.safe()),
        None => " (no '=')".to_string(),
    };
    for e in &c.env_added {
        l.push(format!("      env + {}{}", e.name.safe(), val(&e.value)));
    }
    for e in &c.env_changed {
        l.push(format!(
            "      env ~ {}{} -> {}",
            e.name.safe(),
            val(&e.old),
            val(&e.new).trim_start_matches('=')
        ));
    }
    for e in &c.env_removed {
        l.push(format!("      env - {}{}", e.name.safe(), val(&e.value)));
    }
    l
}

fn socket_line(mark: char, r: &SocketRef) -> String {
    let s = &r.socket;
    let mut line = format!(
        "  {mark} {} {}",
        s.proto.as_str(),
        endpoint(&s.local_addr.safe(), s.local_port)
    );
    if let (Some(a), Some(p)) = (&s.remote_addr, s.remote_port)
        && p != 0
    {
        line.push_str(&format!(" -> {}", endpoint(&escape(a), Some(p))));
    }
    line.push_str(&format!("  {}  netns {}", escape(&s.state), s.netns));
    let owners: Vec<String> = s
        .pids
        .iter()
        .zip(&r.comms)
        .map(|(pid, c)| format!("{}({pid})", c.safe()))
        .collect();
    if !owners.is_empty() {
        line.push_str(&format!("  {}", owners.join(",")));
    }
    line
}

fn container_line(mark: char, c: &ContainerRef) -> String {
    let g = &c.group;
    let id =
        g.id.as_deref()
            .map_or("-".into(), |i| crate::model::escape_prefix(i, 12));
    let mut line = format!("  {mark} {} {id}", escape(&g.runtime));
    if let Some(pod) = &g.pod_uid {
        line.push_str(&format!("  pod {}", escape(pod)));
    }
    let comm = c.root_comm.as_ref().map(|b| b.safe().into_owned());
    line.push_str(&format!(
        "  init {}({})  {} processes",
        comm.unwrap_or_default(),
        g.root_pid,
        g.pids.len()
    ));
    if let Some(r) = &g.root {
        line.push_str(&format!("  root {}", r.safe()));
    }
    line
}

fn section(o: &mut Out, title: &str, lines: Vec<String>) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    o.line("")?;
    o.line(&format!("{title} ({})", lines.len()))?;
    for l in lines {
        o.line(&l)?;
    }
    Ok(())
}

/// The text form of a diff; `labels` name the old and new sides (file paths).
pub fn text(d: &SnapshotDiff, labels: [&str; 2], o: &mut Out) -> Result<()> {
    o.line(&format!("old: {}", side(labels[0], &d.old)))?;
    o.line(&format!("new: {}", side(labels[1], &d.new)))?;
    match d.boot {
        Boot::Different => o.line(
            "note: different boots: no process survives a reboot, so every process is new; \
             sockets are compared without namespaces",
        )?,
        Boot::Unknown => o.line("note: boot of either side unknown; compared as the same boot")?,
        Boot::Same => {}
    }
    if d.masked {
        o.line("note: environ values are masked (a change that keeps the mask is not seen)")?;
    }
    if d.is_empty() {
        o.line("no changes")?;
        return Ok(());
    }
    let p = &d.processes;
    let procs = |mark, v: &[ProcessRef]| v.iter().map(|x| process_line(mark, x)).collect();
    section(o, "processes started", procs('+', &p.started))?;
    section(o, "processes gone", procs('-', &p.gone))?;
    let changed = p.changed.iter().flat_map(change_lines).collect::<Vec<_>>();
    if !p.changed.is_empty() {
        o.line("")?;
        o.line(&format!("processes changed ({})", p.changed.len()))?;
        for l in changed {
            o.line(&l)?;
        }
    }
    let socks = |mark, v: &[SocketRef]| v.iter().map(|x| socket_line(mark, x)).collect();
    section(
        o,
        "listening sockets opened",
        socks('+', &d.listening.opened),
    )?;
    section(
        o,
        "listening sockets closed",
        socks('-', &d.listening.closed),
    )?;
    section(o, "connections opened", socks('+', &d.connections.opened))?;
    section(o, "connections closed", socks('-', &d.connections.closed))?;
    let ctrs = |mark, v: &[ContainerRef]| v.iter().map(|x| container_line(mark, x)).collect();
    section(o, "containers new", ctrs('+', &d.containers.new))?;
    section(o, "containers gone", ctrs('-', &d.containers.gone))?;
    let secrets = d
        .new_secrets
        .iter()
        .map(|f| {
            format!(
                "  + {} {}  {} {}  {} [{}] {}",
                f.pid,
                f.comm.safe(),
                f.source.as_str(),
                f.name.safe(),
                escape(&f.value),
                f.severity.as_str(),
                escape(&f.rule)
            )
        })
        .collect();
    section(o, "secrets new", secrets)
}
