//! The root browser tab: the current directory inside the process's root, or the list of
//! interesting paths, with the error of the last operation if any.

use super::Layout;
use super::procs::human;
use super::table::table;
use crate::tui::state::{App, Browser};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    let Some(b) = app.files.browser.as_ref() else {
        return Layout::default();
    };
    if area.height < 2 {
        return Layout::default();
    }
    let (head, st) = match &b.error {
        Some(e) => (crate::model::escape(e).into_owned(), t.error()),
        None if b.interesting.is_some() => (
            "interesting paths (Enter: view, Esc: back to the directory)".to_string(),
            t.title(),
        ),
        None => (
            format!(
                "{}   (Enter: open, h: up, i: interesting paths)",
                crate::model::escape_bytes(&b.path)
            ),
            t.title(),
        ),
    };
    let (top, mut rest) = super::line_and_rest(area, 0);
    frame.render_widget(Paragraph::new(head).style(st), top);
    // why: a hostile directory can hold millions of entries; only the first ones are read,
    // and the last line says so whatever the scroll position.
    if let (Some(note), None) = (&b.truncated, &b.interesting)
        && rest.height >= 2
    {
        rest.height -= 1;
        let line = Rect {
            y: rest.y + rest.height,
            height: 1,
            ..rest
        };
        frame.render_widget(Paragraph::new(note.as_str()).style(t.error()), line);
    }
    if let Some(list) = &b.interesting {
        let rows: Vec<(Vec<String>, Style)> = list
            .iter()
            .map(|i| {
                (
                    vec![
                        i.path.safe().into_owned(),
                        crate::model::escape(&i.why).into_owned(),
                    ],
                    Style::new(),
                )
            })
            .collect();
        return Layout::list(table(
            frame,
            app,
            rest,
            &[("PATH", 40), ("WHY", 0)],
            &rows,
            b.cur,
        ));
    }
    dir_table(frame, app, b, rest)
}

/// The directory listing: kind, size and name (with a link's target).
fn dir_table(frame: &mut Frame, app: &App, b: &Browser, rest: Rect) -> Layout {
    let t = super::theme(app);
    let rows: Vec<(Vec<String>, Style)> = b
        .items
        .iter()
        .map(|e| {
            let mut name = e.name.safe().into_owned();
            if e.is_dir() {
                name.push('/');
            }
            if let Some(l) = &e.link {
                name.push_str(" -> ");
                name.push_str(&l.safe());
            }
            (
                vec![
                    crate::model::escape(&e.kind).into_owned(),
                    e.size.map_or("-".into(), human),
                    name,
                ],
                if e.is_dir() { t.title() } else { Style::new() },
            )
        })
        .collect();
    Layout::list(table(
        frame,
        app,
        rest,
        &[("KIND", 9), ("SIZE", 7), ("NAME", 0)],
        &rows,
        b.cur,
    ))
}
