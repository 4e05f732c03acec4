//! The secrets screen's part: its cursor over the findings of the loaded snapshot.

use super::cursor::Cursor;
use super::loaded::Loaded;
use crate::tui::findings::FindingRow;

/// The secrets list.
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretsPane {
    pub cur: Cursor,
}

impl SecretsPane {
    /// The selected finding.
    pub fn selected<'a>(&self, loaded: &'a Loaded) -> Option<&'a FindingRow> {
        loaded.findings.rows.get(self.cur.sel)
    }
}
