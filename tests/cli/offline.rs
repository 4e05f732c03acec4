//! A snapshot file of real processes (a shell with children, a TCP listener, a chrooted process
//! in new mount and pid namespaces) read back with `--snapshot` answers `tree`, `inspect`,
//! `sockets` and `containers` exactly as the live system does; masking is kept, never doubled;
//! bad files are refused with one line.

#![allow(clippy::unwrap_used)]

use crate::support::offline::*;
use serde_json::Value;
use std::path::Path;

const SECRET: &str = "abcdefghijklmnop";

/// A busybox-static rootfs: `bin/busybox` only.
fn rootfs(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("rootfs");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy("/bin/busybox", root.join("bin/busybox"))
        .expect("busybox-static (tests/setup.sh)");
    root
}

/// `unshare --mount --pid --fork chroot ROOT /bin/busybox sleep 600`, with the pid 1 of the
/// new namespace recorded for cleanup; returns it and that pid.
fn container(dir: &Path) -> (Kid, u32) {
    let root = rootfs(dir);
    let mut kid = spawn(
        &[
            "unshare",
            "--mount",
            "--pid",
            "--fork",
            "chroot",
            root.to_str().unwrap(),
            "/bin/busybox",
            "sleep",
            "600",
        ],
        &[],
        dir,
    );
    let init = wait_for("container init", || {
        let c = *children_of(kid.pid()).first()?;
        let exe = std::fs::read_link(format!("/proc/{c}/exe")).ok()?;
        exe.to_string_lossy().ends_with("/bin/busybox").then_some(c)
    });
    kid.extra.push(init);
    (kid, init)
}

/// `v` with every `started_at` replaced by `other`'s when they differ by one second at most.
/// why: `started_at` is boot time + start ticks, and the kernel's boot time (`btime`) moves by
/// a second when the wall clock is slewed between two reads.
fn btime_jitter(v: &Value, other: &Value) -> Value {
    match (v, other) {
        (Value::Object(a), Value::Object(b)) => Value::Object(
            a.iter()
                .map(|(k, x)| {
                    let y = b.get(k).unwrap_or(&Value::Null);
                    let near = match (x.as_u64(), y.as_u64()) {
                        (Some(x), Some(y)) => x.abs_diff(y) <= 1,
                        _ => false,
                    };
                    let x = if k == "started_at" && near {
                        y.clone()
                    } else {
                        btime_jitter(x, y)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        (Value::Array(a), Value::Array(b)) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| btime_jitter(x, b.get(i).unwrap_or(&Value::Null)))
                .collect(),
        ),
        _ => v.clone(),
    }
}

fn sockets_of(v: &Value, pids: &[u32]) -> Vec<Value> {
    v.as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["pids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| pids.contains(&(p.as_u64().unwrap() as u32)))
        })
        .cloned()
        .collect()
}

fn group_of(v: &Value, pid: u32) -> Vec<Value> {
    v.as_array()
        .unwrap()
        .iter()
        .filter(|g| g["pids"].as_array().unwrap().contains(&pid.into()))
        .cloned()
        .collect()
}

/// The snapshot file at `gz` is gzip-compressed, masked, and says where it was taken.
fn check_gzipped_snapshot(gz: &Path) {
    let raw = std::fs::read(gz).unwrap();
    assert!(raw.starts_with(&[0x1f, 0x8b]), "gzip-compressed");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(raw.as_slice()),
        &mut plain,
    )
    .unwrap();
    let doc: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(doc["format"], "procscope-snapshot");
    assert_eq!(doc["meta"]["masked"], true);
    for key in [
        "hostname",
        "kernel",
        "boot_id",
        "procscope_version",
        "taken_at",
    ] {
        assert!(!doc["meta"][key].is_null(), "meta.{key}");
    }
}

#[test]
fn snapshot_file_answers_like_the_live_system() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work dir");
    std::fs::create_dir(&work).unwrap();
    let mut sh = spawn(
        &["sh", "-c", "sleep 600 & sleep 600 & wait"],
        &[("API_TOKEN", SECRET), ("PLAIN", "x")],
        &work,
    );
    let kids = wait_for("two sleeping children", || {
        let c = children_of(sh.pid());
        (c.len() == 2 && c.iter().all(|&k| comm(k) == "sleep")).then_some(c)
    });
    // The sleeps outlive a killed shell: kill them by pid too.
    sh.extra.extend(&kids);
    let (py, port) = listener(dir.path(), "l1");
    let (_ctr, init) = container(dir.path());

    let gz = dir.path().join("snap.json.gz");
    let g = gz.to_str().unwrap();
    text(&["snapshot", "-o", g]);
    check_gzipped_snapshot(&gz);

    let shp = sh.pid().to_string();
    let live_tree = json(&["tree", &shp, "--json"]);
    assert_eq!(live_tree[0]["children"].as_array().unwrap().len(), 2);
    assert_eq!(json(&["--snapshot", g, "tree", &shp, "--json"]), live_tree);
    for pid in [shp.clone(), py.pid().to_string(), init.to_string()] {
        let live = json(&["inspect", &pid, "--peers", "--json"]);
        assert!(!live["started_at"].is_null());
        let file = json(&["--snapshot", g, "inspect", &pid, "--json"]);
        assert_eq!(btime_jitter(&file, &live), live, "pid {pid}");
    }

    // Masked once: the file's mask is shown as is, not masked again.
    let env = json(&["--snapshot", g, "inspect", &shp, "--json"])["environ"].clone();
    let token = env
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "API_TOKEN")
        .unwrap();
    assert_eq!(token["value"], "abcd…(16)");

    let ours = [sh.pid(), py.pid(), kids[0], kids[1], init];
    let live_socks = sockets_of(&json(&["sockets", "-x", "--json"]), &ours);
    assert!(
        live_socks
            .iter()
            .any(|s| s["local_port"] == port && s["state"] == "LISTEN"),
        "{live_socks:?}"
    );
    let file_socks = sockets_of(&json(&["--snapshot", g, "sockets", "-x", "--json"]), &ours);
    assert_eq!(file_socks, live_socks);

    let live_ctr = group_of(&json(&["containers", "--json"]), init);
    assert_eq!(live_ctr.len(), 1, "the chrooted process forms a group");
    assert_eq!(live_ctr[0]["runtime"], "namespaced");
    assert_eq!(
        group_of(&json(&["--snapshot", g, "containers", "--json"]), init),
        live_ctr
    );
}

#[test]
fn reveal_is_recorded_and_cannot_unmask_a_masked_file() {
    let dir = tempfile::tempdir().unwrap();
    let sh = spawn(&["sleep", "600"], &[("API_TOKEN", SECRET)], dir.path());
    let pid = sh.pid().to_string();
    wait_for("exec", || (comm(sh.pid()) == "sleep").then_some(()));
    let masked = dir.path().join("m.json");
    let revealed = dir.path().join("r.json.gz");
    text(&["snapshot", "-o", masked.to_str().unwrap()]);
    text(&["--reveal", "snapshot", "-o", revealed.to_str().unwrap()]);

    let value = |args: &[&str]| {
        let v = json(args);
        let env = v["environ"].as_array().unwrap().clone();
        env.into_iter().find(|e| e["name"] == "API_TOKEN").unwrap()["value"].clone()
    };
    let r = revealed.to_str().unwrap();
    let m = masked.to_str().unwrap();
    assert_eq!(
        value(&["--snapshot", r, "--reveal", "inspect", &pid, "--json"]),
        SECRET
    );
    assert_eq!(
        value(&["--snapshot", r, "inspect", &pid, "--json"]),
        "abcd…(16)"
    );
    assert_eq!(json(&["--snapshot", r, "snapshot"])["meta"]["masked"], true);
    assert_eq!(
        json(&["--snapshot", r, "--reveal", "snapshot"])["meta"]["masked"],
        false
    );

    let out = bin()
        .args(["--snapshot", m, "--reveal", "inspect", &pid, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot unmask"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let env = v["environ"].as_array().unwrap();
    assert!(
        env.iter()
            .any(|e| e["name"] == "API_TOKEN" && e["value"] == "abcd…(16)")
    );
}

/// Run procscope expecting failure; returns the single stderr line.
fn refused(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("procscope: "), "{err}");
    err
}

/// Writes a valid snapshot of 49 processes to `good`, checks it reads back, returns its bytes.
fn write_good_snapshot(good: &Path) -> Vec<u8> {
    let mut snap = procscope::model::Snapshot {
        schema: procscope::model::SCHEMA_VERSION,
        ..Default::default()
    };
    for pid in 1..50 {
        snap.processes.push(procscope::model::Process {
            pid,
            comm: "init".into(),
            ..Default::default()
        });
    }
    procscope::source::snapshot_file::write_snapshot(good, &snap).unwrap();
    let data = std::fs::read(good).unwrap();
    assert_eq!(
        json(&["--snapshot", good.to_str().unwrap(), "tree", "--json"])
            .as_array()
            .unwrap()
            .len(),
        49
    );
    data
}

#[test]
fn bad_files_are_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    let data = write_good_snapshot(&good);
    let mut doc: Value = serde_json::from_slice(&data).unwrap();
    doc["schema"] = 99.into();

    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let cases = [
        (
            write("newer.json", doc.to_string().as_bytes()),
            "newer than schema 1",
        ),
        (write("cut.json", &data[..data.len() * 2 / 3]), "truncated"),
        (
            write("random.json", br#"{"name": "x", "items": [1, 2]}"#),
            "not a procscope snapshot",
        ),
        (
            write("img.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR garbage"),
            "not a procscope snapshot",
        ),
        (write("empty.json", b""), "empty"),
        (
            dir.path()
                .join("missing.json")
                .to_str()
                .unwrap()
                .to_string(),
            "cannot read snapshot",
        ),
    ];
    for (file, want) in &cases {
        for args in [
            vec!["--snapshot", file.as_str(), "tree"],
            vec!["diff", file.as_str(), good.to_str().unwrap()],
        ] {
            let err = refused(&args);
            assert!(err.contains(want), "{args:?}: {err}");
        }
    }
    // The root browser says plainly that a snapshot holds no container root.
    let err = refused(&["--snapshot", good.to_str().unwrap(), "fs", "1", "/etc"]);
    assert!(
        err.contains("container roots are not in a snapshot"),
        "{err}"
    );

    // A usage error (clap's own message, exit 2).
    let out = bin()
        .args([
            "--snapshot",
            good.to_str().unwrap(),
            "--proc-root",
            "/proc",
            "tree",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

#[test]
fn a_snapshot_can_be_written_to_a_device_or_a_pipe() {
    // A regular file is synced to disk; /dev/null (EINVAL on fsync) must not fail the capture.
    let out = bin()
        .args(["snapshot", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin()
        .args(["snapshot", "-o", "/dev/stdout"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on the pipe");
    assert_eq!(v["format"], "procscope-snapshot");
}
