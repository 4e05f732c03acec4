//! The `startswith` checks of many rules on one field (`fd.name startswith /etc/x/`, one per
//! rule), decided together: one lookup per distinct prefix length instead of one comparison
//! per check. Same verdicts: a check holds exactly when its prefix is one of the value's.

use super::program::NodeId;
use std::collections::HashMap;

/// Fewest checks on one field worth deciding together.
pub const MIN_GROUP: usize = 4;

/// Prefix -> the checks with that prefix (all prefixes of one length).
type ByPrefix = HashMap<Box<[u8]>, Vec<NodeId>>;

/// The `startswith` checks (without transformers) on one value slot.
#[derive(Debug, Clone, Default)]
pub struct Prefixes {
    pub slot: u16,
    /// Every check of the group.
    pub members: Vec<NodeId>,
    /// Per prefix length: prefix -> the checks with that prefix.
    by_len: Vec<(usize, ByPrefix)>,
}

impl Prefixes {
    /// Call `hit` with each check whose prefix `value` starts with.
    pub fn matching(&self, value: &[u8], mut hit: impl FnMut(NodeId)) {
        for (len, map) in &self.by_len {
            if let Some(ids) = value.get(..*len).and_then(|p| map.get(p)) {
                ids.iter().for_each(|i| hit(*i));
            }
        }
    }
}

/// Groups of at least [`MIN_GROUP`] checks `(node, slot, prefix)` on the same slot.
pub fn groups<'a>(checks: impl Iterator<Item = (NodeId, u16, &'a str)>) -> Vec<Prefixes> {
    let mut by_slot: HashMap<u16, Vec<(NodeId, &'a str)>> = HashMap::new();
    for (id, slot, p) in checks {
        by_slot.entry(slot).or_default().push((id, p));
    }
    let mut out: Vec<Prefixes> = by_slot
        .into_iter()
        .filter(|(_, v)| v.len() >= MIN_GROUP)
        .map(|(slot, v)| {
            let mut lens: HashMap<usize, ByPrefix> = HashMap::new();
            for (id, p) in &v {
                lens.entry(p.len())
                    .or_default()
                    .entry(p.as_bytes().into())
                    .or_default()
                    .push(*id);
            }
            let mut by_len: Vec<_> = lens.into_iter().collect();
            by_len.sort_by_key(|(l, _)| *l);
            Prefixes {
                slot,
                members: v.iter().map(|(id, _)| *id).collect(),
                by_len,
            }
        })
        .collect();
    out.sort_by_key(|g| g.slot);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_prefix_of_the_value_is_found_once() {
        let g = groups(
            [
                (1, 0, "/etc/"),
                (2, 0, "/etc/a"),
                (3, 0, "/var/"),
                (4, 0, ""),
                (5, 0, "/etc/"),
                (6, 1, "/x"),
            ]
            .into_iter(),
        );
        assert_eq!(g.len(), 1, "slot 1 has too few checks");
        let mut hits = Vec::new();
        g[0].matching(b"/etc/ab", |i| hits.push(i));
        hits.sort();
        assert_eq!(hits, [1, 2, 4, 5]);
        hits.clear();
        g[0].matching(b"/et", |i| hits.push(i));
        assert_eq!(hits, [4]);
    }
}
