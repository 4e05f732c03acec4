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
        if self.all || self.revealed.contains(&(p.key(), place)) {
            return false;
        }
        let findings = loaded.findings_for(p);
        if findings.unavailable.is_some() {
            return matches!(place, Place::Env(_));
        }
        findings
            .of(p.pid, p.start_time)
            .any(|f| f.place == place && !f.lead)
    }

    /// A value of `p` at `place` as drawn: escaped, its secret spans masked unless revealed.
    pub fn shown_value(&self, loaded: &Loaded, p: &Process, place: Place, raw: &[u8]) -> String {
        if !self.value_masked(loaded, p, place) {
            return crate::model::escape_bytes(raw).into_owned();
        }
        let findings = loaded.findings_for(p);
        if findings.unavailable.is_some() {
            return crate::model::escape(&crate::analysis::mask::mask(raw)).into_owned();
        }
        let spans = findings.spans(p.pid, p.start_time, place);
        crate::model::escape_bytes(&crate::tui::findings::mask_spans(raw, &spans)).into_owned()
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
