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

/// Identify the container from one cgroup path.
pub fn identify_path(path: &str) -> Option<Container> {
    let mut kube = false;
    let mut qos: Option<&str> = None;
    let mut pod: Option<String> = None;
    let mut runtime: Option<&str> = None;
    let mut id: Option<String> = None;
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    for (i, raw) in comps.iter().enumerate() {
        let c = unit(raw);
        let parent = if i > 0 { unit(comps[i - 1]) } else { "" };
        if let Some(rest) = c.strip_prefix("kubepods") {
            kube = true;
            // kubepods, kubepods-burstable, kubepods-burstable-pod<uid>, kubepods-pod<uid>
            let rest = rest.trim_start_matches('-');
            let rest = if let Some(r) = rest.strip_prefix("burstable") {
                qos = Some("burstable");
                r.trim_start_matches('-')
            } else if let Some(r) = rest.strip_prefix("besteffort") {
                qos = Some("besteffort");
                r.trim_start_matches('-')
            } else {
                rest
            };
            if let Some(uid) = rest.strip_prefix("pod") {
                pod = Some(uid.replace('_', "-"));
            }
            continue;
        }
        if kube && (c == "burstable" || c == "besteffort") {
            qos = Some(if c == "burstable" {
                "burstable"
            } else {
                "besteffort"
            });
            continue;
        }
        if kube && c.starts_with("pod") && c.len() > 3 {
            pod = Some(c[3..].replace('_', "-"));
            continue;
        }
        let prefixed = [
            ("cri-containerd-", "containerd"),
            ("docker-", "docker"),
            ("crio-", "cri-o"),
            ("libpod-", "podman"),
            ("nerdctl-", "containerd"),
        ];
        if let Some((rest, rt)) = prefixed
            .iter()
            .find_map(|(p, rt)| Some((c.strip_prefix(p)?, *rt)))
        {
            // conmon helpers sit beside the container; they are not in it.
            if rest.starts_with("conmon-") {
                continue;
            }
            if is_hex_id(rest) {
                runtime = Some(rt);
                id = Some(rest.to_string());
                continue;
            }
        }
        if let Some(name) = c.strip_prefix("lxc.payload.") {
            runtime = Some("lxc");
            id = Some(name.to_string());
            continue;
        }
        if parent == "lxc" && i == 1 {
            runtime = Some("lxc");
            id = Some(c.to_string());
            continue;
        }
        if let (Some(name), "machine") = (c.strip_prefix("machine-"), parent) {
            runtime = Some("systemd-nspawn");
            id = Some(unescape(name));
            continue;
        }
        if is_hex_id(c) {
            id = Some(c.to_string());
            runtime = Some(match parent {
                "docker" => "docker",
                "libpod_parent" => "podman",
                _ if kube => runtime.unwrap_or("kubernetes"),
                _ => "containerd",
            });
        }
    }
    if kube && pod.is_some() {
        return Some(Container {
            runtime: runtime.unwrap_or("kubernetes").to_string(),
            id,
            pod_uid: pod,
            qos: Some(qos.unwrap_or("guaranteed").to_string()),
        });
    }
    runtime.map(|rt| Container {
        runtime: rt.to_string(),
        id,
        pod_uid: None,
        qos: None,
    })
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
