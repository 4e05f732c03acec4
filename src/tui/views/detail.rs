//! The detail screen of one process: a header, the tab bar, and the tab shown (Overview,
//! Environ, Files, Sockets, the Root browser, Threads or Trace); returns the tab labels and the
//! list drawn.

mod activity;
mod cells;
#[cfg(test)]
mod hostile_tests;

use super::Layout;
use super::table::table;
use crate::model::Process;
use crate::tui::action::Action;
use crate::tui::overview::or_why;
use crate::tui::state::cursor::Cursor;
use crate::tui::state::{App, Detail, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
        Tab::Threads => activity::threads_tab(frame, app, p, rest, cur),
        Tab::Trace => activity::trace_tab(frame, app, p, rest, cur),
    };
    Layout { targets, list }
}

/// The process line: pid, name, container tag, exe, findings, hidden and alert marks.
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
    if let Some(h) = crate::present::tree::hidden_tag(p) {
        head.push(Span::styled(" hidden from /proc", super::style(t, h.kind)));
    }
    if let Some((worst, n)) = app.loaded.alerts.worst(p.pid, p.start_time) {
        let st = super::style(t, crate::present::alert::priority_kind(worst));
        head.push(Span::styled(format!(" {n} alert(s)"), st));
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
    let rows = cells::overview(app, p);
    table(frame, app, rest, &[("FIELD", 14), ("VALUE", 0)], &rows, cur)
}

fn environ_tab(frame: &mut Frame, app: &App, p: &Process, rest: Rect, cur: Cursor) -> Option<Rect> {
    if p.environ.is_none() {
        let msg = format!("environ {}", or_why(None, p, "environ"));
        frame.render_widget(Paragraph::new(msg).style(super::theme(app).dim()), rest);
        return None;
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
    )
}

fn files_tab(frame: &mut Frame, app: &App, p: &Process, rest: Rect, cur: Cursor) -> Option<Rect> {
    let t = super::theme(app);
    if p.fds.is_none() {
        let msg = format!("fds {}", or_why(None, p, "fds"));
        frame.render_widget(Paragraph::new(msg).style(t.dim()), rest);
        return None;
    }
    let rows = cells::files(app, p);
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
    let snap = &app.loaded.snap;
    if !snap.meta.collected.sockets || !p.collected.fds {
        // why: the tree stage reads no socket tables: an empty list would say "no sockets".
        let msg = "sockets <not collected> (the scan is still reading them)";
        frame.render_widget(Paragraph::new(msg).style(super::theme(app).dim()), rest);
        return None;
    }
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
    )
}
