//! The deployment manifests in `assets/deploy/`: valid against the Kubernetes schemas (offline,
//! `kubernetes-validate --strict`), and holding the posture the README promises: hostPID, the
//! host's /proc read-only, no privileged mode, only SYS_PTRACE and DAC_READ_SEARCH, a read-only
//! root filesystem, a dedicated service account with no token and no API permissions, every
//! node tolerated, requests and limits set.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/deploy")
}

fn manifest(name: &str) -> Value {
    let text = std::fs::read_to_string(deploy_dir().join(name)).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn manifests() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(deploy_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn manifests_validate_against_the_kubernetes_schemas() {
    let files = manifests();
    assert!(files.len() >= 4, "manifests missing: {files:?}");
    let out = std::process::Command::new("kubernetes-validate")
        .arg("--strict")
        .args(&files)
        .output()
        .expect("kubernetes-validate (installed by tests/setup.sh)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(text.contains(&format!("{name} passed")), "{name}: {text}");
    }
}

/// Every container of a pod spec, with the pod-level checks that apply to both workloads.
fn check_pod(pod: &Value, what: &str) -> Vec<Value> {
    assert_eq!(pod["hostPID"], true, "{what}: hostPID");
    assert_eq!(pod["serviceAccountName"], "procscope", "{what}");
    assert_eq!(pod["automountServiceAccountToken"], false, "{what}");
    assert!(
        pod["tolerations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["operator"] == "Exists" && t.get("key").is_none()),
        "{what}: must tolerate every taint"
    );
    for key in ["hostNetwork", "hostIPC"] {
        assert_ne!(pod[key], true, "{what}: {key}");
    }
    let volumes = pod["volumes"].as_array().unwrap();
    assert!(
        volumes.iter().any(|v| v["hostPath"]["path"] == "/proc"),
        "{what}: the host's /proc"
    );
    let containers = pod["containers"].as_array().unwrap().clone();
    for c in &containers {
        let sc = &c["securityContext"];
        let name = c["name"].as_str().unwrap();
        assert_eq!(sc["privileged"], false, "{what}/{name}");
        assert_eq!(sc["allowPrivilegeEscalation"], false, "{what}/{name}");
        assert_eq!(sc["readOnlyRootFilesystem"], true, "{what}/{name}");
        assert_eq!(sc["capabilities"]["drop"], serde_json::json!(["ALL"]));
        let add: Vec<&str> = sc["capabilities"]["add"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(add, ["SYS_PTRACE", "DAC_READ_SEARCH"], "{what}/{name}");
        for k in ["requests", "limits"] {
            for r in ["cpu", "memory"] {
                assert!(c["resources"][k][r].is_string(), "{what}/{name}: {k}.{r}");
            }
        }
        for m in c["volumeMounts"].as_array().unwrap() {
            let path = m["mountPath"].as_str().unwrap();
            let writable_ok = path == "/var/lib/procscope";
            assert!(
                m["readOnly"] == true || writable_ok,
                "{what}/{name}: {path} must be read-only"
            );
        }
    }
    containers
}

#[test]
fn daemonset_posture() {
    let ds = manifest("daemonset.yaml");
    assert_eq!(ds["kind"], "DaemonSet");
    assert_eq!(ds["metadata"]["namespace"], "procscope");
    let containers = check_pod(&ds["spec"]["template"]["spec"], "daemonset");
    let args = |name: &str| -> Vec<String> {
        let c = containers.iter().find(|c| c["name"] == name).unwrap();
        c["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    let detect = args("detect");
    for want in [
        "--proc-root",
        "/host/proc",
        "detect",
        "--interval",
        "--json",
    ] {
        assert!(detect.iter().any(|a| a == want), "detect args {detect:?}");
    }
    let record = args("record");
    for want in ["record", "--dir", "--every", "--keep"] {
        assert!(record.iter().any(|a| a == want), "record args {record:?}");
    }
}

#[test]
fn job_posture_and_no_api_permissions() {
    let job = manifest("job.yaml");
    assert_eq!(job["kind"], "Job");
    check_pod(&job["spec"]["template"]["spec"], "job");
    assert_eq!(manifest("namespace.yaml")["metadata"]["name"], "procscope");
    let sa = manifest("serviceaccount.yaml");
    assert_eq!(sa["automountServiceAccountToken"], false);
    // why: no API permissions means nothing binds a role to the service account.
    for f in manifests() {
        let kind = manifest(f.file_name().unwrap().to_str().unwrap())["kind"].clone();
        for rbac in ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"] {
            assert_ne!(kind, rbac, "{}", f.display());
        }
    }
}
