//! The loader of many hosts (`--snapshot DIR`, or several `--snapshot FILE`): the files picked
//! per host (`source::hosts`), read on worker threads with shared blocks (`collect::fleet`),
//! and everything the app derives from each host's snapshot computed on the worker that read it.

use super::event::ScanError;
use super::state::fleet::{HostInfo, LoadedHost};
use super::state::{Loaded, Metrics};
use crate::analysis::secrets::RuleSet;
use crate::collect::fleet::{self, HostSnap};
use crate::model::Snapshot;
use crate::source::hosts;
use std::path::PathBuf;
use std::sync::Arc;

/// Worker threads when the machine cannot say how many cores it has.
const DEFAULT_WORKERS: usize = 2;

/// How to load.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Worker threads (0: one per core).
    pub workers: usize,
    /// Store identical environ blocks, cgroup and namespace sets once across all hosts.
    pub share: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            workers: 0,
            share: true,
        }
    }
}

/// Every host's newest snapshot under `paths`, loaded (a file that cannot be read is a host
/// row saying why). Fails only when no snapshot file is found at all.
pub fn load(
    paths: &[PathBuf],
    rules: Option<&RuleSet>,
    base: Option<Arc<Snapshot>>,
    opt: &LoadOptions,
) -> Result<Vec<LoadedHost>, ScanError> {
    let picked = hosts::pick(paths, false).map_err(|e| ScanError::File(e.to_string()))?;
    let workers = match opt.workers {
        0 => std::thread::available_parallelism().map_or(DEFAULT_WORKERS, |n| n.get()),
        n => n,
    };
    let then = |h: HostSnap| derive(h, rules, base.clone());
    let mut out = fleet::open_map(&picked.picks, workers, opt.share, &then);
    for (path, why) in picked.skipped {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.push(LoadedHost {
            info: HostInfo {
                name: name.unwrap_or_default(),
                path: path.display().to_string(),
                error: Some(why),
                ..HostInfo::default()
            },
            loaded: None,
        });
    }
    Ok(out)
}

/// One host's summary and loaded snapshot.
fn derive(h: HostSnap, rules: Option<&RuleSet>, base: Option<Arc<Snapshot>>) -> LoadedHost {
    let mut info = HostInfo {
        name: h.pick.host.clone(),
        taken_ms: h.pick.taken_ms,
        path: h.pick.path.display().to_string(),
        ..HostInfo::default()
    };
    match h.snap {
        Ok(snap) => {
            info.processes = snap.processes.len();
            let loaded = Loaded::compute(Arc::new(snap), rules, base, Metrics::new());
            LoadedHost {
                info,
                loaded: Some(loaded),
            }
        }
        Err(e) => {
            info.error = Some(e);
            LoadedHost { info, loaded: None }
        }
    }
}
