//! Bad input gives one line on stderr and a non-zero exit, never a panic.

use crate::support::{FakeProc, procscope};

fn fails(args: &[&str]) -> String {
    let out = procscope().args(args).output().expect("run procscope");
    let err = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(!out.status.success(), "{args:?} succeeded");
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    err
}

fn one_line(args: &[&str]) -> String {
    let err = fails(args);
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("procscope: "), "{args:?}: {err}");
    err
}

#[test]
fn unknown_pid() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    let root = f.path().to_str().unwrap();
    for cmd in ["inspect", "tree"] {
        let err = one_line(&["--proc-root", root, cmd, "4242"]);
        assert_eq!(err, "procscope: no process with pid 4242\n");
        let err = one_line(&["--proc-root", root, cmd, "4242", "--json"]);
        assert_eq!(err, "procscope: no process with pid 4242\n");
    }
}

#[test]
fn missing_or_non_directory_proc_root() {
    let err = one_line(&["--proc-root", "/nonexistent/procscope-test", "tree"]);
    assert_eq!(
        err,
        "procscope: cannot open proc root /nonexistent/procscope-test: No such file or directory (os error 2)\n"
    );
    let f = FakeProc::new();
    let file = f.path().join("stat");
    let err = one_line(&["--proc-root", file.to_str().unwrap(), "sockets"]);
    assert!(err.contains("Not a directory"), "{err}");
    // A proc root whose name holds a control character is escaped in the message.
    let weird = f.path().join("a\u{1b}[2Jb");
    let err = one_line(&["--proc-root", weird.to_str().unwrap(), "tree"]);
    assert!(err.contains("a\\e[2Jb") && !err.contains('\u{1b}'), "{err}");
}

#[test]
fn bad_flags_and_arguments_fail_without_panic() {
    for args in [
        &["--bogus"][..],
        &["inspect"],
        &["inspect", "notapid"],
        &["inspect", "-5"],
        &["inspect", "99999999999"],
        &["tree", "--threads=maybe"],
        &["sockets", "--nope"],
        &["nosuchcommand"],
    ] {
        let err = one_line(args);
        assert!(err.contains("(see --help)"), "{args:?}: {err}");
    }
}

#[test]
fn empty_proc_root_gives_empty_results() {
    let f = FakeProc::new();
    let root = f.path().to_str().unwrap();
    let out = procscope()
        .args(["--proc-root", root, "tree", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "[]");
    let out = procscope()
        .args(["--proc-root", root, "snapshot"])
        .output()
        .unwrap();
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["processes"], serde_json::json!([]));
    assert_eq!(snap["meta"]["live"], false);
}
