//! End to end on a real process: secrets inside structured environ values (a Kubernetes Secret
//! manifest, a NuGet config), an HTTP header and a spaced passphrase on the command line are
//! found with their inner path, masked exactly (the rest of the value still shows), placeholders
//! are not reported, and `--min-severity` drops an unverified (bad-checksum) token.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{Guard, rand_token};
use assert_cmd::Command;
use serde_json::Value;
use std::process::Stdio;

fn procscope(args: &[&str]) -> String {
    let out = Command::cargo_bin("procscope")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mine(out: &str, pid: u32) -> Vec<Value> {
    let all: Vec<Value> = serde_json::from_str(out).unwrap();
    all.into_iter().filter(|f| f["pid"] == pid).collect()
}

/// Starts the client: secrets in a YAML manifest and a NuGet config (environ), a header and a
/// passphrase (argv), beside decoys; waits until it runs and returns its guard.
fn spawn_client(pw: &str, nuget_pw: &str, key: &str, phrase: &str) -> Guard {
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  password: {pw}\n  username: app\n"
    );
    let nuget = format!(
        "<configuration><packageSourceCredentials><acme><add key=\"Username\" value=\"ci\" />\
         <add key=\"ClearTextPassword\" value=\"{nuget_pw}\" /></acme></packageSourceCredentials></configuration>"
    );
    let child = std::process::Command::new("/bin/sh")
        .args(["-c", "read x", "fakeclient", "-H"])
        .arg(format!("X-Api-Key: {key}"))
        .arg("--passphrase")
        .arg(phrase)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("APP_MANIFEST", &manifest)
        .env("NUGET_CONFIG", &nuget)
        .env("DB_PASSWORD", "changeme")
        .env("API_KEY", "${{ secrets.API_KEY }}")
        .env("GITHUB_TOKEN", format!("ghp_{}", rand_token(36, 5)))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let guard = Guard {
        children: vec![child],
        pids: Vec::new(),
    };
    let pid = guard.children[0].id();
    for _ in 0..200 {
        let c = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if c.windows(11).any(|w| w == b"fakeclient\0") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    guard
}

#[test]
fn structured_headers_and_passphrases_live() {
    let (pw, nuget_pw, key) = (rand_token(18, 1), rand_token(16, 2), rand_token(32, 3));
    let phrase = format!("violet {} drum orbit", rand_token(6, 4).to_lowercase());
    let guard = spawn_client(&pw, &nuget_pw, &key, &phrase);
    let pid = guard.children[0].id();

    let f = mine(&procscope(&["secrets", "--json", "--reveal"]), pid);
    let value_of = |name: &str| {
        f.iter()
            .find(|x| x["name"] == name)
            .map(|x| x["value"].as_str().unwrap().to_string())
    };
    assert_eq!(
        value_of("APP_MANIFEST › stringData.password").as_deref(),
        Some(pw.as_str()),
        "{f:#?}"
    );
    let nuget_name = "NUGET_CONFIG › configuration.packageSourceCredentials.acme.ClearTextPassword";
    assert_eq!(value_of(nuget_name).as_deref(), Some(nuget_pw.as_str()));
    assert_eq!(value_of("-H").as_deref(), Some(key.as_str()));
    assert_eq!(value_of("--passphrase").as_deref(), Some(phrase.as_str()));
    assert!(value_of("DB_PASSWORD").is_none() && value_of("API_KEY").is_none());
    let gh = f.iter().find(|x| x["name"] == "GITHUB_TOKEN").unwrap();
    assert_eq!(gh["severity"], "low", "unverified checksum: {gh}");

    let high = mine(
        &procscope(&["secrets", "--json", "--min-severity", "high"]),
        pid,
    );
    assert!(high.iter().all(|x| x["name"] != "GITHUB_TOKEN"));
    assert!(
        high.iter()
            .any(|x| x["name"] == "APP_MANIFEST › stringData.password")
    );

    for args in [
        vec!["inspect".to_string(), pid.to_string(), "--json".into()],
        vec!["inspect".to_string(), pid.to_string()],
        vec!["secrets".to_string()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = procscope(&args);
        for raw in [&pw, &nuget_pw, &key, &phrase] {
            assert!(!out.contains(raw.as_str()), "{args:?} leaks {raw}");
        }
        if args[0] == "inspect" {
            // exactly the inner values are masked: the rest of the manifest still shows
            assert!(out.contains("kind: Secret") && out.contains("ClearTextPassword"));
            assert!(out.contains("X-Api-Key: "));
        }
    }
}
