//! The detail screen of one process: tabs Overview, Environ, Files, Sockets and Root.

mod cells;
#[cfg(test)]
mod hostile_tests;

use super::overview::or_why;
use super::table::table;
use crate::model::{FdKind, Process, Socket};
use crate::tui::app::{App, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Sockets held by `p`, in fd order.
pub fn sockets_of<'a>(app: &'a App, p: &Process) -> Vec<&'a Socket> {
    let netns = p.namespaces.get("net").copied();
    p.fd_list()
        .iter()
        .filter(|f| f.kind == FdKind::Socket)
        .filter_map(|f| {
            let ino = f.inode?;
            app.sockets.find(&app.snap, netns, ino)
        })
        .collect()
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let Some(d) = app.detail.as_ref() else {
        return;
    };
    let Some(p) = app.detail_process() else {
        if let Some(old) = app.gone_detail_process() {
            return super::gone::render(frame, app, area, old);
        }
        frame.render_widget(
            Paragraph::new(format!(
                "process {} (start {}) is not in the current snapshot (exited?)",
                d.key.0, d.key.1
            ))
            .style(t.error()),
            area,
        );
        return;
    };
    if area.height < 4 {
        return;
    }
    let head = head_line(app, p);
    frame.render_widget(Paragraph::new(head), Rect { height: 1, ..area });
    let tabs: Vec<Span> = super::tab_labels()
        .into_iter()
        .map(|(label, tab)| match tab {
            Some(tab) if tab == d.tab => Span::styled(label, t.bar_active()),
            Some(_) => Span::styled(label, t.bar()),
            None => Span::raw(label),
        })
        .collect();
    let (bar, rest) = super::line_and_rest(area, 1);
    frame.render_widget(Paragraph::new(Line::from(tabs)), bar);
    tab_body(frame, app, p, d.tab, rest);
}

/// The title line: pid, comm, container tag, exe and findings flags.
fn head_line(app: &App, p: &Process) -> Line<'static> {
    let t = app.theme;
    let mut head = vec![Span::styled(
        format!(" {} {} ", p.pid, p.comm.safe()),
        t.title(),
    )];
    head.push(Span::styled(super::procs::tag(p), t.tag()));
    if p.exe.as_ref().is_some_and(|e| e.deleted || e.memfd) {
        head.push(Span::styled(" exe deleted/memfd", t.finding()));
    }
    let n = app.findings.of(p.pid, p.start_time).count();
    if n > 0 {
        head.push(Span::styled(format!(" {n} finding(s)"), t.finding()));
    }
    Line::from(head)
}

/// The selected tab's table.
fn tab_body(frame: &mut Frame, app: &App, p: &Process, tab: Tab, rest: Rect) {
    let t = app.theme;
    let cur = app.detail_cursor();
    match tab {
        Tab::Overview => {
            let rows = cells::overview(app, p);
            table(frame, app, rest, &[("FIELD", 14), ("VALUE", 0)], &rows, cur);
        }
        Tab::Environ => {
            if p.environ.is_none() {
                let msg = format!("environ {}", or_why(None, p, "environ"));
                frame.render_widget(Paragraph::new(msg).style(t.dim()), rest);
                return;
            }
            let rows = cells::environ(app, p);
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
            );
        }
        Tab::Files => files(frame, app, p, rest),
        Tab::Sockets => {
            let rows = cells::sockets(app, p);
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
            );
        }
        Tab::Root => super::rootfs::render(frame, app, rest),
    }
}

/// The Files tab: the fd table and how many fds could not be read.
fn files(frame: &mut Frame, app: &App, p: &Process, rest: Rect) {
    let (t, cur) = (app.theme, app.detail_cursor());
    if p.fds.is_none() {
        let msg = format!("fds {}", or_why(None, p, "fds"));
        frame.render_widget(Paragraph::new(msg).style(t.dim()), rest);
        return;
    }
    let rows = cells::files(app, p);
    table(
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
}
