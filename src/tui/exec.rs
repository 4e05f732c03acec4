//! Carries out the app's file effects against the container roots (through `fsview`, hence
//! `source::rootfs`), feeding results back into the app. Shared by the event loop and tests.

use super::fsview::{FsError, FsHandle};
use super::state::{App, Effect};
use crate::model::Pid;
use std::path::PathBuf;

/// Open roots, by pid.
pub struct Exec {
    proc_root: PathBuf,
    roots: Vec<(Pid, FsHandle)>,
}

impl Exec {
    pub fn new(proc_root: PathBuf) -> Exec {
        Exec {
            proc_root,
            roots: Vec::new(),
        }
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

    /// Carry out a file effect (others are the loop's). Returns false for `Quit`.
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
        }
        true
    }
}
