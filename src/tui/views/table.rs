//! A header line and a window of rows in fixed-width columns, the selected row highlighted;
//! returns where the rows went.

use super::{fit, window};
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// A header line and a window of rows; a column width of 0 takes the rest of the line.
/// Returns the area of the rows.
pub fn table(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    cols: &[(&str, usize)],
    rows: &[(Vec<String>, Style)],
    cur: crate::tui::state::cursor::Cursor,
) -> Option<Rect> {
    let t = super::theme(app);
    if area.height == 0 {
        return None;
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for ((c, (_, w)), last) in cells
            .zip(cols)
            .zip((0..cols.len()).map(|i| i + 1 == cols.len()))
        {
            if last || *w == 0 {
                s.push_str(c);
            } else {
                s.push_str(&fit(c, w - 1));
                s.push(' ');
            }
        }
        s
    };
    let head = line(&mut cols.iter().map(|(h, _)| *h));
    let (top, body) = super::line_and_rest(area, 0);
    frame.render_widget(
        Paragraph::new(fit(&head, area.width as usize)).style(t.header()),
        top,
    );
    if rows.is_empty() {
        frame.render_widget(Paragraph::new("(none)").style(t.dim()), body);
        return Some(body);
    }
    let mut out = Vec::new();
    for i in window(cur, rows.len(), body.height as usize) {
        let (cells, st) = &rows[i];
        let mut l = Line::styled(line(&mut cells.iter().map(String::as_str)), *st);
        if i == cur.sel {
            l = l.patch_style(t.selected());
        }
        out.push(l);
    }
    frame.render_widget(Paragraph::new(out), body);
    Some(body)
}
