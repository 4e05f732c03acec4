//! Container names, image, pod and privileged flag without a daemon: from containerd's task
//! `config.json` annotations, CRI-O's `config.json` annotations, Podman's `containers.json`
//! (containers/storage, names and image name), or Docker's `config.v2.json` and
//! `hostconfig.json`, read beneath the host root. One lookup per container id.

use crate::model::{ContainerMeta, Snapshot};
use crate::source::hostfs::HostRoot;
use serde_json::Value;
use std::collections::HashMap;

const CONTAINERD_TASKS: &str = "run/containerd/io.containerd.runtime.v2.task";
/// containers/storage's list of containers (Podman's, and CRI-O's), beneath the host root.
const STORAGE_CONTAINERS: &str = "var/lib/containers/storage/overlay-containers/containers.json";

fn parse(b: &[u8]) -> Option<Value> {
    serde_json::from_slice(b).ok()
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_string)
}

fn from_annotations(a: &Value) -> Option<ContainerMeta> {
    let get = |keys: &[&str]| keys.iter().find_map(|k| s(a, k));
    let m = ContainerMeta {
        name: get(&[
            "io.kubernetes.cri.container-name",
            "io.kubernetes.container.name",
            "io.kubernetes.cri-o.ContainerName",
            "nerdctl/name",
        ]),
        image: get(&[
            "io.kubernetes.cri.image-name",
            "io.kubernetes.cri-o.ImageName",
            "io.kubernetes.cri-o.Image",
        ]),
        pod_name: get(&["io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"]),
        pod_namespace: get(&[
            "io.kubernetes.cri.sandbox-namespace",
            "io.kubernetes.pod.namespace",
        ]),
        privileged: None,
    };
    (m != ContainerMeta::default()).then_some(m)
}

fn containerd(h: &HostRoot, namespaces: &[String], id: &str) -> Option<ContainerMeta> {
    namespaces.iter().find_map(|ns| {
        let b = h
            .read(&format!("{CONTAINERD_TASKS}/{ns}/{id}/config.json"))
            .ok()?;
        from_annotations(parse(&b)?.get("annotations")?)
    })
}

fn crio(h: &HostRoot, id: &str) -> Option<ContainerMeta> {
    ["run", "var/lib"].iter().find_map(|base| {
        let b = h
            .read(&format!(
                "{base}/containers/storage/overlay-containers/{id}/userdata/config.json"
            ))
            .ok()?;
        from_annotations(parse(&b)?.get("annotations")?)
    })
}

/// Podman's containers by id, from containers/storage's `containers.json`: each entry's first
/// name and the `image-name` of its `metadata` (a JSON document in a string). Read once.
fn storage_names(h: &HostRoot) -> HashMap<String, ContainerMeta> {
    let Some(Value::Array(list)) = h.read(STORAGE_CONTAINERS).ok().and_then(|b| parse(&b)) else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    for c in list {
        let Some(id) = s(&c, "id") else { continue };
        let meta = s(&c, "metadata").and_then(|m| serde_json::from_str::<Value>(&m).ok());
        let name = c
            .get("names")
            .and_then(|n| n.get(0))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| meta.as_ref().and_then(|m| s(m, "name")));
        let image = meta.as_ref().and_then(|m| s(m, "image-name"));
        let m = ContainerMeta {
            name,
            image,
            ..ContainerMeta::default()
        };
        if m != ContainerMeta::default() {
            out.insert(id, m);
        }
    }
    out
}

fn docker(h: &HostRoot, id: &str) -> Option<ContainerMeta> {
    let cfg = parse(
        &h.read(&format!("var/lib/docker/containers/{id}/config.v2.json"))
            .ok()?,
    )?;
    let host = h
        .read(&format!("var/lib/docker/containers/{id}/hostconfig.json"))
        .ok()
        .and_then(|b| parse(&b));
    let labels = cfg.get("Config").and_then(|c| c.get("Labels"));
    Some(ContainerMeta {
        name: s(&cfg, "Name").map(|n| n.trim_start_matches('/').to_string()),
        image: cfg.get("Config").and_then(|c| s(c, "Image")),
        pod_name: labels.and_then(|l| s(l, "io.kubernetes.pod.name")),
        pod_namespace: labels.and_then(|l| s(l, "io.kubernetes.pod.namespace")),
        privileged: host.and_then(|h| h.get("Privileged")?.as_bool()),
    })
}

/// Fill `container_meta` of every process in a container whose runtime state is found.
pub fn annotate(snap: &mut Snapshot, host: &HostRoot) {
    let namespaces = host.list(CONTAINERD_TASKS, 64).unwrap_or_default();
    let mut storage: Option<HashMap<String, ContainerMeta>> = None;
    let mut cache: HashMap<String, Option<ContainerMeta>> = HashMap::new();
    for p in snap.processes.iter_mut() {
        let Some(id) = p.container.as_ref().and_then(|c| c.id.clone()) else {
            continue;
        };
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let meta = cache.entry(id.clone()).or_insert_with(|| {
            containerd(host, &namespaces, &id)
                .or_else(|| crio(host, &id))
                .or_else(|| {
                    let names = storage.get_or_insert_with(|| storage_names(host));
                    names.get(&id).cloned()
                })
                .or_else(|| docker(host, &id))
        });
        p.container_meta = meta.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Container, Process};

    fn snap_with(id: &str) -> Snapshot {
        let p = Process {
            pid: 7,
            container: Some(Container {
                runtime: "podman".into(),
                id: Some(id.into()),
                ..Container::default()
            }),
            ..Process::default()
        };
        Snapshot {
            processes: vec![p],
            ..Snapshot::default()
        }
    }

    #[test]
    fn podman_names_and_images_come_from_containers_json() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let id = "ab".repeat(32);
        let other = "cd".repeat(32);
        let list = serde_json::json!([
            {"id": other, "names": ["db"], "metadata": "{}"},
            {"id": id, "names": ["web-\u{1b}[31m1"], "image": "f00",
             "metadata": "{\"image-name\":\"docker.io/library/nginx:1.27\",\"name\":\"web\"}"},
            {"names": ["no id"]},
            "junk"
        ]);
        let at = dir.path().join(STORAGE_CONTAINERS);
        std::fs::create_dir_all(at.parent().unwrap_or(dir.path())).unwrap_or_default();
        std::fs::write(&at, list.to_string()).unwrap_or_default();
        let host = HostRoot::open(dir.path()).unwrap_or_else(|e| panic!("host root: {e}"));
        let mut snap = snap_with(&id);
        annotate(&mut snap, &host);
        let m = snap.processes[0].container_meta.clone().unwrap_or_default();
        // The name is kept exactly (escaped where it is shown); the image from the metadata.
        assert_eq!(m.name.as_deref(), Some("web-\u{1b}[31m1"));
        assert_eq!(m.image.as_deref(), Some("docker.io/library/nginx:1.27"));
        assert!(m.summary().contains("web-\\e[31m1"), "{}", m.summary());
        // An id the file does not list, or a file that is not a list: nothing.
        let mut none = snap_with(&"ef".repeat(32));
        annotate(&mut none, &host);
        assert_eq!(none.processes[0].container_meta, None);
        std::fs::write(&at, b"{\"id\": 1}").unwrap_or_default();
        let mut junk = snap_with(&id);
        annotate(&mut junk, &host);
        assert_eq!(junk.processes[0].container_meta, None);
    }
}
