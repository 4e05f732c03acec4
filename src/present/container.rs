//! A container or pod group as cells: runtime, short id, pod, QoS, init, process count, root.

use super::{Cell, Shown};
use crate::analysis::containers::ContainerGroup;
use crate::model::Snapshot;

/// One row of the containers table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRow {
    pub runtime: Shown,
    /// The first 12 characters of the id, or `-`.
    pub id: Shown,
    pub pod: Shown,
    pub qos: Shown,
    /// `comm(pid)` of the group's init (the comm empty when it is not in the snapshot).
    pub init: Shown,
    pub procs: Shown,
    pub root: Shown,
}

impl ContainerRow {
    pub fn of(snap: &Snapshot, g: &ContainerGroup) -> ContainerRow {
        let dash = |v: &Option<String>| v.as_deref().map_or(Shown::label("-"), Shown::text);
        let comm = snap
            .process(g.root_pid)
            .map_or_else(Shown::default, |p| Shown::of(&p.comm));
        ContainerRow {
            runtime: Shown::text(&g.runtime),
            id: g
                .id
                .as_deref()
                .map_or(Shown::label("-"), |i| Shown::prefix(i, 12)),
            pod: dash(&g.pod_uid),
            qos: dash(&g.qos),
            init: comm
                .then_label("(")
                .then(&Shown::num(g.root_pid))
                .then_label(")"),
            procs: Shown::num(g.pids.len() as u64),
            root: g.root.as_ref().map_or(Shown::label("-"), Shown::of),
        }
    }

    /// The header of [`ContainerRow::cells`].
    pub const HEADER: [&'static str; 7] = ["Runtime", "Id", "Pod", "QoS", "Init", "Procs", "Root"];

    /// runtime, id, pod, qos, init, procs, root.
    pub fn cells(&self) -> Vec<Cell> {
        [
            &self.runtime,
            &self.id,
            &self.pod,
            &self.qos,
            &self.init,
            &self.procs,
            &self.root,
        ]
        .into_iter()
        .map(|s| Cell::normal(s.clone()))
        .collect()
    }
}
