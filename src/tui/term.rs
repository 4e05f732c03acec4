//! Giving the terminal back: the restore sequence (used on a normal exit and by the panic
//! hook) and the panic hook that runs it when the UI thread panics.

use crossterm::cursor::Show;
use crossterm::event::DisableMouseCapture;
use crossterm::terminal::LeaveAlternateScreen;
use std::io::Write;
use std::thread::ThreadId;

/// Write the sequence that gives the terminal back after the UI: mouse capture off, the main
/// screen again, the cursor shown. Harmless when already restored.
pub fn write_restore(w: &mut impl Write) -> std::io::Result<()> {
    crossterm::execute!(w, DisableMouseCapture, LeaveAlternateScreen, Show)
}

/// Give the terminal back: [`write_restore`] on stdout and raw mode off. Safe to call twice.
pub fn restore() {
    let _ = write_restore(&mut std::io::stdout());
    let _ = crossterm::terminal::disable_raw_mode();
}

/// Whether a panic on thread `current` ends the UI running on thread `ui`: then `restore` is
/// run first (so the panic message lands on a usable terminal) and true is returned.
/// why: a panic in a background thread is caught and reported by its joiner (the collector
/// shows "scan failed"); restoring the terminal under the running UI would wreck the screen.
pub fn on_panic(ui: ThreadId, current: ThreadId, restore: impl FnOnce()) -> bool {
    if current != ui {
        return false;
    }
    restore();
    true
}

/// Install a panic hook for a UI running on the calling thread: a panic on this thread runs
/// `restore` then the previous hook (which prints the message); other threads' panics are
/// left to their joiners.
pub fn install_panic_hook(restore: fn()) {
    let ui = std::thread::current().id();
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if on_panic(ui, std::thread::current().id(), restore) {
            prev(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restore_sequence_leaves_the_alternate_screen_with_mouse_off_and_cursor_on() {
        let mut buf = Vec::new();
        write_restore(&mut buf).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let at = |seq: &str| {
            s.find(seq)
                .unwrap_or_else(|| panic!("{seq:?} not in {s:?}"))
        };
        // Mouse reporting off (normal and SGR modes), before leaving the alternate screen.
        assert!(at("\x1b[?1000l") < at("\x1b[?1049l"), "{s:?}");
        at("\x1b[?1006l");
        at("\x1b[?25h");
    }

    #[test]
    fn only_the_ui_thread_restores() {
        let ui = std::thread::current().id();
        let mut ran = 0;
        assert!(on_panic(ui, ui, || ran += 1));
        assert_eq!(ran, 1);
        let other = std::thread::spawn(|| std::thread::current().id())
            .join()
            .unwrap();
        assert!(!on_panic(ui, other, || ran += 1));
        assert_eq!(ran, 1);
    }
}
