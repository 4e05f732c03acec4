//! The staged first scan in the real binary: the tree is on screen while the fds of processes
//! holding huge fd tables are still being read.

use super::*;

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
    let t = open_shell(
        format!("procscope-staged-{}", std::process::id()),
        tmp.path(),
    );
    launch(&t, "");
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
    t.wait("the exit", 20, |s| s.contains("EXIT=0"));
    drop(fat);
}
