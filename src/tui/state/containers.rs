//! The containers screen's part: its cursor over the container groups of the snapshot.

use super::cursor::Cursor;
use super::loaded::Loaded;
use crate::analysis::containers::ContainerGroup;

/// Rows given to the group list out of `h` (the rest shows the selected group's processes).
pub fn table_height(h: u16) -> usize {
    (h as usize * 3 / 5).max(1)
}

/// The containers list.
#[derive(Clone, Copy, Debug, Default)]
pub struct ContainersPane {
    pub cur: Cursor,
}

impl ContainersPane {
    /// The selected group.
    pub fn selected<'a>(&self, loaded: &'a Loaded) -> Option<&'a ContainerGroup> {
        loaded.groups.get(self.cur.sel)
    }
}
