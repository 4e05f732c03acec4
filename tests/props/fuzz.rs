//! Fuzz harness (stable Rust, proptest): every parser of hostile input is fed mutations of its
//! seed corpus (`tests/fuzz/corpus/`) and raw bytes. Properties: no panic, and each input
//! handled in bounded time. `FUZZ_CASES` sets the cases per target (default 64, kept small
//! for CI); `tests/fuzz/run.sh SECS` runs every target for a set time. A crash found becomes
//! a case in `regressions` below.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use procscope::collect::{parse, tables};
use procscope::model::{Environ, Proto};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;
use std::time::{Duration, Instant};

/// Longest any one input may take (debug build, shared CI machine).
const PER_INPUT: Duration = Duration::from_secs(5);

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz/corpus")
            .join(name),
    )
    .unwrap()
}

fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// One edit of a seed: flip, insert, delete, duplicate a span, or truncate.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Repeat(usize, usize, usize),
    Truncate(usize),
}

fn apply(mut b: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = b.len().max(1);
        match e {
            Edit::Set(i, v) if !b.is_empty() => b[i % n] = *v,
            Edit::Insert(i, v) => {
                let at = i % (b.len() + 1);
                b.splice(at..at, v.iter().copied());
            }
            Edit::Delete(i, k) if !b.is_empty() => {
                let at = i % n;
                let end = (at + k % 64).min(b.len());
                b.drain(at..end);
            }
            Edit::Repeat(i, k, times) if !b.is_empty() => {
                let at = i % n;
                let end = (at + 1 + k % 32).min(b.len());
                let span = b[at..end].to_vec();
                for _ in 0..(times % 64) {
                    b.splice(at..at, span.iter().copied());
                }
            }
            Edit::Truncate(i) => b.truncate(i % (b.len() + 1)),
            _ => {}
        }
    }
    b
}

fn edit() -> impl Strategy<Value = Edit> {
    let special = prop::sample::select(b"()[]{}:=\",\0\n\t \\/0123456789abcdefx-!~".to_vec());
    prop_oneof![
        (any::<usize>(), prop_oneof![any::<u8>(), special.clone()])
            .prop_map(|(i, v)| Edit::Set(i, v)),
        (
            any::<usize>(),
            prop::collection::vec(prop_oneof![any::<u8>(), special], 1..16)
        )
            .prop_map(|(i, v)| Edit::Insert(i, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, k)| Edit::Delete(i, k)),
        (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(i, k, t)| Edit::Repeat(i, k, t)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Run `f` on `n` mutations of the seeds (and raw bytes), each within [`PER_INPUT`].
fn fuzz(seeds: &[Vec<u8>], n: u32, f: impl Fn(&[u8])) {
    let strategy = (
        prop::sample::select(seeds.to_vec()),
        prop::collection::vec(edit(), 0..8),
        prop::collection::vec(any::<u8>(), 0..64),
        any::<bool>(),
    )
        .prop_map(|(s, e, raw, use_raw)| if use_raw { raw } else { apply(s, &e) });
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |input| {
            let t = Instant::now();
            f(&input);
            prop_assert!(t.elapsed() < PER_INPUT, "took {:?}", t.elapsed());
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_proc_files() {
    let seeds = ["stat", "status", "cgroup", "cmdline", "environ"].map(seed);
    fuzz(&seeds, cases(256), |b| {
        let _ = parse::stat(b);
        let _ = parse::status(b);
        let _ = parse::cgroups(b);
        let _ = parse::cmdline(b);
        let _ = Environ::from_raw(b).iter().count();
        let _ = parse::ns_inode(b);
        let _ = parse::passwd(b);
    });
}

#[test]
fn fuzz_net_tables() {
    let names = [
        "net_tcp",
        "net_tcp6",
        "net_udp",
        "net_unix",
        "net_packet",
        "net_raw",
    ];
    let seeds = names.map(seed);
    let protos = [
        Proto::Tcp,
        Proto::Tcp6,
        Proto::Udp,
        Proto::Udp6,
        Proto::Raw,
        Proto::Raw6,
        Proto::Unix,
        Proto::Packet,
    ];
    fuzz(&seeds, cases(128), |b| {
        for p in protos {
            let _ = tables::parse_table(p, 1, b);
            if tables::is_inet(p) {
                let _ = tables::parse_inet(p, 1, b);
            }
        }
        let _ = tables::unix_name(b);
    });
}

#[test]
fn fuzz_sock_diag_replies() {
    // A reply: one message of one socket (header, unix_diag_msg) then NLMSG_DONE.
    let mut reply = Vec::new();
    let body = [1u8, 1, 1, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    reply.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    reply.extend_from_slice(&20u16.to_ne_bytes());
    reply.extend_from_slice(&2u16.to_ne_bytes());
    reply.extend_from_slice(&7u32.to_ne_bytes());
    reply.extend_from_slice(&0u32.to_ne_bytes());
    reply.extend_from_slice(&body);
    // And one of a TCP socket (inet_diag_msg: family, state, ports, addresses, ...).
    let mut inet = reply[..16].to_vec();
    inet[0..4].copy_from_slice(&(16u32 + 72).to_ne_bytes());
    inet.extend_from_slice(&[2, 10, 0, 0, 0x1f, 0x90, 0, 0, 127, 0, 0, 1]);
    inet.resize(16 + 72, 0);
    use procscope::source::sockdiag::{inet as diag4, unix};
    let seeds = [reply, unix::request(7), inet, diag4::request(7, 10, 6)];
    fuzz(&seeds, cases(256), |b| {
        let mut out = Vec::new();
        let _ = unix::parse_batch(b, 7, &mut out);
        for family in [2, 10] {
            let mut rows = Vec::new();
            let _ = diag4::parse_batch(b, 7, family, &mut rows);
        }
    });
}

#[test]
fn fuzz_snapshot_json() {
    let seeds = [seed("snapshot.json")];
    fuzz(&seeds, cases(32), |b| {
        if let Ok(mut s) = procscope::source::snapshot_file::parse_snapshot(Path::new("f"), b) {
            let _ = s.validate();
            let t = procscope::model::ProcessTree::build(&s);
            let _ = t.walk(&t.roots, &|_| true);
        }
    });
}

#[test]
fn fuzz_rules_yaml() {
    let seeds = [seed("rules.yaml")];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.yaml");
    fuzz(&seeds, cases(16), |b| {
        std::fs::write(&path, b).unwrap();
        let _ = procscope::collect::rules::load(Some(&path));
    });
}

#[test]
fn fuzz_search_queries() {
    use procscope::tui::search::{MatchMode, parse as query};
    let seeds: Vec<Vec<u8>> = seed("search.txt")
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    fuzz(&seeds, cases(256), |b| {
        let text = String::from_utf8_lossy(b);
        for mode in [MatchMode::Plain, MatchMode::Regex, MatchMode::Fuzzy] {
            let _ = query(&text, mode);
        }
    });
}

/// Inputs a fuzz run found (or that stand for a fixed class): each must stay harmless.
#[test]
fn regressions() {
    let deep = "[".repeat(100_000);
    assert!(
        procscope::source::snapshot_file::parse_snapshot(Path::new("f"), deep.as_bytes()).is_err()
    );
    let _ = parse::stat(b"1 (a) S");
    let _ = parse::stat(b")");
}
