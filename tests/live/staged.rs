//! Stage boundaries on the live system: the tree stage's tree is the full snapshot's tree,
//! each subcommand reads what it prints, and what a command did not read is never printed
//! as empty.

use crate::support::{Guard, json, procscope, wait_for};
use procscope::collect::{self, Options};
use procscope::model::{Parts, Pid, Snapshot, Unavailable};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

fn scan(parts: Parts) -> Snapshot {
    let opt = Options {
        parts,
        ..Options::default()
    };
    collect::snapshot_at(Path::new("/proc"), &opt).expect("scan /proc")
}

/// (pid, start time) to (parent, comm) of every process.
fn links(s: &Snapshot) -> HashMap<(Pid, u64), (Pid, Vec<u8>)> {
    (s.processes.iter())
        .map(|p| ((p.pid, p.start_time), (p.ppid, p.comm.as_bytes().to_vec())))
        .collect()
}

/// `sh` with two `sleep` children joined by a pipe; the pids of the sleeps once both run.
fn piped_pair(g: &mut Guard) -> (u32, u32) {
    let sh = g.spawn(
        Command::new("sh")
            .args(["-c", "sleep 300 | sleep 301"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let sh = sh.id();
    let kids = wait_for(10, || {
        let text = std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children")).ok()?;
        let kids: Vec<u32> = text
            .split_whitespace()
            .filter_map(|k| k.parse().ok())
            .collect();
        let comm = |p: u32| std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        (kids.len() == 2 && kids.iter().all(|&k| comm(k).trim() == "sleep")).then_some(kids)
    })
    .expect("the two sleeps start");
    g.pids.extend(&kids);
    (kids[0], kids[1])
}

#[test]
fn the_tree_stage_is_the_full_snapshots_tree() {
    let mut g = Guard::default();
    let (a, b) = piped_pair(&mut g);
    let tree = scan(Parts::NONE);
    let full = scan(Parts::ALL);
    let (t, f) = (links(&tree), links(&full));
    // why: processes start, exec (a new comm), end and are reparented between the two scans;
    // those in both must have the same parent unless that parent ended meanwhile.
    let common: Vec<_> = t.keys().filter(|k| f.contains_key(k)).collect();
    assert!(
        common.len() * 10 >= t.len().max(f.len()) * 9,
        "{} of {} / {}",
        common.len(),
        t.len(),
        f.len()
    );
    let alive = |pid: Pid| {
        full.process(pid).is_some_and(|p| {
            tree.process(pid)
                .is_some_and(|q| q.start_time == p.start_time)
        })
    };
    for k in &common {
        let (was, now) = (t[k].0, f[k].0);
        assert!(
            was == now || !alive(was),
            "process {k:?}: parent {was} then {now}"
        );
    }
    for pid in [a, b] {
        assert_eq!(
            t[&(pid, full.process(pid).map_or(0, |p| p.start_time))].1,
            b"sleep"
        );
    }
    for pid in [a, b] {
        let p = tree.process(pid).expect("the sleep in the tree stage");
        assert!(p.cmdline.iter().any(|x| x.as_bytes() == b"sleep"));
        // Not read, and said so: neither empty nor denied.
        assert!(p.fds.is_none() && p.environ.is_none() && p.exe.is_none());
        assert_eq!(p.why("fds"), Some(&Unavailable::NotCollected));
        assert_eq!(p.why("environ"), Some(&Unavailable::NotCollected));
        assert!(p.unavailable.is_empty(), "{:?}", p.unavailable);
        let q = full.process(pid).expect("the sleep in the full snapshot");
        assert!(q.fds.is_some() && q.why("fds").is_none());
    }
    assert!(tree.sockets.is_empty() && !tree.meta.collected.sockets);
    assert!(!full.sockets.is_empty() && full.meta.collected.is_all());
}

/// pid to (ppid, marks, container, namespaced) in a `tree --json` forest.
fn tree_nodes(nodes: &Value, out: &mut HashMap<u64, (String, Value)>) {
    for n in nodes.as_array().into_iter().flatten() {
        let pid = n["pid"].as_u64().unwrap_or(0);
        let what = serde_json::json!([n["ppid"], n["marks"], n["container"], n["namespaced"]]);
        out.insert(pid, (n["comm"].to_string(), what));
        tree_nodes(&n["children"], out);
    }
}

#[test]
fn tree_prints_the_same_marks_as_a_full_snapshot() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("full.json");
    let mut g = Guard::default();
    let (a, _) = piped_pair(&mut g);
    let short = json(["tree", "--json"]);
    procscope()
        .args(["snapshot", "-o"])
        .arg(&file)
        .assert()
        .success();
    let long = json([
        "--snapshot".as_ref(),
        file.as_os_str(),
        "tree".as_ref(),
        "--json".as_ref(),
    ]);
    let (mut s, mut l) = (HashMap::new(), HashMap::new());
    tree_nodes(&short, &mut s);
    tree_nodes(&long, &mut l);
    assert!(s.contains_key(&(a as u64)) && l.contains_key(&(a as u64)));
    let mut compared = 0;
    for (pid, (comm, what)) in &s {
        // why: a pid may have been reused between the two runs; compare the same command only.
        if let Some((c, w)) = l.get(pid).filter(|(c, _)| c == comm) {
            assert_eq!(what, w, "pid {pid} ({c})");
            compared += 1;
        }
    }
    assert!(compared * 10 >= s.len() * 9, "{compared} of {}", s.len());
}

#[test]
fn inspect_reads_one_process_and_says_its_peers_are_unknown() {
    let mut g = Guard::default();
    let (a, b) = piped_pair(&mut g);
    let out = procscope()
        .args(["inspect", &a.to_string()])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let pipe = (text.lines())
        .find(|l| l.starts_with("1 ") && l.contains("pipe"))
        .unwrap_or_else(|| panic!("fd 1 is the pipe:\n{text}"));
    assert!(pipe.contains("peers not collected"), "{pipe}");
    assert!(!pipe.contains(&format!("({b})")), "{pipe}");
    // With --peers every fd table is read: the other sleep holds the pipe's other end.
    let out = procscope()
        .args(["inspect", &a.to_string(), "--peers"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let pipe = (text.lines())
        .find(|l| l.starts_with("1 ") && l.contains("pipe"))
        .unwrap_or_else(|| panic!("fd 1 is the pipe:\n{text}"));
    assert!(pipe.contains(&format!("sleep({b})")), "{pipe}");
    assert!(!pipe.contains("not collected"), "{pipe}");
}

#[test]
fn sockets_name_their_owners_without_reading_the_rest() {
    let mut g = Guard::default();
    let dir = tempfile::tempdir().expect("temp dir");
    let pid = g.unix_listener(dir.path().join("staged.sock").as_os_str());
    let socks = json(["sockets", "-x", "--json"]);
    let mine: Vec<&Value> = (socks.as_array().into_iter().flatten())
        .filter(|s| {
            s["pids"]
                .as_array()
                .is_some_and(|p| p.contains(&pid.into()))
        })
        .collect();
    assert!(
        mine.iter()
            .any(|s| s["proto"] == "unix" && s["state"] == "LISTEN"),
        "{mine:?}"
    );
}
