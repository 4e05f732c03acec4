//! Containers and pods with their processes; Enter opens the root browser of the group's init.

use super::style;
use super::table::table;
use super::{Layout, fit};
use crate::analysis::containers::ContainerGroup;
use crate::present::Kind;
use crate::present::container::ContainerRow;
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    if app.loaded.groups.is_empty() {
        frame.render_widget(
            Paragraph::new("no containers or namespaced processes found").style(t.dim()),
            area,
        );
        return Layout::default();
    }
    let rows: Vec<(Vec<String>, Style)> = (app.loaded.groups.iter())
        .map(|g| {
            let cells = ContainerRow::of(&app.loaded.snap, g).cells();
            let st = style(t, cells.first().map_or(Kind::Normal, |c| c.kind));
            (
                cells.into_iter().map(|c| c.text.into_string()).collect(),
                st,
            )
        })
        .collect();
    let th = crate::tui::state::containers::table_height(area.height.saturating_sub(1)) as u16 + 1;
    let top = Rect {
        height: th.min(area.height),
        ..area
    };
    let list = Layout::list(table(
        frame,
        app,
        top,
        &[
            ("RUNTIME", 11),
            ("ID", 13),
            ("POD", 14),
            ("QOS", 11),
            ("INIT", 16),
            ("PROCS", 6),
            ("ROOT", 0),
        ],
        &rows,
        app.containers.cur,
    ));
    let Some(g) = app.containers.selected(&app.loaded) else {
        return list;
    };
    group_processes(frame, app, g, area, top.height);
    list
}

/// The selected group's processes, below its table (`top` lines of `area`).
fn group_processes(frame: &mut Frame, app: &App, g: &ContainerGroup, area: Rect, top: u16) {
    let t = super::theme(app);
    let below = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    if below.height == 0 {
        return;
    }
    let mut lines = vec![Line::styled(
        fit("processes (Enter or R: root browser)", below.width as usize),
        t.header(),
    )];
    for pid in g.pids.iter().take(below.height as usize - 1) {
        if let Some(p) = app.loaded.snap.process(*pid) {
            lines.push(Line::raw(format!(
                "{} {}",
                fit(&pid.to_string(), 8),
                app.command_line(p)
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), below);
}
