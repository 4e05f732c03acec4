//! The process tree (pstree-like, with container tags, `HIDDEN` on processes hidden from
//! `/proc`, marks where the namespace, container or uid changes, and an `[alert:...]` mark on
//! processes with detection alerts) and the flat sortable list. Only the visible window of rows is drawn.

use super::Layout;
use super::{fit, style, window};
use crate::model::{Process, time};
use crate::tui::state::App;
use crate::tui::state::rows::{self, RowKind, SortBy};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Deepest indentation drawn; deeper rows show their depth as a number.
const MAX_INDENT: usize = 24;

/// Short container tag: `docker:0123456789ab`, `pod:1b2c3d4e`, or `ns` for namespaced.
pub fn tag(p: &Process) -> String {
    crate::present::tree::tag(p).into_string()
}

/// Compact marks where `p` differs from its parent: `[ctr]`, `[ns:mnt,pid]`, `[uid:1000]`.
pub fn marks(p: &Process, parent: Option<&Process>) -> String {
    crate::present::tree::Marks::of(p, parent)
        .compact()
        .into_string()
}

fn user(p: &Process) -> String {
    match &p.uid.effective_name {
        Some(n) => crate::model::escape(n).into_owned(),
        None if !p.uid.known() => "?".into(),
        None => p.uid.effective.to_string(),
    }
}

fn prefix(rows: &[rows::Row], r: usize) -> String {
    let flags = rows::branch(rows, r);
    let mut s = String::new();
    if flags.len() <= 1 {
        return s;
    }
    let inner = &flags[1..flags.len() - 1];
    if inner.len() > MAX_INDENT {
        s.push_str(&format!("…{} ", inner.len()));
        for &l in &inner[inner.len() - 2..] {
            s.push_str(if l { "  " } else { "│ " });
        }
    } else {
        for &l in inner {
            s.push_str(if l { "  " } else { "│ " });
        }
    }
    s.push_str(if flags[flags.len() - 1] {
        "└─"
    } else {
        "├─"
    });
    s
}

fn metrics(app: &App, p: &Process) -> (String, String) {
    let (cpu, mem) = app.loaded.metrics.get(&p.pid).copied().unwrap_or_default();
    (
        cpu.map_or_else(|| "-".into(), |c| format!("{c:.1}")),
        mem.map_or_else(|| "-".into(), human),
    )
}

/// The tree's CPU % and memory columns (the flat list has its own, sortable).
fn usage_columns(cpu: &str, mem: &str) -> String {
    format!("{}{}", fit(cpu, 6), fit(mem, 7))
}

/// Bytes as `12K`, `3.4M`, `1.2G`.
pub fn human(b: u64) -> String {
    const U: [&str; 5] = ["B", "K", "M", "G", "T"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < U.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 || v >= 10.0 {
        format!("{v:.0}{}", U[i])
    } else {
        format!("{v:.1}{}", U[i])
    }
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    if area.height == 0 {
        return Layout::default();
    }
    let header = header(app);
    let (head, list) = super::line_and_rest(area, 0);
    frame.render_widget(
        Paragraph::new(fit(&header, area.width as usize)).style(t.header()),
        head,
    );
    if app.procs.rows.is_empty() {
        let msg = if app.status.scanning.is_some() {
            "scanning…"
        } else if app.procs.filter.count == 0 && !app.procs.filter.text.is_empty() {
            "no process matches the filter"
        } else {
            "no processes"
        };
        frame.render_widget(Paragraph::new(msg).style(t.dim()), list);
        return Layout::list(Some(list));
    }
    let range = window(app.procs.cur, app.procs.rows.len(), list.height as usize);
    let mut lines = Vec::with_capacity(range.len());
    for r in range {
        let row = app.procs.rows[r];
        if let RowKind::Gone(_) = row.kind {
            let mut line = gone_line(app, r);
            if r == app.procs.cur.sel {
                line = line.patch_style(t.selected());
            }
            lines.push(line);
            continue;
        }
        if let RowKind::Host(i) = row.kind {
            lines.push(super::hosts::row_line(app, i, r == app.procs.cur.sel));
            continue;
        }
        let Some(p) = app.loaded.snap.processes.get(row.index) else {
            continue;
        };
        let mut base = Style::new();
        if app.loaded.findings.flagged(p.pid) {
            base = t.finding();
        }
        let mut spans: Vec<Span> = Vec::new();
        match row.kind {
            RowKind::Thread(n) => spans.push(thread_span(app, p, n, r)),
            RowKind::Gone(_) | RowKind::Host(_) => {}
            RowKind::Process => process_spans(app, p, row, r, base, &mut spans),
        }
        let mut line = Line::from(spans);
        if r == app.procs.cur.sel {
            line = line.patch_style(t.selected());
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), list);
    Layout::list(Some(list))
}

/// The header line: column titles, the sort column marked in the flat list.
fn header(app: &App) -> String {
    if app.procs.shape.flat {
        let col = |s: SortBy, label: &str, w: usize| {
            let mark = if app.procs.shape.sort == s {
                if app.procs.shape.reverse {
                    "▲"
                } else {
                    "▼"
                }
            } else {
                ""
            };
            fit(&format!("{label}{mark}"), w)
        };
        format!(
            "{}{}{}{}{}{}{}{}{}{}",
            col(SortBy::Pid, "PID", 8),
            col(SortBy::User, "USER", 10),
            fit("S", 2),
            fit("TAG", 16),
            syscall_head(app),
            col(SortBy::Fds, "FDS", 6),
            col(SortBy::Start, "START", 12),
            col(SortBy::Cpu, "CPU%", 6),
            col(SortBy::Mem, "MEM", 7),
            col(SortBy::Name, "COMMAND", 20),
        )
    } else {
        format!(
            "{}{}{}{}{}{}COMMAND",
            fit("PID", 8),
            fit("USER", 10),
            fit("S", 2),
            usage_columns("CPU%", "MEM"),
            fit("TAG", 16),
            syscall_head(app)
        )
    }
}

/// Width of the SYSCALL column (`clock_nanosleep` and a gap).
const SYSCALL_WIDTH: usize = 16;

/// The SYSCALL column's title when shown, else the one-space gap before the next column.
fn syscall_head(app: &App) -> String {
    match app.procs.syscalls {
        true => fit("SYSCALL", SYSCALL_WIDTH + 1),
        false => " ".into(),
    }
}

/// Thread `tid`'s SYSCALL cell, when the column is shown.
fn syscall_span(app: &App, p: &Process, tid: crate::model::Pid) -> Option<Span<'static>> {
    if !app.procs.syscalls {
        return None;
    }
    let c = crate::present::thread::syscall_name(&app.loaded.snap, p, tid);
    let st = super::style(super::theme(app), c.kind);
    Some(Span::styled(fit(c.as_str(), SYSCALL_WIDTH), st))
}

/// A thread row: tid and name under its process.
fn thread_span(app: &App, p: &Process, n: usize, r: usize) -> Span<'static> {
    let t = super::theme(app);
    let flat = app.procs.shape.flat;
    let th: Vec<_> = p.threads.iter().filter(|x| x.tid != p.pid).collect();
    let (tid, name) = th
        .get(n)
        .map(|x| (x.tid.to_string(), x.name.safe().into_owned()))
        .unwrap_or_default();
    let pre = if flat {
        "  └─".to_string()
    } else {
        prefix(&app.procs.rows, r)
    };
    let usage = if flat {
        String::new()
    } else {
        usage_columns("", "")
    };
    let sys = th.get(n).and_then(|x| syscall_span(app, p, x.tid));
    let sys = sys.map_or(String::new(), |s| s.content.into_owned());
    Span::styled(
        format!(
            "{}{}{}{usage}{}{sys}{pre}{{{name}}}",
            fit(&tid, 8),
            fit("", 10),
            fit("", 2),
            fit("", 16)
        ),
        t.dim(),
    )
}

/// A process row's cells: pid, user, tag, marks, then the flat list's columns or the tree's
/// branches and marks, then the command line.
fn process_spans(
    app: &App,
    p: &Process,
    row: rows::Row,
    r: usize,
    base: Style,
    spans: &mut Vec<Span<'static>>,
) {
    let t = super::theme(app);
    let flat = app.procs.shape.flat;
    let flag = if app.loaded.findings.flagged(p.pid) {
        "!"
    } else {
        " "
    };
    spans.push(Span::styled(fit(&p.pid.to_string(), 8), base));
    spans.push(Span::styled(fit(&user(p), 10), base));
    spans.push(Span::styled(fit(&crate::model::escape(&p.state), 2), base));
    if !flat {
        let (cpu, mem) = metrics(app, p);
        spans.push(Span::styled(usage_columns(&cpu, &mem), base));
    }
    // why: the diff mark takes the tag's last cell only under `--diff`, so the
    // layout without it is unchanged.
    let tag_width = if app.loaded.diff.is_some() { 14 } else { 15 };
    match crate::present::tree::hidden_tag(p) {
        Some(h) => spans.push(Span::styled(fit(h.as_str(), tag_width), style(t, h.kind))),
        None => spans.push(Span::styled(fit(&tag(p), tag_width), t.tag())),
    }
    if let Some(d) = &app.loaded.diff {
        let m = crate::tui::diffmark::mark(d, p);
        spans.push(Span::styled(m.to_string(), t.mark()));
    }
    spans.push(Span::styled(flag.to_string(), t.finding()));
    spans.extend(syscall_span(app, p, p.pid));
    if flat {
        let fds = match &p.fds {
            Some(f) => (f.len() + p.fds_unresolved).to_string(),
            None => "-".into(),
        };
        let start = p
            .started_at
            .map(|s| time::utc(s).get(5..16).unwrap_or("").to_string())
            .unwrap_or_else(|| "-".into());
        let (cpu, mem) = metrics(app, p);
        spans.push(Span::styled(
            format!(
                "{}{}{}{}",
                fit(&fds, 6),
                fit(&start, 12),
                fit(&cpu, 6),
                fit(&mem, 7)
            ),
            base,
        ));
    } else {
        spans.push(Span::styled(prefix(&app.procs.rows, r), t.dim()));
        if row.folded {
            spans.push(Span::styled("▸", t.mark()));
        }
        let parent = app.loaded.tree.parent[row.index].map(|i| &app.loaded.snap.processes[i]);
        let m = marks(p, parent);
        if !m.is_empty() {
            spans.push(Span::styled(m, t.mark()));
            spans.push(Span::raw(" "));
        }
    }
    if let Some((worst, n)) = app.loaded.alerts.worst(p.pid, p.start_time) {
        let m = crate::present::alert::mark(worst, n);
        spans.push(Span::styled(m.text.into_string(), style(t, m.kind)));
        spans.push(Span::raw(" "));
    }
    let cmd_style = if app.row_matches(r) {
        base.patch(t.matched())
    } else {
        base
    };
    spans.push(Span::styled(app.command_line(p), cmd_style));
}

/// The row of a process gone since OLD, from the OLD snapshot: dimmed, marked `-`, its pid,
/// user, tag and command line (masked like any other) as OLD recorded them.
fn gone_line(app: &App, r: usize) -> Line<'static> {
    let t = super::theme(app);
    let Some(p) = app
        .procs
        .rows
        .get(r)
        .and_then(|row| app.loaded.gone_of_row(row))
    else {
        return Line::default();
    };
    let usage = if app.procs.shape.flat {
        String::new()
    } else {
        usage_columns("-", "-")
    };
    let mut s = format!(
        "{}{}{}{usage}{}-",
        fit(&p.pid.to_string(), 8),
        fit(&user(p), 10),
        fit("X", 2),
        fit(&tag(p), 14)
    );
    s.push(' ');
    if app.procs.syscalls {
        s.push_str(&fit("", SYSCALL_WIDTH));
    }
    if app.procs.shape.flat {
        let start = p
            .started_at
            .map(|s| time::utc(s).get(5..16).unwrap_or("").to_string())
            .unwrap_or_else(|| "-".into());
        s.push_str(&format!(
            "{}{}{}{}",
            fit("-", 6),
            fit(&start, 12),
            fit("-", 6),
            fit("-", 7)
        ));
    } else {
        s.push_str(&prefix(&app.procs.rows, r));
    }
    s.push_str("(gone) ");
    s.push_str(&app.command_line(p));
    Line::from(Span::styled(s, t.dim()))
}
