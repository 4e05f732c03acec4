//! The detail screen of a process gone since `--diff OLD`: says it is gone and shows its
//! overview as OLD recorded it, read-only (nothing of it is read live: its pid may be reused).

use super::Layout;
use super::table::table;
use crate::model::{Process, time};
use crate::tui::overview::overview_rows;
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, app: &App, area: Rect, p: &Process) -> Layout {
    let t = super::theme(app);
    if area.height < 3 {
        return Layout::default();
    }
    let head = Line::from(vec![
        Span::styled(format!(" {} {} ", p.pid, p.comm.safe()), t.title()),
        Span::styled(super::procs::tag(p), t.tag()),
        Span::styled(" GONE since OLD", t.error()),
    ]);
    frame.render_widget(Paragraph::new(head), Rect { height: 1, ..area });
    let taken = app
        .loaded
        .base
        .as_ref()
        .map_or_else(|| "?".to_string(), |b| time::utc(b.meta.taken_at));
    let note = format!("not running: overview from OLD (taken {taken}), read-only; no other tab");
    let (bar, rest) = super::line_and_rest(area, 1);
    frame.render_widget(Paragraph::new(note).style(t.dim()), bar);
    // why: everything of a gone process is past: every line dimmed, whatever its kind.
    let rows: Vec<(Vec<String>, Style)> = (overview_rows(app, p).into_iter())
        .map(|l| {
            (
                vec![l.label.into_string(), l.cell.text.into_string()],
                t.dim(),
            )
        })
        .collect();
    Layout::list(table(
        frame,
        app,
        rest,
        &[("FIELD", 14), ("VALUE (OLD)", 0)],
        &rows,
        app.detail_cursor(),
    ))
}
