//! Carries out the app's file effects against the container roots (through `fsview`, hence
//! `source::rootfs`) and its trace effects (through `tracer`), feeding results back into the
//! app. Shared by the event loop and tests.

use super::fsview::{FsError, FsHandle};
use super::state::{App, Effect};
use super::tracer::Tracer;
use crate::model::Pid;
use std::path::PathBuf;
use std::time::Duration;

/// Open roots, by pid, and the background trace.
pub struct Exec {
    proc_root: PathBuf,
    roots: Vec<(Pid, FsHandle)>,
    tracer: Tracer,
}

impl Exec {
    pub fn new(proc_root: PathBuf) -> Exec {
        Exec {
            tracer: Tracer::new(proc_root.clone()),
            proc_root,
            roots: Vec::new(),
        }
    }

    /// How long the loop may wait for input: at most a trace tick while a trace runs.
    pub fn timeout(&self, wait: Duration) -> Duration {
        if self.tracer.busy() {
            wait.min(super::tracer::TICK)
        } else {
            wait
        }
    }

    /// Report the running trace's rows or end to the app (once per turn of the loop).
    pub fn poll(&mut self, app: &mut App) {
        self.tracer.poll(app);
    }

    /// Stop a running trace and wait (up to `limit`) until it has detached.
    pub fn stop_trace(&mut self, app: &mut App, limit: Duration) {
        self.tracer.cancel();
        self.tracer.wait(app, limit);
    }

    /// Wait (up to `limit`) for a running trace to end by itself.
    pub fn wait_trace(&mut self, app: &mut App, limit: Duration) {
        self.tracer.wait(app, limit);
    }

    fn root(&mut self, pid: Pid) -> Result<&FsHandle, FsError> {
        if let Some(i) = self.roots.iter().position(|(p, _)| *p == pid) {
            return Ok(&self.roots[i].1);
        }
        let h = FsHandle::open(&self.proc_root, pid)?;
        // Keep a few roots open: each holds an fd.
        if self.roots.len() >= 8 {
            self.roots.remove(0);
        }
        self.roots.push((pid, h));
        Ok(&self.roots[self.roots.len() - 1].1)
    }

    /// Carry out a file or trace effect (others are the loop's). Returns false for `Quit`.
    pub fn apply(&mut self, app: &mut App, e: Effect) -> bool {
        match e {
            Effect::Quit => return false,
            Effect::Refresh => {}
            Effect::OpenRoot(pid) => {
                self.roots.retain(|(p, _)| *p != pid);
                let res = self.root(pid).and_then(|r| r.list(b"/"));
                app.set_listing(pid, b"/".to_vec(), res);
            }
            Effect::List(pid, path) => {
                let res = self.root(pid).and_then(|r| r.list(&path));
                app.set_listing(pid, path, res);
            }
            Effect::Read(pid, path) => {
                let res = self.root(pid).and_then(|r| r.read(&path));
                app.set_file(path, res);
            }
            Effect::Interesting(pid) => {
                let res = self.root(pid).and_then(|r| r.interesting());
                app.set_interesting(pid, res);
            }
            Effect::Trace(key, secs) => self.tracer.start(app, key, secs),
            Effect::CancelTrace => self.tracer.cancel(),
            Effect::Integrity(key) => {
                // why: the exe is hashed through the process's own `exe` link and its files
                // read beneath its root, by the collect layer's integrity reader.
                let snap = app.loaded().snap.clone();
                let found = (snap.process(key.pid).filter(|p| key.is(p)))
                    .and_then(|p| crate::collect::integrity::exe::for_process(&snap, p, true));
                app.set_integrity(key, found);
            }
        }
        true
    }
}
