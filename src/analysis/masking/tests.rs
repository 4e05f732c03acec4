//! Tests of the masking policy.

use super::*;
use crate::model::{Environ, Process};

fn rules() -> RuleSet {
    RuleSet::builtin().unwrap()
}

fn snap_of(argv: &[&str], env: &[u8]) -> Snapshot {
    Snapshot {
        processes: vec![Process {
            pid: 7,
            cmdline: argv.iter().map(|a| Bytes::from(*a)).collect(),
            environ: Some(Environ::from_raw(env)),
            ..Process::default()
        }],
        ..Snapshot::default()
    }
}

fn shown(s: &Snapshot) -> String {
    let p = &s.processes[0];
    let mut out: Vec<u8> = Vec::new();
    for a in &p.cmdline {
        out.extend_from_slice(a.as_bytes());
        out.push(b' ');
    }
    out.extend_from_slice(p.environ.as_ref().unwrap().raw());
    String::from_utf8_lossy(&out).into_owned()
}

fn masked(argv: &[&str], env: &[u8]) -> String {
    let mut s = snap_of(argv, env);
    mask_snapshot(&mut s, Some(&rules()));
    shown(&s)
}

#[test]
fn flag_values_with_spaces_are_masked_whole() {
    let m = masked(&["app", "--password=hunter2 tail99"], b"");
    assert!(!m.contains("tail99") && !m.contains("nter2"), "{m}");
    let m = masked(&["app", "--password", "hunter2 tail99"], b"");
    assert!(!m.contains("tail99") && !m.contains("nter2"), "{m}");
}

#[test]
fn secret_named_values_are_masked_whole_and_caps_fail_closed() {
    let m = masked(&["x"], b"DB_PASSWORD=AKIAZ7QK3M5XW2PLRT4N tail99\0");
    assert!(!m.contains("tail99") && !m.contains("QK3M"), "{m}");
    let many: String = (0..80)
        .map(|i| format!("AKIAZ7QK3M5XW2PL{i:04} "))
        .collect();
    let many = many
        .replace('0', "A")
        .replace('1', "B")
        .replace('8', "C")
        .replace('9', "D");
    let env = format!("BLOB={many}trailer99\0");
    let m = masked(&["x"], env.as_bytes());
    assert!(!m.contains("trailer99"), "{m}");
    let m = masked(&["x"], b"PATH=/bin\0AKIAZ7QK3M5XW2PLRT4N\0");
    assert!(!m.contains("QK3M") && m.contains("PATH=/bin"), "{m}");
}

#[test]
fn short_flags_of_common_tools_are_masked() {
    for argv in [
        &["mysql", "-pTopS3cretPw"][..],
        &["mysql", "-p", "TopS3cretPw"],
        &["redis-cli", "-a", "TopS3cretPw"],
        &["sshpass", "-p", "TopS3cretPw", "ssh", "h"],
        &["curl", "-u", "bob:TopS3cretPw", "http://x"],
    ] {
        let m = masked(argv, b"");
        assert!(!m.contains("S3cret"), "{argv:?}: {m}");
    }
}

#[test]
fn without_rules_every_environ_value_is_masked() {
    let mut s = snap_of(&["app", "--port=80"], b"A=hello\0TOKENWITHOUTVALUE\0");
    mask_snapshot(&mut s, None);
    let m = shown(&s);
    assert!(!m.contains("hello") && !m.contains("WITHOUT"), "{m}");
    assert!(m.contains("--port=80"), "{m}");
}

#[test]
fn both_diff_sides_are_masked_alike() {
    let a = snap_of(&["x"], b"DB_PASSWORD=hunter2hunter2\0");
    let mut b = a.clone();
    b.meta.masked = false;
    let r = rules();
    let (o, n, rev) = diff_sides(Cow::Borrowed(&a), Cow::Owned(b.clone()), false, Some(&r));
    assert!(!rev && o.meta.masked && n.meta.masked);
    assert_eq!(shown(&o), shown(&n));
    let (o, _, rev) = diff_sides(Cow::Borrowed(&a), Cow::Owned(b), true, Some(&r));
    assert!(rev && shown(&o).contains("hunter2hunter2"));
}

#[test]
fn value_masks() {
    assert_eq!(value_mask(Place::Env(0), None, false), ValueMask::Whole);
    assert_eq!(value_mask(Place::Argv(0), None, false), ValueMask::Clear);
    assert_eq!(
        value_mask(
            Place::Argv(0),
            Some(&[((1, 3), false), ((5, 6), true)]),
            false
        ),
        ValueMask::Spans(vec![(1, 3)])
    );
    assert_eq!(value_mask(Place::Env(0), None, true), ValueMask::Clear);
    assert_eq!(ValueMask::Whole.apply(b"hunter2"), &b"\xe2\x80\xa6(7)"[..]);
}

#[test]
fn file_content_masks_values_inside_and_keys_whole() {
    let r = rules();
    let db = b"\x00\x01/registry/secrets/default/x\x00\x02{\"password\":1}\x00aws_key=AKIAZ7QK3M5XW2PLRT4N\x00";
    let m = content_mask(db, false, Some(&r), false);
    let shown = m.apply(db);
    let text = String::from_utf8_lossy(&shown);
    assert!(text.contains("/registry/secrets/default/x"), "{text}");
    assert!(!text.contains("QK3M5XW2"), "{text}");
    let strings = m.strings(db).unwrap();
    assert!(strings.iter().any(|s| s == b"/registry/secrets/default/x"));
    assert!(!strings.iter().any(|s| s.windows(4).any(|w| w == b"QK3M")));
    let key = b"-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n";
    assert!(content_mask(key, false, Some(&r), false).is_whole());
    assert!(content_mask(b"plain text", true, Some(&r), false).is_whole());
    assert!(content_mask(b"plain text", false, None, false).is_whole());
    assert_eq!(content_mask(key, true, None, true), ContentMask::Clear);
}
