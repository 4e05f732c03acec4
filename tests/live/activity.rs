//! The thread activity of a snapshot (`inspect`): the current syscall and wchan of sleeping
//! processes, and old snapshot files without activity still loading.

use crate::support::{Guard, json, procscope, wait_asleep};
use std::fs;
use std::process::{Command, Stdio};

#[test]
fn current_syscall_of_sleep_and_of_cat_on_a_pipe() {
    let mut g = Guard::default();
    let sleeper = g.spawn(Command::new("sleep").arg("60")).id();
    let cat = g
        .spawn(
            Command::new("cat")
                .stdin(Stdio::piped())
                .stdout(Stdio::null()),
        )
        .id();
    assert!(wait_asleep(sleeper) && wait_asleep(cat));
    let name = |pid: u32| {
        let v = json(["inspect", &pid.to_string(), "--json"]);
        v["threads"][0]["syscall"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(name(sleeper), "clock_nanosleep");
    let v = json(["inspect", &cat.to_string(), "--json"]);
    let t = &v["threads"][0];
    assert_eq!(t["syscall"]["name"], "read", "{t}");
    assert_eq!(t["syscall"]["args"][0], 0, "reads its stdin");
    assert!(t["wchan"].is_string(), "{t}");
    let text = procscope()
        .args(["inspect", &cat.to_string()])
        .output()
        .expect("inspect");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("syscall read(0<pipe:["), "{text}");
}

#[test]
fn an_old_snapshot_without_activity_loads() {
    let mut g = Guard::default();
    let sleeper = g.spawn(Command::new("sleep").arg("60")).id();
    assert!(wait_asleep(sleeper));
    let dir = tempfile::tempdir().expect("tempdir");
    let new = dir.path().join("new.json");
    procscope()
        .args(["snapshot", "-o"])
        .arg(&new)
        .assert()
        .success();
    let mut v: serde_json::Value =
        serde_json::from_slice(&fs::read(&new).expect("read")).expect("json");
    assert!(v["meta"]["arch"].is_string());
    v["meta"].as_object_mut().expect("meta").remove("arch");
    let mut had = false;
    for p in v["processes"].as_array_mut().expect("processes") {
        had |= p
            .as_object_mut()
            .expect("process")
            .remove("activity")
            .is_some();
    }
    assert!(had, "the new file carries activity");
    let old = dir.path().join("old.json");
    fs::write(&old, serde_json::to_vec(&v).expect("json")).expect("write");
    let back = json([
        "--snapshot",
        old.to_str().expect("utf8"),
        "inspect",
        &sleeper.to_string(),
        "--json",
    ]);
    assert_eq!(back["pid"], sleeper);
    assert!(back["threads"][0]["syscall"].is_null());
    let text = procscope()
        .args([
            "--snapshot",
            old.to_str().expect("utf8"),
            "inspect",
            &sleeper.to_string(),
        ])
        .output()
        .expect("inspect");
    assert!(String::from_utf8_lossy(&text.stdout).contains("syscall -"));
}
