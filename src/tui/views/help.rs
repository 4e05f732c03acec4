//! The help popup: every key of every mode with what it does (text from the overlay part).

use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = super::theme(app);
    let pop = area.centered(Constraint::Percentage(90), Constraint::Percentage(90));
    frame.render_widget(Clear, pop);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Help: keys (Esc closes, j/k scroll) ");
    let inner = block.inner(pop);
    frame.render_widget(block, pop);
    let all = app.overlay.help_lines();
    let max = all.len().saturating_sub(inner.height as usize);
    let start = app.overlay.help.unwrap_or(0).min(max);
    let shown: Vec<Line> = all
        .iter()
        .skip(start)
        .take(inner.height as usize)
        .map(|(title, s)| {
            if *title {
                Line::styled(s.as_str(), t.title())
            } else {
                Line::raw(s.as_str())
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
