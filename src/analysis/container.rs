//! Container identity from cgroup paths (docker, containerd, cri-o, podman, lxc, nspawn,
//! Kubernetes pods and QoS; cgroup v1 and v2; cgroupfs and systemd drivers), and the
//! "namespaced" mark for processes isolated without a recognised runtime.

use crate::model::{Cgroup, Container, Process};

/// Namespaces of the host's reference process (pid 1 when readable).
#[derive(Debug, Clone, Default)]
pub struct Reference {
    pub mnt: Option<u64>,
    pub pid: Option<u64>,
}

/// True when `p`'s mnt or pid namespace differs from the reference, or its root is not `/`.
pub fn is_namespaced(p: &Process, r: &Reference) -> bool {
    if p.kernel_thread {
        return false;
    }
    let differs = |kind: &str, want: Option<u64>| match (p.namespaces.get(kind), want) {
        (Some(have), Some(want)) => *have != want,
        _ => false,
    };
    let root_moved = p.root.as_ref().is_some_and(|r| r.as_bytes() != b"/");
    differs("mnt", r.mnt) || differs("pid", r.pid) || root_moved
}

fn is_hex_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Strip systemd unit suffixes.
fn unit(c: &str) -> &str {
    c.strip_suffix(".scope")
        .or_else(|| c.strip_suffix(".slice"))
        .unwrap_or(c)
}

/// systemd escapes `-` in unit names as `\x2d`.
fn unescape(s: &str) -> String {
    s.replace("\\x2d", "-")
}

/// What the components of one cgroup path have told so far.
#[derive(Default)]
struct Found {
    kube: bool,
    qos: Option<&'static str>,
    pod: Option<String>,
    runtime: Option<&'static str>,
    id: Option<String>,
}

/// Runtimes whose container cgroup is `<prefix><64-hex id>`.
const PREFIXED: [(&str, &str); 5] = [
    ("cri-containerd-", "containerd"),
    ("docker-", "docker"),
    ("crio-", "cri-o"),
    ("libpod-", "podman"),
    ("nerdctl-", "containerd"),
];

impl Found {
    /// Reads a Kubernetes component (`kubepods…`, a QoS class, `pod<uid>`); false if `c` is none.
    fn kube_component(&mut self, c: &str) -> bool {
        if let Some(rest) = c.strip_prefix("kubepods") {
            self.kube = true;
            // kubepods, kubepods-burstable, kubepods-burstable-pod<uid>, kubepods-pod<uid>
            let rest = rest.trim_start_matches('-');
            let rest = if let Some(r) = rest.strip_prefix("burstable") {
                self.qos = Some("burstable");
                r.trim_start_matches('-')
            } else if let Some(r) = rest.strip_prefix("besteffort") {
                self.qos = Some("besteffort");
                r.trim_start_matches('-')
            } else {
                rest
            };
            if let Some(uid) = rest.strip_prefix("pod") {
                self.pod = Some(uid.replace('_', "-"));
            }
            return true;
        }
        if self.kube && (c == "burstable" || c == "besteffort") {
            self.qos = Some(if c == "burstable" {
                "burstable"
            } else {
                "besteffort"
            });
            return true;
        }
        if self.kube && c.starts_with("pod") && c.len() > 3 {
            self.pod = Some(c[3..].replace('_', "-"));
            return true;
        }
        false
    }

    /// Reads a runtime's container component `c` (the `i`th, under `parent`): its runtime and id.
    fn runtime_component(&mut self, c: &str, parent: &str, i: usize) {
        if let Some((rest, rt)) = PREFIXED
            .iter()
            .find_map(|(p, rt)| Some((c.strip_prefix(p)?, *rt)))
        {
            // conmon helpers sit beside the container; they are not in it.
            if rest.starts_with("conmon-") {
                return;
            }
            if is_hex_id(rest) {
                self.set(rt, rest.to_string());
                return;
            }
        }
        if let Some(name) = c.strip_prefix("lxc.payload.") {
            self.set("lxc", name.to_string());
        } else if parent == "lxc" && i == 1 {
            self.set("lxc", c.to_string());
        } else if let (Some(name), "machine") = (c.strip_prefix("machine-"), parent) {
            self.set("systemd-nspawn", unescape(name));
        } else if is_hex_id(c) {
            let rt = match parent {
                "docker" => "docker",
                "libpod_parent" => "podman",
                _ if self.kube => self.runtime.unwrap_or("kubernetes"),
                _ => "containerd",
            };
            self.set(rt, c.to_string());
        }
    }

    /// Records the runtime and id the component just read names.
    fn set(&mut self, runtime: &'static str, id: String) {
        self.runtime = Some(runtime);
        self.id = Some(id);
    }

    /// The container found, if any: a Kubernetes pod (QoS `guaranteed` unless told) or a runtime's.
    fn container(self) -> Option<Container> {
        if self.kube && self.pod.is_some() {
            return Some(Container {
                runtime: self.runtime.unwrap_or("kubernetes").to_string(),
                id: self.id,
                pod_uid: self.pod,
                qos: Some(self.qos.unwrap_or("guaranteed").to_string()),
            });
        }
        self.runtime.map(|rt| Container {
            runtime: rt.to_string(),
            id: self.id,
            pod_uid: None,
            qos: None,
        })
    }
}

/// Identify the container from one cgroup path.
pub fn identify_path(path: &str) -> Option<Container> {
    let mut found = Found::default();
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    for (i, raw) in comps.iter().enumerate() {
        let c = unit(raw);
        let parent = if i > 0 { unit(comps[i - 1]) } else { "" };
        if !found.kube_component(c) {
            found.runtime_component(c, parent, i);
        }
    }
    found.container()
}

/// Identify the container from all of a process's cgroups: the most specific answer wins
/// (one with a pod and an id over one with less).
pub fn identify(cgroups: &[Cgroup]) -> Option<Container> {
    cgroups
        .iter()
        .filter_map(|c| identify_path(&c.path.lossy()))
        .max_by_key(|c| (c.pod_uid.is_some() as u8) + (c.id.is_some() as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn id(path: &str) -> (String, Option<String>, Option<String>, Option<String>) {
        let c = identify_path(path).expect(path);
        (c.runtime, c.id, c.pod_uid, c.qos)
    }

    #[test]
    fn runtimes_under_both_drivers() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(id(&format!("/docker/{ID}")).0, "docker");
        assert_eq!(
            id(&format!("/system.slice/docker-{ID}.scope")),
            ("docker".into(), s(ID), None, None)
        );
        assert_eq!(id(&format!("/machine.slice/libpod-{ID}.scope")).0, "podman");
        assert_eq!(id("/lxc.payload.web1").1, s("web1"));
        assert_eq!(id("/lxc/web1").0, "lxc");
        assert_eq!(
            id("/machine.slice/machine-my\\x2dbox.scope"),
            ("systemd-nspawn".into(), s("my-box"), None, None)
        );
        assert!(identify_path("/user.slice/user-1000.slice/session-2.scope").is_none());
        assert!(identify_path(&format!("/system.slice/libpod-conmon-{ID}.scope")).is_none());
        assert!(identify_path("/").is_none());
    }

    #[test]
    fn kubernetes_pods_and_qos() {
        let uid = "1b2c3d4e-0000-1111-2222-333344445555";
        let us = uid.replace('-', "_");
        let s = |x: &str| Some(x.to_string());
        let sd = format!(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{us}.slice/cri-containerd-{ID}.scope"
        );
        assert_eq!(
            id(&sd),
            ("containerd".into(), s(ID), s(uid), s("burstable"))
        );
        let fs = format!("/kubepods/besteffort/pod{uid}/{ID}");
        assert_eq!(
            id(&fs),
            ("kubernetes".into(), s(ID), s(uid), s("besteffort"))
        );
        let g = format!("/kubepods/pod{uid}/{ID}");
        assert_eq!(id(&g).3, s("guaranteed"));
        let crio = format!("/kubepods.slice/kubepods-pod{us}.slice/crio-{ID}.scope");
        assert_eq!(id(&crio), ("cri-o".into(), s(ID), s(uid), s("guaranteed")));
    }
}
