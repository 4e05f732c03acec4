//! Starting what is traced and waking the tracer: a command started stopped (a `/bin/sh`
//! wrapper that stops itself, is seized, and then `exec`s the command, so the trace begins
//! at its `execve` without `pre_exec`), and the [`Stopper`] that ends a trace from any thread.

use super::TraceError;
use std::ffi::OsString;
use std::io;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The wrapper: stop until the tracer has seized us, then become the command.
const WRAPPER: &str = "kill -STOP $$; exec \"$@\"";

/// Spawn `cmd` behind the wrapper; the child stops itself before `exec`.
pub fn spawn_stopped(cmd: &[OsString]) -> Result<Child, TraceError> {
    let name = cmd
        .first()
        .map(|c| c.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut args = cmd.to_vec();
    if let Some(first) = args.first_mut() {
        // why: resolved here, so the trace shows one `execve` instead of the shell's PATH walk.
        if let Some(full) = resolve(first) {
            *first = full;
        }
    }
    Command::new("/bin/sh")
        .arg("-c")
        .arg(WRAPPER)
        .arg("procscope-trace")
        .args(&args)
        .spawn()
        .map_err(|source| TraceError::Spawn { cmd: name, source })
}

/// `name` found on `PATH` (a regular, executable file), unless it holds a `/`.
fn resolve(name: &OsString) -> Option<OsString> {
    use std::os::unix::fs::PermissionsExt;
    if name.as_encoded_bytes().contains(&b'/') {
        return None;
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .map(Into::into)
}

/// Ends a trace from any thread (Ctrl-C, a deadline, the TUI's Esc). The tracer blocks in
/// `waitpid`, which no flag can interrupt: it also holds a waker child (`cat` reading a pipe
/// only the tracer's side writes), and stopping closes that pipe, so the waker exits and the
/// tracer's `waitpid` returns. If procscope dies, the pipe closes and the waker exits too.
#[derive(Clone, Debug, Default)]
pub struct Stopper {
    flag: Arc<AtomicBool>,
    pipe: Arc<Mutex<Option<ChildStdin>>>,
}

impl Stopper {
    /// Ask the trace to detach and finish.
    pub fn stop(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.pipe.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    pub fn stopped(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Start the waker child (call from the tracing thread: it must be that thread's child).
    pub fn start_waker(&self) -> io::Result<Child> {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        *self.pipe.lock().unwrap_or_else(|e| e.into_inner()) = child.stdin.take();
        if self.stopped() {
            self.stop();
        }
        Ok(child)
    }
}
