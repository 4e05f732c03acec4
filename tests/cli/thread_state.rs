//! Each thread's state and current syscall from a fixture /proc tree: another thread's name and
//! state come from its `task/TID/stat` (hostile bytes escaped), the leader's from the process.

use crate::support::{FakeProc, procscope};

#[test]
fn inspect_prints_each_threads_state_and_syscall() {
    let f = FakeProc::new();
    f.process(1, 0, "init");
    f.process(42, 1, "svc")
        .file("task/42/syscall", b"running\n")
        .file(
            "task/43/stat",
            b"43 (w\x1b]0;x) y) D 1 42 42 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 1042 1000 200 0\n",
        )
        .file(
            "task/43/syscall",
            b"0 0x3 0x7ffd0000 0x1000 0x0 0x0 0x0 0x7ff0 0x7f12\n",
        )
        .file("task/43/wchan", b"pipe_read")
        // A copied tree with only the name of thread 44: its name, no state.
        .file("task/44/comm", b"copied\n");
    std::fs::create_dir_all(f.path().join("sys/kernel")).unwrap();
    std::fs::write(f.path().join("sys/kernel/arch"), "x86_64\n").unwrap();
    let out = procscope()
        .args(["--proc-root", f.path().to_str().unwrap(), "inspect", "42"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.contains("thread 42 svc  state S  syscall running  wchan -"),
        "{text}"
    );
    assert!(
        text.contains(
            "thread 43 w\\e]0;x) y  state D  syscall read(3, 0x7ffd0000, 4096)  wchan pipe_read"
        ),
        "{text}"
    );
    assert!(
        text.contains("thread 44 copied  state -  syscall -"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_slice(
        &procscope()
            .args([
                "--proc-root",
                f.path().to_str().unwrap(),
                "inspect",
                "42",
                "--json",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["threads"][1]["state"], "D", "{v}");
    assert_eq!(v["threads"][1]["syscall"]["name"], "read", "{v}");
}
