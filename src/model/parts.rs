//! Which parts of a process (and of the snapshot) a scan read, so that a field the scan did not
//! collect is shown as "not collected", never as empty, zero or denied.

use serde::{Deserialize, Serialize};

/// The parts of `/proc/PID` beyond the tree's own fields (`stat`, `status`, `cmdline`, always
/// read). A snapshot file without this record was a full scan: every part defaults to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Parts {
    /// The `exe`, `cwd` and `root` links (and `loginuid`).
    pub links: bool,
    /// The `root` link alone (what the tree's marks need), when not all `links`.
    pub root: bool,
    /// `environ` (and so the secret scan of it).
    pub environ: bool,
    /// `cgroup` (and so container identity).
    pub cgroups: bool,
    /// Every `ns/*` link. Without it a scan that reads sockets still reads `ns/net`.
    pub namespaces: bool,
    /// The fd table, each fd classified.
    pub fds: bool,
    /// Each path fd's target stat'ed (dirs, devices and FIFOs told from files) and the
    /// `fdinfo` flags of file fds. Only meaningful with `fds`.
    pub fd_detail: bool,
    /// `task/`: thread names and what each thread is doing.
    pub threads: bool,
    /// The socket tables of every network namespace, joined to the fds.
    pub sockets: bool,
    /// The cross-view search for processes hidden from the `/proc` listing.
    pub hidden: bool,
}

impl Default for Parts {
    fn default() -> Self {
        Parts::ALL
    }
}

impl Parts {
    /// Everything: `snapshot`, `detect`, `diff`, `record` and the TUI's last stage.
    pub const ALL: Parts = Parts {
        links: true,
        root: true,
        environ: true,
        cgroups: true,
        namespaces: true,
        fds: true,
        fd_detail: true,
        threads: true,
        sockets: true,
        hidden: true,
    };

    /// Only the tree's own fields (the TUI's first stage).
    pub const NONE: Parts = Parts {
        links: false,
        root: false,
        environ: false,
        cgroups: false,
        namespaces: false,
        fds: false,
        fd_detail: false,
        threads: false,
        sockets: false,
        hidden: false,
    };

    /// Whether every part was read.
    pub fn is_all(&self) -> bool {
        *self == Parts::ALL
    }

    /// The parts both `self` and `other` read.
    pub fn both(self, other: Parts) -> Parts {
        Parts {
            links: self.links && other.links,
            root: self.root && other.root,
            environ: self.environ && other.environ,
            cgroups: self.cgroups && other.cgroups,
            namespaces: self.namespaces && other.namespaces,
            fds: self.fds && other.fds,
            fd_detail: self.fd_detail && other.fd_detail,
            threads: self.threads && other.threads,
            sockets: self.sockets && other.sockets,
            hidden: self.hidden && other.hidden,
        }
    }

    /// Whether the field named as in `Process::unavailable` (`exe`, `environ`, `ns.mnt`,
    /// `fds`, ...) was read. Fields of the tree's own files always were.
    pub fn has_field(&self, field: &str) -> bool {
        match field {
            "exe" | "cwd" => self.links,
            "root" => self.links || self.root,
            "environ" => self.environ,
            "cgroup" => self.cgroups,
            "fds" => self.fds,
            "threads" => self.threads,
            "ns.net" => self.namespaces || self.sockets,
            f if f.starts_with("ns.") => self.namespaces,
            _ => true,
        }
    }

    /// The names of the parts not read, for a "not collected: ..." line.
    pub fn missing(&self) -> Vec<&'static str> {
        let all = [
            (self.links || self.root, "exe/cwd/root"),
            (self.links || !self.root, "exe/cwd"),
            (self.environ, "environ"),
            (self.cgroups, "cgroups"),
            (self.namespaces, "namespaces"),
            (self.fds, "fds"),
            (!self.fds || self.fd_detail, "fd kinds"),
            (self.threads, "threads"),
            (self.sockets, "sockets"),
            (self.hidden, "hidden-process check"),
        ];
        all.into_iter()
            .filter(|(on, _)| !on)
            .map(|(_, n)| n)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_map_to_their_parts() {
        let tree = Parts {
            namespaces: true,
            cgroups: true,
            ..Parts::NONE
        };
        assert!(tree.has_field("ns.mnt") && tree.has_field("cgroup"));
        assert!(!tree.has_field("environ") && !tree.has_field("exe") && !tree.has_field("fds"));
        assert!(tree.has_field("status") && tree.has_field("cmdline"));
        let sockets = Parts {
            fds: true,
            sockets: true,
            ..Parts::NONE
        };
        assert!(sockets.has_field("ns.net") && !sockets.has_field("ns.pid"));
        assert_eq!(
            sockets.missing(),
            [
                "exe/cwd/root",
                "environ",
                "cgroups",
                "namespaces",
                "fd kinds",
                "threads",
                "hidden-process check"
            ]
        );
        assert!(Parts::ALL.missing().is_empty() && Parts::default().is_all());
        assert_eq!(Parts::ALL.both(tree), tree);
    }

    #[test]
    fn a_record_without_parts_reads_as_a_full_scan() {
        let p: Parts = serde_json::from_str("{}").unwrap_or(Parts::NONE);
        assert!(p.is_all());
        let p: Parts = serde_json::from_str(r#"{"fds":false}"#).unwrap_or(Parts::ALL);
        assert!(!p.fds && p.environ);
    }
}
