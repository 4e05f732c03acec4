//! Driving the app in tests: build it over the fixture, press keys by their keymap names, and
//! draw a frame on ratatui's TestBackend.

use crossterm::event::{Event, KeyEvent, KeyModifiers, MouseEvent};
use procscope::analysis::secrets::RuleSet;
use procscope::tui::keymap::parse_key;
use procscope::tui::{App, Effect, Input, Keymap, Layout};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn app_sized(w: u16, h: u16) -> App {
    app_of(super::snapshot(), w, h)
}

/// The app over `snap`, with the built-in secret rules, without colour, `w` x `h`.
pub fn app_of(snap: procscope::model::Snapshot, w: u16, h: u16) -> App {
    let rules = RuleSet::builtin().expect("rules");
    let mut app = App::new(
        snap,
        Keymap::default_map().expect("keymap").help(),
        Some(rules),
        false,
    );
    app.set_color(false);
    app.resize(w, h);
    app
}

pub fn app() -> App {
    app_sized(100, 30)
}

fn input() -> Input {
    Input::new(Keymap::default_map().expect("keymap"))
}

/// Press keys given as keymap names separated by spaces; `"text:abc"` types characters.
pub fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    let input = input();
    let mut fx = Vec::new();
    let mut key = |app: &mut App, ev: KeyEvent| {
        if let Some(a) = input.key(app.mode(), &ev) {
            fx.extend(app.update(a));
        }
    };
    for k in keys.split(' ').filter(|k| !k.is_empty()) {
        if let Some(text) = k.strip_prefix("text:") {
            for c in text.chars() {
                key(
                    app,
                    KeyEvent::new(crossterm::event::KeyCode::Char(c), KeyModifiers::NONE),
                );
            }
            continue;
        }
        let parsed = parse_key(k).expect("key name");
        key(app, KeyEvent::new(parsed.code, parsed.mods));
    }
    fx
}

/// A mouse event against the layout of a frame drawn now.
pub fn mouse(app: &mut App, ev: MouseEvent) -> Vec<Effect> {
    let layout = layout(app);
    match input().event(app.mode(), &layout, &Event::Mouse(ev)) {
        Some(a) => app.update(a),
        None => Vec::new(),
    }
}

/// Draw a frame and return the layout it drew.
pub fn layout(app: &App) -> Layout {
    let mut term =
        Terminal::new(TestBackend::new(app.setup().size.0, app.setup().size.1)).expect("terminal");
    let mut drawn = Layout::default();
    term.draw(|f| drawn = procscope::tui::draw(f, app))
        .expect("draw");
    drawn
}

pub fn screen(app: &App) -> String {
    let mut term =
        Terminal::new(TestBackend::new(app.setup().size.0, app.setup().size.1)).expect("terminal");
    term.draw(|f| {
        procscope::tui::draw(f, app);
    })
    .expect("draw");
    term.backend().to_string()
}
