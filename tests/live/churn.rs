//! Endurance: a fork/exit storm (a shell loop forking short-lived children, hundreds per
//! second) while the CLI scans again and again and the TUI refreshes every second under tmux.
//! No panic, no error line, exit 0, and no process joined to a parent that started after it
//! (a reused pid taking the old parent's place).

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{Guard, procscope_path};
use serde_json::Value;
use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

/// Scans for this long while the storm runs.
const BUDGET: Duration = Duration::from_secs(12);

fn storm(g: &mut Guard) -> u32 {
    // why: `(exit 0) &` forks a subshell that exits at once; `wait` reaps it.
    let c =
        g.spawn(Command::new("sh").args(["-c", "while :; do (exit 0) & (exit 0) & wait; done"]));
    c.id()
}

fn check_cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(procscope_path()).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    assert!(err.is_empty(), "{args:?}: {err}");
    out.stdout
}

fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Every parent link in a snapshot joins a child to a parent that started no later.
fn consistent(snap: &Value) -> usize {
    let procs = snap["processes"].as_array().unwrap();
    let start: HashMap<u64, u64> = procs
        .iter()
        .map(|p| {
            (
                p["pid"].as_u64().unwrap(),
                p["start_time"].as_u64().unwrap(),
            )
        })
        .collect();
    for p in procs {
        let (pid, st) = (
            p["pid"].as_u64().unwrap(),
            p["start_time"].as_u64().unwrap(),
        );
        if let Some(&pst) = start.get(&p["ppid"].as_u64().unwrap()) {
            assert!(
                pst <= st,
                "pid {pid} (start {st}) joined to a parent started at {pst}"
            );
        }
        for t in p["threads"].as_array().into_iter().flatten() {
            let tid = t["tid"].as_u64().unwrap();
            assert!(
                tid == pid || !start.contains_key(&tid),
                "thread {tid} of {pid} is a process"
            );
        }
    }
    procs.len()
}

#[test]
fn scans_survive_a_fork_storm() {
    let mut g = Guard::default();
    let shell = storm(&mut g);
    let tui = common_tmux::start(&procscope_path());
    let t0 = Instant::now();
    let mut rounds = 0;
    while t0.elapsed() < BUDGET {
        check_cli(&["tree"]);
        let snap: Value = serde_json::from_slice(&check_cli(&["snapshot"])).unwrap();
        assert!(consistent(&snap) > 1);
        check_cli(&["sockets", "-x"]);
        // A churned pid: the storm's newest child, gone by the time it is inspected (or not).
        let kids = children(shell);
        if let Some(kid) = kids.last() {
            let out = Command::new(procscope_path())
                .args(["inspect", &kid.to_string(), "--json"])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                let p: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(p["pid"], *kid);
            } else {
                assert_eq!(err, format!("procscope: no process with pid {kid}\n"));
            }
        }
        rounds += 1;
    }
    eprintln!("{rounds} scan rounds during the storm");
    // why: the screen lists the host's command lines, which may hold any word: the UI must
    // still be up (its status bar drawn) and then exit 0 when asked.
    let screen = tui.screen();
    assert!(screen.contains("procs"), "{screen}");
    // why: the shell's own command line (`...; echo EXIT=$?`) may be drawn in the tree; only a
    // line that starts with the marker is the shell's report that the TUI ended.
    let exited = screen.lines().any(|l| l.trim_start().starts_with("EXIT="));
    assert!(!exited, "the TUI exited early: {screen}");
    let exit = tui.quit();
    assert!(exit.contains("EXIT=0"), "{exit}");
}

mod common_tmux {
    //! A TUI started under its own tmux server, `--interval 1`; killed by its server on drop.
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    pub struct Tui {
        socket: String,
    }

    pub fn start(bin: &Path) -> Tui {
        let t = Tui {
            socket: format!("procscope-churn-{}", std::process::id()),
        };
        let cmd = format!("{} --interval 1; echo EXIT=$?; sleep 60", bin.display());
        let ok = t
            .tmux(&[
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "30",
                "env",
                "TERM=xterm-256color",
                "sh",
                "-c",
                &cmd,
            ])
            .status
            .success();
        assert!(ok, "tmux new-session");
        t
    }

    impl Tui {
        fn tmux(&self, args: &[&str]) -> std::process::Output {
            Command::new("tmux")
                .arg("-L")
                .arg(&self.socket)
                .args(args)
                .output()
                .unwrap()
        }

        pub fn screen(&self) -> String {
            String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned()
        }

        /// Press q and wait for the exit line.
        pub fn quit(&self) -> String {
            self.tmux(&["send-keys", "q"]);
            let t = Instant::now();
            loop {
                let s = self.screen();
                if s.contains("EXIT=") || t.elapsed() > Duration::from_secs(30) {
                    return s;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }

    impl Drop for Tui {
        fn drop(&mut self) {
            self.tmux(&["kill-server"]);
        }
    }
}
