//! The masking policy through the real binary: secrets in argv and environ that once leaked
//! without `--reveal` (a value with a space, a token starting a secret-named value, more matches
//! than the cap, an entry without `=`, short flags of common tools) stay hidden in every output;
//! `fs --cat` masks the values inside a file but a key file whole.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use crate::support::{FakeProc, procscope};
use std::path::Path;

fn run(root: &Path, args: &[&str]) -> String {
    let out = procscope()
        .arg("--proc-root")
        .arg(root)
        .args(args)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every output that shows argv or environ, without --reveal.
fn outputs(root: &Path) -> Vec<(String, String)> {
    [
        vec!["inspect", "4242"],
        vec!["--json", "inspect", "4242"],
        vec!["tree", "-a"],
        vec!["--json", "tree", "-a"],
        vec!["snapshot"],
        vec!["secrets"],
        vec!["--json", "secrets"],
    ]
    .into_iter()
    .map(|a| (a.join(" "), run(root, &a)))
    .collect()
}

/// A fixture with one process of this argv and environ (NUL-separated as in /proc).
fn fixture(argv: &[&[u8]], env: &[&[u8]]) -> FakeProc {
    let fp = FakeProc::new();
    let nul = |parts: &[&[u8]]| {
        let mut v = Vec::new();
        for p in parts {
            v.extend_from_slice(p);
            v.push(0);
        }
        v
    };
    fp.process(4242, 0, "app")
        .file("cmdline", &nul(argv))
        .file("environ", &nul(env));
    fp
}

fn assert_hidden(argv: &[&[u8]], env: &[&[u8]], secret: &str) {
    let fp = fixture(argv, env);
    for (what, out) in outputs(fp.path()) {
        assert!(!out.contains(secret), "{what} shows {secret:?}:\n{out}");
    }
    // The check can fail: --reveal shows the bytes.
    let shown = run(fp.path(), &["--reveal", "inspect", "4242"]);
    assert!(
        shown.contains(secret),
        "--reveal hides {secret:?}:\n{shown}"
    );
}

#[test]
fn flag_value_with_a_space_is_masked_whole() {
    assert_hidden(&[b"app", b"--password=hunter2 tail77"], &[b"A=1"], "tail77");
    assert_hidden(
        &[b"app", b"--password", b"hunter2 tail77"],
        &[b"A=1"],
        "tail77",
    );
}

#[test]
fn secret_named_value_starting_with_a_token_is_masked_whole() {
    assert_hidden(
        &[b"app"],
        &[b"DB_PASSWORD=AKIAZ7QK3M5XW2PLRT4N tail77"],
        "tail77",
    );
}

#[test]
fn more_matches_than_the_cap_mask_the_whole_value() {
    let many: String = (0..70)
        .map(|i| format!("AKIAZ7QK3M5XW2PL{i:04} "))
        .collect::<String>()
        .replace('0', "A")
        .replace('1', "B")
        .replace('8', "C")
        .replace('9', "D");
    let env = format!("BLOB={many}trailer77");
    assert_hidden(&[b"app"], &[env.as_bytes()], "trailer77");
}

#[test]
fn token_in_an_environ_entry_without_equals_is_masked() {
    assert_hidden(&[b"app"], &[b"A=1", b"AKIAZ7QK3M5XW2PLRT4N"], "QK3M5XW2PL");
}

#[test]
fn short_flags_of_common_tools_are_masked() {
    let s = "Sh0rtFl4gPw";
    let pw = s.as_bytes();
    let up = format!("bob:{s}");
    let glued = format!("-p{s}");
    for argv in [
        vec![&b"mysql"[..], glued.as_bytes(), b"db"],
        vec![b"mysql", b"-p", pw, b"db"],
        vec![b"mysqladmin", b"-u", b"root", glued.as_bytes(), b"status"],
        vec![b"mysqldump", glued.as_bytes(), b"db"],
        vec![b"redis-cli", b"-a", pw, b"ping"],
        vec![b"sshpass", b"-p", pw, b"ssh", b"h"],
        vec![b"curl", b"-u", up.as_bytes(), b"http://x"],
    ] {
        assert_hidden(&argv, &[b"A=1"], s);
    }
}

#[test]
fn fs_cat_masks_values_in_a_file_and_key_files_whole() {
    let fp = FakeProc::new();
    let p = fp.process(4242, 0, "etcd");
    let db = b"\x00\x07/registry/secrets/default/x\x00\x12k8s\x00\x01aws_access_key_id=AKIAZ7QK3M5XW2PLRT4N\x00\x00";
    let key = b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    p.remove("root")
        .file("root/var/lib/etcd/member/snap/db", db)
        .file("root/etc/tls/server.key", key)
        .file("root/etc/hostname", b"node\n");
    let r = fp.path();
    let db_path = "/var/lib/etcd/member/snap/db";
    for args in [
        vec!["fs", "4242", db_path, "--cat", "--strings"],
        vec!["fs", "4242", db_path, "--cat"],
        vec!["fs", "4242", db_path, "--cat", "--hex"],
        vec!["--json", "fs", "4242", db_path, "--cat", "--strings"],
    ] {
        let out = run(r, &args);
        assert!(!out.contains("QK3M5XW2PL"), "{args:?}: {out}");
        if !args.contains(&"--hex") {
            assert!(
                out.contains("/registry/secrets/default/x"),
                "{args:?}: {out}"
            );
        }
    }
    let revealed = run(
        r,
        &["--reveal", "fs", "4242", db_path, "--cat", "--strings"],
    );
    assert!(revealed.contains("AKIAZ7QK3M5XW2PLRT4N"), "{revealed}");
    let out = run(r, &["fs", "4242", "/etc/tls/server.key", "--cat"]);
    assert!(out.contains("(secret masked; --reveal to show)"), "{out}");
    assert!(!out.contains("MIIEvQ"), "{out}");
    let out = run(
        r,
        &["fs", "4242", "/etc/tls/server.key", "--cat", "--strings"],
    );
    assert!(
        !out.contains("MIIEvQ") && !out.contains("END PRIVATE"),
        "{out}"
    );
    // The TUI viewer reads through the same policy.
    let h = procscope::tui::fsview::FsHandle::open(r, 4242).unwrap();
    let d = h.read(db_path.as_bytes()).unwrap();
    let text = String::from_utf8_lossy(&d.bytes);
    assert!(
        !d.sensitive && text.contains("/registry/secrets/default/x"),
        "{text}"
    );
    assert!(!text.contains("QK3M5XW2PL"), "{text}");
    assert!(h.read(b"/etc/tls/server.key").unwrap().sensitive);
}
