//! `procscope diff` around real changes: a process stopped, processes started, a listening socket
//! opened and a process changing its cwd. For the test's own processes the diff (file to file,
//! and file to live) reports exactly those changes.

#![allow(clippy::unwrap_used)]

use crate::support::offline::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Waits for a trigger file, then chdirs and says so; otherwise sleeps quietly.
const CHDIR_ON_TRIGGER: &str = "import os,sys,time\n\
    trig, target = sys.argv[1], sys.argv[2]\n\
    while not os.path.exists(trig): time.sleep(0.05)\n\
    os.chdir(target)\n\
    open(trig + '.done', 'w').close()\n\
    time.sleep(600)\n";

fn pid_of(v: &Value) -> u32 {
    v["pid"].as_u64().unwrap() as u32
}

/// Pids of `list` entries that are among `ours`.
fn ours_in(list: &Value, ours: &[u32]) -> BTreeSet<u32> {
    list.as_array()
        .unwrap()
        .iter()
        .map(pid_of)
        .filter(|p| ours.contains(p))
        .collect()
}

/// Sockets of `list` held by one of `ours`.
fn socks_in(list: &Value, ours: &[u32]) -> Vec<Value> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            let pids = s["pids"].as_array().unwrap();
            pids.iter()
                .any(|p| ours.contains(&(p.as_u64().unwrap() as u32)))
        })
        .cloned()
        .collect()
}

fn start_time(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    after.split(' ').nth(19).unwrap().parse().unwrap()
}

/// A GitHub token carried only by a process started between the two snapshots.
const PLANTED: &str = "ghp_N3wSecr3tAfterTheF1rstSnapsh0tXyZ9876";

/// What the test changed between its two snapshots, and the processes it owns.
struct Changes<'a> {
    ours: [u32; 4],
    stopped: u32,
    started: u32,
    listener: u32,
    moved: u32,
    from: &'a Path,
    to: &'a Path,
    port: u16,
}

#[test]
fn diff_reports_exactly_the_changes_made() {
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("before"), dir.path().join("after"));
    std::fs::create_dir(&d1).unwrap();
    std::fs::create_dir(&d2).unwrap();
    let trig = dir.path().join("trigger");

    let mut a = spawn(&["sleep", "600"], &[], dir.path());
    let c = spawn(
        &[
            python(),
            "-c",
            CHDIR_ON_TRIGGER,
            trig.to_str().unwrap(),
            d2.to_str().unwrap(),
        ],
        &[("ROLE", "worker")],
        &d1,
    );
    wait_for("sleep exec", || (comm(a.pid()) == "sleep").then_some(()));
    // The fd-closing wrapper is python too: wait until the script itself runs.
    wait_for("script exec", || {
        let argv = std::fs::read(format!("/proc/{}/cmdline", c.pid())).ok()?;
        String::from_utf8_lossy(&argv)
            .contains("trig, target")
            .then_some(())
    });
    let old = dir.path().join("old.json.gz");
    text(&["snapshot", "-o", old.to_str().unwrap()]);

    let a_pid = a.pid();
    a.stop();
    let b = spawn(&["sleep", "600"], &[("GITHUB_TOKEN", PLANTED)], dir.path());
    let (l, port) = listener(dir.path(), "l");
    wait_for("sleep exec", || (comm(b.pid()) == "sleep").then_some(()));
    std::fs::write(&trig, b"").unwrap();
    wait_for("chdir", || {
        trig.with_extension("done").exists().then_some(())
    });
    assert_eq!(
        std::fs::read_link(format!("/proc/{}/cwd", c.pid())).unwrap(),
        d2
    );

    let new = dir.path().join("new.json");
    text(&["snapshot", "-o", new.to_str().unwrap()]);
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let ch = Changes {
        ours: [a_pid, b.pid(), c.pid(), l.pid()],
        stopped: a_pid,
        started: b.pid(),
        listener: l.pid(),
        moved: c.pid(),
        from: &d1,
        to: &d2,
        port,
    };
    let file_diff = json(&["diff", o, n, "--json"]);
    let live_diff = json(&["diff", o, "--json"]);
    for d in [&file_diff, &live_diff] {
        assert_eq!(d["boot"], "same");
        assert_eq!(d["masked"], true);
        check_processes(&d["processes"], &ch);
        check_sockets_and_containers(d, &ch);
    }
    check_new_secrets(&file_diff, &live_diff, &ch);
    let (out, _) = text(&["diff", o, n]);
    check_text(&out, &ch);
}

/// The processes part of a diff: exactly ours started, gone and changed, the change a cwd.
fn check_processes(p: &Value, ch: &Changes) {
    let ours = &ch.ours;
    assert_eq!(
        ours_in(&p["started"], ours),
        BTreeSet::from([ch.started, ch.listener])
    );
    assert_eq!(ours_in(&p["gone"], ours), BTreeSet::from([ch.stopped]));
    assert_eq!(ours_in(&p["changed"], ours), BTreeSet::from([ch.moved]));
    let started_b = p["started"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| pid_of(x) == ch.started);
    assert_eq!(started_b.unwrap()["start_time"], start_time(ch.started));

    let changed = p["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| pid_of(x) == ch.moved);
    let changed = changed.unwrap();
    assert_eq!(changed["cwd"]["old"], ch.from.to_str().unwrap());
    assert_eq!(changed["cwd"]["new"], ch.to.to_str().unwrap());
    for field in ["exe", "uid", "cmdline", "comm_change"] {
        assert!(
            changed[field].is_null(),
            "{field} should not change: {changed}"
        );
    }
    for field in ["env_added", "env_changed", "env_removed"] {
        assert_eq!(
            changed[field].as_array().unwrap().len(),
            0,
            "{field}: {changed}"
        );
    }
}

/// The socket and container parts of diff `d`: of ours, only the listener opened; no
/// connection and no container group changed.
fn check_sockets_and_containers(d: &Value, ch: &Changes) {
    let ours = &ch.ours;
    let opened = socks_in(&d["listening"]["opened"], ours);
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["local_port"], ch.port);
    assert_eq!(opened[0]["proto"], "tcp");
    assert_eq!(opened[0]["state"], "LISTEN");
    assert!(socks_in(&d["listening"]["closed"], ours).is_empty());
    for dir in ["opened", "closed"] {
        assert!(socks_in(&d["connections"][dir], ours).is_empty());
    }
    for dir in ["new", "gone"] {
        let groups = d["containers"][dir].as_array().unwrap();
        assert!(
            !groups.iter().any(|g| g["pids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| { ours.contains(&(p.as_u64().unwrap() as u32)) })),
            "{groups:?}"
        );
    }
}

/// The planted token is a new secret of the started process (live; a file diff may lack it),
/// and is never printed.
fn check_new_secrets(file_diff: &Value, live_diff: &Value, ch: &Changes) {
    let secret_pids = |d: &Value| ours_in(&d["new_secrets"], &ch.ours);
    assert_eq!(secret_pids(live_diff), BTreeSet::from([ch.started]));
    assert!(secret_pids(file_diff).is_subset(&BTreeSet::from([ch.started])));
    let found = live_diff["new_secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| pid_of(f) == ch.started);
    assert_eq!(found.unwrap()["name"], "GITHUB_TOKEN");
    assert!(
        !live_diff.to_string().contains(PLANTED),
        "new secret printed unmasked"
    );
}

/// The text diff shows each change on its own line, and not the planted token.
fn check_text(out: &str, ch: &Changes) {
    assert!(!out.contains(PLANTED));
    let has = |needle: &str| assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    has(&format!("+ {} sleep", ch.started));
    has(&format!("- {} sleep", ch.stopped));
    has(&format!("~ {} ", ch.moved));
    has(&format!(
        "cwd: {} -> {}",
        ch.from.display(),
        ch.to.display()
    ));
    has(&format!("+ tcp 127.0.0.1:{}  LISTEN", ch.port));
    has("processes started (");
    has("listening sockets opened (");
}
