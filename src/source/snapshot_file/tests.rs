//! Unit tests of snapshot file writing and reading, and of every refusal.

use super::*;
use crate::model::{Bytes, EnvEntry, Process, Unavailable};
use serde::de::DeserializeSeed;

fn sample() -> Snapshot {
    let mut p = Process {
        pid: 42,
        ppid: 1,
        start_time: 1234,
        comm: Bytes(vec![b'x', 0xff]),
        environ: Some(
            vec![EnvEntry {
                name: "A".into(),
                value: Some("…(3)".into()),
            }]
            .into(),
        ),
        ..Process::default()
    };
    p.unavailable.insert("fds".into(), Unavailable::Denied);
    let mut s = Snapshot {
        schema: SCHEMA_VERSION,
        processes: vec![p],
        ..Snapshot::default()
    };
    s.meta.hostname = Some("node-1".into());
    s.meta.masked = true;
    s
}

fn write_raw(dir: &tempfile::TempDir, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    path
}

fn err_of(path: &Path) -> SnapshotFileError {
    let e = read_snapshot(path).expect_err("must be refused");
    let msg = e.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    e
}

#[test]
fn plain_and_gzip_round_trip_and_gzip_is_told_by_magic() {
    let dir = tempfile::tempdir().unwrap();
    let snap = sample();
    for name in ["s.json", "s.json.gz"] {
        let path = dir.path().join(name);
        write_snapshot(&path, &snap).unwrap();
        assert_eq!(read_snapshot(&path).unwrap(), snap, "{name}");
    }
    let gz = std::fs::read(dir.path().join("s.json.gz")).unwrap();
    assert!(gz.starts_with(&GZIP_MAGIC));
    let plain = std::fs::read(dir.path().join("s.json")).unwrap();
    assert!(plain.starts_with(b"{\"format\":\"procscope-snapshot\",\"schema\":1,"));
    assert!(gz.len() < plain.len() + 64);
    let renamed = write_raw(&dir, "renamed.json", &gz);
    assert_eq!(read_snapshot(&renamed).unwrap(), snap);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("s.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "a snapshot is readable by its owner only"
    );
}

#[test]
fn not_a_snapshot_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let cases: [(&str, &[u8], &str); 6] = [
        ("empty", b"  \n", "empty"),
        ("png", png, "not JSON"),
        ("obj", br#"{"a": 1, "schema": 1}"#, "no \"format\""),
        ("arr", b"[1, 2, 3]", "no \"format\""),
        (
            "other",
            br#"{"format": "other-tool", "schema": 1}"#,
            "other-tool",
        ),
        ("cut", br#"{"forma"#, "ends before"),
    ];
    for (name, data, want) in cases {
        let e = err_of(&write_raw(&dir, name, data));
        assert!(
            matches!(e, SnapshotFileError::NotASnapshot { .. }) && e.to_string().contains(want),
            "{name}: {e}"
        );
    }
}

#[test]
fn newer_schema_is_refused_even_when_its_shape_changed() {
    let dir = tempfile::tempdir().unwrap();
    let doc = br#"{"format":"procscope-snapshot","schema":7,"meta":"new shape","procs":[]}"#;
    let e = err_of(&write_raw(&dir, "new", doc));
    assert!(
        matches!(
            e,
            SnapshotFileError::NewerSchema {
                found: 7,
                supported: 1,
                ..
            }
        ),
        "{e}"
    );
    // A newer document that happens to parse with today's model is refused too.
    let mut v = serde_json::to_value(sample()).unwrap();
    v["schema"] = 2.into();
    let e = err_of(&write_raw(&dir, "new2", v.to_string().as_bytes()));
    assert!(
        matches!(e, SnapshotFileError::NewerSchema { found: 2, .. }),
        "{e}"
    );
}

#[test]
fn truncated_and_corrupt_files_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::to_vec(&sample()).unwrap();
    let e = err_of(&write_raw(&dir, "cut", &json[..json.len() / 2]));
    assert!(matches!(e, SnapshotFileError::Truncated { .. }), "{e}");

    let mut v = serde_json::to_value(sample()).unwrap();
    v["processes"] = 5.into();
    let e = err_of(&write_raw(&dir, "badtype", v.to_string().as_bytes()));
    assert!(matches!(e, SnapshotFileError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("invalid type"), "{e}");

    let mut trailing = json.clone();
    trailing.extend_from_slice(b" garbage");
    let e = err_of(&write_raw(&dir, "trailing", &trailing));
    assert!(matches!(e, SnapshotFileError::Corrupt { .. }), "{e}");

    let gz_path = dir.path().join("s.json.gz");
    write_snapshot(&gz_path, &sample()).unwrap();
    let gz = std::fs::read(&gz_path).unwrap();
    let e = err_of(&write_raw(&dir, "cut.gz", &gz[..gz.len() / 2]));
    assert!(matches!(e, SnapshotFileError::Truncated { .. }), "{e}");
    let mut flipped = gz.clone();
    let mid = flipped.len() / 2;
    for b in &mut flipped[mid - 4..mid + 4] {
        *b ^= 0x5a;
    }
    let e = err_of(&write_raw(&dir, "flipped.gz", &flipped));
    assert!(
        matches!(
            e,
            SnapshotFileError::Corrupt { .. }
                | SnapshotFileError::Truncated { .. }
                | SnapshotFileError::NotASnapshot { .. }
        ),
        "{e}"
    );
}

#[test]
fn missing_file_and_size_cap() {
    let dir = tempfile::tempdir().unwrap();
    let e = err_of(&dir.path().join("nope.json"));
    assert!(matches!(e, SnapshotFileError::Read { .. }), "{e}");
    let path = dir.path().join("s.json.gz");
    write_snapshot(&path, &sample()).unwrap();
    let e = read_snapshot_capped(&path, 64).expect_err("over the cap");
    assert!(
        matches!(e, SnapshotFileError::TooLarge { limit: 64, .. }),
        "{e}"
    );
    let e = write_snapshot(&dir.path().join("no/such/dir.json"), &sample()).expect_err("no dir");
    assert!(matches!(e, SnapshotFileError::Write { .. }), "{e}");
}

#[test]
fn each_count_has_its_limit() {
    use super::budget::{Budget, Counted, LIMITS, Limits};
    let check = |doc: &str, limits: Limits| {
        let b = RefCell::new(Budget::new(limits));
        let mut de = serde_json::Deserializer::from_str(doc);
        let r = Counted::document(&b).deserialize(&mut de);
        (r.is_ok(), b.into_inner().exceeded)
    };
    let doc = r#"{"format":"procscope-snapshot","processes":[
        {"pid":1,"fds":[{},{},{}],"cmdline":["a","b"],"environ":[{"name":"A","value":"xxxxxxxx"}]},
        {"pid":2,"fds":[{}],"threads":[{},{}]}],"sockets":[{},{}]}"#;
    assert_eq!(check(doc, LIMITS), (true, None));
    let cases: [(Limits, &str); 7] = [
        (
            Limits {
                processes: 1,
                ..LIMITS
            },
            "more than 1 processes",
        ),
        (
            Limits {
                fds_per_process: 2,
                ..LIMITS
            },
            "more than 2 fds in one process",
        ),
        (Limits { fds: 3, ..LIMITS }, "more than 3 fds"),
        (
            Limits {
                threads: 1,
                ..LIMITS
            },
            "more than 1 threads",
        ),
        (
            Limits {
                argv_per_process: 1,
                ..LIMITS
            },
            "more than 1 argv",
        ),
        (
            Limits {
                environ_bytes_per_process: 4,
                ..LIMITS
            },
            "environ bytes",
        ),
        (
            Limits {
                sockets: 1,
                ..LIMITS
            },
            "more than 1 sockets",
        ),
    ];
    for (limits, want) in cases {
        let (ok, why) = check(doc, limits);
        assert!(!ok, "{want}");
        assert!(
            why.as_deref().unwrap_or_default().contains(want),
            "{want}: {why:?}"
        );
    }
    let (ok, why) = check(
        doc,
        Limits {
            memory: 500,
            ..LIMITS
        },
    );
    assert!(!ok && why.unwrap().contains("memory"));
}
