//! CPU % and resident memory per process, as htop shows them: memory from one snapshot, CPU %
//! from the CPU time each process used between two snapshots of the same system.

use crate::model::{Pid, Snapshot};
use std::collections::HashMap;

/// CPU % since the previous snapshot (`None` until there is one, or for a process new since
/// it) and resident bytes (`None` when unknown), by pid.
pub type Usage = HashMap<Pid, (Option<f32>, Option<u64>)>;

/// The usage of every process of `now`, its CPU % against `before` taken `secs` seconds
/// earlier. A pid is compared only with the same process (same start time), so a reused pid
/// never inherits another process's time. One pass over each list (both sorted by pid).
pub fn usage(before: Option<&Snapshot>, now: &Snapshot, secs: f64) -> Usage {
    let ticks = now.meta.ticks_per_second.max(1) as f64;
    let old: HashMap<(Pid, u64), u64> = before
        .filter(|b| b.meta.boot_id == now.meta.boot_id && secs > 0.0)
        .map(|b| {
            (b.processes.iter())
                .filter_map(|p| Some(((p.pid, p.start_time), p.cpu_ticks?)))
                .collect()
        })
        .unwrap_or_default();
    (now.processes.iter())
        .map(|p| {
            let cpu = match (p.cpu_ticks, old.get(&(p.pid, p.start_time))) {
                (Some(t), Some(&was)) => {
                    Some((t.saturating_sub(was) as f64 / ticks / secs * 100.0) as f32)
                }
                _ => None,
            };
            (p.pid, (cpu, p.rss))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Process;

    fn snap(procs: &[(Pid, u64, u64)]) -> Snapshot {
        let mut s = Snapshot::default();
        s.meta.ticks_per_second = 100;
        s.processes = (procs.iter())
            .map(|&(pid, start, ticks)| Process {
                pid,
                start_time: start,
                cpu_ticks: Some(ticks),
                rss: Some(pid as u64 * 4096),
                ..Process::default()
            })
            .collect();
        s
    }

    #[test]
    fn cpu_is_the_time_used_between_two_snapshots() {
        let a = snap(&[(1, 5, 100), (2, 7, 50), (3, 9, 0)]);
        // pid 2 used 1.5 s of CPU in 2 s; pid 3 is another process now (new start time).
        let b = snap(&[(1, 5, 100), (2, 7, 200), (3, 11, 40), (4, 12, 3)]);
        let u = usage(Some(&a), &b, 2.0);
        assert_eq!(u[&1], (Some(0.0), Some(4096)));
        assert_eq!(u[&2], (Some(75.0), Some(8192)));
        assert_eq!(
            u[&3].0, None,
            "a reused pid must not inherit the old process's time"
        );
        assert_eq!(u[&4].0, None);
        // The first snapshot has memory but no CPU %.
        assert_eq!(usage(None, &a, 1.0)[&2], (None, Some(8192)));
        // Another boot: nothing to compare with.
        let mut c = b.clone();
        c.meta.boot_id = Some("other".into());
        assert_eq!(usage(Some(&a), &c, 2.0)[&2].0, None);
    }
}
