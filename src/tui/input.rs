//! Terminal input to [`Action`]s: a key through the keymap of the mode in force (a character
//! typed into an open prompt when no key is bound), the mouse through the [`Layout`] the last
//! frame was drawn with. The only place crossterm's events meet the app.

use super::action::Action;
use super::keymap::Keymap;
use super::state::Mode;
use super::views::Layout;
use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

/// Rows one wheel notch moves.
const WHEEL_ROWS: i32 = 3;

/// The keymap in force.
#[derive(Clone, Debug)]
pub struct Input {
    keymap: Keymap,
}

impl Input {
    pub fn new(keymap: Keymap) -> Input {
        Input { keymap }
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// The action of a key press in `mode`: its binding, else in a prompt the character typed.
    pub fn key(&self, mode: Mode, ev: &KeyEvent) -> Option<Action> {
        if let Some(a) = self.keymap.lookup(mode, ev) {
            return Some(a);
        }
        match ev.code {
            KeyCode::Char(c)
                if mode == Mode::Search
                    && !ev
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(Action::Type(c))
            }
            _ => None,
        }
    }

    /// The action of a terminal event (key or mouse) in `mode`, clicks resolved against
    /// `layout`, the last frame drawn. Resizes and other events are not actions.
    pub fn event(&self, mode: Mode, layout: &Layout, ev: &TermEvent) -> Option<Action> {
        match ev {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => self.key(mode, k),
            TermEvent::Mouse(m) => mouse(layout, m),
            _ => None,
        }
    }
}

/// The action of a mouse event: the wheel scrolls, a click hits what `layout` says is there.
pub fn mouse(layout: &Layout, ev: &MouseEvent) -> Option<Action> {
    match ev.kind {
        MouseEventKind::ScrollDown => Some(Action::ScrollBy(WHEEL_ROWS)),
        MouseEventKind::ScrollUp => Some(Action::ScrollBy(-WHEEL_ROWS)),
        MouseEventKind::Down(_) => layout.click(ev.column, ev.row),
        _ => None,
    }
}
