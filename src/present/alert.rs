//! A detection alert as cells (priority with its kind, rule, pid, comm, container, output,
//! evidence), the text line `detect` prints after the time and priority, and the compact mark
//! the TUI puts on a process row with alerts.

use super::finding::container;
use super::{Cell, Kind, Shown};
use crate::analysis::detect::{Alert, Priority};
use crate::model::Process;

/// The kind a priority is styled with: Error and worse are red flags, Warning stands out,
/// Notice is ordinary, Informational and Debug are secondary.
pub fn priority_kind(p: Priority) -> Kind {
    match p {
        Priority::Emergency | Priority::Alert | Priority::Critical | Priority::Error => {
            Kind::Danger
        }
        Priority::Warning => Kind::Warn,
        Priority::Notice => Kind::Normal,
        Priority::Informational | Priority::Debug => Kind::Dim,
    }
}

/// The priority as Falco prints it, with its kind.
pub fn priority(p: Priority) -> Cell {
    Cell::new(Shown::label(p.as_str()), priority_kind(p))
}

/// `<output> (inferred from state: <evidence>)`, escaped: what `detect` prints after
/// `TIME: Priority `.
pub fn text(a: &Alert) -> Shown {
    Shown::text(&a.output)
        .then_label(" (inferred from state: ")
        .then(&Shown::text(&a.evidence))
        .then_label(")")
}

/// The mark of a process with `n` alerts, the most severe `worst`: `[alert:Critical]`, or
/// `[alert:Critical+2]` for three.
pub fn mark(worst: Priority, n: usize) -> Cell {
    let mut s = Shown::label("[alert:").then_label(worst.as_str());
    if n > 1 {
        s = s.then_label("+").then(&Shown::num(n as u64 - 1));
    }
    Cell::new(s.then_label("]"), priority_kind(worst))
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub priority: Cell,
    pub rule: Shown,
    pub pid: Shown,
    /// The subject process's comm, `?` when it is not in the snapshot.
    pub comm: Shown,
    /// `ID pod:POD` (each cut to 12 characters), the id alone, or `-` on the host.
    pub container: Shown,
    pub output: Shown,
    pub evidence: Shown,
    pub tags: Shown,
}

impl AlertRow {
    /// The row of `a`, whose subject is `p` when it is in the snapshot.
    pub fn of(a: &Alert, p: Option<&Process>) -> AlertRow {
        let (comm, ctr) = match p {
            Some(p) => {
                let c = p.container.as_ref();
                let id = c.and_then(|c| c.id.as_deref());
                let pod = c.and_then(|c| c.pod_uid.as_deref());
                (Shown::of(&p.comm), container(id, pod))
            }
            None => (Shown::label("?"), Shown::label("-")),
        };
        let tags: Vec<Shown> = a.tags.iter().map(|t| Shown::text(t)).collect();
        AlertRow {
            priority: priority(a.priority),
            rule: Shown::text(&a.rule),
            pid: Shown::num(a.pid),
            comm,
            container: ctr,
            output: Shown::text(&a.output),
            evidence: Shown::text(&a.evidence),
            tags: Shown::join(&tags, ","),
        }
    }

    /// The overview's line for this alert: `Priority rule: output`.
    pub fn summary(&self) -> Cell {
        let s = (self.priority.text.clone())
            .then_label(" ")
            .then(&self.rule)
            .then_label(": ")
            .then(&self.output);
        Cell::new(s, self.priority.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bytes, Container};

    fn alert(output: &str, evidence: &str) -> Alert {
        Alert {
            rule: "Shell\u{1b}[2J".into(),
            priority: Priority::Warning,
            output: output.into(),
            output_fields: Default::default(),
            source: "syscall".into(),
            tags: vec!["a".into(), "b\u{7}".into()],
            pid: 42,
            start_time: 7,
            inferred: true,
            event: "execve",
            evidence: evidence.into(),
        }
    }

    #[test]
    fn every_untrusted_field_is_escaped_and_the_priority_picks_the_kind() {
        let a = alert("sh \u{1b}]0;x\u{7} ran", "fd 1 is socket:[9]\n");
        let p = Process {
            pid: 42,
            comm: Bytes::from("s\u{9b}h"),
            container: Some(Container {
                runtime: "docker".into(),
                id: Some("0123456789abcdef\u{1b}".into()),
                ..Container::default()
            }),
            ..Process::default()
        };
        let r = AlertRow::of(&a, Some(&p));
        assert_eq!(r.rule.as_str(), "Shell\\e[2J");
        assert_eq!(r.comm.as_str(), "s\\x9bh");
        assert_eq!(r.container.as_str(), "0123456789ab");
        assert_eq!(r.output.as_str(), "sh \\e]0;x\\x07 ran");
        assert_eq!(r.tags.as_str(), "a,b\\x07");
        assert_eq!(r.priority.kind, Kind::Warn);
        assert_eq!(
            text(&a).as_str(),
            "sh \\e]0;x\\x07 ran (inferred from state: fd 1 is socket:[9]\\n)"
        );
        assert_eq!(
            r.summary().as_str(),
            "Warning Shell\\e[2J: sh \\e]0;x\\x07 ran"
        );
        let gone = AlertRow::of(&a, None);
        assert_eq!((gone.comm.as_str(), gone.container.as_str()), ("?", "-"));
    }

    #[test]
    fn marks_name_the_worst_priority_and_count_the_rest() {
        let one = mark(Priority::Critical, 1);
        assert_eq!((one.as_str(), one.kind), ("[alert:Critical]", Kind::Danger));
        let three = mark(Priority::Notice, 3);
        assert_eq!(
            (three.as_str(), three.kind),
            ("[alert:Notice+2]", Kind::Normal)
        );
        assert_eq!(priority_kind(Priority::Debug), Kind::Dim);
        assert_eq!(priority_kind(Priority::Error), Kind::Danger);
    }
}
