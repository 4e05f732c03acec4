//! A rescan shares what did not change with the previous snapshot (environ blocks, fd lists)
//! and within itself (cgroup and namespace sets), and never shares what did change: a new
//! environ, a new fd, new pipe peers, or a reused pid.

use crate::support::FakeProc;
use procscope::collect::{self, Options};
use procscope::model::{Process, Snapshot};
use std::sync::Arc;

fn scan(f: &FakeProc, previous: Option<&Snapshot>) -> Snapshot {
    let opt = Options::default();
    match previous {
        Some(p) => collect::rescan_at(f.path(), &opt, p),
        None => collect::snapshot_at(f.path(), &opt),
    }
    .expect("scan")
}

fn proc_of(s: &Snapshot, pid: u32) -> &Process {
    s.process(pid).expect("process")
}

fn env_text(p: &Process) -> Vec<(String, Option<String>)> {
    p.environ
        .iter()
        .flat_map(|e| e.iter())
        .map(|v| {
            (
                String::from_utf8_lossy(v.name).into_owned(),
                v.value.map(|x| String::from_utf8_lossy(x).into_owned()),
            )
        })
        .collect()
}

/// Whether `a` and `b` hold one copy of the same environ block.
fn env_shared(a: &Process, b: &Process) -> bool {
    a.environ
        .as_ref()
        .unwrap()
        .shares(b.environ.as_ref().unwrap())
}

/// Whether `a` and `b` hold one copy of the same fd list.
fn fds_shared(a: &Process, b: &Process) -> bool {
    Arc::ptr_eq(a.fds.as_ref().unwrap(), b.fds.as_ref().unwrap())
}

#[test]
fn unchanged_data_is_shared_and_changed_data_is_read_anew() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(10, 1, "same")
        .file("environ", b"A=1\0TOKEN=x\0")
        .fd(0, "/dev/null")
        .fd(3, "pipe:[500]");
    f.process(11, 1, "envchg").file("environ", b"A=1\0");
    f.process(12, 1, "fdchg").fd(0, "/dev/null");
    f.process(13, 1, "reused").file("environ", b"A=1\0");
    let a = scan(&f, None);

    // Between the scans: 11 rewrites its environ, 12 opens an fd, 13 exits and its pid is
    // reused by a process with the same environ bytes, and 14 starts holding 10's pipe.
    f.process(11, 1, "envchg").file("environ", b"A=2\0");
    f.process(12, 1, "fdchg").fd(4, "/etc/passwd");
    f.process(13, 1, "reused").file("environ", b"A=1\0").file(
        "stat",
        b"13 (reused) S 1 13 13 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 99999 1000 200 0\n",
    );
    f.process(14, 1, "reader").fd(0, "pipe:[500]");
    let b = scan(&f, Some(&a));

    let (a10, b10) = (proc_of(&a, 10), proc_of(&b, 10));
    assert!(env_shared(a10, b10));
    assert_eq!(env_text(b10), env_text(a10));

    let (a11, b11) = (proc_of(&a, 11), proc_of(&b, 11));
    assert!(!env_shared(a11, b11));
    assert_eq!(
        env_text(b11),
        vec![("A".to_string(), Some("2".to_string()))]
    );

    // pid 13 now has another start time: never the old process's data, even when equal.
    let (a13, b13) = (proc_of(&a, 13), proc_of(&b, 13));
    assert_ne!(a13.start_time, b13.start_time);
    assert!(!env_shared(a13, b13));

    assert!(!fds_shared(proc_of(&a, 12), proc_of(&b, 12)));
    assert_eq!(proc_of(&b, 12).fd_list().len(), 2);

    // 10's fds are the same, but its pipe gained a reader: the peers are current, so the list
    // was copied rather than shared.
    let pipe = |p: &Process| {
        p.fd_list()
            .iter()
            .find(|x| x.fd == 3)
            .unwrap()
            .peers
            .clone()
    };
    assert!(pipe(a10).is_empty());
    assert_eq!(pipe(b10), vec![14]);
    assert!(!fds_shared(a10, b10));
    // The old snapshot is untouched by the new one.
    assert!(pipe(proc_of(&a, 10)).is_empty());

    // A third scan with nothing changed shares every fd list and environ with the second.
    let c = scan(&f, Some(&b));
    for p in &b.processes {
        let q = proc_of(&c, p.pid);
        assert!(fds_shared(p, q));
        assert!(env_shared(p, q));
    }
    // And the snapshots read the same as ones taken without sharing.
    let fresh = scan(&f, None);
    assert_eq!(
        serde_json::to_value(&c.processes).unwrap(),
        serde_json::to_value(&fresh.processes).unwrap()
    );
}

#[test]
fn processes_in_the_same_cgroups_and_namespaces_share_one_copy() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(20, 1, "a")
        .file("cgroup", b"0::/kubepods/pod1/abc\n");
    f.process(21, 1, "b")
        .file("cgroup", b"0::/kubepods/pod1/abc\n");
    f.process(22, 1, "c")
        .file("cgroup", b"0::/other\n")
        .ns("net", 4026539999);
    let s = scan(&f, None);
    let (a, b, c) = (proc_of(&s, 20), proc_of(&s, 21), proc_of(&s, 22));
    assert!(Arc::ptr_eq(&a.cgroups, &b.cgroups));
    assert!(!Arc::ptr_eq(&a.cgroups, &c.cgroups));
    assert_eq!(c.cgroups[0].path.as_bytes(), b"/other");
    assert!(Arc::ptr_eq(&a.namespaces, &b.namespaces));
    assert!(!Arc::ptr_eq(&a.namespaces, &c.namespaces));
    assert_eq!(c.namespaces.get("net"), Some(&4026539999));
    assert_eq!(a.namespaces.get("net"), Some(&4026531838));
}
