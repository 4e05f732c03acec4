//! The integrity key (`X`): ask for the exe's digests and mapped files of the process in view
//! (an effect: the state reads nothing), and keep the answer for its overview.

use super::{App, Effect, Tab, View};
use crate::model::{ProcKey, ProcessIntegrity};
use crate::present::Cell;

impl App {
    /// `X` on a process (tree or detail): open its overview and ask for its integrity.
    pub(super) fn check_integrity(&mut self) -> Vec<Effect> {
        let p = match self.nav.view {
            View::Detail => self.detail_process(),
            View::Procs => self.selected(),
            _ => None,
        };
        let Some(p) = p else {
            return Vec::new();
        };
        let key = p.key();
        let meta = &self.loaded.snap.meta;
        if self.setup.file.is_some() || !meta.live {
            self.status.message =
                Some("integrity: needs the live /proc (this snapshot is not live)".into());
            return Vec::new();
        }
        let mut fx = self.show_tab(Tab::Overview);
        self.detail.integrity = Some((key, Err("integrity: hashing the exe...".into())));
        fx.push(Effect::Integrity(key));
        fx
    }

    /// The integrity of process `k`, read by the executor (`None`: it could not be read).
    pub fn set_integrity(&mut self, k: ProcKey, found: Option<ProcessIntegrity>) {
        let lines = match found {
            Some(i) => Ok(crate::present::integrity::cells(&i)),
            None => Err("integrity: the process is gone or not on the live system".into()),
        };
        self.detail.integrity = Some((k, lines));
    }

    /// The integrity lines to show on `k`'s overview, when `X` was pressed on it.
    pub fn integrity_of(&self, k: ProcKey) -> Option<&Result<Vec<Cell>, String>> {
        match &self.detail.integrity {
            Some((key, lines)) if *key == k => Some(lines),
            _ => None,
        }
    }
}
