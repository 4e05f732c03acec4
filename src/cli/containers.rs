//! `procscope containers`: containers and pods found, with their processes and the pid to use
//! for `procscope fs`.

use super::Out;
use crate::analysis::containers::containers;
use crate::model::{Snapshot, escape};
use anyhow::Result;

pub fn run(snap: &Snapshot, o: &mut Out) -> Result<()> {
    let groups = containers(snap);
    if o.json {
        return o.json(&groups);
    }
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let comm = snap
                .process(g.root_pid)
                .map(|p| p.comm.safe().into_owned())
                .unwrap_or_default();
            vec![
                g.runtime.clone(),
                g.id.as_deref()
                    .map_or("-".into(), |i| crate::model::escape_prefix(i, 12)),
                g.pod_uid
                    .as_deref()
                    .map_or("-".into(), |u| escape(u).into_owned()),
                g.qos.clone().unwrap_or_else(|| "-".into()),
                format!("{}({})", comm, g.root_pid),
                g.pids.len().to_string(),
                g.root
                    .as_ref()
                    .map_or("-".into(), |r| r.safe().into_owned()),
            ]
        })
        .collect();
    o.table(
        &["Runtime", "Id", "Pod", "QoS", "Init", "Procs", "Root"],
        &rows,
    )?;
    for g in &groups {
        if let (Some(m), Some(id)) = (&g.meta, &g.id) {
            o.line(&format!(
                "{} {}",
                crate::model::escape_prefix(id, 12),
                m.summary()
            ))?;
        }
    }
    Ok(())
}
