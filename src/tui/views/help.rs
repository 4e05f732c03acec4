//! The help popup, generated from the keymap: every key of every mode with what it does.

use super::fit;
use crate::model::escape;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The help text, one line per action and mode.
pub fn lines(app: &App) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for (mode, entries) in app.keymap.help() {
        out.push((true, mode.title().to_string()));
        for (keys, desc) in entries {
            // why: descriptions may come from the user's keymap file; draw them escaped too.
            let (keys, desc) = (escape(&keys), escape(&desc));
            out.push((false, format!("  {} {}", fit(&keys, 22), desc)));
        }
    }
    out.push((true, "Search syntax".into()));
    for l in [
        "  words match name and command line (plain; re:REGEX; ~fuzzy; ctrl-t cycles)",
        "  pid=N user=NAME comm=TEXT container=ID pod=UID port=N",
        "  env:NAME env:NAME=REGEX secret; prefix ! negates; all terms must match",
    ] {
        out.push((false, l.to_string()));
    }
    out
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let pop = area.centered(Constraint::Percentage(90), Constraint::Percentage(90));
    frame.render_widget(Clear, pop);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Help: keys (Esc closes, j/k scroll) ");
    let inner = block.inner(pop);
    frame.render_widget(block, pop);
    let all = lines(app);
    let max = all.len().saturating_sub(inner.height as usize);
    let start = app.help.unwrap_or(0).min(max);
    let shown: Vec<Line> = all
        .into_iter()
        .skip(start)
        .take(inner.height as usize)
        .map(|(title, s)| {
            if title {
                Line::styled(s, t.title())
            } else {
                Line::raw(s)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
