//! Live CPU and memory of every process, from sysinfo (which reads `/proc` itself): a sampler
//! kept across refreshes, since CPU % is measured between two samples.

use crate::model::Pid;
use std::collections::HashMap;

/// CPU % since the previous sample and resident memory (bytes), by pid.
pub type Usage = HashMap<Pid, (f32, u64)>;

/// Samples the live system; the first sample has no CPU figures to compare with.
#[derive(Default)]
pub struct Sampler {
    sys: Option<sysinfo::System>,
}

impl Sampler {
    pub fn new() -> Sampler {
        Sampler::default()
    }

    /// CPU % since the previous sample and resident memory, per pid (empty when sysinfo
    /// cannot read the process table).
    pub fn sample(&mut self) -> Usage {
        use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, RefreshKind, System};
        let kind = ProcessRefreshKind::nothing().with_cpu().with_memory();
        let s = match &mut self.sys {
            Some(s) => {
                s.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
                s
            }
            None => match System::new_with_specifics(RefreshKind::nothing().with_processes(kind)) {
                Ok(s) => self.sys.insert(s),
                Err(_) => return HashMap::new(),
            },
        };
        s.processes()
            .iter()
            .map(|(pid, p)| (pid.as_u32(), (p.cpu_usage(), p.memory())))
            .collect()
    }
}
