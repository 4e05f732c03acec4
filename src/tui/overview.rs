//! The Overview tab of the detail screen as (label, value) lines (UI-free: the detail view
//! draws them, the state counts them): ids, exe (deleted or memfd),
//! cwd, root, state, capabilities, seccomp, namespaces, cgroups, container, argv findings and
//! what could not be read.

use crate::model::{Process, escape, time};
use crate::tui::findings::Place;
use crate::tui::state::App;

/// `value` or `<why it is missing>`.
pub fn or_why(v: Option<String>, p: &Process, field: &str) -> String {
    match (v, p.why(field)) {
        (Some(v), _) => v,
        (None, Some(w)) => format!("<{w}>"),
        (None, None) => "-".into(),
    }
}

fn ids(i: &crate::model::Ids) -> String {
    let n = |id: u32, name: &Option<String>| match name {
        Some(s) => format!("{id}({})", escape(s)),
        None => id.to_string(),
    };
    format!(
        "real {} eff {} saved {} fs {}",
        n(i.real, &i.real_name),
        n(i.effective, &i.effective_name),
        i.saved,
        i.fs
    )
}

/// The overview as (label, value) lines, values escaped.
pub fn overview_lines(app: &App, p: &Process) -> Vec<(String, String)> {
    let mut l: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: String| l.push((k.to_string(), v));
    push(
        "pid",
        format!("{}  ppid {}  state {}", p.pid, p.ppid, escape(&p.state)),
    );
    push("comm", p.comm.safe().into_owned());
    push("cmdline", app.command_line(p));
    let started = p.started_at.map(time::utc).unwrap_or_else(|| "?".into());
    push("started", format!("{started} (ticks {})", p.start_time));
    let exe = p.exe.as_ref().map(|e| {
        let mut s = e.path.safe().into_owned();
        if e.deleted {
            s.push_str("  [DELETED]");
        }
        if e.memfd {
            s.push_str("  [MEMFD]");
        }
        s
    });
    push("exe", or_why(exe, p, "exe"));
    push(
        "cwd",
        or_why(p.cwd.as_ref().map(|c| c.safe().into_owned()), p, "cwd"),
    );
    push(
        "root",
        or_why(p.root.as_ref().map(|c| c.safe().into_owned()), p, "root"),
    );
    if p.why("status").is_none() {
        push("uid", ids(&p.uid));
        push("gid", ids(&p.gid));
        push(
            "capabilities",
            or_why(
                p.cap_eff.as_ref().map(|c| escape(c).into_owned()),
                p,
                "cap_eff",
            ),
        );
        push(
            "seccomp",
            match p.seccomp {
                Some(s) => ["disabled", "strict", "filter"]
                    .get(s as usize)
                    .copied()
                    .unwrap_or("?")
                    .to_string(),
                None => "-".into(),
            },
        );
        push("tracer", p.tracer_pid.map_or("-".into(), |t| t.to_string()));
        let nspid: Vec<String> = p.nspid.iter().map(|n| n.to_string()).collect();
        push("nspid", nspid.join(" "));
    } else {
        push("ids", or_why(None, p, "status"));
    }
    let container = match &p.container {
        Some(c) => format!(
            "{} {} pod {} qos {}",
            escape(&c.runtime),
            c.id.as_deref().map(escape).unwrap_or_default(),
            c.pod_uid
                .as_deref()
                .map(escape)
                .unwrap_or_else(|| "-".into()),
            c.qos.as_deref().map(escape).unwrap_or_else(|| "-".into()),
        ),
        None if p.namespaced => "none recognised (namespaced)".into(),
        None => "none".into(),
    };
    push("container", container);
    for k in crate::model::NS_KINDS {
        let v = match p.namespaces.get(k) {
            Some(i) => i.to_string(),
            None => format!(
                "<{}>",
                p.why(&format!("ns.{k}"))
                    .map_or("?".into(), |w| w.to_string())
            ),
        };
        push(&format!("ns {k}"), v);
    }
    for c in p.cgroups.iter() {
        push(
            "cgroup",
            format!(
                "{}:{}:{}",
                c.hierarchy,
                escape(&c.controllers.join(",")),
                c.path.safe()
            ),
        );
    }
    if let Some(w) = p.why("cgroup") {
        push("cgroup", format!("<{w}>"));
    }
    push("threads", p.threads.len().to_string());
    for f in app.loaded.findings.of(p.pid, p.start_time) {
        if let Place::Argv(i) = f.place {
            push(
                "finding",
                format!("argv[{i}] {} ({})", f.rule, f.severity.as_str()),
            );
        }
    }
    for (f, w) in &p.unavailable {
        push("unavailable", format!("{}: {w}", escape(f)));
    }
    l
}
