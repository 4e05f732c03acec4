//! Status-bar state: scan progress and the last message.

/// Status-bar state.
#[derive(Clone, Debug, Default)]
pub struct Status {
    /// A scan is running (started this many milliseconds ago, updated on ticks).
    pub scanning: Option<u64>,
    /// Last message (errors of a refresh, of a root, ...).
    pub message: Option<String>,
    /// The last stage of a scan: processes read so far, of about how many.
    pub progress: Option<(usize, usize)>,
}

impl Status {
    /// A scan started (or is still running, `ms` after it started).
    pub fn scanning(&mut self, ms: u64) {
        self.scanning = Some(ms);
    }

    /// The last stage of the scan has read `done` of about `total` processes.
    pub fn progress(&mut self, done: usize, total: usize) {
        self.progress = Some((done, total.max(done)));
    }

    /// A refresh failed.
    pub fn scan_failed(&mut self, msg: String) {
        self.scanning = None;
        self.progress = None;
        self.message = Some(msg);
    }
}
