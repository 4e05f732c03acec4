//! Grouping of processes into containers and pods: by runtime identity when one was
//! recognised, otherwise by (mount namespace, root) for namespaced processes.

use crate::model::{Bytes, Pid, ProcessTree, Snapshot};
use serde::Serialize;
use std::collections::BTreeMap;

/// A container (or an unrecognised namespaced group) and its processes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerGroup {
    /// Runtime name, or `namespaced` when no runtime was recognised.
    pub runtime: String,
    pub id: Option<String>,
    pub pod_uid: Option<String>,
    pub qos: Option<String>,
    /// Member pids, ascending.
    pub pids: Vec<Pid>,
    /// The member whose parent is outside the group (the container's init); use it for `fs`.
    pub root_pid: Pid,
    /// Mount namespace and root of `root_pid`: the filesystem the group sees.
    pub mnt_ns: Option<u64>,
    pub root: Option<Bytes>,
    /// Name, image and pod from the runtime's state on the host, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<crate::model::ContainerMeta>,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Runtime(String, Option<String>, Option<String>),
    Ns(Option<u64>, Option<Bytes>),
}

/// All containers in the snapshot, ordered by runtime then id.
pub fn containers(snap: &Snapshot) -> Vec<ContainerGroup> {
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, p) in snap.processes.iter().enumerate() {
        let key = match &p.container {
            Some(c) => Key::Runtime(c.runtime.clone(), c.id.clone(), c.pod_uid.clone()),
            None if p.namespaced => Key::Ns(p.namespaces.get("mnt").copied(), p.root.clone()),
            None => continue,
        };
        groups.entry(key).or_default().push(i);
    }
    let tree = ProcessTree::build(snap);
    groups
        .into_values()
        .map(|members| {
            let first = &snap.processes[members[0]];
            let root_i = members
                .iter()
                .copied()
                .find(|&i| tree.parent[i].is_none_or(|pi| !members.contains(&pi)))
                .unwrap_or(members[0]);
            let rp = &snap.processes[root_i];
            let (runtime, id, pod_uid, qos) = match &first.container {
                Some(c) => (
                    c.runtime.clone(),
                    c.id.clone(),
                    c.pod_uid.clone(),
                    c.qos.clone(),
                ),
                None => ("namespaced".to_string(), None, None, None),
            };
            ContainerGroup {
                meta: first.container_meta.clone(),
                runtime,
                id,
                pod_uid,
                qos,
                pids: members.iter().map(|&i| snap.processes[i].pid).collect(),
                root_pid: rp.pid,
                mnt_ns: rp.namespaces.get("mnt").copied(),
                root: rp.root.clone(),
            }
        })
        .collect()
}
