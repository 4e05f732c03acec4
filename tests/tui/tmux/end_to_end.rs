//! End-to-end test of the real binary in tmux: start the TUI against the live system with a
//! planted process (chrooted into a temp root, with a token in its environ), search for it,
//! open its environ, reveal the value, open its root browser and a file, open help, quit, and
//! check the terminal is given back; also refreshes by interval, the refusal without a
//! terminal, and many hosts.

use super::*;

const TOKEN: &str = "ghp_Zq3xV8mK2pL9nR4tY7wB1cD6fG0hJ5sA2eUi";

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

#[test]
fn many_hosts_in_the_real_binary() {
    if !have_tmux() {
        eprintln!("tmux not installed (tests/setup.sh installs it): skipping");
        return;
    }
    let dir = crate::hosts::fleet_dir("tmux");
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
