//! `procscope containers`: containers and pods found, with their processes and the pid to use
//! for `procscope fs`.

use super::Out;
use crate::analysis::containers::containers;
use crate::model::Snapshot;
use crate::present::container::ContainerRow;
use anyhow::Result;

pub fn run(snap: &Snapshot, o: &mut Out) -> Result<()> {
    let groups = containers(snap);
    if o.json {
        return o.json(&groups);
    }
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let r = ContainerRow::of(snap, g);
            r.cells()
                .into_iter()
                .map(|c| c.text.into_string())
                .collect()
        })
        .collect();
    o.table(&ContainerRow::HEADER, &rows)?;
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
