//! The Threads tab (each thread's state, current syscall decoded and wchan, the rows
//! `inspect` prints) and the Trace tab (a background syscall count: its progress, then the
//! `strace -c` table `procscope trace -c` prints).

use super::super::style;
use super::super::table::table;
use crate::model::Process;
use crate::present::thread::{HEADERS, ThreadRow};
use crate::tui::state::App;
use crate::tui::state::cursor::Cursor;
use crate::tui::state::trace::Phase;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Paragraph;

/// Column widths of the Threads tab (the syscall takes what is left but the wchan's 20).
fn widths(width: u16) -> [usize; 5] {
    let syscall = (width as usize).saturating_sub(8 + 16 + 6 + 20).max(12);
    [8, 16, 6, syscall, 0]
}

pub fn threads_tab(
    frame: &mut Frame,
    app: &App,
    p: &Process,
    rest: Rect,
    cur: Cursor,
) -> Option<Rect> {
    let t = super::super::theme(app);
    if p.threads.is_empty() {
        let msg = format!(
            "threads {}",
            crate::tui::overview::or_why(None, p, "threads")
        );
        frame.render_widget(Paragraph::new(msg).style(t.dim()), rest);
        return None;
    }
    let rows: Vec<(Vec<String>, Style)> = ThreadRow::all(&app.loaded.snap, p)
        .into_iter()
        .map(|r| {
            let st = style(t, r.syscall.kind);
            let cells = r.cells().into_iter().map(|c| c.text.into_string());
            (cells.collect(), st)
        })
        .collect();
    let w = widths(rest.width);
    let cols: Vec<(&str, usize)> = HEADERS.iter().copied().zip(w).collect();
    table(frame, app, rest, &cols, &rows, cur)
}

pub fn trace_tab(
    frame: &mut Frame,
    app: &App,
    p: &Process,
    rest: Rect,
    cur: Cursor,
) -> Option<Rect> {
    let t = super::super::theme(app);
    let (line, below) = super::super::line_and_rest(rest, 0);
    let Some(run) = app.detail_trace() else {
        let msg = format!(
            "T: count the syscalls of pid {} (and its threads) for {} s, like strace -f -c -w",
            p.pid,
            crate::tui::state::trace::TRACE_SECS
        );
        frame.render_widget(Paragraph::new(msg).style(t.dim()), line);
        return None;
    };
    let (msg, st) = match &run.phase {
        Phase::Running { stopping: false } => (
            format!(
                "tracing pid {}: {:.1} of {} s, {} calls (T or esc: stop)",
                run.key.pid,
                run.elapsed_ms as f64 / 1000.0,
                run.secs,
                run.table.total.calls
            ),
            t.mark(),
        ),
        Phase::Running { stopping: true } => ("stopping (detaching)…".to_string(), t.mark()),
        Phase::Done(how) => (
            format!("{} calls; {how} (T: count again)", run.table.total.calls),
            Style::new(),
        ),
        Phase::Failed(why) => (format!("trace refused or failed: {why}"), t.error()),
    };
    frame.render_widget(Paragraph::new(msg).style(st), line);
    let lines = app.trace_lines();
    let rows: Vec<(Vec<String>, Style)> =
        lines.into_iter().map(|l| (vec![l], Style::new())).collect();
    if rows.is_empty() {
        return None;
    }
    let text = run.table.text();
    let head = text.lines().next().unwrap_or_default();
    table(frame, app, below, &[(head, 0)], &rows, cur)
}
