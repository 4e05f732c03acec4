//! User configuration (secret rules, the TUI keymap, `NO_COLOR`): files read whole, as UTF-8,
//! capped, and only when they are regular files (a FIFO or a device is refused without
//! blocking), and the environment variables that locate or tune them.

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

/// The user's keymap file, when there is one: `$XDG_CONFIG_HOME/procscope/keymap.yaml`, else
/// `~/.config/procscope/keymap.yaml`.
pub fn keymap_file() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("procscope").join("keymap.yaml")).filter(|p| p.is_file())
}

/// Whether colours are off: `NO_COLOR` set to a non-empty value (no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether `path` is a regular file (or a link to one).
pub fn is_file(path: &Path) -> bool {
    path.is_file()
}
