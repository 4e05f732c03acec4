//! Recall and precision of the built-in secret rules over a labelled corpus of environ entries and
//! command lines (tests/fixtures/secrets/corpus.yaml): fails below recall 0.95 or precision 0.90.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use procscope::analysis::secrets::{self, Finding, RuleSet, Severity};
use procscope::model::{Bytes, EnvEntry, Process, Snapshot};
use serde::Deserialize;

#[derive(Deserialize)]
struct Entry {
    id: String,
    expect: String,
    #[serde(default)]
    env: Option<(String, String)>,
    #[serde(default)]
    argv: Option<Vec<String>>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

fn snapshot_of(e: &Entry) -> Snapshot {
    one_process(e.env.as_ref(), e.argv.as_deref())
}

/// A snapshot of one process (pid 100) with this environ entry and argv: one corpus sample.
pub(crate) fn one_process(env: Option<&(String, String)>, argv: Option<&[String]>) -> Snapshot {
    let p = Process {
        pid: 100,
        comm: Bytes::from("corpus"),
        cmdline: argv
            .into_iter()
            .flatten()
            .map(|a| Bytes::from(a.as_str()))
            .collect(),
        environ: Some(
            env.iter()
                .map(|(n, v)| EnvEntry {
                    name: Bytes::from(n.as_str()),
                    value: Some(Bytes::from(v.as_str())),
                })
                .collect(),
        ),
        ..Process::default()
    };
    Snapshot {
        processes: vec![p],
        ..Snapshot::default()
    }
}

fn hit(e: &Entry, f: &[Finding]) -> bool {
    match e.expect.as_str() {
        "lead" => f.iter().any(|x| x.lead),
        _ => f
            .iter()
            .any(|x| !x.lead && !x.placeholder && e.secret.as_ref().is_none_or(|s| x.value == *s)),
    }
}

#[test]
fn corpus_recall_and_precision() {
    let text = std::fs::read_to_string("tests/fixtures/secrets/corpus.yaml").unwrap();
    let corpus: Vec<Entry> = serde_saphyr::from_str(&text).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let (mut pos, mut neg) = (0, 0);
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for e in &corpus {
        let f = secrets::scan_with(&snapshot_of(e), &rules, true);
        match e.expect.as_str() {
            "secret" | "lead" => {
                pos += 1;
                if hit(e, &f) {
                    tp += 1;
                } else {
                    fneg += 1;
                    misses.push(format!("MISS {} {:?} {:?} -> {:?}", e.id, e.env, e.argv, f));
                }
            }
            "none" | "placeholder" => {
                neg += 1;
                let bad: Vec<_> = f
                    .iter()
                    .filter(|x| e.expect == "none" || x.severity > Severity::Low)
                    .collect();
                if !bad.is_empty() {
                    fp += 1;
                    misses.push(format!(
                        "FALSE {} {:?} {:?} -> {:?}",
                        e.id, e.env, e.argv, bad
                    ));
                }
            }
            other => panic!("{}: unknown label {other}", e.id),
        }
    }
    for m in &misses {
        println!("{m}");
    }
    let recall = tp as f64 / (tp + fneg) as f64;
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    println!(
        "corpus: {pos} positives, {neg} negatives; recall {recall:.3} ({tp}/{}), precision {precision:.3} ({tp}/{})",
        tp + fneg,
        tp + fp
    );
    assert!(pos >= 150 && neg >= 150, "corpus too small: {pos}/{neg}");
    assert!(recall >= 0.95, "recall {recall:.3} below 0.95");
    assert!(precision >= 0.90, "precision {precision:.3} below 0.90");
}
