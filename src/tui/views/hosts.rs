//! Many hosts (`--snapshot DIR`): the host rows that are the tree's roots, and the host picker
//! (every host with its process count, snapshot time and file; Enter shows its tree). Host
//! names and paths come from the files: drawn escaped.

use super::table::table;
use super::{Layout, fit};
use crate::model::{escape, time};
use crate::tui::state::App;
use crate::tui::state::fleet::HostInfo;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// What a host says in a row: its process count (or why it is unreadable) and the filter's
/// matches on it.
fn summary(h: &HostInfo, matches: Option<usize>) -> String {
    let mut s = match &h.error {
        Some(e) => format!("unreadable: {}", escape(e)),
        None => format!("{} processes", h.processes),
    };
    if let Some(n) = matches {
        s.push_str(&format!(", {n} matching the filter"));
    }
    s
}

/// The tree row of host `i`: `▾ HOST name  (N processes, taken TIME)`.
pub fn row_line(app: &App, i: usize, selected: bool) -> Line<'static> {
    let t = super::theme(app);
    let Some(f) = app.fleet() else {
        return Line::default();
    };
    let Some(h) = f.hosts.get(i) else {
        return Line::default();
    };
    let open = if i == f.active { "▾" } else { "▸" };
    let text = format!(
        "{open} HOST {}  ({}, taken {})",
        escape(&h.name),
        summary(h, f.matches.get(i).copied().flatten()),
        time::utc(h.taken_ms / 1000)
    );
    let style = if selected { t.selected() } else { t.title() };
    Line::styled(text, style)
}

/// The host picker.
pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    let Some(f) = app.fleet() else {
        frame.render_widget(
            Paragraph::new(fit(
                "one host: open a directory with --snapshot DIR for many",
                80,
            ))
            .style(t.dim()),
            area,
        );
        return Layout::default();
    };
    let rows: Vec<(Vec<String>, Style)> = (f.hosts.iter().enumerate())
        .map(|(i, h)| {
            let shown = if i == f.active { "▾" } else { " " };
            let procs = match (&h.error, f.matches.get(i).copied().flatten()) {
                (Some(_), _) => "-".to_string(),
                (None, Some(m)) => format!("{m}/{}", h.processes),
                (None, None) => h.processes.to_string(),
            };
            let file = match &h.error {
                Some(e) => format!("unreadable: {}", escape(e)),
                None => {
                    let name = std::path::Path::new(&h.path).file_name();
                    escape(&name.map_or(h.path.clone(), |n| n.to_string_lossy().into_owned()))
                        .into_owned()
                }
            };
            let cells = vec![
                shown.to_string(),
                escape(&h.name).into_owned(),
                procs,
                time::utc(h.taken_ms / 1000),
                file,
            ];
            let st = if h.error.is_some() {
                t.error()
            } else {
                Style::new()
            };
            (cells, st)
        })
        .collect();
    Layout::list(table(
        frame,
        app,
        area,
        &[
            ("", 2),
            ("HOST", 24),
            ("PROCS", 12),
            ("TAKEN", 22),
            ("FILE", 0),
        ],
        &rows,
        f.cur,
    ))
}
