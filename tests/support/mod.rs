//! Shared helpers for the integration tests: running the CLI, real child processes that are
//! always killed and reaped, the compiled C test child, and `FakeProc`, a builder of fixture
//! `/proc` trees in temp dirs.
#![allow(dead_code, clippy::unwrap_used)] // why: setup helpers outside #[test] fns panic on setup failure.

use serde_json::Value;
use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The procscope binary under test.
pub fn procscope() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("procscope").expect("procscope binary")
}

/// Path of the procscope binary (to run it under setpriv).
pub fn procscope_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("procscope")
}

/// Run procscope with `args`, require success and parse its stdout as JSON.
pub fn json<I, S>(args: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = procscope().args(args).output().expect("run procscope");
    assert!(
        out.status.success(),
        "procscope failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Run `cmd` (a procscope command printing one JSON object per line, as `detect --json`),
/// require success and parse every line.
pub fn json_lines(cmd: &mut assert_cmd::Command) -> Vec<Value> {
    let out = cmd.output().expect("run procscope");
    assert!(
        out.status.success(),
        "procscope failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8_lossy(&out.stdout).lines())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Whether the tests run as root (namespaces, cgroups, setpriv need it).
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// SIGKILL a pid, ignoring "no such process".
pub fn kill(pid: u32) {
    if let Some(p) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
    }
}

/// Processes a test started: on drop every extra pid is SIGKILLed, then each child is killed
/// and reaped.
#[derive(Default)]
pub struct Guard {
    pub children: Vec<Child>,
    pub pids: Vec<u32>,
}

impl Guard {
    pub fn spawn(&mut self, cmd: &mut Command) -> &mut Child {
        let c = cmd.spawn().expect("spawn child");
        self.children.push(c);
        self.children.last_mut().expect("just pushed")
    }
}

impl Guard {
    /// A python3 process running `script`, once it printed its first line (`READY`); its pid.
    pub fn python_ready(&mut self, script: &str) -> u32 {
        use std::io::BufRead;
        let py = self.spawn(
            Command::new("python3")
                .args(["-c", script])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped()),
        );
        let pid = py.id();
        let mut line = String::new();
        std::io::BufReader::new(py.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("python output");
        assert_eq!(line.trim(), "READY", "python child did not start");
        pid
    }

    /// A python3 process listening on a unix socket bound at `path` (any bytes), started and
    /// ready (bound and listening) when this returns; its pid.
    pub fn unix_listener(&mut self, path: &std::ffi::OsStr) -> u32 {
        use std::io::BufRead;
        let script = "import socket, sys, time\n\
s = socket.socket(socket.AF_UNIX)\n\
s.bind(sys.argv[1])\n\
s.listen(1)\n\
print('READY', flush=True)\n\
time.sleep(600)\n";
        let py = self.spawn(
            Command::new("python3")
                .args(["-c", script])
                .arg(path)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped()),
        );
        let pid = py.id();
        let mut line = String::new();
        std::io::BufReader::new(py.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("listener output");
        assert_eq!(line.trim(), "READY", "unix listener did not start");
        pid
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        for &p in &self.pids {
            kill(p);
        }
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A random token of `n` characters from an alphabet without look-alikes, different per run
/// and per `salt` (so no planted value can match by accident).
pub fn rand_token(n: usize, salt: u64) -> String {
    const AL: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut x = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ (std::process::id() as u64) << 20
        ^ salt.wrapping_mul(0x9E3779B97F4A7C15);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            AL[(x % AL.len() as u64) as usize] as char
        })
        .collect()
}

/// Poll `f` until it returns Some, for at most `secs` seconds.
pub fn wait_for<T>(secs: u64, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Wait until `pid`'s state is S (sleeping), for at most 10 seconds.
pub fn wait_asleep(pid: u32) -> bool {
    let stat = format!("/proc/{pid}/stat");
    wait_for(10, || {
        let s = fs::read_to_string(&stat).ok()?;
        (s.rsplit(')').next()?.split_whitespace().next()? == "S").then_some(())
    })
    .is_some()
}

/// The C test child (`tests/fixtures/child.c`) compiled once per test binary.
pub fn child_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/child.c");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let out = dir.join(format!("procscope-child-{}", std::process::id()));
        let st = Command::new("gcc")
            .arg("-O0")
            .arg("-o")
            .arg(&out)
            .arg(&src)
            .status()
            .expect("gcc is installed (tests/setup.sh)");
        assert!(st.success(), "compiling child.c failed");
        out
    })
}

/// A running C test child and what it reported.
pub struct Planted {
    pub guard: Guard,
    pub pid: u32,
    pub kid: u32,
    pub tcp_listen: u16,
    pub tcp_client: u16,
    pub udp: u16,
    /// Its cwd (a temp dir, canonical path).
    pub dir: PathBuf,
    /// The path it ran from (deleted at startup).
    pub exe: PathBuf,
    _tmp: tempfile::TempDir,
}

/// Start the C child with exactly `env` as its environment and `arg` as its last argument.
pub fn plant(env: &[&[u8]], arg: &[u8]) -> Planted {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().canonicalize().expect("canonical");
    let cwd = dir.join("cwd");
    fs::create_dir(&cwd).expect("mkdir");
    let exe = dir.join("child-copy");
    fs::copy(child_binary(), &exe).expect("copy child");
    let mut cmd = Command::new(child_binary());
    cmd.arg("exec")
        .arg(&exe)
        .arg(&cwd)
        .arg(OsStr::from_bytes(arg))
        .args(env.iter().map(|e| OsStr::from_bytes(e)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut guard = Guard::default();
    let child = guard.spawn(&mut cmd);
    let pid = child.id();
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read READY");
    let f: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(f.first(), Some(&"READY"), "child said {line:?}");
    let n = |i: usize| f[i].parse::<u32>().expect("number");
    let kid = n(4);
    guard.pids.push(kid);
    // why: right after READY the child may still be running toward pause(); tests read `state`.
    for p in [pid, kid] {
        assert!(wait_asleep(p), "pid {p} never slept");
    }
    Planted {
        guard,
        pid,
        kid,
        tcp_listen: n(1) as u16,
        tcp_client: n(2) as u16,
        udp: n(3) as u16,
        dir: cwd,
        exe,
        _tmp: tmp,
    }
}

/// A fixture proc root in a temp dir.
pub struct FakeProc {
    pub dir: tempfile::TempDir,
}

/// One `PID/` directory of a [`FakeProc`].
pub struct FakePid {
    pub dir: PathBuf,
    pub pid: u32,
}

impl Default for FakeProc {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeProc {
    /// An empty root with a `stat` holding `btime`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("stat"), "cpu  1 2 3 4\nbtime 1700000000\n").expect("stat");
        FakeProc { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A complete, ordinary process: stat, status, cmdline, environ, cgroup, links, fd/, task/.
    pub fn process(&self, pid: u32, ppid: u32, comm: &str) -> FakePid {
        let dir = self.path().join(pid.to_string());
        fs::create_dir_all(dir.join("fd")).expect("mkdir fd");
        fs::create_dir_all(dir.join("ns")).expect("mkdir ns");
        fs::create_dir_all(dir.join(format!("task/{pid}"))).expect("mkdir task");
        let p = FakePid { dir, pid };
        p.stat(comm, "S", ppid)
            .status(0)
            .file("cmdline", format!("{comm}\0").as_bytes())
            .file("environ", b"PATH=/bin\0")
            .file("cgroup", b"0::/\n")
            .file(&format!("task/{pid}/comm"), format!("{comm}\n").as_bytes())
            .link("exe", format!("/usr/bin/{comm}").as_bytes())
            .link("cwd", b"/")
            .link("root", b"/");
        for (i, kind) in ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"]
            .iter()
            .enumerate()
        {
            p.ns(kind, 4026531835 + i as u64);
        }
        p
    }
}

impl FakePid {
    /// A well-formed `stat` line.
    pub fn stat(&self, comm: &str, state: &str, ppid: u32) -> &Self {
        let line = format!(
            "{} ({comm}) {state} {ppid} {pid} {pid} 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 {start} 1000 200 0\n",
            self.pid,
            pid = self.pid,
            start = 1000 + self.pid
        );
        self.file("stat", line.as_bytes())
    }

    /// A `status` with these uids and gids (all four equal).
    pub fn status(&self, uid: u32) -> &Self {
        let text = format!(
            "Name:\tx\nState:\tS (sleeping)\nTgid:\t{p}\nPid:\t{p}\nPPid:\t0\nTracerPid:\t0\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\nNSpid:\t{p}\nCapEff:\t0000000000000000\nSeccomp:\t0\n",
            p = self.pid
        );
        self.file("status", text.as_bytes())
    }

    /// Write `rel` (creating parent dirs).
    pub fn file(&self, rel: &str, content: &[u8]) -> &Self {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, content).expect("write fixture file");
        self
    }

    /// A symlink `rel` whose text is `target` (replacing any).
    pub fn link(&self, rel: &str, target: &[u8]) -> &Self {
        let path = self.dir.join(rel);
        let _ = fs::remove_file(&path);
        symlink(OsStr::from_bytes(target), path).expect("symlink");
        self
    }

    pub fn fd(&self, n: i32, target: &str) -> &Self {
        self.link(&format!("fd/{n}"), target.as_bytes())
    }

    pub fn ns(&self, kind: &str, inode: u64) -> &Self {
        self.link(
            &format!("ns/{kind}"),
            format!("{kind}:[{inode}]").as_bytes(),
        )
    }

    /// `net/<table>` of this pid's network namespace.
    pub fn net(&self, table: &str, text: &str) -> &Self {
        self.file(&format!("net/{table}"), text.as_bytes())
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.dir.join(rel);
        if path.is_dir() {
            fs::remove_dir_all(path).expect("remove dir");
        } else {
            fs::remove_file(path).expect("remove file");
        }
        self
    }

    pub fn chmod(&self, rel: &str, mode: u32) -> &Self {
        fs::set_permissions(self.dir.join(rel), fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }
}

/// Every absent optional field of every process has a reason.
pub fn assert_reasons(snap: &Value) {
    for p in snap["processes"].as_array().expect("processes") {
        for field in ["exe", "cwd", "root", "environ", "fds"] {
            if p[field].is_null() {
                let why = &p["unavailable"][field];
                assert!(
                    why.as_str().is_some_and(|w| !w.is_empty()),
                    "pid {} has no {field} and no reason",
                    p["pid"]
                );
            }
        }
    }
}

/// Header line of `/proc/net/tcp`.
pub const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

/// One `/proc/net/tcp` row: `local` and `remote` as `AABBCCDD:PPPP` kernel hex.
pub fn tcp_row(slot: u32, local: &str, remote: &str, state: u8, uid: u32, inode: u64) -> String {
    format!(
        "{slot:4}: {local} {remote} {state:02X} 00000000:00000000 00:00000000 00000000 {uid:5}        0 {inode} 1 0000000000000000 100 0 0 10 0\n"
    )
}

/// The fds of an `inspect --json` process.
pub fn fds_of(p: &Value) -> &Vec<Value> {
    p["fds"].as_array().expect("fds is a list")
}

/// The fds of one kind of an `inspect --json` process.
pub fn fds_of_kind<'a>(p: &'a Value, kind: &str) -> Vec<&'a Value> {
    fds_of(p).iter().filter(|f| f["kind"] == kind).collect()
}

/// The node of `pid` in `tree --json` output (nested `children`), searched without recursion.
#[allow(dead_code)]
pub fn find_node(nodes: &serde_json::Value, pid: u64) -> Option<&serde_json::Value> {
    let mut stack: Vec<&serde_json::Value> = nodes.as_array()?.iter().collect();
    while let Some(n) = stack.pop() {
        if n["pid"] == pid {
            return Some(n);
        }
        stack.extend(n["children"].as_array()?.iter());
    }
    None
}

pub mod offline;
pub mod rootfs;
pub mod tui;
