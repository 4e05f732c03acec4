//! Test helper: a real container (`unshare --mount --pid --fork --mount-proc` + `chroot` into a
//! busybox-static rootfs built in a temp dir) planted with the traps `procscope fs` must not
//! fall into. Dropping it SIGKILLs the container's pid 1 and the unshare process, by pid.

#![allow(dead_code, clippy::unwrap_used)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A unique string per test run, so no content can match by accident.
pub fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}-{}-{nanos}", std::process::id())
}

/// Why the container tests cannot run here, if they cannot.
pub fn skip_reason() -> Option<&'static str> {
    if !rustix::process::geteuid().is_root() {
        return Some("not running as root");
    }
    if !Path::new("/bin/busybox").exists() {
        return Some("/bin/busybox missing (run tests/setup.sh)");
    }
    None
}

pub struct Container {
    /// The container's pid 1, as the host sees it.
    pub pid1: u32,
    /// A second process in the same container (child of pid 1).
    pub member: u32,
    pub rootfs: PathBuf,
    /// Host-only file, outside the rootfs; `host_secret` is its content.
    pub host_marker: PathBuf,
    pub host_secret: String,
    /// Second host-only file with no copy inside the rootfs.
    pub host_only: PathBuf,
    /// Content of the copy of `host_marker`'s path inside the rootfs.
    pub inner_copy: String,
    pub token: String,
    pub key: String,
    unshare: Child,
    _listener: UnixListener,
    _host: tempfile::TempDir,
    _dir: tempfile::TempDir,
}

fn write(path: &Path, content: &[u8], mode: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mknod(path: &Path, ft: rustix::fs::FileType, dev: rustix::fs::Dev) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        ft,
        rustix::fs::Mode::from_raw_mode(0o644),
        dev,
    )
    .unwrap();
}

fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// What both container processes run, as `/proc/PID/cmdline` shows it.
const SLEEP_CMDLINE: &[u8] = b"/bin/busybox\x00sleep\x00600\x00";

fn cmdline(pid: u32) -> Vec<u8> {
    std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default()
}

impl Container {
    pub fn start() -> Container {
        let dir = tempfile::tempdir().unwrap();
        let host = tempfile::tempdir().unwrap();
        let r = dir.path().join("rootfs");
        for d in [
            "bin", "etc", "tmp", "proc", "dev/shm", "root", "home/eve", "var/tmp",
        ] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::fs::copy("/bin/busybox", r.join("bin/busybox")).unwrap();
        for applet in ["sh", "sleep", "cat", "ls"] {
            symlink("busybox", r.join("bin").join(applet)).unwrap();
        }
        // The trap: files that exist only on the host, and links aimed at them.
        let host_secret = unique("HOST-ONLY-SECRET");
        let host_marker = host.path().join("marker");
        write(&host_marker, host_secret.as_bytes(), 0o644);
        let host_only = host.path().join("host-only");
        write(&host_only, host_secret.as_bytes(), 0o644);
        // The same absolute path inside the rootfs holds a different, container-side file.
        let inner_copy = unique("CONTAINER-SIDE");
        let rel_marker = host_marker.strip_prefix("/").unwrap();
        write(&r.join(rel_marker), inner_copy.as_bytes(), 0o644);
        let etc = r.join("etc");
        std::fs::create_dir_all(&etc).unwrap();
        symlink(&host_marker, etc.join("abs-link")).unwrap();
        symlink(&host_only, etc.join("abs-missing")).unwrap();
        let mut dotdot = "../".repeat(12);
        dotdot.push_str(host_only.to_str().unwrap().trim_start_matches('/'));
        symlink(&dotdot, etc.join("dotdot")).unwrap();
        symlink("/proc/1/root/etc/passwd", etc.join("magic")).unwrap();
        symlink("b", etc.join("a")).unwrap();
        symlink("a", etc.join("b")).unwrap();
        write(
            &etc.join("passwd"),
            b"root:x:0:0:root:/root:/bin/sh\neve:x:1000:1000::/home/eve:/bin/sh\n",
            0o644,
        );
        write(&r.join("root/.ash_history"), b"wget http://x/y\n", 0o600);
        write(
            &r.join("home/eve/.bash_history"),
            b"cat /etc/shadow\n",
            0o600,
        );
        // Things that must be listed but never opened.
        mknod(&r.join("tmp/fifo"), rustix::fs::FileType::Fifo, 0);
        mknod(
            &r.join("dev/null"),
            rustix::fs::FileType::CharacterDevice,
            rustix::fs::makedev(1, 3),
        );
        let listener = UnixListener::bind(r.join("tmp/sock")).unwrap();
        let sparse = std::fs::File::create(r.join("tmp/sparse")).unwrap();
        sparse.set_len(10 << 30).unwrap();
        write(
            &r.join("tmp/evil\x1b[2J\x1b]0;owned\x07name"),
            b"\x1b[31mred\n",
            0o644,
        );
        write(&r.join("tmp/dropper"), b"\x7fELF fake payload", 0o755);
        write(&r.join("dev/shm/.x"), b"#!/bin/sh\n", 0o700);
        write(&r.join("tmp/notes.txt"), b"not executable", 0o644);
        // Secrets.
        let token = unique("TOKEN");
        write(
            &r.join("var/run/secrets/kubernetes.io/serviceaccount/token"),
            token.as_bytes(),
            0o644,
        );
        write(
            &r.join("var/run/secrets/kubernetes.io/serviceaccount/namespace"),
            b"default",
            0o644,
        );
        symlink(
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            r.join("tmp/innocent"),
        )
        .unwrap();
        let key = unique("KEYMATERIAL");
        write(
            &r.join("etc/kubernetes/pki/apiserver.key"),
            format!("-----BEGIN PRIVATE KEY-----\n{key}\n-----END PRIVATE KEY-----\n").as_bytes(),
            0o600,
        );

        let mut proc_opt = std::ffi::OsString::from("--mount-proc=");
        proc_opt.push(r.join("proc"));
        let unshare = Command::new("unshare")
            .args(["--mount", "--pid", "--fork"])
            .arg(proc_opt)
            .arg("chroot")
            .arg(&r)
            .args([
                "/bin/busybox",
                "sh",
                "-c",
                "/bin/busybox sleep 600 & exec /bin/busybox sleep 600",
            ])
            .spawn()
            .unwrap();
        let upid = unshare.id();
        let mut c = Container {
            pid1: 0,
            member: 0,
            rootfs: r,
            host_marker,
            host_secret,
            host_only,
            inner_copy,
            token,
            key,
            unshare,
            _listener: listener,
            _host: host,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            assert!(Instant::now() < deadline, "container did not start");
            if let Some(&pid1) = children(upid).first() {
                c.pid1 = pid1;
                let kids = children(pid1);
                if cmdline(pid1) == SLEEP_CMDLINE
                    && let Some(&m) = kids.first()
                    && cmdline(m) == SLEEP_CMDLINE
                {
                    c.member = m;
                    return c;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        use rustix::process::{Pid, Signal, kill_process};
        // why: pid 1 of a pid namespace ignores SIGTERM; SIGKILL it and the namespace ends.
        if let Some(p) = Pid::from_raw(self.pid1 as i32) {
            let _ = kill_process(p, Signal::KILL);
        }
        let _ = self.unshare.kill();
        let _ = self.unshare.wait();
    }
}

/// Every path under `root` (not descending into the container's /proc) with its size, mtime
/// and atime.
pub fn tree(
    root: &std::path::Path,
) -> std::collections::BTreeMap<std::path::PathBuf, (u64, i64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            if m.is_dir() && e.file_name() != "proc" {
                stack.push(e.path());
            }
            // why: directories' atimes are touched by this very walk, and the kernel touches a
            // symlink's atime whenever it is read or followed (no O_NOATIME for links); files
            // are only stat'ed here, and procscope reads them with O_NOATIME.
            let atime = if m.is_file() {
                (m.atime(), m.atime_nsec())
            } else {
                (0, 0)
            };
            out.insert(e.path(), (m.len(), m.mtime(), atime.0, atime.1));
        }
    }
    out
}
