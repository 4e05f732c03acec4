//! End-to-end test of the real binary in tmux: start the TUI against the live system with a
//! planted process (chrooted into a temp root, with a token in its environ), search for it,
//! open its environ, reveal the value, open its root browser and a file, open help, quit, and
//! check the terminal is given back.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "ghp_Zq3xV8mK2pL9nR4tY7wB1cD6fG0hJ5sA2eUi";

struct Tmux {
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

fn plant(root: &Path) -> Option<Planted> {
    let busybox = Path::new("/bin/busybox");
    let chroot = ["/usr/sbin/chroot", "/sbin/chroot", "/usr/bin/chroot"]
        .into_iter()
        .find(|c| Path::new(c).exists())?;
    if !busybox.exists() {
        return None;
    }
    std::fs::create_dir_all(root.join("bin")).expect("test setup");
    std::fs::create_dir_all(root.join("etc")).expect("test setup");
    std::fs::copy(busybox, root.join("bin/busybox")).expect("test setup");
    std::fs::write(
        root.join("etc/app.conf"),
        "planted-config-line\nsecond line\n",
    )
    .expect("test setup");
    let child = Command::new(chroot)
        .arg(root)
        .args(["/bin/busybox", "sleep", "600"])
        .env_clear()
        .env("PLANTED_TOKEN", TOKEN)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the planted process");
    Some(Planted(child))
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn tui_end_to_end_in_tmux() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    let tmp = tempfile::tempdir().expect("test setup");
    let Some(planted) = plant(&tmp.path().join("root")) else {
        eprintln!("busybox-static or chroot missing (tests/setup.sh installs it): skipping");
        return;
    };
    let pid = planted.0.id();
    // Wait for the exec into busybox so the scan sees the final process.
    let end = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map_or(true, |c| c.trim() != "busybox")
    {
        assert!(Instant::now() < end, "planted process did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let config = tmp.path().join("config");
    std::fs::create_dir_all(&config).expect("test setup");
    // The first scan finishes (debug builds take seconds on a busy host).
    let t = start_tui(format!("procscope-e2e-{}", std::process::id()), &config, "");

    // Search for the planted process: the selection jumps to it.
    t.send(&["/"]);
    t.send(&["-l", &format!("pid={pid}")]);
    t.send(&["Enter"]);
    let s = t.wait("the planted row", 10, |s| {
        s.lines()
            .any(|l| l.starts_with(&pid.to_string()) && l.contains("/bin/busybox sleep"))
    });
    // why: on a busy host the status bar is longer than 100 columns and cut after "ma".
    assert!(s.contains("search: 1 ma"), "{s}");

    // Its environ: the token is flagged and masked, then revealed.
    t.send(&["e"]);
    let s = t.wait("the environ tab", 10, |s| s.contains("PLANTED_TOKEN"));
    assert!(s.contains("ghp_…(40)"), "masked by default:\n{s}");
    assert!(!s.contains(TOKEN), "{s}");
    assert!(s.contains("!github"), "finding marked:\n{s}");
    t.send(&["v"]);
    t.wait("the revealed token", 10, |s| s.contains(TOKEN));

    // Its root browser: bin/ and etc/ of the chroot; open etc/app.conf.
    t.send(&["R"]);
    let s = t.wait("the root listing", 10, |s| s.contains("etc/"));
    assert!(s.contains("bin/"), "{s}");
    assert!(
        !s.contains("proc/"),
        "listed inside the chroot, not the host root:\n{s}"
    );
    t.send(&["j"]);
    t.send(&["Enter"]);
    t.wait("the /etc listing", 10, |s| s.contains("app.conf"));
    t.send(&["Enter"]);
    let s = t.wait("the file viewer", 10, |s| s.contains("planted-config-line"));
    assert!(s.contains("mode text"), "{s}");
    t.send(&["m"]);
    t.wait("hex mode", 10, |s| {
        s.contains("mode hex") && s.contains("70 6c 61 6e")
    });
    t.send(&["Escape"]);

    // Help, generated from the keymap.
    t.send(&["?"]);
    let s = t.wait("help", 10, |s| s.contains("Help: keys"));
    assert!(
        s.contains("Show this help") && s.contains("Everywhere"),
        "{s}"
    );
    t.send(&["G"]);
    t.wait("the end of help", 10, |s| {
        s.contains("Search syntax") && s.contains("File viewer")
    });
    t.send(&["Escape"]);
    t.wait("help closed", 10, |s| !s.contains("Help: keys"));

    // Quit: the shell is back, the alternate screen is gone.
    t.send(&["q"]);
    let s = t.wait("the exit", 20, |s| s.contains("EXIT=0"));
    assert!(!s.contains("1 Tree"), "TUI still on screen:\n{s}");
    let alt = t.cmd(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
    assert_eq!(
        String::from_utf8_lossy(&alt.stdout).trim(),
        "0",
        "alternate screen left on"
    );
    drop(planted);
}

/// Start `procscope ARGS` in a new tmux server (100x30) and wait for its first snapshot.
fn start_tui(socket: String, config: &Path, args: &str) -> Tmux {
    let t = Tmux { socket };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_procscope"));
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
    t.send(&[&format!("{} {args} ; echo EXIT=$?", bin.display()), "Enter"]);
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

#[test]
fn interval_refreshes_without_a_key_press() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    // Arguments no other process has: the filter shows only these children (and ancestors).
    let tag = format!("43{:07}", std::process::id() % 10_000_000);
    let (first_arg, second_arg) = (format!("{tag}1"), format!("{tag}2"));
    let (first, first_pid) = sleeper(&first_arg);
    let tmp = tempfile::tempdir().expect("test setup");
    let t = start_tui(
        format!("procscope-interval-{}", std::process::id()),
        tmp.path(),
        "--interval 1",
    );
    // The last key presses of the test: a filter on the tag, kept across refreshes.
    t.send(&["\\"]);
    t.send(&["-l", &tag]);
    t.send(&["Enter"]);
    let s = t.wait("the first child", 20, |s| shows(s, first_pid, &first_arg));
    assert!(s.contains("filter: 1 ma"), "{s}");

    // Killed and reaped: gone from the next snapshot, with no key pressed. The bound allows
    // for a debug build scanning a busy host (10,000 processes take ~13 s here), the 1 s
    // interval and the scan already running when the child dies.
    let killed = Instant::now();
    drop(first);
    let s = t.wait("the first child to disappear", 60, |s| {
        !shows(s, first_pid, &first_arg) && s.contains(" procs │")
    });
    eprintln!(
        "killed child gone from the screen after {:?}",
        killed.elapsed()
    );
    assert!(!s.contains(&first_arg), "{s}");

    // A child started now appears by itself too.
    let started = Instant::now();
    let (second, second_pid) = sleeper(&second_arg);
    t.wait("the second child", 60, |s| {
        shows(s, second_pid, &second_arg)
    });
    eprintln!("new child on the screen after {:?}", started.elapsed());

    t.send(&["q"]);
    t.wait("the exit", 20, |s| s.contains("EXIT=0"));
    drop(second);
}

#[test]
fn without_a_terminal_the_ui_refuses_in_one_line() {
    let out = assert_cmd::Command::cargo_bin("procscope")
        .expect("binary")
        .output()
        .expect("run procscope");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "no escape sequences written to a pipe"
    );
}

/// A python child calling getppid in a loop, killed and reaped by pid on drop; its pid.
fn getppid_loop() -> (Planted, u32) {
    let child = Command::new("python3")
        .args(["-c", "import os\nwhile True:\n    os.getppid()\n"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn python3");
    let pid = child.id();
    (Planted(child), pid)
}

fn tracer_pid(pid: u32) -> String {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (s.lines().find_map(|l| l.strip_prefix("TracerPid:")))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The number before " calls" on the Trace tab's progress line.
fn calls_shown(s: &str, pid: u32) -> u64 {
    let head = format!("tracing pid {pid}: ");
    (s.lines().find_map(|l| l.split_once(&head)))
        .and_then(|(_, rest)| rest.split(", ").nth(1))
        .and_then(|c| {
            c.trim_end_matches(|ch: char| !ch.is_ascii_digit())
                .split(' ')
                .next()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn trace_key_counts_in_the_background_and_esc_detaches() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    let (child, pid) = getppid_loop();
    let tmp = tempfile::tempdir().expect("test setup");
    let t = start_tui(
        format!("procscope-trace-{}", std::process::id()),
        tmp.path(),
        "",
    );
    t.send(&["/"]);
    t.send(&["-l", &format!("pid={pid}")]);
    t.send(&["Enter"]);
    t.wait("the child's row", 10, |s| {
        s.lines().any(|l| l.starts_with(&format!("{pid} ")))
    });
    t.send(&["T"]);
    // The count grows with no key pressed: the loop wakes for the running trace.
    let s = t.wait("a growing count", 10, |s| calls_shown(s, pid) > 0);
    let first = calls_shown(&s, pid);
    t.wait("more calls", 10, |s| calls_shown(s, pid) > first);
    assert_ne!(tracer_pid(pid), "0", "attached while counting");
    t.send(&["Escape"]);
    let s = t.wait("the end of the trace", 10, |s| s.contains("detached after"));
    assert!(s.contains("getppid"), "{s}");
    assert!(s.contains("Trace"), "still on the Trace tab:\n{s}");
    assert_eq!(tracer_pid(pid), "0", "detached");
    // The tree's SYSCALL column.
    t.send(&["Escape"]);
    t.send(&["S"]);
    t.wait("the SYSCALL column", 10, |s| s.contains("SYSCALL"));
    // A trace still running when procscope quits is detached first.
    t.send(&["T"]);
    t.wait("a second trace", 10, |s| calls_shown(s, pid) > 0);
    t.send(&["q"]);
    t.wait("the exit", 20, |s| s.contains("EXIT=0"));
    assert_eq!(tracer_pid(pid), "0", "detached on quit");
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    assert!(
        state.contains(") R") || state.contains(") S"),
        "runs on: {state}"
    );
    drop(child);
}

/// A child holding about `n` fds (`/dev/null` duplicated; fewer when the hard limit is lower),
/// killed and reaped on drop, once it holds them; its pid.
fn fat_child(n: usize) -> Option<(Planted, u32)> {
    let script = "import os,resource,sys,time\n\
        s,h=resource.getrlimit(resource.RLIMIT_NOFILE)\n\
        w=int(sys.argv[1])\n\
        try: resource.setrlimit(resource.RLIMIT_NOFILE,(w+64,max(h,w+64)))\n\
        except (ValueError,OSError): resource.setrlimit(resource.RLIMIT_NOFILE,(h,h)); w=h-64\n\
        f=os.open('/dev/null',os.O_RDONLY)\n\
        for _ in range(w):\n    os.dup(f)\n\
        print(w,flush=True)\n\
        time.sleep(600)\n";
    let mut child = Command::new("python3")
        .args(["-c", script, &n.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    let out = child.stdout.take()?;
    std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line).ok()?;
    let pid = child.id();
    let held: usize = line.trim().parse().ok()?;
    (held > 1000).then_some((Planted(child), pid))
}

#[test]
fn the_tree_is_on_screen_before_the_fds_are_read() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    // Processes whose fd tables take seconds to list and classify: about 200,000 fds.
    let fat: Vec<(Planted, u32)> = (0..10).filter_map(|_| fat_child(100_000)).collect();
    if fat.len() < 10 {
        eprintln!("python3 missing or fds refused (tests/setup.sh installs python3): skipping");
        return;
    }
    let tmp = tempfile::tempdir().expect("test setup");
    let t = Tmux {
        socket: format!("procscope-staged-{}", std::process::id()),
    };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_procscope"));
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
        "TERM=xterm-256color",
        &format!("XDG_CONFIG_HOME={}", tmp.path().display()),
        &bin.display().to_string(),
    ]);
    assert!(out.status.success(), "tmux new-session");
    // The first frames: the tree is listed while the scan is still reading fds.
    let s = t.wait("the tree while the fds are read", 60, |s| {
        s.contains(" procs │") && s.contains("fds ") && s.contains("scanning")
    });
    let rows = s
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()));
    assert!(
        rows.count() >= 5,
        "no process rows before the fd stage ended:\n{s}"
    );
    let progress = s
        .split(" │ ")
        .find_map(|p| p.trim().strip_prefix("fds "))
        .expect("fds progress");
    assert!(progress.contains('/'), "{s}");
    // The same processes, all read, once the scan is done.
    let s = t.wait("the whole scan", 120, |s| {
        s.contains(" procs │") && !s.contains("scanning")
    });
    let status = s
        .lines()
        .rev()
        .find(|l| l.contains(" procs │"))
        .unwrap_or_default();
    assert!(
        !status.split(" │ ").any(|p| p.trim().starts_with("fds ")),
        "the progress stays after the scan ended:\n{s}"
    );
    t.send(&["q"]);
    drop(fat);
}

#[test]
fn many_hosts_in_the_real_binary() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    let dir = super::hosts::fleet_dir("tmux");
    let tmp = tempfile::tempdir().expect("test setup");
    let t = start_tui(
        format!("procscope-fleet-{}", std::process::id()),
        tmp.path(),
        &format!("--snapshot {}", dir.display()),
    );
    let s = t.wait("the host rows", 30, |s| {
        s.contains("HOST alpha") && s.contains("HOST beta") && s.contains("HOST junk.json")
    });
    assert!(s.contains("nginx") && s.contains("host alpha (1/4"), "{s}");
    assert!(s.contains("5 Hosts (4)"), "{s}");
    t.send(&["5"]);
    t.wait("the picker", 10, |s| {
        s.contains("PROCS") && s.contains("TAKEN")
    });
    t.send(&["j"]);
    t.send(&["Enter"]);
    t.wait("beta's tree", 10, |s| {
        s.contains("postgres") && !s.contains("nginx")
    });
    t.send(&["q"]);
    t.wait("the exit", 10, |s| s.contains("EXIT=0"));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
