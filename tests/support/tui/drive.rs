//! Driving the app in tests: build it over the fixture, press keys by their keymap names, and
//! draw a frame on ratatui's TestBackend.

use crossterm::event::{KeyEvent, KeyModifiers};
use procscope::analysis::secrets::RuleSet;
use procscope::tui::keymap::parse_key;
use procscope::tui::theme::Theme;
use procscope::tui::{App, Effect, Keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn app_sized(w: u16, h: u16) -> App {
    let rules = RuleSet::builtin().expect("rules");
    let mut app = App::new(
        super::snapshot(),
        Keymap::default_map().expect("keymap"),
        Some(rules),
        false,
    );
    app.theme = Theme { color: false };
    app.resize(w, h);
    app
}

pub fn app() -> App {
    app_sized(100, 30)
}

/// Press keys given as keymap names separated by spaces; `"text:abc"` types characters.
pub fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for k in keys.split(' ').filter(|k| !k.is_empty()) {
        if let Some(text) = k.strip_prefix("text:") {
            for c in text.chars() {
                fx.extend(app.key(KeyEvent::new(
                    crossterm::event::KeyCode::Char(c),
                    KeyModifiers::NONE,
                )));
            }
            continue;
        }
        let key = parse_key(k).expect("key name");
        fx.extend(app.key(KeyEvent::new(key.code, key.mods)));
    }
    fx
}

pub fn screen(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    term.draw(|f| procscope::tui::draw(f, app)).expect("draw");
    term.backend().to_string()
}
