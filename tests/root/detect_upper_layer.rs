//! `proc.is_exe_upper_layer`, live (root): in a private mount namespace an overlay is mounted
//! over a lower directory holding a binary; a second binary is copied into the merged tree
//! (so into the upper layer); both run in a kubepods cgroup (a container). The built-in rule
//! *Drop and execute new binary in container* fires on the dropped binary only.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RULE: &str = "Drop and execute new binary in container";

/// Mounts the overlay, drops `dropped` into it, starts `lower-sleep` from the lower layer
/// (its pid on stdout) and becomes `dropped`.
const SCRIPT: &str = r#"set -e
mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged"
cp /usr/bin/sleep "$1/merged/dropped"
"$1/merged/lower-sleep" 600 </dev/null >/dev/null &
echo $!
exec "$1/merged/dropped" 600
"#;

struct Cgroup(PathBuf, Vec<u32>);

impl Drop for Cgroup {
    fn drop(&mut self) {
        let root = Path::new("/sys/fs/cgroup/unified");
        for pid in &self.1 {
            let _ = fs::write(root.join("cgroup.procs"), pid.to_string());
        }
        let mut d = self.0.clone();
        while d != root {
            let _ = fs::remove_dir(&d);
            d = d.parent().unwrap().to_path_buf();
        }
    }
}

fn supported() -> bool {
    crate::support::is_root()
        && Path::new("/sys/fs/cgroup/unified/cgroup.procs").exists()
        && fs::read_to_string("/proc/filesystems").is_ok_and(|f| f.contains("\toverlay\n"))
}

#[test]
fn dropped_binary_in_overlay_upper_layer_fires_and_lower_does_not() {
    if !supported() {
        eprintln!("skipped: needs root, overlayfs and a cgroup v2 hierarchy");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for d in ["lower", "upper", "work", "merged"] {
        fs::create_dir(tmp.path().join(d)).unwrap();
    }
    fs::copy("/usr/bin/sleep", tmp.path().join("lower/lower-sleep")).unwrap();
    let mut guard = crate::support::Guard::default();
    let child = guard.spawn(
        Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", SCRIPT, "sh"])
            .arg(tmp.path())
            .env_remove("LD_LIBRARY_PATH")
            .stdin(Stdio::null())
            .stdout(Stdio::piped()),
    );
    let dropped = child.id();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let lower: u32 = line.trim().parse().expect("the lower binary's pid");
    guard.pids.push(lower);
    let merged = tmp.path().join("merged");
    crate::support::wait_for(10, || {
        let t = fs::read_link(format!("/proc/{dropped}/exe")).ok()?;
        (t == merged.join("dropped")).then_some(())
    })
    .expect("the dropped binary runs");
    assert!(crate::support::wait_asleep(dropped) && crate::support::wait_asleep(lower));

    let id = format!("{:064x}", 0xd00d_0000_u64 + u64::from(std::process::id()));
    let pod = format!("5e1c0a2b_4d3f_4a6e_9b7c_{:012x}", std::process::id());
    let cg = PathBuf::from(format!(
        "/sys/fs/cgroup/unified/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{pod}.slice/cri-containerd-{id}.scope"
    ));
    fs::create_dir_all(&cg).unwrap();
    let _cg = Cgroup(cg.clone(), vec![dropped, lower]);
    for pid in [dropped, lower] {
        fs::write(cg.join("cgroup.procs"), pid.to_string()).unwrap();
    }

    let snap = crate::support::json(["snapshot"]);
    let upper = |pid: u32| {
        snap["processes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["pid"] == pid)
            .map(|p| p["exe_upper_layer"].clone())
            .unwrap()
    };
    assert_eq!(upper(dropped), true);
    assert_eq!(upper(lower), false);

    let out = crate::support::procscope()
        .args(["detect", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fired: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|a| a["rule"] == RULE)
        .collect();
    let on = |pid: u32| fired.iter().filter(|a| a["pid"] == pid).count();
    assert_eq!(on(dropped), 1, "{fired:?}");
    assert_eq!(on(lower), 0, "{fired:?}");
    let a = fired.iter().find(|a| a["pid"] == dropped).unwrap();
    assert_eq!(a["output_fields"]["proc.name"], "dropped");
    assert_eq!(a["output_fields"]["container.id"], &id[..12]);
    crate::support::kill(dropped);
    crate::support::kill(lower);
    drop(guard);
}
