//! The TUI over the fixture snapshot: Enter on a connected local socket, in the Files and the
//! Sockets tab, jumps to the process holding its other end.

use crate::support::tui::drive::{app, press, screen};
use procscope::tui::Tab;

#[test]
fn enter_on_a_unix_socket_jumps_to_the_process_at_its_other_end() {
    let mut a = app();
    // sshd's fd 7 is connected to bash's fd 3; nobody else holds either.
    press(&mut a, "/ text:pid=100 enter f j");
    let s = screen(&a);
    assert!(s.contains("unix CONNECTED  ⇄ bash(200)"), "{s}");
    press(&mut a, "enter");
    assert_eq!(
        a.detail_process().map(|p| p.pid),
        Some(200),
        "jumped to the peer"
    );
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Files));
    // Back the other way, from the Sockets tab.
    press(&mut a, "tab");
    assert_eq!(a.detail().map(|d| d.tab), Some(Tab::Sockets));
    let s = screen(&a);
    assert!(s.contains("* 9100") && s.contains("sshd(100)"), "{s}");
    press(&mut a, "enter");
    assert_eq!(a.detail_process().map(|p| p.pid), Some(100));
    // A TCP socket to a remote host has no peer process: Enter says so and stays.
    press(&mut a, "esc esc / text:pid=500 enter f G enter");
    assert_eq!(a.detail_process().map(|p| p.pid), Some(500));
    assert_eq!(
        a.status().message.as_deref(),
        Some("no peer process for this fd")
    );
}
