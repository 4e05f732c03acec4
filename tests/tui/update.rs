//! The update step without a terminal: keys, typed characters, the wheel and clicks become
//! actions (`tui::input`), actions change the state (`App::update`), and clicks are resolved
//! against the layout a draw on ratatui's TestBackend returned.

use crate::support::tui::drive::{app, layout, press};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use procscope::tui::input::mouse;
use procscope::tui::keymap::Mode;
use procscope::tui::{Action, App, Input, Keymap, Layout, Tab, View};

fn input() -> Input {
    Input::new(Keymap::default_map().expect("keymap"))
}

fn key(c: char, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), mods)
}

fn down(column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

/// The action of a click in the middle of the target doing `what`, in `layout`.
fn click_on(layout: &Layout, what: Action) -> Option<Action> {
    let (r, _) = layout.targets.iter().find(|(_, a)| *a == what)?;
    mouse(layout, &down(r.x + r.width / 2, r.y))
}

#[test]
fn typed_characters_are_actions_only_in_a_prompt() {
    let i = input();
    let none = KeyModifiers::NONE;
    assert_eq!(i.key(Mode::Tree, &key('j', none)), Some(Action::Down));
    assert_eq!(
        i.key(Mode::Search, &key('j', none)),
        Some(Action::Type('j'))
    );
    assert_eq!(
        i.key(Mode::Search, &key('é', none)),
        Some(Action::Type('é'))
    );
    assert_eq!(i.key(Mode::Search, &key('x', KeyModifiers::ALT)), None);
    assert_eq!(
        i.key(Mode::Tree, &key('x', none)),
        None,
        "unbound outside a prompt"
    );
    let mut a = app();
    // Without a prompt, a typed character changes nothing.
    a.update(Action::Type('z'));
    assert_eq!(a.procs().search.text, "");
    a.update(Action::Search);
    for c in "ngin".chars() {
        a.update(Action::Type(c));
    }
    a.update(Action::DeleteChar);
    a.update(Action::Type('n'));
    assert_eq!(a.procs().search.text, "ngin");
    assert_eq!(a.procs().search.count, 2);
    assert_eq!(a.selected().map(|p| p.pid), Some(500));
    a.update(Action::Cancel);
    assert_eq!(a.procs().search.text, "");
}

#[test]
fn the_wheel_scrolls_three_rows() {
    let mut a = app();
    let l = layout(&a);
    let wheel = |kind| MouseEvent {
        kind,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    };
    assert_eq!(
        mouse(&l, &wheel(MouseEventKind::ScrollDown)),
        Some(Action::ScrollBy(3))
    );
    assert_eq!(
        mouse(&l, &wheel(MouseEventKind::ScrollUp)),
        Some(Action::ScrollBy(-3))
    );
    a.update(Action::ScrollBy(3));
    assert_eq!(a.procs().cur.sel, 3);
    a.update(Action::ScrollBy(-3));
    a.update(Action::ScrollBy(-3));
    assert_eq!(a.procs().cur.sel, 0, "clamped at the top");
}

#[test]
fn a_click_on_a_list_row_selects_the_row_drawn_there() {
    let mut a = app();
    let l = layout(&a);
    let list = l.list.expect("the tree draws a list");
    assert_eq!(list.y, 2, "under the top bar and the header");
    assert_eq!(mouse(&l, &down(5, list.y + 3)), Some(Action::ClickRow(3)));
    assert_eq!(
        mouse(&l, &down(5, list.y - 1)),
        None,
        "the header is no row"
    );
    a.update(Action::ClickRow(3));
    assert_eq!(a.procs().cur.sel, 3);
    // A click below the last row selects nothing new.
    a.update(Action::ClickRow(500));
    assert_eq!(a.procs().cur.sel, 3);
    // On a small terminal, scrolled to the end, a click selects from the first row shown.
    let mut a = crate::support::tui::drive::app_sized(100, 8);
    press(&mut a, "G");
    let rows = a.procs().rows.len();
    let l = layout(&a);
    let h = l.list.expect("list").height as usize;
    let action = mouse(&l, &down(5, l.list.expect("list").y)).expect("a row");
    a.update(action);
    assert_eq!(a.procs().cur.sel, rows - h);
}

#[test]
fn a_click_on_a_tab_or_the_top_bar_uses_the_drawn_labels() {
    let mut a = app();
    press(&mut a, "enter");
    assert_eq!(a.view(), View::Detail);
    let l = layout(&a);
    let files = click_on(&l, Action::SelectTab(Tab::Files)).expect("a Files tab drawn");
    assert_eq!(files, Action::SelectTab(Tab::Files));
    a.update(files);
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Files));
    // The one-column gap after " Overview " hits nothing.
    let (ov, _) = *l
        .targets
        .iter()
        .find(|(_, t)| *t == Action::SelectTab(Tab::Overview))
        .expect("overview tab");
    assert_eq!(mouse(&l, &down(ov.x + ov.width, ov.y)), None);
    // The top bar.
    let secrets = click_on(&layout(&a), Action::ShowSecrets).expect("a Secrets label");
    a.update(secrets);
    assert_eq!(a.view(), View::Secrets);
    // With the help open, only the top bar can be clicked.
    a.update(Action::Help);
    let l = layout(&a);
    assert!(l.list.is_none());
    assert!(
        l.targets
            .iter()
            .all(|(r, a)| r.y == 0 && !matches!(a, Action::SelectTab(_)))
    );
}

#[test]
fn the_list_drawn_is_as_tall_as_the_page_the_state_moves_by() {
    let mut a = app();
    let check = |a: &App, what: &str| {
        let l = layout(a);
        assert_eq!(
            l.list.map(|r| r.height as usize),
            Some(a.page()),
            "{what}: drawn list vs page"
        );
    };
    check(&a, "tree");
    press(&mut a, "/");
    check(&a, "tree with the prompt open");
    press(&mut a, "esc 2");
    check(&a, "secrets");
    press(&mut a, "3");
    check(&a, "containers");
    press(&mut a, "4");
    check(&a, "alerts");
    press(&mut a, "1 enter");
    check(&a, "detail overview");
    press(&mut a, "e");
    check(&a, "detail environ");
    // PgDn moves by that page.
    press(&mut a, "esc");
    let before = a.procs().cur.sel;
    press(&mut a, "pagedown");
    assert_eq!(
        a.procs().cur.sel,
        (before + a.page()).min(a.procs().rows.len() - 1)
    );
}
