//! The detail screen of one process: a header, the tab bar, and the tab shown (Overview,
//! Environ, Files, Sockets, or the Root browser); returns the tab labels and the list drawn.

use super::Layout;
use super::table::table;
use crate::model::{FdKind, Process, Snapshot, endpoint, escape, escape_bytes};
use crate::tui::action::Action;
use crate::tui::findings::Place;
use crate::tui::overview::{or_why, overview_lines};
use crate::tui::state::cursor::Cursor;
use crate::tui::state::{App, Detail, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The holders of something `me` holds, but `me`.
fn peers(snap: &Snapshot, me: u32, pids: &[u32]) -> String {
    let others: Vec<u32> = pids.iter().copied().filter(|&q| q != me).collect();
    snap.name_pids(&others)
}

/// Every holder of the other end of a socket, this process included (a socketpair within
/// one process is its own peer); `-` when nobody readable holds it.
fn holders(snap: &Snapshot, pids: &[u32]) -> String {
    if pids.is_empty() {
        return "-".into();
    }
    snap.name_pids(pids)
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    let Some(d) = app.detail.open.as_ref() else {
        return Layout::default();
    };
    let Some(p) = app.detail_process() else {
        if let Some(old) = app.gone_detail_process() {
            return super::gone::render(frame, app, area, old);
        }
        frame.render_widget(
            Paragraph::new(format!(
                "process {} (start {}) is not in the current snapshot (exited?)",
                d.key.pid, d.key.start_time
            ))
            .style(t.error()),
            area,
        );
        return Layout::default();
    };
    if area.height < 4 {
        return Layout::default();
    }
    header(frame, app, p, Rect { height: 1, ..area });
    let (bar, rest) = super::line_and_rest(area, 1);
    let targets = tab_bar(frame, app, d, bar);
    let cur = app.detail_cursor();
    let list = match d.tab {
        Tab::Overview => overview_tab(frame, app, p, rest, cur),
        Tab::Environ => environ_tab(frame, app, p, rest, cur),
        Tab::Files => files_tab(frame, app, p, rest, cur),
        Tab::Sockets => sockets_tab(frame, app, p, rest, cur),
        Tab::Root => super::rootfs::render(frame, app, rest).list,
    };
    Layout { targets, list }
}

/// The process line: pid, name, container tag, exe and findings marks.
fn header(frame: &mut Frame, app: &App, p: &Process, line: Rect) {
    let t = super::theme(app);
    let mut head = vec![Span::styled(
        format!(" {} {} ", p.pid, p.comm.safe()),
        t.title(),
    )];
    head.push(Span::styled(super::procs::tag(p), t.tag()));
    if p.exe.as_ref().is_some_and(|e| e.deleted || e.memfd) {
        head.push(Span::styled(" exe deleted/memfd", t.finding()));
    }
    let n = app.loaded.findings.of(p.pid, p.start_time).count();
    if n > 0 {
        head.push(Span::styled(format!(" {n} finding(s)"), t.finding()));
    }
    frame.render_widget(Paragraph::new(Line::from(head)), line);
}

/// The tab labels, the current one highlighted; returns where each tab can be clicked.
fn tab_bar(frame: &mut Frame, app: &App, d: &Detail, bar: Rect) -> Vec<(Rect, Action)> {
    let t = super::theme(app);
    let labels = super::tab_labels();
    let tabs: Vec<Span> = labels
        .iter()
        .map(|(label, tab)| match tab {
            Some(tab) if *tab == d.tab => Span::styled(label.clone(), t.bar_active()),
            Some(_) => Span::styled(label.clone(), t.bar()),
            None => Span::raw(label.clone()),
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(tabs)), bar);
    super::label_areas(bar, labels.iter().map(|(l, tab)| (l.as_str(), *tab)))
        .into_iter()
        .filter_map(|(r, tab)| Some((r, Action::SelectTab(tab?))))
        .collect()
}

fn overview_tab(
    frame: &mut Frame,
    app: &App,
    p: &Process,
    rest: Rect,
    cur: Cursor,
) -> Option<Rect> {
    let t = super::theme(app);
    let lines = overview_lines(app, p);
    let rows: Vec<(Vec<String>, Style)> = lines
        .into_iter()
        .map(|(k, v)| {
            let st = if v.starts_with('<')
                || k == "finding"
                || v.contains("[DELETED]")
                || v.contains("[MEMFD]")
            {
                if k == "finding" || v.contains('[') {
                    t.finding()
                } else {
                    t.dim()
                }
            } else {
                Style::new()
            };
            (vec![k, v], st)
        })
        .collect();
    table(frame, app, rest, &[("FIELD", 14), ("VALUE", 0)], &rows, cur)
}

fn environ_tab(frame: &mut Frame, app: &App, p: &Process, rest: Rect, cur: Cursor) -> Option<Rect> {
    let t = super::theme(app);
    let Some(env) = &p.environ else {
        let msg = format!("environ {}", or_why(None, p, "environ"));
        frame.render_widget(Paragraph::new(msg).style(t.dim()), rest);
        return None;
    };
    let rows: Vec<(Vec<String>, Style)> = env
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let f = app.loaded.findings.at(p.pid, p.start_time, Place::Env(i));
            let value = match e.value {
                None => "(no '=')".to_string(),
                Some(v) => app.shown_value(p, Place::Env(i), v),
            };
            let mark = f.map_or(String::new(), |f| format!("!{}", f.rule));
            let st = if f.is_some() {
                t.finding()
            } else {
                Style::new()
            };
            (
                vec![
                    i.to_string(),
                    escape_bytes(e.name).into_owned(),
                    mark,
                    value,
                ],
                st,
            )
        })
        .collect();
    table(
        frame,
        app,
        rest,
        &[
            ("#", 4),
            ("NAME", 24),
            ("FINDING", 14),
            ("VALUE (v: reveal)", 0),
        ],
        &rows,
        cur,
    )
}

fn files_tab(frame: &mut Frame, app: &App, p: &Process, rest: Rect, cur: Cursor) -> Option<Rect> {
    let t = super::theme(app);
    let Some(fds) = &p.fds else {
        let msg = format!("fds {}", or_why(None, p, "fds"));
        frame.render_widget(Paragraph::new(msg).style(t.dim()), rest);
        return None;
    };
    let netns = p.namespaces.get("net").copied();
    let rows: Vec<(Vec<String>, Style)> = fds
        .iter()
        .map(|f| {
            let mut detail = String::new();
            if let (FdKind::Socket, Some(ino)) = (f.kind, f.inode)
                && let Some(s) = app.loaded.sockets.find(&app.loaded.snap, netns, ino)
            {
                detail = format!(
                    "{} {} {}",
                    s.proto.as_str(),
                    escape(&s.state),
                    endpoint(&s.local_addr.safe(), s.local_port)
                );
                if let Some(r) = &s.remote_addr {
                    detail.push_str(&format!(" → {}", endpoint(&escape(r), s.remote_port)));
                }
                if let Some(peer) = app.loaded.sockets.peer_of(&app.loaded.snap, s) {
                    detail.push_str(&format!(" ⇄ {}", holders(&app.loaded.snap, &peer.pids)));
                }
            }
            let pe = peers(&app.loaded.snap, p.pid, &f.peers);
            if !pe.is_empty() && f.kind == FdKind::Socket {
                detail.push_str(&format!(" (also held by {pe})"));
            } else if !pe.is_empty() {
                detail.push_str(&format!(" ⇄ {pe}"));
            }
            let st = if f.kind == FdKind::Memfd || f.target.as_bytes().ends_with(b" (deleted)") {
                t.finding()
            } else {
                Style::new()
            };
            (
                vec![
                    f.fd.to_string(),
                    f.kind.as_str().to_string(),
                    f.target.safe().into_owned(),
                    detail.trim().to_string(),
                ],
                st,
            )
        })
        .collect();
    let list = table(
        frame,
        app,
        rest,
        &[
            ("FD", 5),
            ("KIND", 11),
            ("TARGET", 30),
            ("DETAIL (Enter: peer)", 0),
        ],
        &rows,
        cur,
    );
    if p.fds_unresolved > 0 {
        let y = rest.y + rest.height.saturating_sub(1);
        frame.render_widget(
            Paragraph::new(format!("{} fd(s) unreadable", p.fds_unresolved)).style(t.dim()),
            Rect {
                y,
                height: 1,
                ..rest
            },
        );
    }
    list
}

fn sockets_tab(frame: &mut Frame, app: &App, p: &Process, rest: Rect, cur: Cursor) -> Option<Rect> {
    let rows: Vec<(Vec<String>, Style)> = app
        .loaded
        .sockets_of(p)
        .into_iter()
        .map(|s| {
            (
                vec![
                    s.proto.as_str().to_string(),
                    escape(&s.state).into_owned(),
                    endpoint(&s.local_addr.safe(), s.local_port),
                    match (&s.remote_addr, s.peer) {
                        (Some(r), _) => endpoint(&escape(r), s.remote_port),
                        (None, Some(i)) => format!("* {i}"),
                        (None, None) => "*".into(),
                    },
                    s.inode.to_string(),
                    app.loaded
                        .sockets
                        .peer_of(&app.loaded.snap, s)
                        .map_or_else(String::new, |x| holders(&app.loaded.snap, &x.pids)),
                    peers(&app.loaded.snap, p.pid, &s.pids),
                ],
                Style::new(),
            )
        })
        .collect();
    table(
        frame,
        app,
        rest,
        &[
            ("PROTO", 6),
            ("STATE", 12),
            ("LOCAL", 20),
            ("REMOTE", 20),
            ("INODE", 9),
            ("PEER (Enter)", 14),
            ("ALSO HELD BY", 0),
        ],
        &rows,
        cur,
    )
}
