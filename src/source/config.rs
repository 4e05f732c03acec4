//! User configuration files (secret rules, the TUI keymap): read whole, as UTF-8, capped,
//! and only when they are regular files (a FIFO or a device is refused without blocking).

use std::io::{self, Read};
use std::path::Path;

/// Largest configuration file read: a rules or keymap file is a few kilobytes.
pub const CONFIG_CAP: u64 = 4 << 20;

/// Read a configuration file as text.
pub fn read_text(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    super::open::open_user_file(path)?
        .take(CONFIG_CAP + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > CONFIG_CAP {
        return Err(io::Error::other(format!("larger than {CONFIG_CAP} bytes")));
    }
    Ok(text)
}
