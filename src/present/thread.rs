//! What each thread is doing now, as cells shared by `inspect` and the TUI's Threads tab:
//! tid, name, state, the current syscall decoded (fds resolved through the snapshot) and wchan;
//! and the short form the process tree's SYSCALL column shows (`read`, `epoll_wait`, `R`).

use super::cell::{reason, reason_kind};
use super::{Cell, Kind, Shown};
use crate::analysis::syscall::Arch;
use crate::analysis::syscall::now::{SnapshotFds, syscall_text, wchan_text};
use crate::model::{Pid, Process, Snapshot, ThreadNow, ThreadSyscall, Unavailable};

/// One thread's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadRow {
    pub tid: Pid,
    pub name: Shown,
    pub state: Cell,
    pub syscall: Cell,
    pub wchan: Cell,
    /// Kernel stack frames, escaped (root only; empty otherwise).
    pub stack: Vec<Shown>,
}

/// Column titles of [`ThreadRow::cells`].
pub const HEADERS: [&str; 5] = ["TID", "NAME", "STATE", "SYSCALL", "WCHAN"];

impl ThreadRow {
    /// The rows of every thread of `p`, in tid order.
    pub fn all(snap: &Snapshot, p: &Process) -> Vec<ThreadRow> {
        let fds = SnapshotFds::new(snap, p);
        (p.threads.iter())
            .map(|t| {
                let none = ThreadNow {
                    tid: t.tid,
                    ..ThreadNow::default()
                };
                let now = p.thread_now(t.tid).unwrap_or(&none);
                let syscall = Shown::composed(syscall_text(snap, p, now, &fds));
                ThreadRow {
                    tid: t.tid,
                    name: Shown::of(&t.name),
                    state: state(p, now),
                    syscall: Cell::new(syscall, kind_of(p, now, "syscall", now.syscall.is_some())),
                    wchan: Cell::new(
                        Shown::composed(wchan_text(p, now)),
                        kind_of(p, now, "wchan", now.wchan.is_some()),
                    ),
                    stack: (now.stack.iter().flatten())
                        .map(|f| Shown::text(f))
                        .collect(),
                }
            })
            .collect()
    }

    /// The cells under [`HEADERS`].
    pub fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::normal(Shown::num(self.tid)),
            Cell::normal(self.name.clone()),
            self.state.clone(),
            self.syscall.clone(),
            self.wchan.clone(),
        ]
    }

    /// `inspect`'s line: `thread TID NAME  state S  syscall ...  wchan ...`.
    pub fn line(&self) -> String {
        format!(
            "thread {} {}  state {}  syscall {}  wchan {}",
            self.tid, self.name, self.state, self.syscall, self.wchan
        )
    }
}

/// The kind of a field: its reason's kind when it could not be read.
fn kind_of(p: &Process, t: &ThreadNow, field: &str, read: bool) -> Kind {
    match p.thread_why(t.tid, field) {
        Some(w) if !read => reason_kind(w),
        _ => Kind::Normal,
    }
}

/// The thread's state letter, escaped (a snapshot file is untrusted), or `-`.
fn state(p: &Process, t: &ThreadNow) -> Cell {
    match (&t.state, t.tid == p.pid) {
        (Some(s), _) => Cell::normal(Shown::text(s)),
        (None, true) if !p.state.is_empty() => Cell::normal(Shown::text(&p.state)),
        _ => Cell::new(Shown::label("-"), Kind::Dim),
    }
}

/// The tree's SYSCALL column for `p`: its main thread's [`syscall_name`].
pub fn main_syscall(snap: &Snapshot, p: &Process) -> Cell {
    syscall_name(snap, p, p.pid)
}

/// Thread `tid`'s syscall name while in one, else its state (`R` running, `t` stopped),
/// `denied` or `<why>` when unreadable, `-` for a kernel thread.
pub fn syscall_name(snap: &Snapshot, p: &Process, tid: Pid) -> Cell {
    let arch = snap.meta.arch.as_deref().and_then(Arch::from_machine);
    let none = ThreadNow {
        tid,
        ..ThreadNow::default()
    };
    let now = p.thread_now(tid).unwrap_or(&none);
    match &now.syscall {
        Some(ThreadSyscall::Call(c)) => Cell::normal(match (&c.name, arch) {
            (Some(n), _) => Shown::text(n),
            (None, Some(a)) => Shown::composed(crate::analysis::syscall::name_or_number(a, c.nr)),
            (None, None) => Shown::composed(format!("syscall_{:#x}", c.nr)),
        }),
        Some(ThreadSyscall::State(_)) => state(p, now),
        None => match p.thread_why(tid, "syscall") {
            Some(Unavailable::Denied) => Cell::new(Shown::label("denied"), Kind::Denied),
            Some(w) => Cell::new(reason(w), reason_kind(w)),
            None if p.kernel_thread => Cell::new(Shown::label("-"), Kind::Dim),
            None => state(p, now),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NotInSyscall, SyscallNow, Thread, thread_field};

    fn proc_with(now: Vec<ThreadNow>) -> Process {
        Process {
            pid: 7,
            state: "S".into(),
            threads: vec![
                Thread {
                    tid: 7,
                    name: "main".into(),
                },
                Thread {
                    tid: 8,
                    name: "w\u{1b}[2Jx".into(),
                },
            ],
            activity: now,
            ..Process::default()
        }
    }

    fn call(tid: Pid, nr: i64, name: &str, args: [u64; 6]) -> ThreadNow {
        ThreadNow {
            tid,
            state: Some("S".into()),
            syscall: Some(ThreadSyscall::Call(SyscallNow {
                nr,
                name: Some(name.into()),
                args: args.to_vec(),
                ..SyscallNow::default()
            })),
            wchan: Some("do_epoll_wait".into()),
            stack: None,
        }
    }

    #[test]
    fn rows_decode_escape_and_say_why() {
        let mut p = proc_with(vec![call(
            7,
            232,
            "epoll_wait",
            [4, 0x10, 8, 0xffffffff, 0, 0],
        )]);
        p.unavailable
            .insert(thread_field(8, "syscall"), Unavailable::Denied);
        p.unavailable
            .insert(thread_field(8, "wchan"), Unavailable::Denied);
        let snap = Snapshot::default();
        let rows = ThreadRow::all(&snap, &p);
        assert_eq!(rows.len(), 2);
        assert!(
            rows[0].syscall.as_str().starts_with("epoll_wait(4"),
            "{rows:?}"
        );
        assert_eq!(rows[0].wchan.as_str(), "do_epoll_wait");
        assert_eq!(rows[0].state.as_str(), "S");
        assert_eq!(rows[1].name.as_str(), "w\\e[2Jx");
        assert_eq!(rows[1].syscall.as_str(), "<permission denied>");
        assert_eq!(rows[1].syscall.kind, Kind::Denied);
        assert_eq!(rows[1].state.as_str(), "-");
        assert_eq!(
            rows[1].line(),
            "thread 8 w\\e[2Jx  state -  syscall <permission denied>  wchan <permission denied>"
        );
        assert_eq!(main_syscall(&snap, &p).as_str(), "epoll_wait");
    }

    #[test]
    fn main_column_falls_back_to_state() {
        let mut run = call(7, 0, "read", [0; 6]);
        run.syscall = Some(ThreadSyscall::State(NotInSyscall::Running));
        run.state = None;
        let mut p = proc_with(vec![run]);
        p.state = "R".into();
        let snap = Snapshot::default();
        assert_eq!(main_syscall(&snap, &p).as_str(), "R");
        p.activity.clear();
        p.unavailable
            .insert(thread_field(7, "syscall"), Unavailable::Denied);
        let c = main_syscall(&snap, &p);
        assert_eq!((c.as_str(), c.kind), ("denied", Kind::Denied));
        p.unavailable.clear();
        p.state = "\u{1b}X".into();
        assert_eq!(main_syscall(&snap, &p).as_str(), "\\eX");
    }
}
