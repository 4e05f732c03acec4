//! Drawing: one module per screen, each a function of `&App` (drawing never mutates), plus the
//! frame layout shared with the mouse handling.

pub mod containers;
pub mod detail;
pub mod gone;
pub mod help;
pub mod overview;
pub mod procs;
pub mod rootfs;
pub mod secrets;
pub mod status;
pub mod table;
pub mod viewer;

use super::action::Action;
use super::app::{App, Tab, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows taken by the top bar.
const TOP: u16 = 1;

/// The body area (between the top bar and the prompt/status lines).
pub fn body(app: &App, area: Rect) -> Rect {
    let bottom = 1 + u16::from(app.prompt.is_some());
    Rect {
        x: area.x,
        y: area.y + TOP.min(area.height),
        width: area.width,
        height: area.height.saturating_sub(TOP + bottom),
    }
}

/// Lines above the list body, per screen.
fn list_offset(app: &App) -> u16 {
    if app.viewer.is_some() {
        return 1;
    }
    match app.view {
        View::Procs | View::Secrets => 1,
        View::Containers => 1,
        View::Detail => match app.detail.as_ref().map(|d| d.tab) {
            Some(Tab::Root) => 4,
            _ => 3,
        },
    }
}

/// Screen row where the current list's first row is drawn, and how many rows it shows.
pub fn list_area(app: &App) -> Option<(usize, usize)> {
    if app.help.is_some() {
        return None;
    }
    let full = Rect::new(0, 0, app.size.0, app.size.1);
    let b = body(app, full);
    let off = list_offset(app);
    let mut h = b.height.saturating_sub(off) as usize;
    if app.view == View::Containers && app.viewer.is_none() {
        h = containers::table_height(b.height.saturating_sub(off));
    }
    Some(((b.y + off) as usize, h))
}

/// Line `at` of `area` (a header, a tab bar, a note) and the rows below it.
pub fn line_and_rest(area: Rect, at: u16) -> (Rect, Rect) {
    let line = Rect {
        y: area.y + at,
        height: 1.min(area.height.saturating_sub(at)),
        ..area
    };
    let rest = Rect {
        y: area.y + at + 1,
        height: area.height.saturating_sub(at + 1),
        ..area
    };
    (line, rest)
}

/// Draw the whole frame.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.height < 3 || area.width < 10 {
        frame.render_widget(Paragraph::new("procscope: terminal too small"), area);
        return;
    }
    top_bar(frame, app, Rect { height: 1, ..area });
    let b = body(app, area);
    if let Some(v) = &app.viewer {
        viewer::render(frame, app, v, b);
    } else {
        match app.view {
            View::Procs => procs::render(frame, app, b),
            View::Detail => detail::render(frame, app, b),
            View::Secrets => secrets::render(frame, app, b),
            View::Containers => containers::render(frame, app, b),
        }
    }
    status::render(frame, app, area);
    if app.help.is_some() {
        help::render(frame, app, area);
    }
}

/// The labels of the top bar, what a click on each does, and whether it is the current view.
pub fn top_labels(app: &App) -> Vec<(String, Option<Action>, bool)> {
    let view = if app.viewer.is_some() {
        None
    } else {
        Some(app.view)
    };
    vec![
        (" procscope ".into(), None, true),
        (
            " 1 Tree ".into(),
            Some(Action::ShowTree),
            view == Some(View::Procs),
        ),
        (
            format!(" 2 Secrets ({}) ", app.findings.rows.len()),
            Some(Action::ShowSecrets),
            view == Some(View::Secrets),
        ),
        (
            format!(" 3 Containers ({}) ", app.groups.len()),
            Some(Action::ShowContainers),
            view == Some(View::Containers),
        ),
        (" Detail ".into(), None, view == Some(View::Detail)),
        (" ? help ".into(), Some(Action::Help), false),
    ]
}

/// What a click at column `x` of a row made of `labels` hits.
pub fn hit<T: Copy>(labels: &[(String, T)], x: u16) -> Option<T> {
    let mut at = 0usize;
    for (label, what) in labels {
        let w = label.chars().count();
        if (x as usize) < at + w {
            return Some(*what);
        }
        at += w;
    }
    None
}

/// The tab labels of the detail screen (each followed by a one-column gap).
pub fn tab_labels() -> Vec<(String, Option<Tab>)> {
    Tab::ALL
        .iter()
        .flat_map(|t| [(format!(" {} ", t.title()), Some(*t)), (" ".into(), None)])
        .collect()
}

fn top_bar(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let spans: Vec<Span> = top_labels(app)
        .into_iter()
        .map(|(label, _, on)| Span::styled(label, if on { t.bar_active() } else { t.bar() }))
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.bar()), area);
}

/// Pad or cut `s` to exactly `w` display columns (char count; cells are escaped ASCII mostly).
pub fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        let mut o = s.to_string();
        o.extend(std::iter::repeat_n(' ', w - n));
        o
    } else if w == 0 {
        String::new()
    } else {
        let mut o: String = s.chars().take(w - 1).collect();
        o.push('…');
        o
    }
}

/// A list window: the rows `[off, off+h)` for a cursor over `len` rows.
pub fn window(cur: super::cursor::Cursor, len: usize, h: usize) -> std::ops::Range<usize> {
    let off = super::cursor::offset(cur.sel, cur.off, len, h);
    off..(off + h).min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_line_and_the_rows_below_never_overflow_a_short_area() {
        let area = Rect::new(2, 5, 40, 10);
        assert_eq!(
            line_and_rest(area, 0),
            (Rect::new(2, 5, 40, 1), Rect::new(2, 6, 40, 9))
        );
        assert_eq!(
            line_and_rest(area, 1),
            (Rect::new(2, 6, 40, 1), Rect::new(2, 7, 40, 8))
        );
        let (line, rest) = line_and_rest(Rect::new(0, 0, 40, 1), 1);
        assert_eq!((line.height, rest.height), (0, 0));
        let (line, rest) = line_and_rest(Rect::new(0, 0, 40, 0), 0);
        assert_eq!((line.height, rest.height), (0, 0));
    }
}
