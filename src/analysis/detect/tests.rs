//! Rules-file semantics over a synthetic snapshot: override, append, exceptions, toggles,
//! redefinition, macro order, errors naming file, line, rule and reason, output templates.

use super::*;
use crate::model::{Bytes, Container, Exe, Ids, Process};
use std::sync::Arc;

const BASE: &str = r#"
- macro: spawned_process
  condition: evt.type = execve and evt.dir = <
- list: shells
  items: [bash, sh]
- rule: Shell
  desc: a shell
  condition: spawned_process and proc.name in (shells)
  output: "shell %proc.name uid=%user.uid"
  priority: NOTICE
  tags: [a]
"#;

fn snap() -> Snapshot {
    let p = |pid, ppid, comm: &str, uid| Process {
        pid,
        ppid,
        start_time: 100 + u64::from(pid),
        comm: Bytes::from(comm),
        cmdline: vec![Bytes::from(comm), Bytes::from("-i")],
        uid: Ids {
            effective: uid,
            real: uid,
            effective_name: Some("root".into()),
            ..Ids::default()
        },
        exe: Some(Exe {
            path: Bytes::from(format!("/bin/{comm}").as_str()),
            ..Exe::default()
        }),
        tty_nr: Some(34816),
        namespaces: Arc::new(Default::default()),
        ..Process::default()
    };
    let mut sh = p(10, 9, "bash", 0);
    sh.container = Some(Container {
        runtime: "containerd".into(),
        id: Some("ab".repeat(32)),
        ..Container::default()
    });
    Snapshot {
        processes: vec![
            p(1, 0, "systemd", 0),
            p(9, 1, "containerd-shim", 0),
            sh,
            p(11, 1, "zsh", 1000),
        ],
        ..Snapshot::default()
    }
}

fn load(extra: &str) -> Result<Rules, DetectError> {
    Rules::load(&[
        ("base.yaml".into(), BASE.into()),
        ("local.yaml".into(), extra.into()),
    ])
}

fn fired(extra: &str) -> Vec<(String, Pid, String)> {
    let rules = load(extra).unwrap();
    detect(&snap(), &rules)
        .into_iter()
        .map(|a| (a.rule, a.pid, a.output))
        .collect()
}

fn pids(extra: &str) -> Vec<Pid> {
    fired(extra).into_iter().map(|(_, p, _)| p).collect()
}

#[test]
fn base_rule_and_output_fields() {
    let rules = load("").unwrap();
    let a = detect(&snap(), &rules);
    assert_eq!(a.iter().map(|a| a.pid).collect::<Vec<_>>(), vec![10]);
    assert_eq!(a[0].output, "shell bash uid=0");
    assert_eq!(a[0].output_fields["user.uid"], serde_json::json!(0));
    assert_eq!(a[0].event, "execve");
    assert!(a[0].inferred);
}

#[test]
fn override_append_replace_and_toggle() {
    assert_eq!(
        pids("- list: shells\n  items: [zsh]\n  override:\n    items: append\n"),
        vec![10, 11]
    );
    assert_eq!(pids("- list: shells\n  items: [zsh]\n"), vec![11]);
    assert_eq!(
        pids(
            "- rule: Shell\n  condition: and user.uid = 1000\n  override:\n    condition: append\n"
        ),
        Vec::<Pid>::new()
    );
    assert_eq!(
        pids("- rule: Shell\n  condition: or proc.name = zsh\n  append: true\n"),
        vec![10, 11]
    );
    let out = fired(
        "- rule: Shell\n  output: \"NEW %user.uiduser=%user.name\"\n  priority: ERROR\n  override:\n    output: replace\n    priority: replace\n",
    );
    assert_eq!(out[0].2, "NEW 0user=root");
    assert!(pids("- rule: Shell\n  enabled: false\n").is_empty());
    assert_eq!(
        pids("- rule: Shell\n  enabled: false\n- rule: Shell\n  enabled: true\n"),
        vec![10]
    );
    // A redefinition replaces the rule whole.
    assert_eq!(
        pids(
            "- rule: Shell\n  desc: d\n  condition: spawned_process and proc.name = zsh\n  output: o\n  priority: INFO\n"
        ),
        vec![11]
    );
    let e = load("- rule: Nope\n  enabled: false\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("local.yaml:1: 'Nope': rule 'Nope' is not defined"),
        "{e}"
    );
}

#[test]
fn exceptions_compile_to_and_not() {
    let ex = "- rule: Shell\n  exceptions:\n    - name: known\n      fields: [proc.name, user.uid]\n      comps: [=, =]\n      values:\n        - [bash, 0]\n  override:\n    exceptions: append\n";
    assert!(pids(ex).is_empty());
    let one = "- rule: Shell\n  exceptions:\n    - name: byname\n      fields: proc.pname\n      values: [containerd-shim]\n  override:\n    exceptions: append\n";
    assert!(pids(one).is_empty());
    let miss = "- rule: Shell\n  exceptions:\n    - name: known\n      fields: [proc.name]\n      values:\n        - [zsh]\n  override:\n    exceptions: append\n";
    assert_eq!(pids(miss), vec![10]);
}

#[test]
fn macros_see_earlier_macros_and_errors_name_file_line_rule() {
    let later = "- macro: a\n  condition: b\n- macro: b\n  condition: proc.pid = 1\n";
    let e = load(later).unwrap_err().to_string();
    assert!(
        e.starts_with("local.yaml:1: 'a': undefined macro 'b'"),
        "{e}"
    );
    let cycle = "- macro: a\n  condition: proc.pid = 1\n- macro: a\n  condition: a\n";
    assert!(load(cycle).unwrap_err().to_string().contains("macro cycle"));
    let rule_sees_all = "- rule: R\n  desc: d\n  condition: m\n  output: o\n  priority: INFO\n- macro: m\n  condition: proc.pid = 1\n";
    assert_eq!(pids(rule_sees_all), vec![1, 10]);
    let typo =
        "\n- rule: T\n  desc: d\n  condition: proc.nmae = x\n  output: o\n  priority: INFO\n";
    assert_eq!(
        load(typo).unwrap_err().to_string(),
        "local.yaml:2: 'T': unknown field 'proc.nmae'"
    );
    let re =
        "- rule: T\n  desc: d\n  condition: proc.name regex \"(\"\n  output: o\n  priority: INFO\n";
    assert!(load(re).unwrap_err().to_string().contains("bad regex"));
    let yaml = "- rule: [unclosed\n";
    assert!(
        load(yaml)
            .unwrap_err()
            .to_string()
            .starts_with("local.yaml:")
    );
    let undef = "- rule: T\n  desc: d\n  condition: proc.name in nosuchlist\n  output: o\n  priority: INFO\n";
    assert!(
        load(undef)
            .unwrap_err()
            .to_string()
            .contains("undefined list 'nosuchlist'")
    );
}

#[test]
fn not_evaluable_rules_are_listed_with_a_reason() {
    let r = load("- rule: U\n  desc: d\n  condition: spawned_process and fd.connected = true\n  output: o\n  priority: INFO\n- rule: W\n  desc: d\n  condition: evt.type = write\n  output: o\n  priority: INFO\n- rule: K\n  desc: d\n  condition: ka.verb = get\n  output: o\n  priority: INFO\n  source: k8s_audit\n").unwrap();
    let st = |n: &str| r.rules.iter().find(|x| x.name == n).unwrap().status.clone();
    assert!(matches!(st("U"), Status::NotEvaluable(w) if w.contains("fd.connected")));
    assert!(matches!(st("W"), Status::NotEvaluable(w) if w.contains("no event")));
    assert!(matches!(st("K"), Status::NotEvaluable(w) if w.contains("k8s_audit")));
    assert_eq!(st("Shell"), Status::Evaluable);
}

#[test]
fn operators_and_transformers() {
    let cases = [
        ("proc.name startswith ba", vec![10]),
        ("proc.name glob 'b*h'", vec![10]),
        ("proc.name regex 'z.h'", vec![11]),
        ("toupper(proc.name) = BASH", vec![10]),
        ("proc.aname[1] = containerd-shim", vec![10]),
        ("proc.aname = systemd and proc.pid > 9", vec![10, 11]),
        ("proc.exepath pmatch (/bin)", vec![1, 9, 10, 11]),
        ("container.id = abababababab", vec![10]),
        (
            "container.id = host and proc.tty != 0 and user.uid >= 1000",
            vec![11],
        ),
        ("proc.cmdline = 'zsh -i'", vec![11]),
        ("proc.name icontains SYSTEM", vec![1]),
        ("proc.pname = val(proc.name)", vec![]),
        ("not proc.name exists", vec![]),
    ];
    for (cond, want) in cases {
        let rule = format!(
            "- rule: X\n  desc: d\n  condition: evt.type = execve and {cond}\n  output: o\n  priority: INFO\n- rule: Shell\n  enabled: false\n"
        );
        assert_eq!(pids(&rule), want, "{cond}");
    }
}

#[test]
fn rules_share_the_nodes_of_common_macros_and_keep_their_verdicts() {
    let one = load("").unwrap();
    let same = r#"
- rule: Shell again
  desc: the same condition under another name
  condition: spawned_process and proc.name in (shells)
  output: "again %proc.name"
  priority: NOTICE
- rule: Root non-shell
  desc: the shared checks negated, beside another
  condition: spawned_process and user.uid = 0 and not proc.name in (shells)
  output: "root %proc.name"
  priority: NOTICE
- rule: Name is its exe
  desc: a field on each side
  condition: spawned_process and proc.exepath = val(proc.exepath) and proc.name != val(proc.pname)
  output: "same %proc.name"
  priority: NOTICE
"#;
    let more = load(same).unwrap();
    // The repeated condition adds nothing; the second rule its uid check, a `not` and an
    // `and`; the third its two checks and an `and`.
    assert!(more.prog.len() <= one.prog.len() + 6, "{}", more.prog.len());
    let by = |rule: &str| -> Vec<Pid> {
        detect(&snap(), &more)
            .into_iter()
            .filter(|a| a.rule == rule)
            .map(|a| a.pid)
            .collect()
    };
    assert_eq!(by("Shell"), by("Shell again"));
    assert_eq!(by("Shell"), vec![10]);
    assert_eq!(by("Root non-shell"), vec![1, 9]);
    // pid 1 has no parent: `proc.pname` is <NA> and the check is false.
    assert_eq!(by("Name is its exe"), vec![9, 10, 11]);
}
