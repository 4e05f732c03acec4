//! The Overview tab of the detail screen, UI-free (the detail view draws it, the state counts
//! its lines): the present layer's overview lines (ids, exe with its deleted or memfd tag, cwd,
//! root, state, capabilities, seccomp, namespaces, cgroups, container, what could not be read)
//! with the TUI's argv findings and detection alerts, values masked as the app shows them.

use crate::model::Process;
use crate::present::alert::AlertRow;
use crate::present::overview::{Line, Overview};
use crate::present::{Place as At, Shown, finding::argv_mark};
use crate::tui::findings::Place;
use crate::tui::state::App;

/// `value` or `<why it is missing>`.
pub fn or_why(v: Option<String>, p: &Process, field: &str) -> String {
    match v {
        Some(v) => v,
        None => crate::present::or_why(None, p.why(field))
            .text
            .into_string(),
    }
}

/// The TUI's place of a present place.
pub fn place(at: At) -> Place {
    match at {
        At::Env(i) => Place::Env(i),
        At::Argv(i) => Place::Argv(i),
    }
}

/// The overview of `p` with values shown as the app shows them (masked until revealed).
pub fn overview(app: &App, p: &Process) -> Overview {
    let shown = |at: At, raw: &[u8]| Shown::text(&app.shown_value(p, place(at), raw));
    let mut ov = Overview::build(p, &shown);
    for f in app.loaded.findings.of(p.pid, p.start_time) {
        if let Place::Argv(i) = f.place {
            ov.findings.push(argv_mark(i, &f.rule, f.severity));
        }
    }
    for a in app.loaded.alerts.of(p.pid, p.start_time) {
        ov.alerts.push(AlertRow::of(a, Some(p)).summary());
    }
    ov
}

/// The overview as labelled lines with their kinds, then the integrity lines when `X` was
/// pressed on this process.
pub fn overview_rows(app: &App, p: &Process) -> Vec<Line> {
    use crate::present::{Cell, Kind};
    let mut lines = overview(app, p).lines();
    let line = |cell| Line {
        label: Shown::label("integrity"),
        cell,
    };
    match app.integrity_of(p.key()) {
        Some(Ok(found)) => lines.extend(found.iter().cloned().map(line)),
        Some(Err(why)) => lines.push(line(Cell::new(Shown::text(why), Kind::Missing))),
        None => {}
    }
    lines
}

/// The overview as (label, value) lines, values escaped.
pub fn overview_lines(app: &App, p: &Process) -> Vec<(String, String)> {
    (overview_rows(app, p).into_iter())
        .map(|l| (l.label.into_string(), l.cell.text.into_string()))
        .collect()
}
