//! A secret finding as cells: the process, its container and pod, where the secret was found,
//! the rule, the severity and the value (as the caller shows it: masked or revealed).

use super::{Cell, Kind, Shown};
use crate::analysis::secrets::{Finding, SecretSource, Severity};
use crate::model::Pid;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingRow {
    pub pid: Shown,
    pub comm: Shown,
    /// `ID pod:POD` (each cut to 12 characters), the id alone, or `-` on the host.
    pub container: Shown,
    /// `environ` or `cmdline`.
    pub source: Shown,
    /// `env` or `argv`: the short form of `source`.
    pub place: Shown,
    /// The variable or flag name.
    pub name: Shown,
    pub rule: Shown,
    pub severity: Shown,
    /// The value: kind `Masked` when shown masked.
    pub value: Cell,
}

/// `ID pod:POD`, the id alone, or `-` on the host.
pub fn container(c: Option<&str>, pod: Option<&str>) -> Shown {
    let short = |s: &str| Shown::prefix(s, 12);
    match (c, pod) {
        (Some(c), Some(p)) => short(c).then_label(" pod:").then(&short(p)),
        (Some(c), None) => short(c),
        (None, _) => Shown::label("-"),
    }
}

/// The source's short form (`env`, `argv`).
pub fn place(s: SecretSource) -> Shown {
    Shown::label(match s {
        SecretSource::Environ => "env",
        SecretSource::Cmdline => "argv",
    })
}

/// An argv finding as the overview lists it: `argv[3] rule (high)`.
pub fn argv_mark(index: usize, rule: &str, severity: Severity) -> Cell {
    let s = Shown::label("argv[")
        .then(&Shown::num(index as u64))
        .then_label("] ")
        .then(&Shown::text(rule))
        .then_label(" (")
        .then_label(severity.as_str())
        .then_label(")");
    Cell::new(s, Kind::Danger)
}

impl FindingRow {
    /// A finding from the scan; its `value` is already masked unless revealed (`masked` says).
    pub fn of(f: &Finding, masked: bool) -> FindingRow {
        let kind = if masked { Kind::Masked } else { Kind::Danger };
        FindingRow::new(
            f.pid,
            Shown::of(&f.comm),
            container(f.container.as_deref(), f.pod_uid.as_deref()),
            f.source,
            Shown::of(&f.name),
            Shown::text(&f.rule),
            f.severity,
            Cell::new(Shown::text(&f.value), kind),
        )
    }

    /// A finding from its parts (the TUI keeps its own index of findings).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        pid: Pid,
        comm: Shown,
        container: Shown,
        source: SecretSource,
        name: Shown,
        rule: Shown,
        severity: Severity,
        value: Cell,
    ) -> FindingRow {
        FindingRow {
            pid: Shown::num(pid),
            comm,
            container,
            source: Shown::label(source.as_str()),
            place: place(source),
            name,
            rule,
            severity: Shown::label(severity.as_str()),
            value,
        }
    }
}
