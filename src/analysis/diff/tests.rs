//! Unit tests of snapshot diffs over hand-built snapshots.

use super::*;
use crate::model::{Bytes, EnvEntry, Exe, Process, Proto, Snapshot, Socket, Unavailable};

fn proc_(pid: Pid, start: u64) -> Process {
    Process {
        pid,
        ppid: 1,
        start_time: start,
        comm: "sleep".into(),
        state: "S".into(),
        cmdline: vec!["sleep".into(), "600".into()],
        cwd: Some("/tmp".into()),
        exe: Some(Exe {
            path: "/usr/bin/sleep".into(),
            ..Exe::default()
        }),
        environ: Some(vec![env("A", "1"), env("B", "2")].into()),
        ..Process::default()
    }
}

fn env(n: &str, v: &str) -> EnvEntry {
    EnvEntry {
        name: n.into(),
        value: Some(v.into()),
    }
}

fn tcp(port: u16, state: &str, inode: u64, pid: Pid) -> Socket {
    Socket {
        proto: Proto::Tcp,
        local_addr: "127.0.0.1".into(),
        local_port: Some(port),
        remote_addr: Some(
            if state == "LISTEN" {
                "0.0.0.0"
            } else {
                "10.0.0.9"
            }
            .into(),
        ),
        remote_port: Some(if state == "LISTEN" { 0 } else { 443 }),
        state: state.to_string().into(),
        sock_type: None,
        inode,
        netns: 4026531840,
        uid: Some(0),
        pids: vec![pid],
        peer: None,
    }
}

fn snap(procs: Vec<Process>, sockets: Vec<Socket>, boot: &str) -> Snapshot {
    let mut s = Snapshot {
        schema: 1,
        processes: procs,
        sockets,
        ..Snapshot::default()
    };
    s.meta.boot_id = Some(boot.into());
    s
}

#[test]
fn identity_is_pid_and_start_time() {
    let old = snap(vec![proc_(10, 100), proc_(11, 100)], vec![], "b1");
    // pid 11 was reused by a new process: gone and started, not changed.
    let new = snap(
        vec![proc_(10, 100), proc_(11, 900), proc_(12, 950)],
        vec![],
        "b1",
    );
    let d = diff(&old, &new);
    assert_eq!(d.boot, Boot::Same);
    let key = |p: &ProcessRef| (p.pid, p.start_time);
    let started: Vec<_> = d.processes.started.iter().map(key).collect();
    let gone: Vec<_> = d.processes.gone.iter().map(key).collect();
    assert_eq!(started, vec![(11, 900), (12, 950)]);
    assert_eq!(gone, vec![(11, 100)]);
    assert!(d.processes.changed.is_empty());
    assert_eq!(d.status_of(11, 900), Some(RowStatus::New));
    assert_eq!(d.status_of(10, 100), None);
    assert_eq!(d.gone().len(), 1);
}

#[test]
fn changed_fields_and_environ() {
    let mut a = proc_(10, 100);
    a.environ = Some(vec![env("A", "1"), env("B", "2"), env("C", "3"), env("A", "dup")].into());
    let mut b = a.clone();
    b.cwd = Some("/var".into());
    b.uid.effective = 1000;
    b.cmdline = vec!["sleep".into(), "700".into()];
    b.exe = Some(Exe {
        path: "/usr/bin/sleep".into(),
        deleted: true,
        memfd: false,
    });
    b.environ = Some(vec![env("A", "1"), env("B", "22"), env("D", "4")].into());
    let d = diff(
        &snap(vec![a.clone()], vec![], "b"),
        &snap(vec![b], vec![], "b"),
    );
    assert_eq!(d.processes.changed.len(), 1);
    let c = &d.processes.changed[0];
    assert_eq!(c.cwd.as_ref().unwrap().new, Bytes::from("/var"));
    assert_eq!(c.uid.as_ref().unwrap().new.effective, 1000);
    assert!(c.exe.as_ref().unwrap().new.deleted);
    assert_eq!(c.cmdline.as_ref().unwrap().old[1], Bytes::from("600"));
    assert!(c.comm_change.is_none());
    assert_eq!(c.env_added, vec![env("D", "4")]);
    assert_eq!(c.env_removed, vec![env("C", "3")]);
    assert_eq!(c.env_changed.len(), 1);
    assert_eq!(c.env_changed[0].name, Bytes::from("B"));
    assert_eq!(d.status_of(10, 100), Some(RowStatus::Changed));
}

#[test]
fn unreadable_or_zombie_fields_are_not_changes() {
    let a = proc_(10, 100);
    let mut b = a.clone();
    b.cwd = None;
    b.exe = None;
    b.environ = None;
    b.unavailable.insert("cwd".into(), Unavailable::Denied);
    b.unavailable.insert("exe".into(), Unavailable::Gone);
    b.unavailable.insert("environ".into(), Unavailable::Denied);
    b.state = "Z".into();
    b.cmdline.clear();
    let d = diff(&snap(vec![a], vec![], "b"), &snap(vec![b], vec![], "b"));
    assert!(d.is_empty(), "{:?}", d.processes.changed);
}

#[test]
fn self_process_is_left_out() {
    let mut old = snap(vec![proc_(10, 100), proc_(50, 500)], vec![], "b");
    old.meta.self_pid = 50;
    let mut new = snap(vec![proc_(10, 100), proc_(60, 600)], vec![], "b");
    new.meta.self_pid = 60;
    assert!(diff(&old, &new).is_empty());
}

#[test]
fn sockets_opened_closed_and_recreated() {
    let old = snap(
        vec![proc_(10, 100)],
        vec![
            tcp(80, "LISTEN", 1, 10),
            tcp(81, "LISTEN", 2, 10),
            tcp(5000, "ESTABLISHED", 3, 10),
            tcp(5001, "TIME_WAIT", 0, 10),
        ],
        "b",
    );
    let new = snap(
        vec![proc_(10, 100)],
        vec![
            tcp(80, "LISTEN", 1, 10),
            tcp(81, "LISTEN", 7, 10),
            tcp(82, "LISTEN", 8, 10),
            tcp(5002, "ESTABLISHED", 9, 10),
        ],
        "b",
    );
    let d = diff(&old, &new);
    let ports = |v: &[SocketRef]| {
        v.iter()
            .map(|s| s.socket.local_port.unwrap())
            .collect::<Vec<_>>()
    };
    // 81 was closed and opened again (new inode): both reported within one boot.
    assert_eq!(ports(&d.listening.opened), vec![81, 82]);
    assert_eq!(ports(&d.listening.closed), vec![81]);
    assert_eq!(ports(&d.connections.opened), vec![5002]);
    assert_eq!(ports(&d.connections.closed), vec![5000]);
    assert_eq!(d.listening.opened[0].comms, vec![Bytes::from("sleep")]);
    let j = serde_json::to_value(&d).unwrap();
    assert_eq!(j["listening"]["opened"][1]["local_port"], 82);
}

#[test]
fn across_boots_processes_never_match_and_sockets_ignore_namespaces() {
    let old = snap(vec![proc_(1, 5)], vec![tcp(22, "LISTEN", 11, 1)], "boot-a");
    let mut s = tcp(22, "LISTEN", 99, 1);
    s.netns = 4026532000;
    let new = snap(vec![proc_(1, 5)], vec![s], "boot-b");
    let d = diff(&old, &new);
    assert_eq!(d.boot, Boot::Different);
    assert_eq!(d.processes.started.len(), 1);
    assert_eq!(d.processes.gone.len(), 1);
    assert!(d.processes.changed.is_empty());
    assert!(d.listening.opened.is_empty() && d.listening.closed.is_empty());
}

#[test]
fn boot_relation_falls_back_to_boot_time() {
    let mut a = Meta::default();
    let mut b = Meta::default();
    assert_eq!(boot(&a, &b), Boot::Unknown);
    a.boot_time = Some(100);
    b.boot_time = Some(100);
    assert_eq!(boot(&a, &b), Boot::Same);
    b.boot_time = Some(101);
    assert_eq!(boot(&a, &b), Boot::Same);
    b.boot_time = Some(200);
    assert_eq!(boot(&a, &b), Boot::Different);
    a.boot_id = Some("x".into());
    b.boot_id = Some("x".into());
    assert_eq!(boot(&a, &b), Boot::Same);
}

#[test]
fn containers_new_and_gone() {
    let id = |n: char| n.to_string().repeat(64);
    let in_ctr = |pid: Pid, c: char| {
        let mut p = proc_(pid, 100);
        p.container = Some(crate::model::Container {
            runtime: "docker".into(),
            id: Some(id(c)),
            pod_uid: None,
            qos: None,
        });
        p
    };
    let old = snap(vec![proc_(1, 1), in_ctr(20, 'a')], vec![], "b");
    let new = snap(
        vec![proc_(1, 1), in_ctr(20, 'a'), in_ctr(30, 'b')],
        vec![],
        "b",
    );
    let d = diff(&old, &new);
    assert_eq!(d.containers.new.len(), 1);
    assert_eq!(d.containers.new[0].group.id, Some(id('b')));
    assert_eq!(d.containers.new[0].root_comm, Some(Bytes::from("sleep")));
    assert!(d.containers.gone.is_empty());
    let back = diff(&new, &old);
    assert_eq!(back.containers.gone.len(), 1);
}
