//! The detections screen's part: its cursor over the alerts of the loaded snapshot.

use super::cursor::Cursor;
use super::loaded::Loaded;
use crate::analysis::detect::Alert;

/// Rows given to the alert list out of `h` (the rest shows the selected alert in full).
pub fn table_height(h: u16) -> usize {
    (h as usize * 3 / 5).max(1)
}

/// The alerts list.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlertsPane {
    pub cur: Cursor,
}

impl AlertsPane {
    /// The selected alert.
    pub fn selected<'a>(&self, loaded: &'a Loaded) -> Option<&'a Alert> {
        loaded.alerts.rows.get(self.cur.sel)
    }
}
