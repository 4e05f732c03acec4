//! The CKS runtime-security lab, live (root): a busybox container (new pid and mount
//! namespaces, chroot, a kubepods cgroup, containerd task state in a temporary host root) gets
//! a shell on a pseudo-terminal whose parent is named `containerd-shim`. `detect` fires
//! *Terminal shell in container*; with the lab's local file the alert starts `NEW SHELL!!!`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const LAB_RULE: &str = r#"- rule: Terminal shell in container
  desc: A shell was used as the entrypoint/exec point into a container with an attached terminal.
  condition: >
    spawned_process and container
    and shell_procs and proc.tty != 0
    and container_entrypoint
    and not user_expected_terminal_shell_in_container_conditions
  output: >
    NEW SHELL!!! (user_id=%user.uid repo=%container.image.repository %user.uiduser=%user.name user_loginuid=%user.loginuid %container.info
    shell=%proc.name parent=%proc.pname cmdline=%proc.cmdline terminal=%proc.tty container_id=%container.id image=%container.image.repository)
  priority: NOTICE
  tags: [container, shell, mitre_execution, T1059]
"#;

/// The shim: renames itself `containerd-shim`, enters new pid and mount namespaces, and runs
/// `chroot ROOT /bin/sh` on a pseudo-terminal (its child, pid 1 of the new pid namespace).
const SHIM: &str = r#"
import ctypes, os, pty, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, b"containerd-shim", 0, 0, 0)
if libc.unshare(0x20000000 | 0x00020000) != 0:
    sys.exit(3)
pid, fd = pty.fork()
if pid == 0:
    os.execv("/usr/sbin/chroot", ["chroot", sys.argv[1], "/bin/sh", "-c", "exec /bin/sh -i"])
print(pid, flush=True)
while True:
    try:
        os.read(fd, 4096)
    except OSError:
        time.sleep(1)
"#;

struct Cgroup(PathBuf, u32);

impl Drop for Cgroup {
    fn drop(&mut self) {
        let root = Path::new("/sys/fs/cgroup/unified");
        let _ = fs::write(root.join("cgroup.procs"), self.1.to_string());
        let mut d = self.0.clone();
        while d != root {
            let _ = fs::remove_dir(&d);
            d = d.parent().unwrap().to_path_buf();
        }
    }
}

#[test]
fn cks_lab_terminal_shell_in_container() {
    if !crate::support::is_root()
        || !Path::new("/bin/busybox").exists()
        || !Path::new("/sys/fs/cgroup/unified/cgroup.procs").exists()
    {
        eprintln!("skipped: needs root, busybox and a cgroup v2 hierarchy");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = tmp.path().join("rootfs");
    fs::create_dir_all(rootfs.join("bin")).unwrap();
    fs::copy("/bin/busybox", rootfs.join("bin/busybox")).unwrap();
    std::os::unix::fs::symlink("busybox", rootfs.join("bin/sh")).unwrap();
    let id = format!("{:064x}", 0xc0de_0000_u64 + u64::from(std::process::id()));
    let host = tmp.path().join("host");
    let task = host.join(format!(
        "run/containerd/io.containerd.runtime.v2.task/k8s.io/{id}"
    ));
    fs::create_dir_all(&task).unwrap();
    let annotations = serde_json::json!({"annotations": {
        "io.kubernetes.cri.container-name": "lab",
        "io.kubernetes.cri.image-name": "docker.io/library/busybox:1.36",
        "io.kubernetes.cri.sandbox-name": "lab-pod",
        "io.kubernetes.cri.sandbox-namespace": "default",
    }});
    fs::write(task.join("config.json"), annotations.to_string()).unwrap();

    let mut guard = crate::support::Guard::default();
    let shim = guard.spawn(
        Command::new("python3")
            .args(["-c", SHIM, rootfs.to_str().unwrap()])
            .stdout(Stdio::piped()),
    );
    let shim_pid = shim.id();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(shim.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let sh: u32 = line.trim().parse().unwrap();
    guard.pids.push(sh);
    let us = format!("3f2a9c1e_7b4d_4e5f_8a6b_{:012x}", std::process::id());
    let cg = PathBuf::from(format!(
        "/sys/fs/cgroup/unified/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{us}.slice/cri-containerd-{id}.scope"
    ));
    fs::create_dir_all(&cg).unwrap();
    let _cg = Cgroup(cg.clone(), sh);
    crate::support::wait_for(10, || {
        let c = fs::read(format!("/proc/{sh}/cmdline")).ok()?;
        (c == b"/bin/sh\0-i\0").then_some(())
    })
    .expect("the shell runs");
    fs::write(cg.join("cgroup.procs"), sh.to_string()).unwrap();

    let cfg = tmp.path().join("config");
    let run = |cfg: &Path| {
        let all = crate::support::json_lines(
            crate::support::procscope()
                .env("XDG_CONFIG_HOME", cfg)
                .args(["detect", "--json", "--host-root", host.to_str().unwrap()]),
        );
        (all.into_iter())
            .filter(|a| a["rule"] == "Terminal shell in container" && a["pid"] == sh)
            .collect::<Vec<_>>()
    };
    let builtin = run(&cfg);
    assert_eq!(
        builtin.len(),
        1,
        "the built-in rule fires once on the shell"
    );
    assert_eq!(builtin[0]["output_fields"]["proc.pname"], "containerd-shim");
    assert_eq!(
        builtin[0]["output_fields"]["container.image.repository"],
        "docker.io/library/busybox"
    );

    fs::create_dir_all(cfg.join("procscope")).unwrap();
    fs::write(cfg.join("procscope/procscope_rules.local.yaml"), LAB_RULE).unwrap();
    let lab = run(&cfg);
    assert_eq!(lab.len(), 1);
    let out = lab[0]["output"].as_str().unwrap();
    let msg = out.split_once(": Notice ").unwrap().1;
    assert!(
        msg.starts_with("NEW SHELL!!! (user_id=0 repo=docker.io/library/busybox 0user="),
        "{out}"
    );
    assert!(
        out.contains(&format!("container_id={}", &id[..12])),
        "{out}"
    );
    assert!(out.contains("parent=containerd-shim"), "{out}");
    assert_eq!(
        lab[0]["tags"],
        serde_json::json!(["container", "shell", "mitre_execution", "T1059"])
    );
    crate::support::kill(sh);
    crate::support::kill(shim_pid);
    drop(guard);
}
