//! Container names, image, pod and privileged flag without a daemon: from containerd's task
//! `config.json` annotations, CRI-O's `config.json` annotations, or Docker's `config.v2.json`
//! and `hostconfig.json`, read beneath the host root. One lookup per container id.

use crate::model::{ContainerMeta, Snapshot};
use crate::source::hostfs::HostRoot;
use serde_json::Value;
use std::collections::HashMap;

const CONTAINERD_TASKS: &str = "run/containerd/io.containerd.runtime.v2.task";

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
                .or_else(|| docker(host, &id))
        });
        p.container_meta = meta.clone();
    }
}
