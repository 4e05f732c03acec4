//! Every secret finding across all processes; Enter jumps to the process and the variable.

use super::detail::table;
use crate::tui::app::App;
use crate::tui::findings::Place;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    if let Some(why) = &app.findings.unavailable {
        frame.render_widget(
            Paragraph::new(crate::model::escape(why).into_owned()).style(t.error()),
            area,
        );
        return;
    }
    let rows: Vec<(Vec<String>, Style)> = app
        .findings
        .rows
        .iter()
        .map(|f| {
            let value = app.snap.process(f.pid).filter(|p| p.start_time == f.start_time).map_or(
                String::new(),
                |p| {
                    let raw = match f.place {
                        Place::Env(i) => p
                            .environ
                            .as_ref()
                            .and_then(|e| e.get(i))
                            .and_then(|e| e.value.as_ref()),
                        Place::Argv(i) => p.cmdline.get(i),
                    };
                    match raw {
                        Some(v) if app.value_masked(p, f.place) => {
                            crate::model::escape(&crate::analysis::mask::mask(v.as_bytes()))
                                .into_owned()
                        }
                        Some(v) => v.safe().into_owned(),
                        None => String::new(),
                    }
                },
            );
            let place = match f.place {
                Place::Env(_) => "env",
                Place::Argv(_) => "argv",
            };
            let esc = |s: &str| crate::model::escape(s).into_owned();
            (
                vec![
                    esc(&f.severity),
                    f.pid.to_string(),
                    esc(&f.comm),
                    place.to_string(),
                    esc(&f.name),
                    esc(&f.rule),
                    value,
                ],
                t.finding(),
            )
        })
        .collect();
    table(
        frame,
        app,
        area,
        &[("SEV", 7), ("PID", 8), ("COMM", 14), ("IN", 5), ("NAME", 20), ("RULE", 16), ("VALUE (v: reveal)", 0)],
        &rows,
        app.secrets,
    );
}
