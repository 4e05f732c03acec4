//! A fork storm of short-lived processes (and threads) while `hidden` runs again and again:
//! processes that start after the listing or exit before the recheck are never reported.

// why: helpers below are test code too; clippy only exempts #[test] functions.
#![allow(clippy::unwrap_used)]

use crate::support::{Guard, procscope};
use serde_json::Value;
use std::process::{Command, Stdio};

#[test]
fn fork_storm_never_reports() {
    let mut g = Guard::default();
    // Eight short-lived children at a time, for about 12 seconds, plus python threads that come
    // and go (thread ids are probed too).
    let storm = "end=$(( $(date +%s) + 12 )); while [ $(date +%s) -lt $end ]; do \
        for i in 1 2 3 4 5 6 7 8; do /bin/true & done; wait; done";
    g.spawn(
        Command::new("sh")
            .args(["-c", storm])
            .stdin(Stdio::null())
            .stdout(Stdio::null()),
    );
    let threads = concat!(
        "import threading, time\n",
        "end = time.time() + 12\n",
        "while time.time() < end:\n",
        "    ts = [threading.Thread(target=time.sleep, args=(0.01,)) for _ in range(8)]\n",
        "    [t.start() for t in ts]\n",
        "    [t.join() for t in ts]\n",
    );
    g.spawn(
        Command::new("python3")
            .args(["-c", threads])
            .stdin(Stdio::null())
            .stdout(Stdio::null()),
    );
    let start = std::time::Instant::now();
    let mut runs = 0;
    while start.elapsed().as_secs() < 10 || runs < 3 {
        let out = procscope().args(["hidden", "--json"]).output().unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v, serde_json::json!([]), "run {runs} reported: {v}");
        runs += 1;
    }
    assert!(runs >= 3);
}
