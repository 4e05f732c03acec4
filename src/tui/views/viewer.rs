//! The file viewer: text, hex or strings of a file read from a container root, escaped,
//! with search matches highlighted.

use super::Layout;
use crate::model::{escape, escape_bytes};
use crate::tui::state::App;
use crate::tui::state::viewer::{HEX_WIDTH, ViewMode, Viewer};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

fn hex_line(off: usize, b: &[u8]) -> String {
    let mut s = format!("{off:08x}  ");
    for i in 0..HEX_WIDTH {
        match b.get(i) {
            Some(x) => s.push_str(&format!("{x:02x} ")),
            None => s.push_str("   "),
        }
        if i == 7 {
            s.push(' ');
        }
    }
    s.push(' ');
    s.extend(b.iter().map(|&c| {
        if (0x20..0x7f).contains(&c) {
            c as char
        } else {
            '.'
        }
    }));
    s
}

pub fn render(frame: &mut Frame, app: &App, v: &Viewer, area: Rect) -> Layout {
    let t = super::theme(app);
    if area.height == 0 {
        return Layout::default();
    }
    let mut head = format!(
        "{}  {} bytes{}  mode {} (m)",
        escape_bytes(v.path.as_bytes()),
        v.data.size,
        if v.data.truncated {
            " (first part shown)"
        } else {
            ""
        },
        v.mode.as_str()
    );
    if !v.query.is_empty() {
        head.push_str(&format!(
            "  /{}: {} line(s)",
            escape(&v.query),
            v.matches.len()
        ));
    }
    let (top, body) = super::line_and_rest(area, 0);
    frame.render_widget(Paragraph::new(head).style(t.header()), top);
    if v.is_empty() {
        frame.render_widget(Paragraph::new("(empty)").style(t.dim()), body);
        return Layout::list(Some(body));
    }
    if v.data.sensitive && !app.reveal.all {
        let msg = format!(
            "sensitive file: content masked ({}); V reveals every value",
            crate::analysis::mask::mask(&v.data.bytes)
        );
        frame.render_widget(
            Paragraph::new(escape(&msg).into_owned()).style(t.finding()),
            body,
        );
        return Layout::list(Some(body));
    }
    let mut lines = Vec::new();
    let end = (v.scroll + body.height as usize).min(v.len());
    for i in v.scroll..end {
        let (off, bytes) = v.line(i);
        let text = match v.mode {
            ViewMode::Hex => hex_line(off, bytes),
            ViewMode::Text | ViewMode::Strings => escape_bytes(bytes).into_owned(),
        };
        let st = if v.matches.binary_search(&i).is_ok() {
            t.matched()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(text, st));
    }
    frame.render_widget(Paragraph::new(lines), body);
    Layout::list(Some(body))
}
