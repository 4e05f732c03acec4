//! Navigation: the screen shown and the screens to go back to (bounded).

/// The main screens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum View {
    #[default]
    Procs,
    Detail,
    Secrets,
    Containers,
    /// Detection alerts.
    Alerts,
    /// The host picker (many hosts).
    Hosts,
}

impl View {
    /// The screens Tab cycles through (the detail screen cycles its tabs instead).
    pub const CYCLE: [View; 4] = [View::Procs, View::Secrets, View::Containers, View::Alerts];
}

/// Screens kept for Esc.
const BACK_MAX: usize = 32;

/// The current screen and the back stack.
#[derive(Clone, Debug, Default)]
pub struct Nav {
    pub view: View,
    back: Vec<View>,
}

impl Nav {
    /// Show `v`, remembering the current screen for [`Nav::back`].
    pub fn go(&mut self, v: View) {
        if self.view != v {
            self.back.push(self.view);
            if self.back.len() > BACK_MAX {
                self.back.remove(0);
            }
            self.view = v;
        }
    }

    /// Return to the previous screen; false when there is none.
    pub fn back(&mut self) -> bool {
        match self.back.pop() {
            Some(v) => {
                self.view = v;
                true
            }
            None => false,
        }
    }

    /// The next (or previous) screen of [`View::CYCLE`], without touching the back stack.
    pub fn cycle(&mut self, delta: isize) {
        let order = View::CYCLE;
        let i = order.iter().position(|v| *v == self.view).unwrap_or(0) as isize;
        self.view = order[(i + delta).rem_euclid(order.len() as isize) as usize];
    }
}
