//! `procscope diff` around real changes: a process stopped, processes started, a listening socket
//! opened and a process changing its cwd. For the test's own processes the diff (file to file,
//! and file to live) reports exactly those changes.

#![allow(clippy::unwrap_used)]

use crate::support::offline::*;
use serde_json::Value;
use std::collections::BTreeSet;

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
    let ours = [a_pid, b.pid(), c.pid(), l.pid()];

    let file_diff = json(&["diff", o, n, "--json"]);
    let live_diff = json(&["diff", o, "--json"]);
    for d in [&file_diff, &live_diff] {
        assert_eq!(d["boot"], "same");
        assert_eq!(d["masked"], true);
        let p = &d["processes"];
        assert_eq!(
            ours_in(&p["started"], &ours),
            BTreeSet::from([b.pid(), l.pid()])
        );
        assert_eq!(ours_in(&p["gone"], &ours), BTreeSet::from([a_pid]));
        assert_eq!(ours_in(&p["changed"], &ours), BTreeSet::from([c.pid()]));
        let started_b = p["started"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| pid_of(x) == b.pid());
        assert_eq!(started_b.unwrap()["start_time"], start_time(b.pid()));

        let ch = p["changed"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| pid_of(x) == c.pid());
        let ch = ch.unwrap();
        assert_eq!(ch["cwd"]["old"], d1.to_str().unwrap());
        assert_eq!(ch["cwd"]["new"], d2.to_str().unwrap());
        for field in ["exe", "uid", "cmdline", "comm_change"] {
            assert!(ch[field].is_null(), "{field} should not change: {ch}");
        }
        for field in ["env_added", "env_changed", "env_removed"] {
            assert_eq!(ch[field].as_array().unwrap().len(), 0, "{field}: {ch}");
        }

        let opened = socks_in(&d["listening"]["opened"], &ours);
        assert_eq!(opened.len(), 1, "{opened:?}");
        assert_eq!(opened[0]["local_port"], port);
        assert_eq!(opened[0]["proto"], "tcp");
        assert_eq!(opened[0]["state"], "LISTEN");
        assert!(socks_in(&d["listening"]["closed"], &ours).is_empty());
        for dir in ["opened", "closed"] {
            assert!(socks_in(&d["connections"][dir], &ours).is_empty());
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

    let secret_pids = |d: &Value| ours_in(&d["new_secrets"], &ours);
    assert_eq!(secret_pids(&live_diff), BTreeSet::from([b.pid()]));
    assert!(secret_pids(&file_diff).is_subset(&BTreeSet::from([b.pid()])));
    let found = live_diff["new_secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| pid_of(f) == b.pid());
    assert_eq!(found.unwrap()["name"], "GITHUB_TOKEN");
    assert!(
        !live_diff.to_string().contains(PLANTED),
        "new secret printed unmasked"
    );

    let (out, _) = text(&["diff", o, n]);
    assert!(!out.contains(PLANTED));
    let has = |needle: &str| assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    has(&format!("+ {} sleep", b.pid()));
    has(&format!("- {a_pid} sleep"));
    has(&format!("~ {} ", c.pid()));
    has(&format!("cwd: {} -> {}", d1.display(), d2.display()));
    has(&format!("+ tcp 127.0.0.1:{port}  LISTEN"));
    has("processes started (");
    has("listening sockets opened (");
}
