//! The rows of the detail tabs (Overview, Environ, Files, Sockets) from the present layer's
//! cells, styled by their kinds.

use crate::model::Process;
use crate::present::fd::{FdRow, Glyphs, SocketRow};
use crate::present::{Cell, Kind, Shown};
use crate::tui::findings::Place;
use crate::tui::overview::overview_rows;
use crate::tui::state::App;
use crate::tui::views::style;
use ratatui::style::Style;

/// A table row: its cells' text and the row's style.
pub type Row = (Vec<String>, Style);

fn texts(cells: Vec<Cell>) -> Vec<String> {
    cells.into_iter().map(|c| c.text.into_string()).collect()
}

/// Overview lines: label and value, styled by the value's kind.
pub fn overview(app: &App, p: &Process) -> Vec<Row> {
    (overview_rows(app, p).into_iter())
        .map(|l| {
            let st = style(super::super::theme(app), l.cell.kind);
            (vec![l.label.into_string(), l.cell.text.into_string()], st)
        })
        .collect()
}

/// Environ entries: index, name, the finding's rule, the value as the app shows it.
pub fn environ(app: &App, p: &Process) -> Vec<Row> {
    let Some(env) = &p.environ else {
        return Vec::new();
    };
    env.iter()
        .enumerate()
        .map(|(i, e)| {
            let f = app.loaded.findings.at(p.pid, p.start_time, Place::Env(i));
            let value = match e.value {
                None => "(no '=')".to_string(),
                Some(v) => app.shown_value(p, Place::Env(i), v),
            };
            let mark = f.map_or(String::new(), |f| format!("!{}", f.rule));
            let kind = if f.is_some() {
                Kind::Danger
            } else {
                Kind::Normal
            };
            let name = Shown::bytes(e.name).into_string();
            (
                vec![i.to_string(), name, mark, value],
                style(super::super::theme(app), kind),
            )
        })
        .collect()
}

/// Open fds: fd, kind, target and the detail line (socket endpoints, peers).
pub fn files(app: &App, p: &Process) -> Vec<Row> {
    let netns = p.namespaces.get("net").copied();
    (p.fd_list().iter())
        .map(|f| {
            let row = FdRow::of(&app.loaded.snap, &app.loaded.sockets, p.pid, netns, f);
            let st = style(super::super::theme(app), row.style);
            (texts(row.cells(Glyphs::TUI)), st)
        })
        .collect()
}

/// Sockets of the process: proto, state, local, remote, inode, peer holders, other holders.
pub fn sockets(app: &App, p: &Process) -> Vec<Row> {
    (app.loaded.sockets_of(p).into_iter())
        .map(|s| {
            let r = SocketRow::of(&app.loaded.snap, &app.loaded.sockets, s);
            let others: Vec<u32> = s.pids.iter().copied().filter(|&q| q != p.pid).collect();
            let others = crate::present::fd::names(&app.loaded.snap, &others);
            let peer = r.peer_cell();
            let cells = [
                r.proto,
                r.state,
                r.local,
                r.remote_or_peer,
                r.inode,
                peer,
                others,
            ];
            (
                cells.into_iter().map(Shown::into_string).collect(),
                Style::new(),
            )
        })
        .collect()
}
