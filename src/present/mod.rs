//! UI-neutral presentation: each fact the CLI and the TUI both show (a process overview, a
//! thread's activity, an fd, a socket, a container, tree marks, a secret finding, a detection
//! alert) formatted once, as rows of [`Cell`]s whose text is a [`Shown`] (only the escaping
//! boundary makes one) and whose
//! [`Kind`] carries the styling. `cli` prints the text; `tui::views` picks colours from the kinds.

pub mod alert;
mod cell;
pub mod container;
pub mod fd;
pub mod finding;
pub mod integrity;
pub mod overview;
pub mod thread;
pub mod tree;

pub use cell::{Cell, Escaped, Kind, Place, Shown, Values, or_why};

#[cfg(test)]
pub mod fixture;
