//! The TUI's panic hook with a real panic (in its own test binary, as a panic hook is
//! process-wide): a panic on the UI thread runs the terminal restore sequence before the
//! message is printed; a panic on another thread leaves the terminal to the running UI.

use procscope::tui::term;
use std::sync::Mutex;

/// What the restore function wrote, instead of stdout.
static WRITTEN: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn record() {
    let mut w = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
    term::write_restore(&mut *w).expect("write to a Vec");
}

fn written() -> Vec<u8> {
    WRITTEN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

#[test]
fn a_panic_on_the_ui_thread_restores_the_terminal_and_others_do_not() {
    term::install_panic_hook(record);
    // Another thread's panic: caught by its joiner, the terminal is left alone.
    let r = std::thread::spawn(|| panic!("background scan failed")).join();
    assert!(r.is_err());
    assert!(written().is_empty(), "restored for a background panic");
    // The UI thread's panic: the restore sequence is written once.
    let r = std::panic::catch_unwind(|| panic!("UI bug"));
    assert!(r.is_err());
    let mut want = Vec::new();
    term::write_restore(&mut want).expect("write to a Vec");
    assert_eq!(written(), want);
    let s = String::from_utf8_lossy(&want).into_owned();
    assert!(
        s.contains("\u{1b}[?1049l") && s.contains("\u{1b}[?25h"),
        "{s:?}"
    );
    drop(std::panic::take_hook());
}
