//! The I/O of `procscope detect`: where the local rules file is, and sending alerts to the
//! local syslog socket (facility LOG_USER, ident `falco`, as Falco does).

use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// File name of the local rules file in a config directory.
pub const LOCAL_RULES: &str = "procscope_rules.local.yaml";

/// The local rules file: `$XDG_CONFIG_HOME/procscope/` (default `~/.config/procscope/`), then
/// `/etc/procscope/`; the first that exists.
pub fn local_rules_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    let mut dirs: Vec<PathBuf> = xdg.into_iter().map(|d| d.join("procscope")).collect();
    dirs.push(PathBuf::from("/etc/procscope"));
    dirs.into_iter()
        .map(|d| d.join(LOCAL_RULES))
        .find(|p| p.is_file())
}

/// The syslog socket: `$PROCSCOPE_SYSLOG_SOCKET` when set (tests), else `/dev/log`.
pub fn syslog_path() -> PathBuf {
    std::env::var_os("PROCSCOPE_SYSLOG_SOCKET")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/dev/log"))
}

/// A connection to the local syslog socket.
pub struct Syslog {
    sock: UnixDatagram,
}

impl Syslog {
    pub fn connect(path: &Path) -> io::Result<Syslog> {
        let sock = UnixDatagram::unbound()?;
        sock.connect(path)?;
        Ok(Syslog { sock })
    }

    /// Send one message at `severity` (0-7) with facility LOG_USER and ident `falco`.
    pub fn send(&self, severity: u8, msg: &str) -> io::Result<()> {
        const LOG_USER: u8 = 1 << 3;
        let pri = LOG_USER | (severity & 7);
        let pid = std::process::id();
        let line = format!("<{pri}>falco[{pid}]: {msg}");
        self.sock.send(line.as_bytes()).map(|_| ())
    }
}
