//! Secrets in the new snapshot that the old one did not carry: a finding is old when the same
//! process (pid, start time) had it under the same source, name and rule, or when the old
//! snapshot was written masked and already held a mask at that place.

use crate::analysis::secrets::{Finding, RuleSet, SecretSource, scan_with};
use crate::model::{Bytes, Pid, Snapshot};
use std::collections::HashSet;

type Place = (Pid, u64, SecretSource, Bytes);

/// Findings of `new` absent from `old`. Both snapshots must be unmasked for value rules to
/// match; a masked old snapshot still counts a place holding a mask (`…(n)`) as known.
pub fn new_secrets(old: &Snapshot, new: &Snapshot, rules: &RuleSet, reveal: bool) -> Vec<Finding> {
    let known: HashSet<(Place, String)> = scan_with(old, rules, false)
        .into_iter()
        .map(|f| ((f.pid, f.start_time, f.source, f.name), f.rule))
        .collect();
    let masked_places: HashSet<Place> = if old.meta.masked {
        masked_places(old)
    } else {
        HashSet::new()
    };
    scan_with(new, rules, reveal)
        .into_iter()
        .filter(|f| {
            let place = (f.pid, f.start_time, f.source, f.name.clone());
            !masked_places.contains(&place) && !known.contains(&(place, f.rule.clone()))
        })
        .collect()
}

/// Environ places whose value in a masked snapshot is a mask.
fn masked_places(snap: &Snapshot) -> HashSet<Place> {
    let mut out = HashSet::new();
    for p in &snap.processes {
        for e in p.environ.iter().flatten() {
            if e.value
                .is_some_and(|v| String::from_utf8_lossy(v).contains("…("))
            {
                out.insert((p.pid, p.start_time, SecretSource::Environ, e.name.into()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnvEntry, Process};

    fn snap(envs: &[(&str, &str)]) -> Snapshot {
        let environ = envs
            .iter()
            .map(|(n, v)| EnvEntry {
                name: Bytes::from(*n),
                value: Some(Bytes::from(*v)),
            })
            .collect();
        Snapshot {
            processes: vec![Process {
                pid: 7,
                start_time: 70,
                environ: Some(environ),
                ..Process::default()
            }],
            ..Snapshot::default()
        }
    }

    #[test]
    fn only_secrets_added_since_old_are_new() {
        let rules = RuleSet::builtin().unwrap();
        let key = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
        let old = snap(&[("PATH", "/usr/bin")]);
        let new = snap(&[("PATH", "/usr/bin"), ("GITHUB_TOKEN", key)]);
        let found = new_secrets(&old, &new, &rules, false);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].name.as_bytes(), b"GITHUB_TOKEN");
        assert!(!found[0].value.contains(key));
        assert!(new_secrets(&new, &new, &rules, false).is_empty());
    }
}
