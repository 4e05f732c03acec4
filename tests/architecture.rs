//! The layering rules, checked on the source text of `src/`: `cli` and `tui` do not import each
//! other; ratatui and crossterm only in `tui` (and not in `tui/state`); the file system, the
//! environment, sysinfo and process spawning only in `source` and `main.rs`; `analysis` never
//! imports `source`. Test code (`tests.rs`, `*_tests.rs`, `#[cfg(test)]` tails) is exempt.

use std::path::Path;

/// Files allowed to break a rule for now, each with what it still does (empty: none; an entry
/// that no longer breaks a rule fails the test, so the list can only shrink).
const TEMPORARY_ALLOWED: &[(&str, &str)] = &[];

/// Calls that touch the file system, the environment, sysinfo or spawn processes.
const IO: &[&str] = &[
    "std::fs",
    "fs::File",
    "File::open",
    "File::create",
    "OpenOptions",
    "read_dir",
    "symlink_metadata",
    "metadata(",
    ".is_file()",
    ".is_dir()",
    ".exists()",
    "canonicalize",
    "rustix::fs::open",
    "rustix::fs::openat",
    "rustix::fs::openat2",
    "rustix::fs::stat",
    "rustix::fs::statat",
    "rustix::fs::fstat",
    "rustix::fs::readlinkat",
    "rustix::fs::Dir",
    "std::env",
    "env::var",
    "sysinfo::",
    "std::process::Command",
    "Command::new",
];

/// Matches of [`IO`] that are not I/O: (file, token, why). `DirItem::is_dir` is a method of a
/// listing entry already read through `source`.
const NOT_IO: &[(&str, &str, &str)] = &[
    (
        "analysis/syscall/mod.rs",
        "std::env",
        "std::env::consts::ARCH, a compile-time constant",
    ),
    ("tui/fsview.rs", ".is_dir()", "DirItem::is_dir"),
    ("tui/state/files.rs", ".is_dir()", "DirItem::is_dir"),
    ("tui/views/rootfs.rs", ".is_dir()", "DirItem::is_dir"),
];

/// Whether `code` holds `tok` as a whole token (not inside a longer identifier).
fn has_token(code: &str, tok: &str) -> bool {
    let id = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(tok).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + tok.len()..].chars().next();
        let starts_id = tok.chars().next().is_some_and(id);
        let ends_id = tok.chars().next_back().is_some_and(id);
        !(starts_id && before.is_some_and(id) || ends_id && after.is_some_and(id))
    })
}

/// Every `.rs` file under `src/` as (path relative to `src/`, code without comments and tests).
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read src") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".rs") || name == "tests.rs" || name.ends_with("_tests.rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).expect("under src");
            let text = std::fs::read_to_string(&path).expect("read file");
            out.push((rel.to_string_lossy().into_owned(), code_of(&text)));
        }
    }
    assert!(out.len() > 50, "found only {} source files", out.len());
    out
}

/// `text` without line comments and without what follows its first `#[cfg(test)]`.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .map(|l| match l.find("//") {
            // why: `//` inside a string (a URL) is kept; a comment starts a line or follows code.
            Some(i) if l[..i].trim().is_empty() || l[..i].ends_with(' ') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a file: `cli/fs.rs` is `[cli, fs]`, `cli/mod.rs` is `[cli]`.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// The top-level modules of the crate that `code` in file `rel` refers to: through
/// `crate::x`, `crate::{x, y}`, and `super::` chains resolved from the file's module.
fn top_modules(rel: &str, code: &str) -> Vec<String> {
    let here = module_of(rel);
    let mut out = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        // why: `procscope::` or `my_crate::` are not this crate's root.
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            out.extend(inner.split(',').map(|x| ident(x.trim())));
        } else {
            out.push(ident(rest));
        }
    }
    for (i, _) in code.match_indices("super::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &code[i..];
        let mut up = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            up += 1;
            rest = r;
        }
        let base = here.len().saturating_sub(up);
        let names: Vec<String> = match rest.strip_prefix('{') {
            Some(g) => g
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|x| ident(x.trim()))
                .collect(),
            None => vec![ident(rest)],
        };
        for n in names {
            out.push(if base == 0 { n } else { here[0].clone() });
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// The rules broken by file `rel` (relative to `src/`) with code `code`.
fn violations(rel: &str, code: &str) -> Vec<String> {
    let layer = rel.split('/').next().unwrap_or("");
    let mods = top_modules(rel, code);
    let uses = |m: &str| mods.iter().any(|x| x == m);
    let mut v = Vec::new();
    if layer == "cli" && uses("tui") {
        v.push(format!("{rel}: cli imports tui"));
    }
    if layer == "tui" && uses("cli") {
        v.push(format!("{rel}: tui imports cli"));
    }
    if layer == "analysis" && uses("source") {
        v.push(format!("{rel}: analysis imports source"));
    }
    let ui = code.contains("ratatui") || code.contains("crossterm");
    if ui && layer != "tui" {
        v.push(format!("{rel}: ratatui/crossterm outside tui"));
    }
    if ui && rel.starts_with("tui/state/") {
        v.push(format!("{rel}: ratatui/crossterm in the TUI state"));
    }
    // why: `trace/` is the ptrace tracer, an I/O layer beside `source/` (it spawns and reads
    // the traced processes); its decoding lives in `analysis::syscall`, which is pure.
    if layer != "source" && layer != "trace" && rel != "main.rs" {
        let exempt = |io: &str| NOT_IO.iter().any(|(f, t, _)| *f == rel && *t == io);
        for io in IO.iter().filter(|io| has_token(code, io) && !exempt(io)) {
            v.push(format!("{rel}: `{io}` outside source"));
        }
    }
    v
}

#[test]
fn the_source_tree_keeps_its_layers() {
    let mut bad = Vec::new();
    for (rel, code) in sources() {
        let v = violations(&rel, &code);
        if TEMPORARY_ALLOWED.iter().any(|(f, _)| *f == rel) {
            // why: an entry that no longer breaks a rule must leave the list.
            assert!(
                !v.is_empty(),
                "{rel} keeps the rules now: drop it from TEMPORARY_ALLOWED"
            );
            continue;
        }
        bad.extend(v);
    }
    assert!(bad.is_empty(), "layering broken:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_each_kind_of_violation() {
    let cases: &[(&str, &str, &str)] = &[
        ("cli/fs.rs", "use crate::tui::App;", "cli imports tui"),
        ("cli/fs.rs", "use crate::{model, tui};", "cli imports tui"),
        ("cli/mod.rs", "use super::tui::run;", "cli imports tui"),
        (
            "tui/views/detail.rs",
            "use super::super::super::cli::Out;",
            "tui imports cli",
        ),
        (
            "tui/app.rs",
            "let x = crate::cli::load(g);",
            "tui imports cli",
        ),
        ("model/x.rs", "use ratatui::text::Line;", "outside tui"),
        (
            "tui/state/nav.rs",
            "use crossterm::event::KeyCode;",
            "TUI state",
        ),
        ("collect/x.rs", "let t = std::fs::read(p)?;", "`std::fs`"),
        ("cli/x.rs", "if path.is_file() {", "`.is_file()`"),
        (
            "analysis/x.rs",
            "let h = std::env::var(\"HOME\");",
            "`std::env`",
        ),
        ("tui/x.rs", "let s = sysinfo::System::new();", "`sysinfo::`"),
        (
            "cli/x.rs",
            "std::process::Command::new(\"sh\")",
            "`Command::new`",
        ),
        (
            "analysis/secrets/x.rs",
            "use crate::source::config;",
            "analysis imports source",
        ),
    ];
    for (rel, code, want) in cases {
        let v = violations(rel, code);
        assert!(
            v.iter().any(|x| x.contains(want)),
            "{rel}: {code:?} gave {v:?}"
        );
    }
    // And nothing for code that keeps the rules, comments and tests included.
    for (rel, code) in [
        (
            "cli/fs.rs",
            "use super::{Global, Out};\nuse crate::source::ProcRoot;",
        ),
        (
            "tui/app.rs",
            "use super::findings::Place; // not crate::cli::x",
        ),
        ("source/x.rs", "let f = std::fs::File::open(p)?;"),
        ("main.rs", "let v = std::env::var(\"X\");"),
    ] {
        let code = code_of(code);
        let v = violations(rel, &code);
        assert!(v.is_empty(), "{rel}: {code:?} gave {v:?}");
    }
    let tail = code_of("fn a() {}\n#[cfg(test)]\nmod t { use crate::tui::App; }");
    assert!(violations("cli/x.rs", &tail).is_empty());
}
