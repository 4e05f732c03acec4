//! Which secret values are shown: every one (`V`, `--reveal`) or those revealed one by one,
//! by process and place; and the masking of what is drawn (values, command lines).

use super::loaded::Loaded;
use crate::model::{ProcKey, Process};
use crate::tui::findings::Place;
use std::collections::HashSet;

/// Reveal state.
#[derive(Clone, Debug, Default)]
pub struct Reveal {
    /// Every value shown.
    pub all: bool,
    revealed: HashSet<(ProcKey, Place)>,
}

impl Reveal {
    pub fn new(all: bool) -> Reveal {
        Reveal {
            all,
            revealed: HashSet::new(),
        }
    }

    /// Reveal or mask every value.
    pub fn toggle_all(&mut self) {
        self.all = !self.all;
    }

    /// Reveal the value at `place` of `k`, or mask it again.
    pub fn toggle(&mut self, k: ProcKey, place: Place) {
        if !self.revealed.remove(&(k, place)) {
            self.revealed.insert((k, place));
        }
    }

    /// Whether the value at `place` of `p` is shown masked. Without a detector every environ
    /// value is masked; with one, the values it flags (leads excepted).
    pub fn value_masked(&self, loaded: &Loaded, p: &Process, place: Place) -> bool {
        self.value_mask(loaded, p, place).hides()
    }

    /// What of the value at `place` of `p` is hidden (`analysis::masking::value_mask`).
    fn value_mask(
        &self,
        loaded: &Loaded,
        p: &Process,
        place: Place,
    ) -> crate::analysis::masking::ValueMask {
        let reveal = self.all || self.revealed.contains(&(p.key(), place));
        let findings = loaded.findings_for(p);
        let found: Vec<_> = findings
            .of(p.pid, p.start_time)
            .filter(|f| f.place == place)
            .map(|f| (f.span, f.lead))
            .collect();
        let found = findings.unavailable.is_none().then_some(&found[..]);
        crate::analysis::masking::value_mask(place, found, reveal)
    }

    /// A value of `p` at `place` as drawn: escaped, its secret spans masked unless revealed.
    pub fn shown_value(&self, loaded: &Loaded, p: &Process, place: Place, raw: &[u8]) -> String {
        crate::model::escape_bytes(&self.value_mask(loaded, p, place).apply(raw)).into_owned()
    }

    /// The command line as shown: secret parts of argv masked unless revealed.
    pub fn command_line(&self, loaded: &Loaded, p: &Process) -> String {
        if p.cmdline.is_empty() {
            return format!("[{}]", p.comm.safe());
        }
        let parts: Vec<String> = p
            .cmdline
            .iter()
            .enumerate()
            .map(|(i, a)| self.shown_value(loaded, p, Place::Argv(i), a.as_bytes()))
            .collect();
        parts.join(" ")
    }
}
