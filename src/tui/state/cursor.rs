//! A selection and scroll offset over a list of known length; the offset follows the
//! selection so it stays visible. Pure arithmetic, shared by every list in the TUI.

/// Selected row and first visible row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub sel: usize,
    pub off: usize,
}

impl Cursor {
    /// Move by `delta` rows within `len`, keeping the selection visible in `height` rows.
    pub fn move_by(&mut self, delta: isize, len: usize, height: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let sel = (self.sel as isize + delta).clamp(0, len as isize - 1) as usize;
        self.set(sel, len, height);
    }

    /// Select `sel` (clamped), adjusting the offset.
    pub fn set(&mut self, sel: usize, len: usize, height: usize) {
        self.sel = sel.min(len.saturating_sub(1));
        self.off = offset(self.sel, self.off, len, height);
    }

    /// Re-clamp after the list changed length.
    pub fn clamp(&mut self, len: usize, height: usize) {
        self.set(self.sel, len, height);
    }
}

/// The first visible row for selection `sel`, previous offset `off`, `len` rows shown in
/// `height` lines.
pub fn offset(sel: usize, off: usize, len: usize, height: usize) -> usize {
    let height = height.max(1);
    let mut off = off.min(len.saturating_sub(height));
    if sel < off {
        off = sel;
    } else if sel >= off + height {
        off = sel + 1 - height;
    }
    off
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_visible() {
        let mut c = Cursor::default();
        c.move_by(12, 100, 10);
        assert_eq!((c.sel, c.off), (12, 3));
        c.move_by(-5, 100, 10);
        assert_eq!((c.sel, c.off), (7, 3));
        c.move_by(1000, 100, 10);
        assert_eq!((c.sel, c.off), (99, 90));
        c.clamp(5, 10);
        assert_eq!((c.sel, c.off), (4, 0));
        c.move_by(1, 0, 10);
        assert_eq!(c, Cursor::default());
    }
}
