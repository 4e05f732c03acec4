//! Property tests: the condition parser and the rules loader never panic, whatever the input.

use procscope::analysis::detect::{Rules, parser};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "(",
    ")",
    "proc.name",
    "proc.aname[2]",
    "=",
    "!=",
    "in",
    "(a, b)",
    "'q'",
    "\"x\"",
    "exists",
    "glob",
    "regex",
    "val(",
    "tolower(",
    "fd.name",
    "<=",
    "macro",
    ",",
    "[",
    "]",
    "\\",
    "pmatch",
    "intersects",
];

proptest! {
    #[test]
    fn parser_never_panics(s in ".{0,200}") {
        let _ = parser::parse(&s);
    }

    #[test]
    fn token_soup_never_panics(toks in proptest::collection::vec(0..WORDS.len(), 0..40)) {
        let s: Vec<&str> = toks.iter().map(|&i| WORDS[i]).collect();
        let _ = parser::parse(&s.join(" "));
        let _ = parser::parse(&s.join(""));
    }

    #[test]
    fn loader_never_panics(cond in ".{0,80}", out in ".{0,60}", prio in "[A-Za-z]{0,9}") {
        let doc = format!(
            "- macro: m\n  condition: {cond:?}\n- rule: r\n  desc: d\n  condition: {cond:?}\n  output: {out:?}\n  priority: {prio}\n"
        );
        let _ = Rules::load(&[("f.yaml".to_string(), doc)]);
    }

    #[test]
    fn yaml_soup_never_panics(s in "[-:\\[\\]{}a-z \n]{0,200}") {
        let _ = Rules::load(&[("f.yaml".to_string(), s)]);
    }
}
