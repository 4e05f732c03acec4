//! Agreement with the reference tools on the live machine: fd numbers with `ls /proc/PID/fd`,
//! socket owners with `ss -tanpue`, parent links with `pstree -p`. Each reference is taken
//! before and after procscope's snapshot; only what stayed the same across both is compared,
//! and the test's own children (stable by construction) must always be among it.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{assert_reasons, json, plant};
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

fn tool(cmd: &str, args: &[&str]) -> Option<String> {
    match Command::new(cmd).args(args).output() {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            eprintln!("skipped: {cmd} unavailable (run tests/setup.sh)");
            None
        }
    }
}

/// fd numbers of every process, as the kernel lists them.
fn fd_lists() -> HashMap<u64, BTreeSet<i64>> {
    let mut m = HashMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u64>().ok()) else {
            continue;
        };
        if let Ok(rd) = std::fs::read_dir(e.path().join("fd")) {
            let fds = rd
                .flatten()
                .filter_map(|f| f.file_name().to_str()?.parse().ok())
                .collect();
            m.insert(pid, fds);
        }
    }
    m
}

#[test]
fn fd_numbers_equal_ls_proc_pid_fd() {
    let c = plant(&[b"A=1"], b"x");
    let before = fd_lists();
    let snap = json(["snapshot"]);
    let after = fd_lists();
    assert_reasons(&snap);
    let mut compared = BTreeSet::new();
    let mut differ = Vec::new();
    let me = u64::from(std::process::id());
    let planted = [u64::from(c.pid), u64::from(c.kid)];
    for p in snap["processes"].as_array().unwrap() {
        let pid = p["pid"].as_u64().unwrap();
        // The test process itself opens and closes fds all the time (other tests run).
        if pid == me {
            continue;
        }
        let Some(fds) = p["fds"].as_array() else {
            continue;
        };
        if p["fds_unresolved"] != 0 {
            continue;
        }
        let (Some(b), Some(a)) = (before.get(&pid), after.get(&pid)) else {
            continue;
        };
        if a != b {
            continue;
        }
        let ours: BTreeSet<i64> = fds.iter().map(|f| f["fd"].as_i64().unwrap()).collect();
        if planted.contains(&pid) {
            assert_eq!(&ours, a, "pid {pid} ({})", p["comm"]);
        } else if &ours != a {
            // why: a busy process can close and reopen fds between the two reads (A-B-A).
            differ.push((pid, ours, a.clone()));
        }
        compared.insert(pid);
    }
    // why: on a small host a single busy process (another test's child) is already 1%.
    assert!(
        differ.len() <= 2 + compared.len() / 100,
        "{} of {} processes differ: {differ:?}",
        differ.len(),
        compared.len()
    );
    assert!(compared.contains(&(c.pid as u64)) && compared.contains(&(c.kid as u64)));
    // And literally `ls` for the planted processes.
    for pid in [c.pid, c.kid] {
        let ls = tool("ls", &[&format!("/proc/{pid}/fd")]).unwrap();
        let want: BTreeSet<i64> = ls.split_whitespace().map(|x| x.parse().unwrap()).collect();
        let p = json(["inspect", &pid.to_string(), "--json"]);
        let have: BTreeSet<i64> = p["fds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fd"].as_i64().unwrap())
            .collect();
        assert_eq!(have, want, "pid {pid}");
    }
    eprintln!("fd lists compared for {} processes", compared.len());
}

/// inode -> (netid, state, local port, owner pids) from `ss -tanpue` (host netns).
fn ss_sockets(text: &str) -> BTreeMap<u64, (String, String, u16, BTreeSet<u64>)> {
    let ino = Regex::new(r"\bino:(\d+)").unwrap();
    let pid = Regex::new(r"pid=(\d+)").unwrap();
    let mut m = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 {
            continue;
        }
        let Some(inode) = ino.captures(line).and_then(|c| c[1].parse::<u64>().ok()) else {
            continue;
        };
        if inode == 0 {
            continue;
        }
        let port = f[4]
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let owners = pid
            .captures_iter(line)
            .map(|c| c[1].parse().unwrap())
            .collect();
        m.insert(inode, (f[0].to_string(), f[1].to_string(), port, owners));
    }
    m
}

#[test]
fn socket_owners_agree_with_ss() {
    let c = plant(&[b"A=1"], b"x");
    let Some(before) = tool("ss", &["-tanpue"]) else {
        return;
    };
    let socks = json(["sockets", "--json"]);
    let after = tool("ss", &["-tanpue"]).unwrap();
    let (before, after) = (ss_sockets(&before), ss_sockets(&after));
    let host = std::fs::read_link("/proc/self/ns/net").unwrap();
    let ours: HashMap<u64, &Value> = socks
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| format!("net:[{}]", s["netns"]) == host.to_str().unwrap())
        .map(|s| (s["inode"].as_u64().unwrap(), s))
        .collect();
    let mut compared = BTreeSet::new();
    let mut differ = Vec::new();
    for (inode, want) in &after {
        if before.get(inode) != Some(want) || want.3.is_empty() {
            continue;
        }
        let Some(s) = ours.get(inode) else {
            panic!("ss lists inode {inode} {want:?}, procscope does not");
        };
        let (netid, state, port, owners) = want;
        assert!(
            s["proto"].as_str().unwrap().starts_with(netid.as_str()),
            "{inode}: {s} vs {netid}"
        );
        let state = match state.as_str() {
            "ESTAB" => "ESTABLISHED",
            other => other,
        };
        assert_eq!(s["state"], state, "{inode}");
        assert_eq!(s["local_port"], *port, "{inode}");
        let have: BTreeSet<u64> = s["pids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_u64().unwrap())
            .collect();
        let is_planted = s["local_port"] == c.tcp_listen || s["local_port"] == c.udp;
        if is_planted {
            assert_eq!(&have, owners, "owners of inode {inode}: {s}");
        } else if &have != owners {
            // why: a short-lived fork holding the socket can come and go between the runs.
            differ.push((*inode, have, owners.clone()));
        }
        compared.insert(inode);
    }
    assert!(
        differ.len() * 100 <= compared.len(),
        "{} of {} sockets differ: {differ:?}",
        differ.len(),
        compared.len()
    );
    let planted = ours
        .values()
        .filter(|s| s["local_port"] == c.tcp_listen || s["local_port"] == c.udp)
        .count();
    assert!(planted >= 2, "planted sockets missing");
    for s in ours.values() {
        if s["local_port"] == c.tcp_listen || s["local_port"] == c.udp {
            let ino = s["inode"].as_u64().unwrap();
            assert!(compared.contains(&ino), "planted socket {ino} not compared");
        }
    }
    eprintln!("socket owners compared for {} sockets", compared.len());
}

/// (pid, parent pid) links from `pstree -p -A -l -T` (ASCII, untruncated, no threads).
fn pstree_links(text: &str) -> Vec<(u64, u64)> {
    let tok = Regex::new(r"^(.*?)\((\d+)\)(---|-\+-|$)").unwrap();
    let mut links = Vec::new();
    // Column of the last character of each token seen, most recent last.
    let mut ends: Vec<(usize, u64)> = Vec::new();
    for line in text.lines() {
        let mut pos = line
            .find("|-")
            .or_else(|| line.find("`-"))
            .map_or(0, |i| i + 2);
        let mut parent: Option<u64> = if pos == 0 {
            None
        } else {
            ends.iter()
                .rev()
                .find(|(e, _)| *e + 4 == pos)
                .map(|(_, p)| *p)
        };
        if pos != 0 {
            assert!(parent.is_some(), "no parent for {line:?}");
        }
        while pos < line.len() {
            let Some(c) = tok.captures(&line[pos..]) else {
                break;
            };
            let pid: u64 = c[2].parse().unwrap();
            let end = pos + c[1].len() + c[2].len() + 1;
            if let Some(pp) = parent {
                links.push((pid, pp));
            }
            ends.push((end, pid));
            parent = Some(pid);
            pos += c[0].len();
        }
    }
    links
}

fn tree_links(nodes: &Value, parent: Option<u64>, out: &mut HashMap<u64, Option<u64>>) {
    let mut stack: Vec<(&Value, Option<u64>)> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n, parent))
        .collect();
    while let Some((n, pp)) = stack.pop() {
        let pid = n["pid"].as_u64().unwrap();
        out.insert(pid, pp);
        for c in n["children"].as_array().unwrap() {
            stack.push((c, Some(pid)));
        }
    }
}

#[test]
fn parent_links_agree_with_pstree() {
    let c = plant(&[b"A=1"], b"x");
    let Some(before) = tool("pstree", &["-p", "-A", "-l", "-T"]) else {
        return;
    };
    let t = json(["tree", "--json"]);
    let after = tool("pstree", &["-p", "-A", "-l", "-T"]).unwrap();
    let before: HashMap<u64, u64> = pstree_links(&before).into_iter().collect();
    let after = pstree_links(&after);
    assert!(after.len() > 1, "pstree parse found nothing");
    let mut ours = HashMap::new();
    tree_links(&t, None, &mut ours);
    let mut compared = BTreeSet::new();
    for (pid, parent) in after {
        if before.get(&pid) != Some(&parent) {
            continue;
        }
        let Some(have) = ours.get(&pid) else {
            continue;
        };
        assert_eq!(*have, Some(parent), "parent of {pid}");
        compared.insert(pid);
    }
    assert!(compared.contains(&(c.pid as u64)) && compared.contains(&(c.kid as u64)));
    assert!(compared.contains(&(std::process::id() as u64)));
    eprintln!("parent links compared for {} processes", compared.len());
}
