//! `inspect`'s thread activity: each thread's current syscall (fds resolved from the
//! snapshot), wchan and kernel stack, as text lines and merged into the JSON `threads[]`.

use crate::model::{Process, Snapshot};
use crate::present::thread::ThreadRow;
use serde_json::Value;

/// One line per thread: `thread TID NAME  state S  syscall ...  wchan ...`, then its stack
/// frames (the rows the TUI's Threads tab shows).
pub fn lines(snap: &Snapshot, p: &Process) -> Vec<String> {
    let mut out = Vec::new();
    for row in ThreadRow::all(snap, p) {
        out.push(row.line());
        for frame in &row.stack {
            out.push(format!("  {frame}"));
        }
    }
    out
}

/// Put each thread's `syscall`, `wchan` and `stack` into its object of the JSON `threads`
/// (where `inspect --json` readers look for them), in place of the separate `activity` list.
pub fn merge_json(v: &mut Value, p: &Process) -> serde_json::Result<()> {
    if let Some(obj) = v.as_object_mut() {
        obj.remove("activity");
    }
    let Some(threads) = v.get_mut("threads").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for tv in threads.iter_mut() {
        let tid = tv.get("tid").and_then(Value::as_u64);
        let Some(now) = tid.and_then(|tid| p.thread_now(tid as u32)) else {
            continue;
        };
        if let (Value::Object(t), Value::Object(n)) = (tv, serde_json::to_value(now)?) {
            for (k, val) in n {
                if k != "tid" {
                    t.insert(k, val);
                }
            }
        }
    }
    Ok(())
}
