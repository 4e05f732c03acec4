//! Drawing: one module per screen, each a function of `&App` (drawing never mutates) that
//! returns the [`Layout`] it drew, which the loop keeps for the mouse.

pub mod alerts;
pub mod containers;
pub mod detail;
pub mod gone;
pub mod help;
pub mod hosts;
pub mod procs;
pub mod rootfs;
pub mod secrets;
pub mod status;
pub mod table;
pub mod viewer;

pub use crate::tui::text::fit;

use super::action::Action;
use super::state::{App, Tab, View};
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Where things were drawn: what a click can hit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Labels that do something when clicked (top bar entries, detail tabs).
    pub targets: Vec<(Rect, Action)>,
    /// The rows of the list in front, one line each.
    pub list: Option<Rect>,
}

impl Layout {
    /// A layout with only a list area.
    pub fn list(area: Option<Rect>) -> Layout {
        Layout {
            targets: Vec::new(),
            list: area,
        }
    }

    /// What a click at (`column`, `row`) does.
    pub fn click(&self, column: u16, row: u16) -> Option<Action> {
        let at = Position::new(column, row);
        if let Some((_, a)) = self.targets.iter().find(|(r, _)| r.contains(at)) {
            return Some(*a);
        }
        let list = self.list?;
        list.contains(at)
            .then(|| Action::ClickRow(usize::from(row - list.y)))
    }
}

/// The palette of `app`.
/// The style of a present cell of this kind (kinds, not the text, choose the colour).
pub fn style(t: Theme, k: crate::present::Kind) -> ratatui::style::Style {
    use crate::present::Kind;
    match k {
        Kind::Normal => ratatui::style::Style::new(),
        Kind::Dim | Kind::Missing | Kind::Denied => t.dim(),
        Kind::Warn => t.mark(),
        Kind::Danger | Kind::Masked => t.finding(),
    }
}

pub fn theme(app: &App) -> Theme {
    Theme::new(app.setup().color)
}

/// Rows taken by the top bar.
const TOP: u16 = 1;

/// The body area (between the top bar and the prompt/status lines).
pub fn body(app: &App, area: Rect) -> Rect {
    let bottom = 1 + u16::from(app.overlay.prompt.is_some());
    Rect {
        x: area.x,
        y: area.y + TOP.min(area.height),
        width: area.width,
        height: area.height.saturating_sub(TOP + bottom),
    }
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

/// Draw the whole frame; returns where the clickable parts were drawn.
pub fn draw(frame: &mut Frame, app: &App) -> Layout {
    let area = frame.area();
    if area.height < 3 || area.width < 10 {
        frame.render_widget(Paragraph::new("procscope: terminal too small"), area);
        return Layout::default();
    }
    let targets = top_bar(frame, app, Rect { height: 1, ..area });
    let b = body(app, area);
    let mut layout = if let Some(v) = &app.files.viewer {
        viewer::render(frame, app, v, b)
    } else {
        match app.nav.view {
            View::Procs => procs::render(frame, app, b),
            View::Detail => detail::render(frame, app, b),
            View::Secrets => secrets::render(frame, app, b),
            View::Containers => containers::render(frame, app, b),
            View::Alerts => alerts::render(frame, app, b),
            View::Hosts => hosts::render(frame, app, b),
        }
    };
    status::render(frame, app, area);
    if app.overlay.help.is_some() {
        help::render(frame, app, area);
        // why: the popup covers the screen below; only the top bar stays clickable.
        layout = Layout::default();
    }
    layout.targets.splice(0..0, targets);
    layout
}

/// The labels of the top bar, what a click on each does, and whether it is the current view.
pub fn top_labels(app: &App) -> Vec<(String, Option<Action>, bool)> {
    let view = if app.files.viewer.is_some() {
        None
    } else {
        Some(app.nav.view)
    };
    let mut labels = vec![
        (" procscope ".into(), None, true),
        (
            " 1 Tree ".into(),
            Some(Action::ShowTree),
            view == Some(View::Procs),
        ),
        (
            format!(" 2 Secrets ({}) ", app.loaded.findings.rows.len()),
            Some(Action::ShowSecrets),
            view == Some(View::Secrets),
        ),
        (
            format!(" 3 Containers ({}) ", app.loaded.groups.len()),
            Some(Action::ShowContainers),
            view == Some(View::Containers),
        ),
        (" Detail ".into(), None, view == Some(View::Detail)),
        (" ? help ".into(), Some(Action::Help), false),
    ];
    // why: the alerts' count is dropped when it would push `? help` off a narrow bar.
    let used: usize = labels.iter().map(|(l, _, _)| l.chars().count()).sum();
    let mut alerts = format!(" 4 Alerts ({}) ", app.loaded.alerts.rows.len());
    if used + alerts.chars().count() > usize::from(app.setup.size.0) {
        alerts = " 4 Alerts ".into();
    }
    let at = labels.len() - 2;
    labels.insert(
        at,
        (alerts, Some(Action::ShowAlerts), view == Some(View::Alerts)),
    );
    if let Some(f) = app.fleet() {
        let used: usize = labels.iter().map(|(l, _, _)| l.chars().count()).sum();
        let mut hosts = format!(" 5 Hosts ({}) ", f.hosts.len());
        if used + hosts.chars().count() > usize::from(app.setup.size.0) {
            hosts = " 5 Hosts ".into();
        }
        let at = labels.len() - 2;
        labels.insert(
            at,
            (hosts, Some(Action::ShowHosts), view == Some(View::Hosts)),
        );
    }
    labels
}

/// Lay labels out left to right on the line `area`: the area each takes, cut at its end.
pub fn label_areas<'a, T: 'a>(
    area: Rect,
    labels: impl IntoIterator<Item = (&'a str, T)>,
) -> Vec<(Rect, T)> {
    let mut x = area.x;
    let end = area.x.saturating_add(area.width);
    let mut out = Vec::new();
    for (label, what) in labels {
        let w = u16::try_from(label.chars().count()).unwrap_or(u16::MAX);
        let r = Rect {
            x,
            width: w.min(end.saturating_sub(x)),
            ..area
        };
        out.push((r, what));
        x = x.saturating_add(w);
    }
    out
}

/// The tab labels of the detail screen (each followed by a one-column gap).
pub fn tab_labels() -> Vec<(String, Option<Tab>)> {
    Tab::ALL
        .iter()
        .flat_map(|t| [(format!(" {} ", t.title()), Some(*t)), (" ".into(), None)])
        .collect()
}

fn top_bar(frame: &mut Frame, app: &App, area: Rect) -> Vec<(Rect, Action)> {
    let t = theme(app);
    let labels = top_labels(app);
    let spans: Vec<Span> = labels
        .iter()
        .map(|(label, _, on)| {
            Span::styled(label.clone(), if *on { t.bar_active() } else { t.bar() })
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.bar()), area);
    label_areas(area, labels.iter().map(|(l, a, _)| (l.as_str(), *a)))
        .into_iter()
        .filter_map(|(r, a)| Some((r, a?)))
        .collect()
}

/// A list window: the rows `[off, off+h)` for a cursor over `len` rows.
pub fn window(cur: super::state::cursor::Cursor, len: usize, h: usize) -> std::ops::Range<usize> {
    let off = super::state::cursor::offset(cur.sel, cur.off, len, h);
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
