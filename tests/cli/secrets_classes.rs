//! Recall and precision of the built-in secret rules per credential class, over
//! tests/fixtures/secrets/corpus2.yaml (the tuning set) and holdout.yaml (written before tuning):
//! each entry is one process; the test prints a table and fails below its floors.

#![allow(clippy::unwrap_used)] // why: test helpers outside #[test] fns panic on setup failure.

use procscope::analysis::secrets::{self, Finding, RuleSet, Severity};
use procscope::model::Snapshot;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Entry {
    id: String,
    class: String,
    expect: String,
    #[serde(default)]
    env: Option<(String, String)>,
    #[serde(default)]
    argv: Option<Vec<String>>,
    #[serde(default)]
    secret: Option<String>,
    /// A part of the finding's name that must be present (the path inside a structured value).
    #[serde(default)]
    name: Option<String>,
}

fn snapshot_of(e: &Entry) -> Snapshot {
    super::secrets_corpus::one_process(e.env.as_ref(), e.argv.as_deref())
}

fn found(e: &Entry, f: &[Finding]) -> bool {
    f.iter().any(|x| {
        !x.lead
            && x.severity > Severity::Low
            && e.secret.as_ref().is_none_or(|s| x.value == *s)
            && e.name
                .as_ref()
                .is_none_or(|n| String::from_utf8_lossy(x.name.as_bytes()).contains(n.as_str()))
    })
}

#[derive(Default)]
struct Score {
    pos: usize,
    tp: usize,
    neg: usize,
    fp: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        if self.pos == 0 {
            1.0
        } else {
            self.tp as f64 / self.pos as f64
        }
    }
    /// tp / (tp + fp); for a class of negatives only, the share of negatives left unreported.
    fn precision(&self) -> f64 {
        if self.pos == 0 {
            1.0 - self.fp as f64 / self.neg.max(1) as f64
        } else if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
}

/// Scores per class (and "all"), printing each miss.
fn measure(path: &str) -> BTreeMap<String, Score> {
    let text = std::fs::read_to_string(path).unwrap();
    let corpus: Vec<Entry> = serde_saphyr::from_str(&text).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let mut by: BTreeMap<String, Score> = BTreeMap::new();
    for e in &corpus {
        let f = secrets::scan_with(&snapshot_of(e), &rules, true);
        let (is_pos, ok) = match e.expect.as_str() {
            "secret" => (true, found(e, &f)),
            "none" => (false, f.iter().all(|x| x.lead)),
            "low" => (false, f.iter().all(|x| x.severity <= Severity::Low)),
            other => panic!("{}: unknown label {other}", e.id),
        };
        if !ok {
            println!(
                "{} {} {} {:?} {:?} -> {:?}",
                if is_pos { "MISS" } else { "FALSE" },
                e.id,
                e.class,
                e.env,
                e.argv,
                f.iter()
                    .map(|x| (
                        &x.rule,
                        x.severity,
                        String::from_utf8_lossy(x.name.as_bytes()),
                        &x.value
                    ))
                    .collect::<Vec<_>>()
            );
        }
        for k in [e.class.as_str(), "all"] {
            let s = by.entry(k.to_string()).or_default();
            if is_pos {
                s.pos += 1;
                s.tp += ok as usize;
            } else {
                s.neg += 1;
                s.fp += !ok as usize;
            }
        }
    }
    println!("{path}:");
    println!(
        "  {:<18} {:>4} {:>4} {:>7} {:>9}",
        "class", "pos", "neg", "recall", "precision"
    );
    for (k, s) in &by {
        println!(
            "  {:<18} {:>4} {:>4} {:>7.3} {:>9.3}",
            k,
            s.pos,
            s.neg,
            s.recall(),
            s.precision()
        );
    }
    by
}

fn check(by: &BTreeMap<String, Score>, all: f64, class: f64, min: (usize, usize)) {
    let a = &by["all"];
    assert!(a.pos >= min.0 && a.neg >= min.1, "corpus too small");
    assert!(a.recall() >= all, "overall recall {:.3}", a.recall());
    assert!(
        a.precision() >= all,
        "overall precision {:.3}",
        a.precision()
    );
    for (k, s) in by {
        assert!(s.recall() >= class, "{k}: recall {:.3}", s.recall());
        assert!(
            s.precision() >= class,
            "{k}: precision {:.3}",
            s.precision()
        );
    }
}

#[test]
fn per_class_tuning_set() {
    let by = measure("tests/fixtures/secrets/corpus2.yaml");
    check(&by, 0.95, 0.85, (150, 120));
}

#[test]
fn per_class_held_out_set() {
    let by = measure("tests/fixtures/secrets/holdout.yaml");
    check(&by, 0.90, 0.75, (80, 70));
}
