//! The checked-in fixture `tests/fixtures/proc-containers`: one process per container runtime
//! and cgroup layout (docker, containerd, cri-o, podman, lxc, systemd-nspawn, Kubernetes with
//! the cgroupfs and systemd drivers, cgroup v1 and v2, each QoS class), read with `--proc-root`.

use crate::support::{json, procscope};
use serde_json::Value;

const ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/proc-containers"
);

fn cli(args: &[&str]) -> Value {
    let mut all = vec!["--proc-root", ROOT];
    all.extend_from_slice(args);
    json(all)
}

fn hexid(n: u32) -> String {
    if n > 9 {
        format!("{n:x}").repeat(64)[..64].to_string()
    } else {
        format!("{n}{}", "abcdef0123456789".repeat(4))[..64].to_string()
    }
}

fn pod(n: u32) -> String {
    format!("{n:08x}-1111-2222-3333-44445555666{n}")
}

/// (pid, runtime, id, pod uid, qos).
type Expected = (
    u32,
    &'static str,
    String,
    Option<String>,
    Option<&'static str>,
);

/// What each container process of the fixture must be identified as.
fn expected() -> Vec<Expected> {
    vec![
        (101, "docker", hexid(1), None, None),
        (102, "docker", hexid(2), None, None),
        (103, "containerd", hexid(3), None, None),
        (104, "podman", hexid(4), None, None),
        (105, "podman", hexid(5), None, None),
        (106, "lxc", "web1".into(), None, None),
        (107, "lxc", "db2".into(), None, None),
        (108, "systemd-nspawn", "my-box".into(), None, None),
        (109, "cri-o", hexid(9), Some(pod(9)), Some("guaranteed")),
        (
            110,
            "containerd",
            hexid(10),
            Some(pod(1)),
            Some("burstable"),
        ),
        (
            111,
            "kubernetes",
            hexid(11),
            Some(pod(2)),
            Some("besteffort"),
        ),
        (
            112,
            "kubernetes",
            hexid(12),
            Some(pod(3)),
            Some("burstable"),
        ),
        (113, "docker", hexid(13), Some(pod(4)), Some("guaranteed")),
        (
            114,
            "containerd",
            hexid(14),
            Some(pod(5)),
            Some("besteffort"),
        ),
        (115, "cri-o", hexid(15), Some(pod(6)), Some("besteffort")),
        (116, "docker", hexid(16), None, None),
        (117, "systemd-nspawn", "web-01".into(), None, None),
        (120, "docker", hexid(1), None, None),
    ]
}

#[test]
fn inspect_identifies_every_runtime_and_layout() {
    for (pid, runtime, id, pod_uid, qos) in expected() {
        let p = cli(&["inspect", &pid.to_string(), "--json"]);
        let c = &p["container"];
        assert_eq!(c["runtime"], runtime, "pid {pid}");
        assert_eq!(c["id"], id.as_str(), "pid {pid}");
        assert_eq!(c["pod_uid"].as_str(), pod_uid.as_deref(), "pid {pid}");
        assert_eq!(c["qos"].as_str(), qos, "pid {pid}");
        assert_eq!(p["namespaced"], true, "pid {pid}");
        assert!(p["unavailable"].as_object().unwrap().is_empty(), "{pid}");
    }
    // 118 is podman's conmon: beside the container, not in it.
    for pid in [1, 50, 118] {
        let p = cli(&["inspect", &pid.to_string(), "--json"]);
        assert_eq!(p["container"], Value::Null);
        assert_eq!(p["namespaced"], false);
    }
    // A process in the pod's cgroup but in no container's.
    let p = cli(&["inspect", "119", "--json"]);
    assert_eq!(
        p["container"],
        serde_json::json!({"runtime": "kubernetes", "id": null, "pod_uid": pod(7), "qos": "burstable"})
    );
    // A private mount namespace without a recognised runtime: namespaced, no container.
    let p = cli(&["inspect", "130", "--json"]);
    assert_eq!(p["container"], Value::Null);
    assert_eq!(p["namespaced"], true);
    assert_eq!(p["exe"]["deleted"], true);
    assert_eq!(p["exe"]["path"], "/tmp/.x/payload");
}

#[test]
fn inspect_json_has_the_documented_fields() {
    let p = cli(&["--reveal", "inspect", "1", "--peers", "--json"]);
    for key in [
        "pid",
        "ppid",
        "comm",
        "cmdline",
        "exe",
        "cwd",
        "root",
        "uid",
        "gid",
        "state",
        "start_time",
        "threads",
        "environ",
        "fds",
        "namespaces",
        "cgroups",
        "container",
        "unavailable",
    ] {
        assert!(p.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(p["cmdline"], serde_json::json!(["/sbin/init", "splash"]));
    assert_eq!(p["start_time"], 5001);
    assert_eq!(p["started_at"], 1763800000 + 5001 / 100);
    assert_eq!(p["namespaces"]["net"], 4026531840u64);
    assert_eq!(p["namespaces"].as_object().unwrap().len(), 8);
    assert_eq!(p["cgroups"][0]["path"], "/init.scope");
    assert_eq!(p["cgroups"][0]["hierarchy"], 0);
    assert_eq!(
        p["environ"],
        serde_json::json!([{"name": "PATH", "value": "/usr/bin:/bin"}, {"name": "HOME", "value": "/root"}])
    );
    let fds = p["fds"].as_array().unwrap();
    let kinds: Vec<(i64, &str)> = fds
        .iter()
        .map(|f| (f["fd"].as_i64().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    // Not live: no stat of the target, so /var/log/journal is a file by its text.
    assert_eq!(
        kinds,
        [(0, "device"), (3, "socket"), (4, "pipe"), (5, "file")]
    );
    assert_eq!(fds[3]["target"], "/var/log/journal");
    assert_eq!(fds[1]["socket"]["local_port"], 22);
    assert_eq!(fds[1]["socket"]["state"], "LISTEN");
    assert_eq!(fds[2]["peers"], serde_json::json!([50]));
    assert_eq!(fds[2]["socket"], Value::Null);
    // Without --peers only this process is read: its pipe's other end is unknown (null),
    // not "nobody" ([]), and the document says so; the file and socket fds are unchanged.
    let alone = cli(&["--reveal", "inspect", "1", "--json"]);
    assert_eq!(alone["peers_not_collected"], true);
    assert_eq!(alone["fds"][2]["peers"], Value::Null);
    assert_eq!(alone["fds"][1]["socket"]["local_port"], 22);
    assert_eq!(alone["fds"][3]["peers"], serde_json::json!([]));
    assert_eq!(p.get("peers_not_collected"), None);
}

#[test]
fn containers_json_groups_processes() {
    let groups = cli(&["containers", "--json"]);
    let groups = groups.as_array().unwrap();
    // 18 distinct containers plus the unrecognised namespaced process.
    assert_eq!(groups.len(), 19, "{groups:#?}");
    let docker1 = groups
        .iter()
        .find(|g| g["id"] == hexid(1).as_str())
        .unwrap();
    assert_eq!(docker1["pids"], serde_json::json!([101, 120]));
    assert_eq!(docker1["root_pid"], 101);
    assert_eq!(docker1["root"], "/var/lib/docker/overlay2/abc/merged");
    let ns = groups
        .iter()
        .find(|g| g["runtime"] == "namespaced")
        .unwrap();
    assert_eq!(ns["pids"], serde_json::json!([130]));
    for (pid, runtime, id, pod_uid, qos) in expected() {
        let g = groups
            .iter()
            .find(|g| g["pids"].as_array().unwrap().iter().any(|p| p == pid))
            .unwrap_or_else(|| panic!("pid {pid} in no group"));
        assert_eq!(
            (
                g["runtime"].as_str(),
                g["id"].as_str(),
                g["pod_uid"].as_str(),
                g["qos"].as_str()
            ),
            (Some(runtime), Some(id.as_str()), pod_uid.as_deref(), qos)
        );
    }
}

#[test]
fn tree_marks_container_namespace_root_and_uid_changes() {
    let t = cli(&["tree", "--json"]);
    let roots = t.as_array().unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["pid"], 1);
    let kids: Vec<u64> = roots[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(kids, [50, 118, 130]);
    let shim = &roots[0]["children"][0];
    assert_eq!(shim["marks"], serde_json::json!([]));
    let nginx = &shim["children"][0];
    assert_eq!(nginx["pid"], 101);
    assert_eq!(
        nginx["marks"],
        serde_json::json!([
            "container docker:1abcdef01234",
            "ns mnt,pid,net,uts,ipc",
            "root /var/lib/docker/overlay2/abc/merged"
        ])
    );
    let worker = &nginx["children"][0];
    assert_eq!(worker["pid"], 120);
    assert_eq!(worker["ppid"], 101);
    assert_eq!(worker["uid"], 33);
    assert_eq!(worker["marks"], serde_json::json!(["uid 0→33"]));
    assert_eq!(shim["children"].as_array().unwrap().len(), 18);
    assert_eq!(roots[0]["children"][1]["marks"], serde_json::json!([]));
    let sandboxed = &roots[0]["children"][2];
    assert_eq!(
        sandboxed["marks"],
        serde_json::json!(["ns mnt", "uid 0→1000"])
    );
    assert_eq!(sandboxed["namespaced"], true);

    let text = procscope()
        .args(["--proc-root", ROOT, "tree"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("│ │ └─nginx-worker(120) [uid 0→33]"),
        "{text}"
    );
    assert!(
        text.contains("└─sandboxed(130) [ns mnt] [uid 0→1000]"),
        "{text}"
    );
}

#[test]
fn sockets_read_per_netns_and_joined_by_inode() {
    let all = cli(&["sockets", "--json", "-x"]);
    let all = all.as_array().unwrap();
    let by_inode = |ino: u64| all.iter().find(|s| s["inode"] == ino).unwrap();
    let ssh = by_inode(1001);
    assert_eq!(
        (
            ssh["proto"].as_str(),
            ssh["local_port"].as_u64(),
            ssh["netns"].as_u64()
        ),
        (Some("tcp"), Some(22), Some(4026531840))
    );
    assert_eq!(ssh["pids"], serde_json::json!([1]));
    assert_eq!(by_inode(1002)["pids"], serde_json::json!([50]));
    assert_eq!(by_inode(1002)["uid"], 101);
    assert_eq!(
        by_inode(1003)["local_addr"],
        "/run/containerd/containerd.sock"
    );
    assert_eq!(by_inode(1004)["pids"], serde_json::json!([]));
    let web = by_inode(2001);
    assert_eq!(web["netns"], 4026533012u64);
    assert_eq!(web["local_port"], 80);
    assert_eq!(web["pids"], serde_json::json!([101, 120]));

    let snap = cli(&["snapshot"]);
    let netns = snap["netns"].as_array().unwrap();
    let host = netns.iter().find(|n| n["inode"] == 4026531840u64).unwrap();
    assert_eq!(host["reader_pid"], 1);
    assert_eq!(host["pids"], serde_json::json!([1, 50, 118, 130]));
    assert_eq!(host["unavailable"]["udp6"], "missing");
    // A namespace whose members have no tables says so, rather than claiming a denial.
    let redis = netns
        .iter()
        .find(|n| n["pids"] == serde_json::json!([102]))
        .unwrap();
    assert_eq!(redis["reader_pid"], Value::Null);
    assert_eq!(redis["unavailable"]["tables"], "missing");
}

#[test]
fn snapshot_json_of_the_fixture() {
    let snap = cli(&["--reveal", "snapshot"]);
    insta::assert_json_snapshot!("proc_containers_snapshot", snap, {
        ".meta.taken_at" => "[taken_at]",
        ".meta.scan_ms" => "[scan_ms]",
        ".meta.source" => "[source]",
        ".meta.procscope_version" => "[version]",
    });
}

#[test]
fn masked_snapshot_hides_fixture_secret() {
    let out = procscope()
        .args(["--proc-root", ROOT, "snapshot"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2-fixture"));
    let out = procscope()
        .args(["--proc-root", ROOT, "--reveal", "inspect", "101"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("DB_PASSWORD=hunter2-fixture"));
}
