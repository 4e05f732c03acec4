//! Integrity analysis (pure): which pids other views reveal that the `/proc` listing hides,
//! what a running executable is compared with its file on disk, which mapped files stand out,
//! and the findings (rule, priority, evidence) drawn from them for `detect`.

pub mod exe;
pub mod findings;
pub mod hidden;

pub use exe::{LIBRARY_DIRS, exe_verdicts, map_flags};
pub use findings::{
    exe_findings, hidden_findings, library_findings, process_hidden_findings, root_preload_finding,
};
pub use hidden::{EntryFacts, Sighting, confirmed, cross_view};

/// The mark `tree` shows on a hidden process (`hidden: <first evidence>`), none otherwise.
pub fn tree_marks(p: &crate::model::Process) -> Vec<String> {
    match &p.hidden {
        Some(h) => {
            let how: Vec<String> = h.evidence.iter().map(|e| e.describe()).collect();
            vec![format!("hidden: {}", how.join("; "))]
        }
        None => Vec::new(),
    }
}
