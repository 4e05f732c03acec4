//! Overlays over the screen: the help popup (its text, generated from the keymap, and its
//! scroll) and the text prompt (search, filter, viewer search).

use super::Mode;
use crate::model::escape;
use crate::tui::text::fit;

/// The keymap's help: per mode, (keys, description) lines.
pub type HelpText = Vec<(Mode, Vec<(String, String)>)>;

/// Which text prompt is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    Search,
    Filter,
    ViewerSearch,
}

/// The help popup and the prompt.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    /// The help popup's first line shown, when open.
    pub help: Option<usize>,
    pub prompt: Option<Prompt>,
    /// The help text, one (is a title, text) pair per line.
    lines: Vec<(bool, String)>,
}

impl Overlay {
    pub fn new(help: HelpText) -> Overlay {
        Overlay {
            help: None,
            prompt: None,
            lines: help_lines(help),
        }
    }

    /// The help text, one (is a title, text) pair per line.
    pub fn help_lines(&self) -> &[(bool, String)] {
        &self.lines
    }

    /// Scroll the open help by `delta` lines, `height` of them shown.
    pub fn scroll_help(&mut self, delta: isize, height: usize) {
        if let Some(h) = self.help {
            let max = self.lines.len().saturating_sub(height) as isize;
            self.help = Some((h as isize + delta).clamp(0, max.max(0)) as usize);
        }
    }
}

/// The help text, one line per action and mode, then the search syntax.
fn help_lines(help: HelpText) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for (mode, entries) in help {
        out.push((true, mode.title().to_string()));
        for (keys, desc) in entries {
            // why: descriptions may come from the user's keymap file; draw them escaped too.
            let (keys, desc) = (escape(&keys), escape(&desc));
            out.push((false, format!("  {} {}", fit(&keys, 22), desc)));
        }
    }
    out.push((true, "Search syntax".into()));
    for l in [
        "  words match name and command line (plain; re:REGEX; ~fuzzy; ctrl-t cycles)",
        "  pid=N user=NAME comm=TEXT container=ID pod=UID port=N host=NAME",
        "  env:NAME env:NAME=REGEX secret; prefix ! negates; all terms must match",
    ] {
        out.push((false, l.to_string()));
    }
    out
}
