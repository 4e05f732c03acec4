//! A process's environment block exactly as the kernel holds it: one shared byte buffer,
//! iterated in kernel order (duplicates and entries without `=` kept).

use super::EnvEntry;
use super::bytes::serialize_bytes;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// The environ block: entries each followed by a NUL, in one reference-counted buffer, so a
/// snapshot costs one allocation per process (not two per variable) and a refresh can share an
/// unchanged block with the previous snapshot. JSON: a list of `{name, value}` (value `null`
/// for an entry without `=`), as before.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Environ(Arc<[u8]>);

/// One entry, borrowed from the block. `value` is `None` for an entry without `=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvVar<'a> {
    pub name: &'a [u8],
    pub value: Option<&'a [u8]>,
}

impl EnvVar<'_> {
    /// An owned copy.
    pub fn to_entry(&self) -> EnvEntry {
        EnvEntry {
            name: self.name.into(),
            value: self.value.map(Into::into),
        }
    }
}

impl Environ {
    /// From the bytes of `/proc/PID/environ`: entries separated by NUL, the last NUL optional.
    pub fn from_raw(buf: &[u8]) -> Environ {
        if buf.is_empty() || buf.ends_with(&[0]) {
            Environ(Arc::from(buf))
        } else {
            let mut v = Vec::with_capacity(buf.len() + 1);
            v.extend_from_slice(buf);
            v.push(0);
            Environ(Arc::from(v))
        }
    }

    /// From entries in order (a name holding `=` is split there when read back, as the
    /// kernel's block would be).
    pub fn from_vars<'a>(vars: impl IntoIterator<Item = EnvVar<'a>>) -> Environ {
        let mut v = Vec::new();
        for e in vars {
            v.extend_from_slice(e.name);
            if let Some(val) = e.value {
                v.push(b'=');
                v.extend_from_slice(val);
            }
            v.push(0);
        }
        Environ(Arc::from(v))
    }

    /// Whether `buf`, as read from `/proc/PID/environ`, holds exactly these entries.
    pub fn is_raw(&self, buf: &[u8]) -> bool {
        let me = &self.0[..];
        me == buf || (!buf.ends_with(&[0]) && me.strip_suffix(&[0]) == Some(buf))
    }

    /// The block, each entry followed by a NUL.
    pub fn raw(&self) -> &[u8] {
        &self.0
    }

    /// The entries in kernel order.
    pub fn iter(&self) -> EnvIter<'_> {
        let body = self.0.strip_suffix(&[0]).unwrap_or(&self.0);
        EnvIter {
            rest: (!self.0.is_empty()).then_some(body),
        }
    }

    /// Entry `i`, in kernel order.
    pub fn get(&self, i: usize) -> Option<EnvVar<'_>> {
        self.iter().nth(i)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        if self.0.is_empty() {
            0
        } else {
            self.0.iter().filter(|&&b| b == 0).count()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether both are the same shared buffer (not only equal bytes).
    pub fn shares(&self, other: &Environ) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The same entries with some values replaced: `f` gets each entry's index and returns a
    /// new value for it, or `None` to keep it. Returns `self` unchanged (shared) when nothing
    /// was replaced.
    pub fn map_values(&self, mut f: impl FnMut(usize, EnvVar<'_>) -> Option<Vec<u8>>) -> Environ {
        self.map_entries(|i, e| {
            let v = f(i, e)?;
            let mut entry = e.name.to_vec();
            entry.push(b'=');
            entry.extend_from_slice(&v);
            Some(entry)
        })
    }

    /// The same entries with some replaced whole: `f` returns the new `NAME=value` text (no
    /// NUL) of an entry, or `None` to keep it. Shares `self` when nothing was replaced.
    pub fn map_entries(&self, mut f: impl FnMut(usize, EnvVar<'_>) -> Option<Vec<u8>>) -> Environ {
        let mut out: Option<Vec<u8>> = None;
        for (i, e) in self.iter().enumerate() {
            let new = f(i, e);
            if new.is_none() && out.is_none() {
                continue;
            }
            let buf = out.get_or_insert_with(|| {
                let done: usize = self.iter().take(i).map(|e| entry_len(&e)).sum();
                self.0[..done].to_vec()
            });
            match new {
                Some(entry) => buf.extend(entry.into_iter().filter(|&b| b != 0)),
                None => {
                    buf.extend_from_slice(e.name);
                    if let Some(v) = e.value {
                        buf.push(b'=');
                        buf.extend_from_slice(v);
                    }
                }
            }
            buf.push(0);
        }
        match out {
            Some(v) => Environ(Arc::from(v)),
            None => self.clone(),
        }
    }
}

/// Iterator over the entries of an [`Environ`].
#[derive(Clone, Debug)]
pub struct EnvIter<'a> {
    /// What is left to split, `None` once the last entry was returned.
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for EnvIter<'a> {
    type Item = EnvVar<'a>;

    fn next(&mut self) -> Option<EnvVar<'a>> {
        let rest = self.rest?;
        let (e, tail) = match rest.iter().position(|&b| b == 0) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        self.rest = tail;
        Some(match e.iter().position(|&b| b == b'=') {
            Some(i) => EnvVar {
                name: &e[..i],
                value: Some(&e[i + 1..]),
            },
            None => EnvVar {
                name: e,
                value: None,
            },
        })
    }
}

impl<'a> IntoIterator for &'a Environ {
    type Item = EnvVar<'a>;
    type IntoIter = EnvIter<'a>;

    fn into_iter(self) -> EnvIter<'a> {
        self.iter()
    }
}

/// Bytes `e` takes in the block, its NUL included.
fn entry_len(e: &EnvVar<'_>) -> usize {
    e.name.len() + e.value.map_or(0, |v| v.len() + 1) + 1
}

impl From<Vec<EnvEntry>> for Environ {
    fn from(v: Vec<EnvEntry>) -> Environ {
        v.into_iter().collect()
    }
}

impl FromIterator<EnvEntry> for Environ {
    fn from_iter<I: IntoIterator<Item = EnvEntry>>(it: I) -> Environ {
        let owned: Vec<EnvEntry> = it.into_iter().collect();
        Environ::from_vars(owned.iter().map(|e| EnvVar {
            name: e.name.as_bytes(),
            value: e.value.as_ref().map(|v| v.as_bytes()),
        }))
    }
}

impl fmt::Debug for Environ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|e| {
                (
                    String::from_utf8_lossy(e.name),
                    e.value.map(String::from_utf8_lossy),
                )
            }))
            .finish()
    }
}

/// `{name, value}` with the same byte encoding as [`super::Bytes`].
struct VarJson<'a>(EnvVar<'a>);

impl Serialize for VarJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct B<'a>(&'a [u8]);
        impl Serialize for B<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serialize_bytes(self.0, s)
            }
        }
        let mut st = s.serialize_struct("EnvEntry", 2)?;
        st.serialize_field("name", &B(self.0.name))?;
        st.serialize_field("value", &self.0.value.map(B))?;
        st.end()
    }
}

impl Serialize for Environ {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for e in self.iter() {
            seq.serialize_element(&VarJson(e))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Environ {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<EnvEntry>::deserialize(d)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(e: &Environ) -> Vec<(String, Option<String>)> {
        e.iter()
            .map(|v| {
                (
                    String::from_utf8_lossy(v.name).into_owned(),
                    v.value.map(|x| String::from_utf8_lossy(x).into_owned()),
                )
            })
            .collect()
    }

    #[test]
    fn kernel_order_duplicates_and_bare_entries_are_kept() {
        let e = Environ::from_raw(b"A=1\0B\0A=2\0C==x\0");
        assert_eq!(
            names(&e),
            vec![
                ("A".into(), Some("1".into())),
                ("B".into(), None),
                ("A".into(), Some("2".into())),
                ("C".into(), Some("=x".into())),
            ]
        );
        assert_eq!(e.len(), 4);
        assert_eq!(e.get(2).unwrap().value, Some(&b"2"[..]));
    }

    #[test]
    fn missing_final_nul_empty_block_and_empty_entries() {
        let e = Environ::from_raw(b"A=1\0B");
        assert_eq!(e.raw(), b"A=1\0B\0");
        assert!(e.is_raw(b"A=1\0B") && e.is_raw(b"A=1\0B\0"));
        assert!(!e.is_raw(b"A=1\0B\0\0") && !e.is_raw(b"A=1\0") && !e.is_raw(b""));
        let empty = Environ::from_raw(b"");
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.iter().count(), 0);
        // One empty entry, then two: the same count whichever way it is built.
        let one = Environ::from_raw(b"\0");
        assert_eq!((one.len(), one.iter().count()), (1, 1));
        let three = Environ::from_raw(b"A\0\0\0");
        assert_eq!((three.len(), three.iter().count()), (3, 3));
    }

    #[test]
    fn json_round_trip_is_the_entry_list() {
        let e = Environ::from_raw(b"A=1\0B\0X=\xff\0");
        let j = serde_json::to_string(&e).unwrap();
        assert!(j.starts_with(r#"[{"name":"A","value":"1"},{"name":"B","value":null},"#));
        assert!(j.contains(r#""hex":"ff""#), "{j}");
        let back: Environ = serde_json::from_str(&j).unwrap();
        assert_eq!(back, e);
        let empty: Environ = serde_json::from_str("[]").unwrap();
        assert_eq!(empty, Environ::from_raw(b""));
    }

    #[test]
    fn map_values_replaces_only_what_it_is_asked_to_and_shares_otherwise() {
        let e = Environ::from_raw(b"A=1\0T=secret\0B\0");
        let same = e.map_values(|_, _| None);
        assert!(same.shares(&e));
        let masked = e.map_values(|i, v| (i == 1).then(|| vec![b'*'; v.value.unwrap().len()]));
        assert_eq!(masked.raw(), b"A=1\0T=******\0B\0");
        assert!(!masked.shares(&e));
    }
}
