//! Background threads feeding the event loop over one channel: terminal input, and the
//! collector (`super::collector`), whose snapshots, stages and progress arrive as events.

use super::state::Loaded;
use crossterm::event::Event as TermEvent;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::{Sender, channel};

/// Something for the event loop.
pub enum Event {
    Term(TermEvent),
    /// A finished scan: the snapshot with what is derived from it, or why it failed.
    Snapshot(Result<Box<Loaded>, ScanError>),
    /// A stage of a scan still running (the tree alone, then the processes on screen).
    Stage(Box<Loaded>),
    /// The last stage started: `done` of about `total` processes read so far.
    Progress {
        done: Arc<AtomicUsize>,
        total: usize,
    },
    /// Every host's snapshot loaded (many hosts: `--snapshot DIR`), or why none could be.
    Hosts(Result<Vec<super::state::fleet::LoadedHost>, ScanError>),
    /// The input thread stopped (terminal closed).
    InputClosed,
}

/// Why a scan gave no snapshot (one line, shown in the status bar).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("scan failed: {0}")]
    Scan(String),
    #[error("cannot read snapshot: {0}")]
    File(String),
    #[error("scan failed: internal error")]
    Internal,
}

/// Free what a refresh replaced off the UI thread, then have the memory returned.
pub fn retire<T: Send + 'static>(old: T) {
    let spawned = std::thread::Builder::new()
        .name("retire".into())
        .spawn(move || {
            drop(old);
            purge_soon();
        });
    // why: without a thread the values were dropped here, which is correct, only slower.
    drop(spawned);
}

/// Have memory freed in the last second returned to the system over the next few seconds.
// why: mimalloc returns freed pages only after a purge delay (1 s), and only when some thread
// later collects: an idle UI never would, and a scan frees and allocates for seconds. Every
// thread collects all arenas as it exits, so a few short-lived threads spaced past the delay
// return what a scan or a refresh freed.
pub fn purge_soon() {
    use std::sync::OnceLock;
    static PURGER: OnceLock<Option<Sender<()>>> = OnceLock::new();
    let tx = PURGER.get_or_init(|| {
        let (tx, rx) = channel::<()>();
        let started = std::thread::Builder::new()
            .name("purge".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    let mut left = 6;
                    while left > 0 {
                        std::thread::sleep(std::time::Duration::from_millis(500));
                        let exits = std::thread::spawn(|| std::hint::black_box(vec![0u8; 64]));
                        let _ = exits.join();
                        left -= 1;
                        if rx.try_iter().count() > 0 {
                            left = 6;
                        }
                    }
                }
            });
        started.ok().map(|_| tx)
    });
    if let Some(tx) = tx {
        let _ = tx.send(());
    }
}

/// Start the input thread.
pub fn input(tx: Sender<Event>) {
    std::thread::spawn(move || {
        loop {
            match crossterm::event::read() {
                Ok(ev) => {
                    if tx.send(Event::Term(ev)).is_err() {
                        return;
                    }
                }
                Err(_) => {
                    let _ = tx.send(Event::InputClosed);
                    return;
                }
            }
        }
    });
}

/// Where snapshots come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Scan a proc root (live `/proc` or a copied tree).
    Proc(PathBuf),
    /// Read a saved snapshot file.
    File(PathBuf),
    /// Read every host's newest snapshot file under these files and directories.
    Hosts(Vec<PathBuf>),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports its drop on a channel.
    struct Tell(Sender<()>);

    impl Drop for Tell {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }

    #[test]
    fn retired_values_are_dropped_off_the_calling_thread() {
        let (tx, rx) = channel();
        retire(Tell(tx));
        // The caller returns at once; the drop happens on the retire thread, promptly.
        assert!(
            rx.recv_timeout(std::time::Duration::from_secs(5)).is_ok(),
            "the old snapshot was never freed"
        );
        // Asking for purges repeatedly is harmless (one purge thread, requests coalesced).
        for _ in 0..100 {
            purge_soon();
        }
    }
}
