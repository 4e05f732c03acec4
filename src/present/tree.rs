//! Tree tags and marks: the short container tag of a row (`docker:0123abcd`, `pod:1b2c3d4e`,
//! `ns`, `HIDDEN` for a process hidden from `/proc`), and where a process differs from its
//! parent (another container, namespaces, root, effective uid), in the text output's words and
//! the TUI's compact form.

use super::{Cell, Kind, Shown};
use crate::model::{NsKind, Process};

/// A short runtime name for a tag.
fn short_runtime(r: &str) -> &str {
    match r {
        "containerd" => "ctrd",
        "kubernetes" => "k8s",
        "systemd-nspawn" => "nspawn",
        other => other,
    }
}

/// Short container tag: `docker:0123456789ab`, `pod:1b2c3d4e`, `ns` for namespaced, or empty.
pub fn tag(p: &Process) -> Shown {
    match &p.container {
        Some(c) => match (&c.id, &c.pod_uid) {
            (Some(id), _) => Shown::text(short_runtime(&c.runtime))
                .then_label(":")
                .then(&Shown::prefix(id, 8)),
            (None, Some(pod)) => Shown::label("pod:").then(&Shown::prefix(pod, 8)),
            (None, None) => Shown::text(&c.runtime),
        },
        None if p.namespaced => Shown::label("ns"),
        None => Shown::default(),
    }
}

/// The tag of a process hidden from `/proc` (`Process::hidden`): `HIDDEN`, then its container
/// tag (kind `Warn`); none for a process that is not hidden.
pub fn hidden_tag(p: &Process) -> Option<Cell> {
    p.hidden.as_ref()?;
    let t = tag(p);
    let s = if t.is_empty() {
        Shown::label("HIDDEN")
    } else {
        Shown::label("HIDDEN ").then(&t)
    };
    Some(Cell::new(s, Kind::Warn))
}

/// What sets a process apart from its parent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// Entered another container: its runtime and its id's first 12 characters (`?` unknown).
    pub container: Option<(Shown, Shown)>,
    /// The [`NsKind::MARKED`] kinds whose namespace differs, in that order.
    pub ns: Vec<NsKind>,
    /// Another root directory.
    pub root: Option<Shown>,
    /// The parent's and this process's effective uid, when they differ.
    pub uid: Option<(u32, u32)>,
}

impl Marks {
    /// The marks of `p` under `parent` (none for a root of the tree).
    pub fn of(p: &Process, parent: Option<&Process>) -> Marks {
        let Some(q) = parent else {
            return Marks::default();
        };
        let container = match &p.container {
            Some(c) if p.container != q.container => Some((
                Shown::text(&c.runtime),
                c.id.as_deref()
                    .map_or(Shown::label("?"), |i| Shown::prefix(i, 12)),
            )),
            _ => None,
        };
        let ns = (NsKind::MARKED.into_iter())
            .filter(|k| {
                let (a, b) = (p.namespaces.get(k.name()), q.namespaces.get(k.name()));
                matches!((a, b), (Some(a), Some(b)) if a != b)
            })
            .collect();
        let root = match (&p.root, &q.root) {
            (Some(r), Some(pr)) if r != pr => Some(Shown::of(r)),
            _ => None,
        };
        let uid_changed =
            p.uid.effective != q.uid.effective && !p.unavailable.contains_key("status");
        Marks {
            container,
            ns,
            root,
            uid: uid_changed.then_some((q.uid.effective, p.uid.effective)),
        }
    }

    /// The text output's marks: `container docker:0123456789ab`, `ns mnt,pid,net`,
    /// `root /x`, `uid 0→1000` (each printed in brackets).
    pub fn words(&self) -> Vec<Shown> {
        let mut m = Vec::new();
        if let Some((rt, id)) = &self.container {
            m.push(Shown::label("container ").then(rt).then_label(":").then(id));
        }
        if !self.ns.is_empty() {
            m.push(Shown::label("ns ").then(&ns_list(&self.ns)));
        }
        if let Some(r) = &self.root {
            m.push(Shown::label("root ").then(r));
        }
        if let Some((a, b)) = self.uid {
            let arrow = Shown::num(a).then_label("→").then(&Shown::num(b));
            m.push(Shown::label("uid ").then(&arrow));
        }
        m
    }

    /// The TUI's compact marks: `[ctr][ns:mnt,pid+5][uid:1000]` (at most three kinds named).
    pub fn compact(&self) -> Shown {
        let mut m = Shown::default();
        if self.container.is_some() {
            m = m.then_label("[ctr]");
        }
        match self.ns.len() {
            0 => {}
            1..=3 => {
                m = m
                    .then_label("[ns:")
                    .then(&ns_list(&self.ns))
                    .then_label("]")
            }
            n => {
                let more = Shown::num((n - 2) as u64);
                m = m.then_label("[ns:").then(&ns_list(&self.ns[..2]));
                m = m.then_label("+").then(&more).then_label("]");
            }
        }
        if let Some((_, b)) = self.uid {
            m = m.then_label("[uid:").then(&Shown::num(b)).then_label("]");
        }
        m
    }
}

fn ns_list(ns: &[NsKind]) -> Shown {
    let names: Vec<Shown> = ns.iter().map(|k| Shown::label(k.name())).collect();
    Shown::join(&names, ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Container;

    #[test]
    fn tag_cuts_names_at_characters_and_escapes() {
        let mut p = Process {
            container: Some(Container {
                runtime: "lxc".into(),
                id: Some("wébsérvér\u{1b}[2J".into()),
                ..Container::default()
            }),
            ..Process::default()
        };
        assert_eq!(tag(&p).as_str(), "lxc:wébsérvé");
        if let Some(c) = p.container.as_mut() {
            c.id = Some("ab\u{1b}]0;x".into());
        }
        assert_eq!(tag(&p).as_str(), "lxc:ab\\e]0;x");
        p.container = Some(Container {
            runtime: "x\u{9b}y".into(),
            ..Container::default()
        });
        assert_eq!(tag(&p).as_str(), "x\\x9by");
    }
}
