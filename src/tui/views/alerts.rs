//! Every detection alert of the snapshot (built-in Falco rules, hidden processes), coloured by
//! priority, the selected one in full below; Enter opens the process.

use super::style;
use super::table::table;
use super::{Layout, fit};
use crate::analysis::detect::Alert;
use crate::present::alert::AlertRow;
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The present row of an alert, with its subject process from the snapshot.
fn row(app: &App, a: &Alert) -> AlertRow {
    let p = app.loaded.snap.process(a.pid);
    AlertRow::of(a, p.filter(|p| p.start_time == a.start_time))
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    if let Some(why) = &app.loaded.alerts.unavailable {
        frame.render_widget(
            Paragraph::new(crate::model::escape(why).into_owned()).style(t.error()),
            area,
        );
        return Layout::default();
    }
    let rows: Vec<(Vec<String>, Style)> = (app.loaded.alerts.rows.iter())
        .map(|a| {
            let r = row(app, a);
            let st = style(t, r.priority.kind);
            let cells = [
                r.priority.text,
                r.rule,
                r.pid,
                r.comm,
                r.container,
                r.output,
            ];
            (cells.into_iter().map(|c| c.into_string()).collect(), st)
        })
        .collect();
    let th = crate::tui::state::alerts::table_height(area.height.saturating_sub(1)) as u16 + 1;
    let top = Rect {
        height: th.min(area.height),
        ..area
    };
    let list = Layout::list(table(
        frame,
        app,
        top,
        &[
            ("PRIORITY", 10),
            ("RULE", 30),
            ("PID", 7),
            ("COMM", 12),
            ("CONTAINER", 13),
            ("OUTPUT (Enter: process)", 0),
        ],
        &rows,
        app.alerts.cur,
    ));
    if let Some(a) = app.alerts.selected(&app.loaded) {
        full(frame, app, a, area, top.height);
    }
    list
}

/// The selected alert in full (wrapped), below the table (`top` lines of `area`).
fn full(frame: &mut Frame, app: &App, a: &Alert, area: Rect, top: u16) {
    let t = super::theme(app);
    let below = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    if below.height == 0 {
        return;
    }
    let r = row(app, a);
    let head = format!(
        "{} {} (pid {}, inferred from state: {})",
        r.priority, r.rule, r.pid, a.event
    );
    let field = |label: &'static str, v: String| {
        Line::from(vec![Span::styled(label, t.title()), Span::raw(v)])
    };
    let lines = vec![
        Line::styled(fit(&head, below.width as usize), t.header()),
        Line::styled(r.output.into_string(), style(t, r.priority.kind)),
        field("evidence ", r.evidence.into_string()),
        field("tags     ", r.tags.into_string()),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), below);
}
