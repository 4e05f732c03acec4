//! End to end: real processes carrying planted secrets in their environ and argv are found by
//! `procscope secrets`, and no planted value appears in any output without `--reveal`.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{Guard, rand_token};
use assert_cmd::Command;
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

struct Planted {
    guard: Guard,
    /// (name as reported, raw value that must never leak)
    secrets: Vec<(String, String)>,
    /// Non-secret values that inspect must still show.
    shown: Vec<String>,
}

/// `sh -c 'read x'` blocks on its stdin pipe: a long-lived process with exactly our argv and env.
fn plant() -> Planted {
    let aws = format!(
        "AKIA{}",
        rand_token(16, 1)
            .to_uppercase()
            .replace(['0', '1', '8', '9'], "Q")
    );
    let gh = format!("ghp_{}", rand_token(36, 2));
    let dbpw = format!("Pw-{}", rand_token(10, 3));
    let url_pw = rand_token(18, 4);
    let pem_line = rand_token(64, 5);
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA{}\n{pem_line}\n{}==\n-----END RSA PRIVATE KEY-----",
        rand_token(60, 6),
        rand_token(40, 7)
    );
    let flag_pw = rand_token(16, 8);
    let token = rand_token(24, 9);
    let bearer = rand_token(40, 10);
    let corp = format!("corp_{}", rand_token(20, 11).to_lowercase());
    let child = std::process::Command::new("/bin/sh")
        .args(["-c", "read x", "fakeserver"])
        .arg(format!("--password={flag_pw}"))
        .args(["--token", &token, "-H"])
        .arg(format!("Authorization: Bearer {bearer}"))
        .arg("--tls-private-key-file=/etc/pki/server.key")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("AWS_ACCESS_KEY_ID", &aws)
        .env("GITHUB_TOKEN", &gh)
        .env("DB_PASSWORD", &dbpw)
        .env(
            "DATABASE_URL",
            format!("postgres://app:{url_pw}@db:5432/app"),
        )
        .env("TLS_PRIVATE_KEY", &pem)
        .env("CORP_CREDENTIAL_BLOB", &corp)
        .env("AWS_DOCS_KEY", "AKIAIOSFODNN7EXAMPLE")
        .env("PASSWORD_STORE_DIR", "/root/.password-store")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn sh");
    let guard = Guard {
        children: vec![child],
        pids: Vec::new(),
    };
    // why: wait until the exec is done, so /proc shows sh's argv and env, not the test's.
    let pid = guard.children[0].id();
    for _ in 0..200 {
        let c = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if c.windows(10).any(|w| w == b"fakeserver") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Planted {
        guard,
        secrets: vec![
            ("AWS_ACCESS_KEY_ID".into(), aws),
            ("GITHUB_TOKEN".into(), gh),
            ("DB_PASSWORD".into(), dbpw),
            ("DATABASE_URL".into(), url_pw),
            ("TLS_PRIVATE_KEY".into(), pem_line),
            ("CORP_CREDENTIAL_BLOB".into(), corp),
            ("--password".into(), flag_pw),
            ("--token".into(), token),
            ("-H".into(), bearer),
        ],
        shown: vec![
            "AKIAIOSFODNN7EXAMPLE".into(),
            "/root/.password-store".into(),
            "/etc/pki/server.key".into(),
        ],
    }
}

fn procscope(args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("procscope")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn user_rules() -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        f,
        "rules:\n  - id: corp-blob\n    description: ACME internal credential\n    severity: high\n    regex: '\\b(corp_[a-z0-9]{{20}})\\b'\n    keywords: [corp_]\n  - id: github-token\n    enabled: false"
    )
    .unwrap();
    f
}

#[test]
fn planted_secrets_are_found_and_never_leak_unrevealed() {
    let p = plant();
    let pid = p.guard.children[0].id();
    let rules = user_rules();
    let rules_path = rules.path().to_str().unwrap();

    check_found(&p, pid, rules_path);
    check_masked_everywhere(&p, pid, rules_path);
    check_revealed(&p, pid, rules_path);
}

/// `secrets --json` finds every planted secret by the right rule (a user rule added, a built-in
/// one disabled), no decoy, and the key-file lead with its path.
fn check_found(p: &Planted, pid: u32, rules_path: &str) {
    let (ok, out, err) = procscope(&["--rules", rules_path, "secrets", "--json"]);
    assert!(ok, "{err}");
    let found: Vec<Value> = serde_json::from_str(&out).unwrap();
    let mine: Vec<&Value> = found.iter().filter(|f| f["pid"] == pid).collect();
    for (name, _) in &p.secrets {
        assert!(
            mine.iter().any(|f| f["name"] == name.as_str()),
            "{name} not found in {mine:#?}"
        );
    }
    let rule_of = |n: &str| mine.iter().find(|f| f["name"] == n).unwrap()["rule"].clone();
    assert_eq!(rule_of("CORP_CREDENTIAL_BLOB"), "corp-blob");
    assert_eq!(rule_of("AWS_ACCESS_KEY_ID"), "aws-access-key-id");
    assert_ne!(
        rule_of("GITHUB_TOKEN"),
        "github-token",
        "disabled rule fired"
    );
    assert!(mine.iter().all(|f| f["container"].is_null()));
    assert!(
        !mine
            .iter()
            .any(|f| f["name"] == "AWS_DOCS_KEY" || f["name"] == "PASSWORD_STORE_DIR"),
        "decoy flagged: {mine:#?}"
    );
    let lead = mine
        .iter()
        .find(|f| f["name"] == "--tls-private-key-file")
        .expect("key-file lead");
    assert_eq!(lead["value"], "/etc/pki/server.key");
}

/// No output of any command shows a planted secret unrevealed; `inspect` shows the rest.
fn check_masked_everywhere(p: &Planted, pid: u32, rules_path: &str) {
    let pid_s = pid.to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["secrets"],
        vec!["secrets", "--json"],
        vec!["secrets", "--pattern", "fakeserver|CORP_"],
        vec!["secrets", "--name", "DB_PASSWORD", "--json"],
        vec!["inspect", &pid_s],
        vec!["inspect", &pid_s, "--json"],
        vec!["tree", "-a"],
        vec!["tree", "-a", "--json"],
        vec!["snapshot"],
    ];
    for run in &runs {
        let mut args = vec!["--rules", rules_path];
        args.extend(run.iter().copied());
        let (ok, out, err) = procscope(&args);
        assert!(ok, "{run:?}: {err}");
        for (name, raw) in &p.secrets {
            assert!(!out.contains(raw.as_str()), "{run:?} leaks {name}");
        }
        if run[0] == "inspect" {
            for s in &p.shown {
                assert!(out.contains(s.as_str()), "{run:?} hides non-secret {s}");
            }
            assert!(out.contains("…("), "{run:?} shows no mask");
        }
    }
    let (_, grep, _) = procscope(&["secrets", "--pattern", "fakeserver|CORP_", "--json"]);
    let grep: Vec<Value> = serde_json::from_str(&grep).unwrap();
    assert!(
        grep.iter()
            .any(|f| f["pid"] == pid && f["name"] == "CORP_CREDENTIAL_BLOB")
    );
}

/// `--reveal` shows every planted secret.
fn check_revealed(p: &Planted, pid: u32, rules_path: &str) {
    let pid_s = pid.to_string();
    for run in [
        vec!["secrets", "--json", "--reveal"],
        vec!["inspect", &pid_s, "--json", "--reveal"],
    ] {
        let mut args = vec!["--rules", rules_path];
        args.extend(run.iter().copied());
        let (ok, out, err) = procscope(&args);
        assert!(ok, "{err}");
        for (name, raw) in &p.secrets {
            assert!(out.contains(raw.as_str()), "{run:?} does not reveal {name}");
        }
    }
}

#[test]
fn bad_patterns_and_rules_fail_in_one_line() {
    let (ok, _, err) = procscope(&["secrets", "--pattern", "a(b"]);
    assert!(!ok);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--pattern") && err.contains("a(b"), "{err}");

    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "rules:\n  - id: broken-rule\n    regex: '[z-a]'").unwrap();
    let (ok, _, err) = procscope(&["--rules", f.path().to_str().unwrap(), "secrets"]);
    assert!(!ok);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("broken-rule"), "{err}");

    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "rules:\n  - id: typo\n    regexp: 'x'").unwrap();
    let (ok, _, err) = procscope(&["--rules", f.path().to_str().unwrap(), "tree"]);
    assert!(!ok);
    assert!(err.contains("typo") && err.contains("regexp"), "{err}");

    let (ok, _, err) = procscope(&["--rules", "/nonexistent/rules.yaml", "secrets"]);
    assert!(!ok && err.contains("/nonexistent/rules.yaml"), "{err}");
}
