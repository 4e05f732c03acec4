//! Text output of every command over a snapshot whose every text field is hostile: all of it
//! escaped (the present rows), and the fixes of issue 10 (fd line, exe tag, runtime and QoS).

use super::Out;
use crate::analysis::secrets::{Grep, RuleSet};
use crate::model::Snapshot;
use crate::present::fixture::{OVERVIEW_TAGS, assert_clean, escaped, snapshot};

fn text(f: impl FnOnce(&Snapshot, &mut Out) -> anyhow::Result<()>) -> String {
    let snap = snapshot();
    let mut buf = Vec::new();
    f(&snap, &mut Out::new(&mut buf, false)).unwrap();
    String::from_utf8(buf).unwrap()
}

#[test]
fn inspect_escapes_every_field_and_fixes_the_fd_line() {
    let out = text(|s, o| {
        super::inspect::run(
            s,
            &super::inspect::InspectArgs {
                pid: 10,
                hash: false,
                peers: false,
            },
            o,
        )
    });
    let mut tags = OVERVIEW_TAGS.to_vec();
    tags.extend(["GNAME", "THREAD", "ENVN", "ENVV", "FDT", "UF", "DETAIL"]);
    tags.extend(["LADDR", "RADDR", "SSTATE", "PEER"]);
    assert_clean(&out, &tags);
    // The exe tag, the same word as the TUI's.
    assert!(
        out.contains(&format!("exe {} [deleted]\n", escaped("EXE"))),
        "{out}"
    );
    // The fd line: endpoints with their ports, remote address and state escaped.
    let line = format!(
        "{} {}:80 -> {}:5 peer {}(11) (inode 43)",
        escaped("SSTATE"),
        escaped("LADDR"),
        escaped("RADDR"),
        escaped("PEER")
    );
    assert!(out.contains(&line), "{line}\n{out}");
    assert!(out.contains(&format!("qos {}", escaped("QOS"))), "{out}");
    // Every namespace kind, from the one list (`NsKind::ALL`).
    let ns = "namespaces cgroup=100 ipc=101 mnt=102 net=4026 pid=104 time=105 user=106 uts=107";
    assert!(out.contains(ns), "{out}");
}

#[test]
fn sockets_containers_and_tree_escape_every_field() {
    let all = super::sockets::SocketsArgs {
        listening: false,
        all: true,
    };
    let out = text(|s, o| super::sockets::run(s, &all, o));
    assert_clean(&out, &["LADDR", "RADDR", "SSTATE", "COMM", "PEER"]);
    let out = text(super::containers::run);
    assert_clean(&out, &["RT", "POD", "QOS", "ROOT", "COMM"]);
    let args = super::tree::TreeArgs {
        pid: None,
        threads: true,
        args: true,
    };
    let out = text(|s, o| super::tree::run(s, &args, o));
    assert_clean(&out, &["ARG0", "THREAD", "RT", "ROOT"]);
    assert!(out.contains("[ns mnt,pid,user,uts,ipc,cgroup]"), "{out}");
    assert!(out.contains("[uid 0→1000]"), "{out}");
}

#[test]
fn secrets_and_diff_escape_every_field() {
    let rules = RuleSet::builtin().unwrap();
    let grep = Grep::new(&["ENVV".to_string()], &[]).unwrap();
    let args = super::secrets::SecretsArgs {
        pattern: vec!["ENVV".into()],
        name: vec![],
        min_severity: super::secrets::MinSeverity::Low,
        pid: vec![],
        list_rules: false,
    };
    let out = text(|s, o| super::secrets::run(s, &rules, &grep, &args, true, o));
    assert_clean(&out, &["COMM", "ENVN", "ENVV"]);
    let new = snapshot();
    let d = crate::analysis::diff::diff(&Snapshot::default(), &new);
    let mut buf = Vec::new();
    super::diff::text(&d, ["old", "new"], &mut Out::new(&mut buf, false)).unwrap();
    let out = String::from_utf8(buf).unwrap();
    assert_clean(
        &out,
        &["COMM", "ARG0", "LADDR", "RADDR", "SSTATE", "RT", "POD"],
    );
}
