//! The real binary under tmux: a helper that drives a tmux server (keys in, screen out) and
//! the tests that use it, by theme.

mod end_to_end;
mod stages;
mod trace;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(super) struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux")
    }
    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let out = self.cmd(&args);
        assert!(out.status.success(), "send-keys {keys:?}");
        std::thread::sleep(Duration::from_millis(300));
    }
    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }
    /// Wait until the screen satisfies `ok`, or fail with the last screen.
    fn wait(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The planted process, killed and reaped by pid on drop.
struct Planted(Child);

impl Drop for Planted {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A new tmux server (100x30) with a shell at its prompt, `XDG_CONFIG_HOME` at `config`.
fn open_shell(socket: String, config: &Path) -> Tmux {
    let t = Tmux { socket };
    let out = t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "30",
        "env",
        "PS1=e2e-prompt$ ",
        "TERM=xterm-256color",
        &format!("XDG_CONFIG_HOME={}", config.display()),
        "sh",
    ]);
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.wait("the shell prompt", 10, |s| s.contains("e2e-prompt$"));
    t
}

/// Type `procscope ARGS` at the shell of `t` (its exit status is echoed as `EXIT=N`).
fn launch(t: &Tmux, args: &str) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_procscope"));
    t.send(&[&format!("{} {args} ; echo EXIT=$?", bin.display()), "Enter"]);
}

/// Start `procscope ARGS` in a new tmux server (100x30) and wait for its first snapshot.
fn start_tui(socket: String, config: &Path, args: &str) -> Tmux {
    let t = open_shell(socket, config);
    launch(&t, args);
    t.wait("the first snapshot", 120, |s| {
        s.contains(" procs │") && !s.contains("scanning")
    });
    t
}

/// A `sleep ARG` child, killed and reaped by pid on drop; its pid.
fn sleeper(arg: &str) -> (Planted, u32) {
    let child = Command::new("sleep")
        .arg(arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sleep");
    let pid = child.id();
    (Planted(child), pid)
}

/// Whether the screen has the row of `pid` running `sleep ARG`.
fn shows(s: &str, pid: u32, arg: &str) -> bool {
    s.lines()
        .any(|l| l.starts_with(&format!("{pid} ")) && l.contains(&format!("sleep {arg}")))
}
