//! Containers and pods with their processes; Enter opens the root browser of the group's init.

use super::fit;
use super::overview::style;
use super::table::table;
use crate::present::Kind;
use crate::present::container::ContainerRow;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// Rows given to the group list (the rest shows the selected group's processes).
pub fn table_height(h: u16) -> usize {
    (h as usize * 3 / 5).max(1)
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    if app.groups.is_empty() {
        frame.render_widget(
            Paragraph::new("no containers or namespaced processes found").style(t.dim()),
            area,
        );
        return;
    }
    let rows: Vec<(Vec<String>, Style)> = (app.groups.iter())
        .map(|g| {
            let cells = ContainerRow::of(&app.snap, g).cells();
            let st = style(t, cells.first().map_or(Kind::Normal, |c| c.kind));
            (
                cells.into_iter().map(|c| c.text.into_string()).collect(),
                st,
            )
        })
        .collect();
    let th = table_height(area.height.saturating_sub(1)) as u16 + 1;
    let top = Rect {
        height: th.min(area.height),
        ..area
    };
    table(
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
        app.containers,
    );
    let Some(g) = app.groups.get(app.containers.sel) else {
        return;
    };
    let below = Rect {
        y: area.y + top.height,
        height: area.height - top.height,
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
        if let Some(p) = app.snap.process(*pid) {
            lines.push(Line::raw(format!(
                "{} {}",
                fit(&pid.to_string(), 8),
                app.command_line(p)
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), below);
}
