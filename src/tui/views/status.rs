//! The status bar (source, process count, scan time, alert count, what could not be read,
//! masking, scan progress) and the search/filter prompt above it.

use crate::model::escape;
use crate::tui::state::{App, Prompt};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The status text.
pub fn text(app: &App) -> String {
    let s = &app.loaded.snap;
    let source = match &app.setup.file {
        Some(f) => format!(
            "file {} ({} at {})",
            escape(f),
            escape(&s.meta.source),
            crate::model::time::utc(s.meta.taken_at)
        ),
        None => escape(&s.meta.source).into_owned(),
    };
    let source = match app.fleet().and_then(|f| Some((f, f.hosts.get(f.active)?))) {
        Some((f, h)) => format!(
            "host {} ({}/{}, taken {})",
            escape(&h.name),
            f.active + 1,
            f.hosts.len(),
            crate::model::time::utc(h.taken_ms / 1000)
        ),
        None => source,
    };
    let mut parts = vec![
        source,
        format!("{} procs", s.processes.len()),
        format!("scan {} ms", s.meta.scan_ms),
    ];
    let denied = s.stats.denied_fields;
    if denied > 0 {
        parts.push(format!("{denied} fields denied"));
    }
    if s.stats.unresolved_fds > 0 {
        parts.push(format!("{} fds unreadable", s.stats.unresolved_fds));
    }
    parts.push(if app.reveal.all {
        "REVEALED".into()
    } else {
        "masked".into()
    });
    if let Some(d) = &app.loaded.diff {
        parts.push(crate::tui::diffmark::summary(d));
    }
    if !app.procs.filter.text.is_empty() {
        parts.push(format!("filter: {} match(es)", app.procs.filter.count));
    }
    if !app.procs.search.text.is_empty() && app.overlay.prompt != Some(Prompt::Search) {
        parts.push(format!("search: {} match(es)", app.procs.search.count));
    }
    if let Some((done, total)) = app.status.progress {
        parts.push(format!("fds {}/{}", thousands(done), thousands(total)));
    }
    if let Some(ms) = app.status.scanning {
        const SPIN: [char; 4] = ['|', '/', '-', '\\'];
        parts.push(format!(
            "scanning {} {:.1} s",
            SPIN[(ms / 250) as usize % 4],
            ms as f64 / 1000.0
        ));
    }
    if let Some(m) = &app.status.message {
        parts.push(escape(m).into_owned());
    }
    // why: last, so a long status line (busy host, a message) cuts it first: the top bar
    // counts the alerts too.
    let alerts = app.loaded.alerts.rows.len();
    if alerts > 0 {
        parts.push(format!("{alerts} alert(s)"));
    }
    parts.join(" │ ")
}

/// `3,120`.
fn thousands(n: usize) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = super::theme(app);
    let y = area.y + area.height - 1;
    frame.render_widget(
        Paragraph::new(format!(" {}", text(app))).style(t.bar()),
        Rect {
            y,
            height: 1,
            ..area
        },
    );
    let Some(p) = app.overlay.prompt else { return };
    let (label, q, err, mode) = match p {
        Prompt::Search => (
            "search",
            app.procs.search.text.as_str(),
            app.procs.search.error.as_deref(),
            Some(app.procs.search.mode),
        ),
        Prompt::Filter => (
            "filter",
            app.procs.filter.text.as_str(),
            app.procs.filter.error.as_deref(),
            Some(app.procs.filter.mode),
        ),
        Prompt::ViewerSearch => (
            "find",
            app.files.viewer.as_ref().map_or("", |v| v.query.as_str()),
            None,
            None,
        ),
    };
    let mut spans = vec![
        Span::styled(
            match mode {
                Some(m) => format!("{label} [{}]: ", m.as_str()),
                None => format!("{label}: "),
            },
            t.title(),
        ),
        Span::raw(escape(q).into_owned()),
        Span::styled("█", t.dim()),
    ];
    match (err, p) {
        (Some(e), _) => spans.push(Span::styled(format!("  {}", escape(e)), t.error())),
        (None, Prompt::Search) => spans.push(Span::styled(
            format!("  {} match(es)", app.procs.search.count),
            t.dim(),
        )),
        (None, Prompt::Filter) => spans.push(Span::styled(
            format!("  {} match(es)", app.procs.filter.count),
            t.dim(),
        )),
        _ => {}
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)),
        Rect {
            y: y - 1,
            height: 1,
            ..area
        },
    );
}
