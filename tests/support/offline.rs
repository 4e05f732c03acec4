//! Helpers for the offline (snapshot file and diff) tests: child processes that are killed and
//! reaped by pid on drop, the binary, and polling.

#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A child process killed (SIGKILL, by pid) and reaped when dropped, with any extra pids it
/// left behind (e.g. the forked pid 1 of a new pid namespace).
pub struct Kid {
    pub child: Child,
    pub extra: Vec<u32>,
}

impl Kid {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kill and reap now.
    pub fn stop(&mut self) {
        for &pid in &self.extra {
            super::kill(pid);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Kid {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Closes every inherited fd above 2 (the test harness leaks some, e.g. cargo's jobserver pipe,
/// whose holders come and go) and execs the rest of argv, keeping the pid.
const CLOSE_AND_EXEC: &str =
    "import os,sys; os.closerange(3, 1 << 16); os.execvp(sys.argv[1], sys.argv[1:])";

/// Spawn `argv` with null stdio and no other fds, no inherited environment except `PATH`, the
/// given extra variables and working directory. The caller waits until it has exec'd.
pub fn spawn(argv: &[&str], env: &[(&str, &str)], cwd: &Path) -> Kid {
    let mut c = Command::new(python());
    c.args(["-c", CLOSE_AND_EXEC])
        .args(argv)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Kid {
        child: c.spawn().expect("spawn"),
        extra: Vec::new(),
    }
}

/// Poll `f` every 20 ms for up to 10 s ([`super::wait_for`]); panics naming `what` on time-out.
pub fn wait_for<T>(what: &str, f: impl FnMut() -> Option<T>) -> T {
    super::wait_for(10, f).unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// Pids whose parent is `pid` (from `/proc/*/stat`).
pub fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        if after.split(' ').nth(1).and_then(|x| x.parse().ok()) == Some(pid) {
            out.push(p);
        }
    }
    out.sort_unstable();
    out
}

/// Text of `/proc/PID/comm`.
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The procscope binary.
pub fn bin() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("procscope").unwrap()
}

/// Run procscope with `args`, require success, parse stdout as JSON.
pub fn json(args: &[&str]) -> Value {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "procscope {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Run procscope with `args`, require success, return stdout and stderr.
pub fn text(args: &[&str]) -> (String, String) {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "procscope {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real python3 interpreter (not a version-manager shim, which needs the user's environment).
pub fn python() -> &'static str {
    static PY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 is needed by the offline tests");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
}

/// A python3 process listening on TCP 127.0.0.1 (any port); returns it and the port.
pub fn listener(dir: &Path, name: &str) -> (Kid, u16) {
    let port_file = dir.join(format!("{name}.port"));
    let script = "import socket,sys,time\n\
        s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n\
        open(sys.argv[1]+'.tmp','w').write(str(s.getsockname()[1]))\n\
        import os; os.rename(sys.argv[1]+'.tmp', sys.argv[1])\n\
        time.sleep(600)\n";
    let kid = spawn(
        &[python(), "-c", script, port_file.to_str().unwrap()],
        &[],
        dir,
    );
    let port = wait_for("listener port", || {
        std::fs::read_to_string(&port_file)
            .ok()?
            .trim()
            .parse()
            .ok()
    });
    (kid, port)
}
