//! Every secret finding across all processes; Enter jumps to the process and the variable.

use super::Layout;
use super::style;
use super::table::table;
use crate::analysis::secrets::SecretSource;
use crate::present::finding::FindingRow;
use crate::present::{Cell, Kind, Shown};
use crate::tui::findings::{self, Place};
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, app: &App, area: Rect) -> Layout {
    let t = super::theme(app);
    if let Some(why) = &app.loaded.findings.unavailable {
        frame.render_widget(
            Paragraph::new(crate::model::escape(why).into_owned()).style(t.error()),
            area,
        );
        return Layout::default();
    }
    let rows: Vec<(Vec<String>, Style)> = (app.loaded.findings.rows.iter())
        .map(|f| {
            let r = row(app, f);
            let st = style(t, Kind::Danger);
            let cells = [
                r.severity,
                r.pid,
                r.comm,
                r.place,
                r.name,
                r.rule,
                r.value.text,
            ];
            (cells.into_iter().map(Shown::into_string).collect(), st)
        })
        .collect();
    let list = table(
        frame,
        app,
        area,
        &[
            ("SEV", 9),
            ("PID", 7),
            ("COMM", 10),
            ("IN", 5),
            ("NAME", 18),
            ("RULE", 16),
            ("VALUE (v: reveal)", 0),
        ],
        &rows,
        app.secrets.cur,
    );
    Layout::list(list)
}

/// The secret of a finding as shown: masked unless revealed; empty once the process is gone.
fn value(app: &App, f: &findings::FindingRow) -> Cell {
    let Some(p) = (app.loaded.snap.process(f.pid)).filter(|p| p.start_time == f.start_time) else {
        return Cell::default();
    };
    let raw = match f.place {
        Place::Env(i) => p
            .environ
            .as_ref()
            .and_then(|e| e.get(i))
            .and_then(|e| e.value),
        Place::Argv(i) => p.cmdline.get(i).map(|a| a.as_bytes()),
    };
    let secret = raw
        .and_then(|v| v.get(f.span.0..f.span.1))
        .unwrap_or_default();
    if app.value_masked(p, f.place) {
        let masked = crate::analysis::mask::mask(secret);
        Cell::new(Shown::text(&masked), Kind::Masked)
    } else {
        Cell::new(Shown::bytes(secret), Kind::Danger)
    }
}

/// The present row of a finding (its text fields were escaped when the app indexed it).
fn row(app: &App, f: &findings::FindingRow) -> FindingRow {
    let source = match f.place {
        Place::Env(_) => SecretSource::Environ,
        Place::Argv(_) => SecretSource::Cmdline,
    };
    let container = Shown::text(f.container.as_deref().unwrap_or("-"));
    FindingRow::new(
        f.pid,
        Shown::text(&f.comm),
        container,
        source,
        Shown::text(&f.name),
        Shown::text(&f.rule),
        f.severity,
        value(app, f),
    )
}
