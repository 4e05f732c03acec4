//! Layering rules checked on the source text: nothing outside `src/tui/` uses ratatui or
//! crossterm, and nothing outside `src/source/` (and `main.rs`) opens files itself.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` with its text, test modules (`tests.rs`, `#[cfg(test)]`
/// tails) left out.
fn sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read src") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                let text = std::fs::read_to_string(&path).expect("read file");
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.push((path, code));
            }
        }
    }
    out
}

fn under(path: &Path, dir: &str) -> bool {
    path.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir))
}

#[test]
fn only_the_tui_module_uses_ratatui_or_crossterm() {
    let offenders: Vec<_> = sources()
        .into_iter()
        .filter(|(p, t)| !under(p, "tui") && (t.contains("ratatui") || t.contains("crossterm")))
        .map(|(p, _)| p)
        .collect();
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn only_the_source_module_touches_the_filesystem() {
    let io = [
        "std::fs::",
        "File::open",
        "File::create",
        "OpenOptions",
        "read_dir(",
    ];
    let offenders: Vec<_> = sources()
        .into_iter()
        .filter(|(p, t)| !under(p, "source") && io.iter().any(|x| t.contains(x)))
        .map(|(p, _)| p)
        .collect();
    assert!(offenders.is_empty(), "{offenders:?}");
}
