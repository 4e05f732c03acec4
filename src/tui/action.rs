//! What an input can do: the vocabulary of the keymap file (`assets/keymap.yaml`), one variant
//! per user-visible command, plus the inputs no key names (a character typed into a prompt, the
//! mouse wheel, a click on a list row or a tab). The help popup shows the description given
//! next to each key.

use super::state::Tab;
use serde::{Deserialize, Serialize};

/// A user command. Serialized in snake_case, as written in the keymap file (the variants
/// marked `serde(skip)` come from typing and the mouse, never from the keymap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave procscope.
    Quit,
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Collapse the selected node (or go to its parent when already collapsed).
    Collapse,
    /// Expand the selected node.
    Expand,
    /// Collapse every node.
    CollapseAll,
    /// Expand every node.
    ExpandAll,
    /// Show or hide threads under their process.
    ToggleThreads,
    /// Switch between the tree and the flat list.
    ToggleTree,
    /// Sort the flat list by the next column.
    SortNext,
    /// Reverse the sort order of the flat list.
    SortReverse,
    /// Start an incremental search (matches highlighted).
    Search,
    /// Start a filter (non-matching processes hidden, ancestors kept).
    Filter,
    /// Remove the filter and the search.
    ClearFilter,
    /// Jump to the next search match.
    NextMatch,
    /// Jump to the previous search match.
    PrevMatch,
    /// Open the selected item (detail, jump to process, directory, file).
    Open,
    /// Go back to the previous screen.
    Back,
    /// Next tab or pane.
    NextTab,
    /// Previous tab or pane.
    PrevTab,
    /// Show the process tree.
    ShowTree,
    /// Show every secret finding.
    ShowSecrets,
    /// Show containers and pods.
    ShowContainers,
    /// Show every detection alert.
    ShowAlerts,
    /// Show the host picker (many hosts: `--snapshot DIR`).
    ShowHosts,
    /// Open the detail of the selected process on its environ tab.
    ShowEnviron,
    /// Open the detail of the selected process on its files tab.
    ShowFiles,
    /// Open the root filesystem browser of the selected process.
    ShowRoot,
    /// Reveal or mask the selected secret value.
    Reveal,
    /// Reveal or mask every secret value.
    RevealAll,
    /// Take a new snapshot in the background.
    Refresh,
    /// Show this help.
    Help,
    /// Go to the parent directory.
    ParentDir,
    /// List the interesting paths of the container root.
    Interesting,
    /// Cycle the viewer between text, hex and strings.
    ViewerMode,
    /// Confirm the text typed.
    Submit,
    /// Abandon the text typed.
    Cancel,
    /// Delete the last character typed.
    DeleteChar,
    /// Cycle the search matcher between plain text, regex and fuzzy.
    ToggleMatcher,
    /// Show or hide the tree's SYSCALL column (each process's main thread's syscall).
    ToggleSyscalls,
    /// Count the syscalls of the process for a few seconds in the background (again: stop).
    TraceSyscalls,
    /// Hash the process's exe and list its mapped files (shown on its overview).
    CheckIntegrity,
    /// A character typed into the open prompt.
    #[serde(skip)]
    Type(char),
    /// Move the selection (or scroll) by this many rows: the mouse wheel.
    #[serde(skip)]
    ScrollBy(i32),
    /// Select the row drawn this many lines below the top of the current list: a click.
    #[serde(skip)]
    ClickRow(usize),
    /// Show this tab of the detail screen: a click on its label.
    #[serde(skip)]
    SelectTab(Tab),
}
