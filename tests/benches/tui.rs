//! Keystroke-to-frame time of the TUI at 10,000 processes: the key's action through the keymap,
//! `App::update`, plus a full draw on ratatui's TestBackend, for moving, paging,
//! expanding/collapsing, typing a search and a filter. Also prints the resident memory of the process holding the app.

#[path = "../support/tui/mod.rs"]
mod fixture;

use criterion::{Criterion, criterion_group};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procscope::analysis::secrets::RuleSet;
use procscope::tui::{App, Input, Keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

const N: usize = 10_000;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

fn new_app() -> App {
    let mut app = App::new(
        fixture::synthetic(N),
        Keymap::default_map().expect("keymap").help(),
        Some(RuleSet::builtin().expect("rules")),
        false,
    );
    app.resize(120, 40);
    app
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn bench(c: &mut Criterion) {
    let mut app = new_app();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let input = Input::new(Keymap::default_map().expect("keymap"));
    let mut step = |app: &mut App, ev: KeyEvent| {
        if let Some(a) = input.key(app.mode(), &ev) {
            black_box(app.update(a));
        }
        term.draw(|f| {
            black_box(procscope::tui::draw(f, app));
        })
        .expect("draw");
    };
    c.bench_function("tui_10k/j_down_and_draw", |b| {
        b.iter(|| step(&mut app, key(KeyCode::Char('j'))))
    });
    c.bench_function("tui_10k/page_down_and_draw", |b| {
        b.iter(|| step(&mut app, key(KeyCode::PageDown)))
    });
    c.bench_function("tui_10k/collapse_expand_and_draw", |b| {
        b.iter(|| {
            step(&mut app, key(KeyCode::Char('h')));
            step(&mut app, key(KeyCode::Char('l')));
        })
    });
    c.bench_function("tui_10k/toggle_threads_and_draw", |b| {
        b.iter(|| step(&mut app, key(KeyCode::Char('H'))))
    });
    c.bench_function("tui_10k/flat_sorted_by_name_and_draw", |b| {
        b.iter(|| {
            step(&mut app, key(KeyCode::Char('t')));
            step(&mut app, key(KeyCode::Char('t')));
        })
    });
    // Typing in the search prompt re-evaluates the query over every process each keystroke.
    step(&mut app, key(KeyCode::Char('/')));
    c.bench_function("tui_10k/search_type_char_and_draw", |b| {
        b.iter(|| {
            step(&mut app, key(KeyCode::Char('7')));
            step(&mut app, key(KeyCode::Backspace));
        })
    });
    step(&mut app, key(KeyCode::Esc));
    step(&mut app, key(KeyCode::F(4)));
    c.bench_function("tui_10k/filter_type_char_and_draw", |b| {
        b.iter(|| {
            step(&mut app, key(KeyCode::Char('9')));
            step(&mut app, key(KeyCode::Backspace));
        })
    });
    step(&mut app, key(KeyCode::Esc));
    c.bench_function("tui_10k/open_detail_environ_and_back", |b| {
        b.iter(|| {
            step(&mut app, key(KeyCode::Char('e')));
            step(&mut app, key(KeyCode::Esc));
        })
    });
}

criterion_group!(benches, bench);

fn main() {
    let before = rss_kib();
    let t = std::time::Instant::now();
    let app = new_app();
    let built = t.elapsed();
    let after = rss_kib();
    println!(
        "tui_10k: {} processes; app built (tree, containers, secret scan, search text) in {:.1} ms; \
         RSS {} MiB with the app built ({} MiB before building it)",
        app.loaded().snap.processes.len(),
        built.as_secs_f64() * 1000.0,
        after / 1024,
        before / 1024
    );
    drop(app);
    benches();
    Criterion::default().configure_from_args().final_summary();
}
