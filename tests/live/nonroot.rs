//! The live CLI as `nobody` (root only, through setpriv): every field of a root-owned process
//! that root could read says `permission denied`, none is empty, and every command exits 0
//! without an error line.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{Guard, assert_reasons, is_root, procscope_path};
use serde_json::Value;
use std::process::{Command, Output};

fn as_nobody(args: &[&str]) -> Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(procscope_path())
        .args(args)
        .output()
        .expect("setpriv is installed (util-linux)")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = as_nobody(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    assert!(err.is_empty(), "{args:?}: {err}");
    out.stdout
}

#[test]
fn as_nobody_denied_fields_say_so() {
    if !is_root() {
        eprintln!("skipped: needs root to switch to uid 65534 with setpriv");
        return;
    }
    let mut g = Guard::default();
    let child = g.spawn(
        Command::new("sleep")
            .arg("60")
            .env("PROCSCOPE_NONROOT", "planted"),
    );
    let pid = child.id().to_string();
    assert!(crate::support::wait_asleep(child.id()));
    let p: Value = serde_json::from_slice(&ok(&["inspect", &pid, "--json"])).unwrap();
    for field in ["environ", "exe", "cwd", "root", "fds"] {
        assert_eq!(p[field], Value::Null, "{field}: {p}");
        assert_eq!(p["unavailable"][field], "permission denied", "{field}: {p}");
    }
    assert_eq!(p["comm"], "sleep");
    assert_eq!(p["cmdline"], serde_json::json!(["sleep", "60"]));
    let text = String::from_utf8(ok(&["inspect", &pid])).unwrap();
    assert!(text.contains("environ <permission denied>"), "{text}");
    assert!(!text.contains("planted"));
    let snap: Value = serde_json::from_slice(&ok(&["snapshot"])).unwrap();
    assert_reasons(&snap);
    for p in snap["processes"].as_array().unwrap() {
        assert!(p["comm"].as_str().is_none_or(|c| !c.is_empty()), "{p}");
        if let Some(env) = p["environ"].as_array() {
            // Read only for nobody's own processes (none here but procscope itself).
            assert!(p["uid"]["real"] == 65534 || env.is_empty(), "{p}");
        }
    }
    for args in [
        &["tree"][..],
        &["sockets", "-x"],
        &["containers"],
        &["secrets"],
    ] {
        let out = ok(args);
        assert!(!out.is_empty() || args == ["secrets"], "{args:?}");
    }
}
