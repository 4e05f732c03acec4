//! Text fields of a snapshot read from a file are untrusted: the text output prints kernel-shaped
//! `String` fields (state, capabilities, runtime, socket state) as they are, since live data never
//! holds terminal controls there. [`Snapshot::escape_text_fields`] makes that true of any file.

use super::{Snapshot, Unavailable, escape};
use std::collections::BTreeMap;

fn fix(s: &mut String, n: &mut usize) {
    if let std::borrow::Cow::Owned(e) = escape(s) {
        *s = e;
        *n += 1;
    }
}

fn fix_cow(s: &mut std::borrow::Cow<'static, str>, n: &mut usize) {
    if let std::borrow::Cow::Owned(e) = escape(s) {
        *s = e.into();
        *n += 1;
    }
}

fn fix_opt(s: &mut Option<String>, n: &mut usize) {
    if let Some(s) = s {
        fix(s, n);
    }
}

fn fix_keys<V>(m: &mut BTreeMap<String, V>, n: &mut usize) {
    if m.keys()
        .any(|k| matches!(escape(k), std::borrow::Cow::Owned(_)))
    {
        *m = std::mem::take(m)
            .into_iter()
            .map(|(mut k, v)| {
                fix(&mut k, n);
                (k, v)
            })
            .collect();
    }
}

fn fix_reasons(m: &mut BTreeMap<String, Unavailable>, n: &mut usize) {
    fix_keys(m, n);
    for why in m.values_mut() {
        if let Unavailable::Unparsable(d) = why {
            fix(d, n);
        }
    }
}

impl Snapshot {
    /// Escape terminal controls in every `String` field (`Bytes` fields are kept exact: they are
    /// always escaped when shown). Returns how many values were changed. Keep this in step with
    /// the model when a `String` field is added.
    pub fn escape_text_fields(&mut self) -> usize {
        let mut n = 0;
        let m = &mut self.meta;
        fix(&mut m.procscope_version, &mut n);
        fix(&mut m.source, &mut n);
        for s in [&mut m.hostname, &mut m.kernel, &mut m.boot_id] {
            fix_opt(s, &mut n);
        }
        for p in &mut self.processes {
            fix(&mut p.state, &mut n);
            fix_opt(&mut p.cap_eff, &mut n);
            for ids in [&mut p.uid, &mut p.gid] {
                fix_opt(&mut ids.real_name, &mut n);
                fix_opt(&mut ids.effective_name, &mut n);
            }
            for c in std::sync::Arc::make_mut(&mut p.cgroups).iter_mut() {
                c.controllers.iter_mut().for_each(|s| fix(s, &mut n));
            }
            fix_keys(std::sync::Arc::make_mut(&mut p.namespaces), &mut n);
            if let Some(c) = &mut p.container {
                fix(&mut c.runtime, &mut n);
                for s in [&mut c.id, &mut c.pod_uid, &mut c.qos] {
                    fix_opt(s, &mut n);
                }
            }
            fix_reasons(&mut p.unavailable, &mut n);
        }
        for s in &mut self.sockets {
            fix_opt(&mut s.remote_addr, &mut n);
            fix_cow(&mut s.state, &mut n);
            if let Some(t) = &mut s.sock_type {
                fix_cow(t, &mut n);
            }
        }
        for ns in &mut self.netns {
            fix_reasons(&mut ns.unavailable, &mut n);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Container, Process, Snapshot, Unavailable};

    #[test]
    fn controls_in_text_fields_are_escaped_and_clean_ones_kept() {
        let mut p = Process {
            state: "S\u{1b}[2J".into(),
            cap_eff: Some("0000".into()),
            container: Some(Container {
                runtime: "docker\u{9b}".into(),
                ..Container::default()
            }),
            ..Process::default()
        };
        p.unavailable
            .insert("fds\u{202e}".into(), Unavailable::Unparsable("x\ny".into()));
        std::sync::Arc::make_mut(&mut p.namespaces).insert("net".into(), 1);
        let mut s = Snapshot {
            processes: vec![p],
            ..Snapshot::default()
        };
        s.meta.hostname = Some("evil\u{7}".into());
        assert_eq!(s.escape_text_fields(), 5);
        let p = &s.processes[0];
        assert_eq!(p.state, "S\\e[2J");
        assert_eq!(p.container.as_ref().unwrap().runtime, "docker\\x9b");
        assert_eq!(p.cap_eff.as_deref(), Some("0000"));
        assert_eq!(
            p.unavailable.get("fds\\u{202e}"),
            Some(&Unavailable::Unparsable("x\\ny".into()))
        );
        assert_eq!(s.meta.hostname.as_deref(), Some("evil\\x07"));
        assert_eq!(s.escape_text_fields(), 0);
    }
}
