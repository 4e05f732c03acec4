//! `procscope detect` on the command line: syslog to a socket the test listens on, one-line
//! errors for bad rules files, `--list-rules`, escaping of untrusted text, `--min-priority`,
//! `--interval` emitting only new alerts, and `diff`'s alerts new since OLD.

#![allow(clippy::unwrap_used)]

use crate::support::FakeProc;
use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::Duration;

fn fixture() -> FakeProc {
    let fp = FakeProc::new();
    fp.process(1, 0, "systemd");
    fp.process(10, 1, "x").link("exe", b"/tmp/x");
    fp
}

fn detect(fp: &FakeProc, args: &[&str]) -> std::process::Output {
    crate::support::procscope()
        .env("XDG_CONFIG_HOME", fp.path())
        .args(["--proc-root", fp.path().to_str().unwrap(), "detect"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn syslog_message_reaches_the_socket() {
    let fp = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let sock = UnixDatagram::bind(&path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let out = crate::support::procscope()
        .env("XDG_CONFIG_HOME", fp.path())
        .env("PROCSCOPE_SYSLOG_SOCKET", &path)
        .args([
            "--proc-root",
            fp.path().to_str().unwrap(),
            "detect",
            "--syslog",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut buf = [0u8; 4096];
    let n = sock.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]);
    // LOG_USER (8) | warning (4) = 12.
    assert!(msg.starts_with("<12>falco["), "{msg}");
    assert!(
        msg.contains("]: Warning Program runs from a temporary directory"),
        "{msg}"
    );
}

#[test]
fn bad_rules_files_fail_with_one_line() {
    let fp = fixture();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "- rule: T\n  desc: d\n  condition: proc.nmae = x\n  output: o\n  priority: INFO\n",
            "'T': unknown field 'proc.nmae'",
        ),
        (
            "- macro: m\n  condition: nosuch\n",
            "'m': undefined macro 'nosuch'",
        ),
        (
            "- rule: T\n  desc: d\n  condition: proc.name regex '['\n  output: o\n  priority: INFO\n",
            "bad regex",
        ),
        ("- rule: [\n", "malformed YAML"),
        (
            "- macro: a\n  condition: proc.pid=1\n- macro: a\n  condition: a\n",
            "macro cycle",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let f = dir.path().join(format!("r{i}.yaml"));
        std::fs::write(&f, text).unwrap();
        let out = detect(&fp, &["-r", f.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("r{i}.yaml:")) && err.contains(want),
            "{err}"
        );
    }
}

#[test]
fn list_rules_text_and_json() {
    let fp = fixture();
    std::fs::create_dir_all(fp.path().join("procscope")).unwrap();
    std::fs::write(
        fp.path().join("procscope/procscope_rules.local.yaml"),
        "- rule: Connected\n  desc: d\n  condition: evt.type = connect and fd.connected = true\n  output: o\n  priority: NOTICE\n",
    )
    .unwrap();
    let out = detect(&fp, &["--list-rules", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let find = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == name)
            .unwrap()
            .clone()
    };
    // why: proc.is_exe_upper_layer is read from the overlay's upper directory now.
    assert_eq!(
        find("Drop and execute new binary in container")["status"],
        "evaluable"
    );
    let connected = find("Connected");
    assert_eq!(connected["status"], "not_evaluable");
    assert!(
        connected["reason"]
            .as_str()
            .unwrap()
            .contains("fd.connected")
    );
    let text = String::from_utf8(detect(&fp, &["--list-rules"]).stdout).unwrap();
    assert!(
        text.contains("Terminal shell in container") && text.contains("not evaluable"),
        "{text}"
    );
}

#[test]
fn untrusted_text_is_escaped_in_text_and_exact_in_json() {
    let fp = fixture();
    fp.process(11, 1, "ev\x1b[2Jil")
        .link("exe", b"/tmp/ev\x1bil");
    let text = String::from_utf8(detect(&fp, &[]).stdout).unwrap();
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("ev\\e[2Jil"), "{text}");
    let json = String::from_utf8(detect(&fp, &["--json"]).stdout).unwrap();
    let a: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        a.iter()
            .any(|a| a["output_fields"]["proc.name"] == "ev\x1b[2Jil")
    );
    let line = text.lines().next().unwrap();
    let (time, rest) = line.split_once(": ").unwrap();
    assert_eq!(time.len(), "HH:MM:SS.nnnnnnnnn".len(), "{line}");
    assert!(rest.starts_with("Warning "), "{line}");
}

#[test]
fn min_priority_filters() {
    let fp = fixture();
    let all = String::from_utf8(detect(&fp, &[]).stdout).unwrap();
    assert!(all.contains("Warning"));
    let crit = String::from_utf8(detect(&fp, &["--min-priority", "critical"]).stdout).unwrap();
    assert!(crit.is_empty(), "{crit}");
}

#[test]
fn interval_emits_only_new_alerts() {
    let fp = fixture();
    let mut child = Command::new(crate::support::procscope_path())
        .env("XDG_CONFIG_HOME", fp.path())
        .args([
            "--proc-root",
            fp.path().to_str().unwrap(),
            "detect",
            "--interval",
            "1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("process 10 is running /tmp/x"), "{first}");
    fp.process(12, 1, "y").link("exe", b"/var/tmp/y");
    let second = lines.next().unwrap().unwrap();
    assert!(
        second.contains("process 12 is running /var/tmp/y"),
        "the old alert came again: {second}"
    );
    crate::support::kill(pid);
    let _ = child.wait();
}

#[test]
fn diff_lists_alerts_new_since_old() {
    let fp = fixture();
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let out = crate::support::procscope()
        .args([
            "--proc-root",
            fp.path().to_str().unwrap(),
            "snapshot",
            "-o",
            old.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    fp.process(12, 1, "y").link("exe", b"/dev/shm/y");
    let run = |json: bool| {
        let mut c = crate::support::procscope();
        c.env("XDG_CONFIG_HOME", fp.path()).args([
            "--proc-root",
            fp.path().to_str().unwrap(),
            "diff",
            old.to_str().unwrap(),
        ]);
        if json {
            c.arg("--json");
        }
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    let text = run(false);
    assert!(text.contains("new alerts (2)"), "{text}");
    assert!(
        text.contains("/dev/shm/y") && !text.contains("/tmp/x"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&run(true)).unwrap();
    let rules: Vec<&str> = v["new_alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"Execution from /dev/shm"), "{rules:?}");
}
