//! What a thread is doing now: its current syscall (`/proc/PID/task/TID/syscall`), `wchan`
//! and kernel `stack`, as plain data. Decoding the arguments is `analysis::syscall`'s job.

use super::{Pid, Process, Unavailable};
use serde::{Deserialize, Serialize};

/// What one thread is doing now. Each `None` field has its reason in the process's
/// `unavailable` under `task.TID.<field>` (kernel threads have no `syscall` and no reason).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadNow {
    pub tid: Pid,
    /// Scheduler state letter of the thread (`task/TID/stat` field 3: `R`, `S`, `D`, `T`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Current syscall (`task/TID/syscall`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscall: Option<ThreadSyscall>,
    /// Kernel function the thread sleeps in (`task/TID/wchan`), `0` when not sleeping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wchan: Option<String>,
    /// Kernel stack frames (`task/TID/stack`: root with CAP_SYS_ADMIN only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<Vec<String>>,
}

impl Process {
    /// What thread `tid` is doing now, if its files were read.
    pub fn thread_now(&self, tid: Pid) -> Option<&ThreadNow> {
        // why: a snapshot file's order is not trusted; a process has few threads.
        self.activity.iter().find(|t| t.tid == tid)
    }

    /// Why `field` (`syscall`, `wchan`, `stack`) of thread `tid` is absent, if it is.
    pub fn thread_why(&self, tid: Pid, field: &str) -> Option<&Unavailable> {
        self.unavailable.get(&thread_field(tid, field))
    }
}

/// The `unavailable` key of a thread's field: `task.TID.FIELD`.
pub fn thread_field(tid: Pid, field: &str) -> String {
    format!("task.{tid}.{field}")
}

/// The current syscall of a thread. JSON: `{"nr", "name", "args", "sp", "pc"}` while in a
/// syscall, or the string `"running"` (on a CPU, in user space) or `"blocked"` (stopped outside
/// a syscall: the kernel's `-1 sp pc`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ThreadSyscall {
    Call(SyscallNow),
    State(NotInSyscall),
}

/// A thread that is not inside a syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotInSyscall {
    /// `running`: executing (the kernel cannot tell what it does).
    Running,
    /// `-1 sp pc`: blocked in the kernel but not in a syscall (a fault, a stop, a trap).
    Blocked,
}

/// A syscall in progress: its number, its name in the snapshot's architecture when the table
/// knows it, and the six argument registers as the kernel shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyscallNow {
    pub nr: i64,
    pub name: Option<String>,
    pub args: Vec<u64>,
    pub sp: u64,
    pub pc: u64,
}

impl ThreadSyscall {
    /// Parse the text of a `syscall` file (`running`, `-1 sp pc`, or `nr a0..a5 sp pc` in hex).
    /// `name` maps a number to its name. `None` when the text is none of these.
    pub fn parse(text: &[u8], name: impl Fn(i64) -> Option<&'static str>) -> Option<Self> {
        let text = std::str::from_utf8(text).ok()?.trim();
        if text == "running" {
            return Some(ThreadSyscall::State(NotInSyscall::Running));
        }
        let mut words = text.split_ascii_whitespace();
        let nr: i64 = words.next()?.parse().ok()?;
        let nums: Vec<u64> = words.map(hex).collect::<Option<_>>()?;
        match (nr, nums.len()) {
            (-1, 2) => Some(ThreadSyscall::State(NotInSyscall::Blocked)),
            (nr, 8) if nr >= 0 => Some(ThreadSyscall::Call(SyscallNow {
                nr,
                name: name(nr).map(str::to_string),
                args: nums[..6].to_vec(),
                sp: nums[6],
                pc: nums[7],
            })),
            _ => None,
        }
    }

    /// The syscall in progress, if any.
    pub fn call(&self) -> Option<&SyscallNow> {
        match self {
            ThreadSyscall::Call(c) => Some(c),
            ThreadSyscall::State(_) => None,
        }
    }
}

fn hex(w: &str) -> Option<u64> {
    u64::from_str_radix(w.strip_prefix("0x")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(nr: i64) -> Option<&'static str> {
        (nr == 0).then_some("read")
    }

    #[test]
    fn parses_the_three_forms() {
        let c = ThreadSyscall::parse(b"0 0x3 0x7ffd 0x1000 0x0 0x0 0x0 0x7ff0 0x7f12\n", names);
        let Some(ThreadSyscall::Call(c)) = c else {
            panic!("{c:?}")
        };
        assert_eq!(c.name.as_deref(), Some("read"));
        assert_eq!(c.args, vec![3, 0x7ffd, 0x1000, 0, 0, 0]);
        assert_eq!((c.sp, c.pc), (0x7ff0, 0x7f12));
        assert_eq!(
            ThreadSyscall::parse(b"running\n", names),
            Some(ThreadSyscall::State(NotInSyscall::Running))
        );
        assert_eq!(
            ThreadSyscall::parse(b"-1 0x7ffd 0x7f12\n", names),
            Some(ThreadSyscall::State(NotInSyscall::Blocked))
        );
        let unknown = ThreadSyscall::parse(b"999 0 0x0 0x0 0x0 0x0 0x0 0x0 0x0", names);
        assert!(unknown.is_none(), "a word without 0x is refused");
        for bad in [&b""[..], b"x", b"1 0x1", b"-1 0x1 0x2 0x3", b"\xff"] {
            assert_eq!(ThreadSyscall::parse(bad, names), None, "{bad:?}");
        }
    }

    #[test]
    fn json_forms() {
        let run = ThreadSyscall::State(NotInSyscall::Running);
        assert_eq!(
            serde_json::to_string(&run).unwrap_or_default(),
            "\"running\""
        );
        let call = ThreadSyscall::Call(SyscallNow {
            nr: 0,
            name: Some("read".into()),
            args: vec![3, 0, 0, 0, 0, 0],
            sp: 1,
            pc: 2,
        });
        let s = serde_json::to_string(&call).unwrap_or_default();
        assert!(s.starts_with(r#"{"nr":0,"name":"read","args":[3,"#), "{s}");
        let back: ThreadSyscall = serde_json::from_str(&s).unwrap_or(run.clone());
        assert_eq!(back, call);
        let blocked: ThreadSyscall = serde_json::from_str("\"blocked\"").unwrap_or(run.clone());
        assert_eq!(blocked, ThreadSyscall::State(NotInSyscall::Blocked));
    }
}
