//! Mode-scoped key bindings: `assets/keymap.yaml` compiled in, a user file merged on top
//! key by key. The help popup is generated from the same entries.

pub use super::state::Mode;

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A key name that is not one (`hyper`, `f99`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown key {0:?}")]
pub struct UnknownKey(pub String);

/// Why a keymap could not be loaded (one line).
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: {source}")]
    Key { origin: String, source: UnknownKey },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The default keymap.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.yaml");

/// One binding as written in the file.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    pub key: String,
    pub action: Action,
    #[serde(default)]
    pub desc: Option<String>,
}

/// A normalized key: code plus ctrl/alt (shift is part of the character).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalize a terminal key event.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::ALT);
                KeyCode::BackTab
            }
            c => c,
        };
        Key { code, mods }
    }
}

/// Parse `ctrl-c`, `G`, `f5`, `pagedown`, `?` into a key.
pub fn parse_key(s: &str) -> Result<Key, UnknownKey> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
            c.to_ascii_lowercase()
        } else {
            c
        }),
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            f if f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(UnknownKey(s.into())),
            },
            _ => return Err(UnknownKey(s.into())),
        },
    };
    Ok(Key { code, mods })
}

/// The bindings of every mode, in file order (for help) and indexed (for lookup).
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    entries: Vec<(Mode, Entry)>,
    index: HashMap<(Mode, Key), Action>,
}

type File = HashMap<Mode, Vec<Entry>>;

impl Keymap {
    /// The built-in keymap.
    pub fn default_map() -> Result<Keymap, KeymapError> {
        let mut k = Keymap::default();
        k.merge_str(DEFAULT_KEYMAP, "built-in keymap")?;
        Ok(k)
    }

    /// The built-in keymap with the user's file (see `source::config::keymap_file`) merged on
    /// top, if there is one.
    pub fn load(user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut k = Keymap::default_map()?;
        if let Some(path) = user_file {
            let text =
                crate::source::config::read_text(path).map_err(|source| KeymapError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
            k.merge_str(&text, &path.display().to_string())?;
        }
        Ok(k)
    }

    /// Merge a keymap document: a key bound again in the same mode takes the new action.
    pub fn merge_str(&mut self, text: &str, origin: &str) -> Result<(), KeymapError> {
        let file: File = serde_saphyr::from_str(text).map_err(|e| KeymapError::Parse {
            origin: origin.into(),
            message: e.to_string(),
        })?;
        let mut modes: Vec<_> = file.into_iter().collect();
        modes.sort_by_key(|(m, _)| *m);
        for (mode, entries) in modes {
            for e in entries {
                let key = parse_key(&e.key).map_err(|source| KeymapError::Key {
                    origin: origin.into(),
                    source,
                })?;
                if self.index.insert((mode, key), e.action).is_some() {
                    self.entries
                        .retain(|(m, old)| *m != mode || parse_key(&old.key).ok() != Some(key));
                }
                self.entries.push((mode, e));
            }
        }
        Ok(())
    }

    /// The action for `key` in `mode` (then in `Global`, unless typing text).
    pub fn lookup(&self, mode: Mode, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        if let Some(a) = self.index.get(&(mode, key)) {
            return Some(*a);
        }
        if mode == Mode::Search {
            return None;
        }
        self.index.get(&(Mode::Global, key)).copied()
    }

    /// Help lines per mode: (keys joined, description), one line per distinct action.
    pub fn help(&self) -> Vec<(Mode, Vec<(String, String)>)> {
        Mode::ALL
            .iter()
            .map(|&mode| {
                let mut lines: Vec<(Action, Vec<String>, String)> = Vec::new();
                for (m, e) in &self.entries {
                    if *m != mode {
                        continue;
                    }
                    let desc = e.desc.clone().unwrap_or_else(|| action_name(e.action));
                    match lines.iter_mut().find(|l| l.0 == e.action && l.2 == desc) {
                        Some(l) => l.1.push(e.key.clone()),
                        None => lines.push((e.action, vec![e.key.clone()], desc)),
                    }
                }
                let lines = lines
                    .into_iter()
                    .map(|(_, keys, desc)| (keys.join(" "), desc))
                    .collect();
                (mode, lines)
            })
            .collect()
    }
}

fn action_name(a: Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn default_map_parses_and_scopes() {
        let k = Keymap::default_map().unwrap();
        let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(k.lookup(Mode::Tree, &j), Some(Action::Down));
        assert_eq!(k.lookup(Mode::Search, &j), None, "typing j must not move");
        let shift_g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(k.lookup(Mode::Tree, &shift_g), Some(Action::Bottom));
        let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(k.lookup(Mode::Detail, &ctrl_c), Some(Action::Quit));
        assert_eq!(
            k.lookup(Mode::Tree, &ev(KeyCode::F(4), KeyModifiers::NONE)),
            Some(Action::Filter)
        );
        let help = k.help();
        assert!(help.iter().all(|(_, lines)| !lines.is_empty()));
    }

    #[test]
    fn user_override_replaces_one_key() {
        let mut k = Keymap::default_map().unwrap();
        k.merge_str(
            "tree:\n  - {key: j, action: up, desc: Up instead}\n",
            "user",
        )
        .unwrap();
        let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(k.lookup(Mode::Tree, &j), Some(Action::Up));
        assert!(
            k.merge_str("tree:\n  - {key: j, action: fly}\n", "u")
                .is_err()
        );
        assert!(
            k.merge_str("tree:\n  - {key: f99, action: up}\n", "u")
                .is_err()
        );
    }

    #[test]
    fn key_names() {
        assert_eq!(parse_key("ctrl-C").unwrap().code, KeyCode::Char('c'));
        assert_eq!(parse_key("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(parse_key("pagedown").unwrap().code, KeyCode::PageDown);
        assert!(parse_key("hyper").is_err());
    }
}
