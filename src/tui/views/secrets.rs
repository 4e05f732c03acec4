//! Every secret finding across all processes; Enter jumps to the process and the variable.

use super::Layout;
use super::table::table;
use crate::tui::findings::Place;
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
    let rows: Vec<(Vec<String>, Style)> = app
        .loaded
        .findings
        .rows
        .iter()
        .map(|f| {
            let value = app
                .loaded
                .snap
                .process(f.pid)
                .filter(|p| p.start_time == f.start_time)
                .map_or(String::new(), |p| {
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
                        crate::model::escape(&crate::analysis::mask::mask(secret)).into_owned()
                    } else {
                        crate::model::escape_bytes(secret).into_owned()
                    }
                });
            let place = match f.place {
                Place::Env(_) => "env",
                Place::Argv(_) => "argv",
            };
            (
                vec![
                    f.severity.as_str().to_string(),
                    f.pid.to_string(),
                    f.comm.clone(),
                    place.to_string(),
                    f.name.clone(),
                    f.rule.clone(),
                    value,
                ],
                t.finding(),
            )
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
