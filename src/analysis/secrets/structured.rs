//! Structured values held in one environment variable or argument (a Kubernetes Secret manifest,
//! a kubeconfig, a docker `config.json`, NuGet or Maven settings, an `.npmrc`, an INI or `.env`
//! block): parsed (JSON with serde_json, YAML with serde-saphyr, XML and INI/key=value lines by
//! small linear scanners) into leaf fields, each with its path (`data.password`), its own key
//! name for the name rules, and its byte span in the original value, so that findings and
//! masking cover exactly the inner value. Bounded: size, depth and field caps.

use super::structured_xml;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Values longer than this are not parsed (pattern rules still see them whole).
const MAX_INPUT: usize = 64 * 1024;
/// Nesting deeper than this stops the parse.
const MAX_DEPTH: usize = 16;
/// At most this many fields per value.
pub(crate) const MAX_FIELDS: usize = 256;
/// A leaf is looked for this far past the previous one (keeps the location linear).
const WINDOW: usize = 4096;

/// One leaf of a structured value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// Dotted path inside the value (`users[0].user.token`).
    pub path: String,
    /// The leaf's own key (`token`), matched by the name rules.
    pub key: String,
    /// Byte span of the leaf's value in the original value.
    pub start: usize,
    pub end: usize,
    /// The parsed value, when it could not be located verbatim (escapes, folded scalars): it
    /// is judged on this text and, when a secret, the whole value is its span.
    pub unlocated: Option<String>,
}

/// A parsed JSON or YAML document, maps kept in document order.
enum Node {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Leaf(String),
    Null,
}

struct Seed(usize);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Node;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a document")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Leaf(v))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        if self.0 >= MAX_DEPTH {
            return Err(de::Error::custom("too deep"));
        }
        let mut out = Vec::new();
        while let Some(n) = a.next_element_seed(Seed(self.0 + 1))? {
            out.push(n);
        }
        Ok(Node::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        if self.0 >= MAX_DEPTH {
            return Err(de::Error::custom("too deep"));
        }
        let mut out = Vec::new();
        while let Some(k) = a.next_key_seed(Seed(self.0 + 1))? {
            let v = a.next_value_seed(Seed(self.0 + 1))?;
            let k = match k {
                Node::Leaf(s) => s,
                _ => String::new(),
            };
            out.push((k, v));
        }
        Ok(Node::Map(out))
    }
}

/// Walks a parsed tree in document order, locating each leaf in the original text from a cursor
/// (key first, then value), so repeated strings resolve to their own occurrence.
struct Locator<'a> {
    text: &'a str,
    cursor: usize,
    json: bool,
    out: Vec<Field>,
}

impl Locator<'_> {
    fn find(&mut self, needle: &str) -> Option<(usize, usize)> {
        if needle.is_empty() {
            return None;
        }
        let raw;
        let needle = if self.json {
            raw = serde_json::to_string(needle).unwrap_or_default();
            raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default()
        } else {
            needle
        };
        let hay = self.text.as_bytes().get(self.cursor..)?;
        let hay = &hay[..hay.len().min(needle.len() + WINDOW)];
        let at = memchr::memmem::find(hay, needle.as_bytes())? + self.cursor;
        self.cursor = at + needle.len();
        Some((at, at + needle.len()))
    }

    fn walk(&mut self, n: &Node, path: &str, key: &str) {
        if self.out.len() >= MAX_FIELDS {
            return;
        }
        match n {
            Node::Map(kv) => {
                for (k, v) in kv {
                    self.find(k);
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.walk(v, &p, k);
                }
            }
            Node::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(v, &format!("{path}[{i}]"), key);
                }
            }
            Node::Leaf(s) => {
                // why: a leaf not found verbatim (escapes, folded scalars) is given the whole
                // value as its span: masking then hides too much, never too little.
                let (start, end, unlocated) = match self.find(s) {
                    Some((a, b)) => (a, b, None),
                    None => (0, self.text.len(), Some(s.clone())),
                };
                self.out.push(Field {
                    path: path.to_string(),
                    key: key.to_string(),
                    start,
                    end,
                    unlocated,
                });
            }
            Node::Null => {}
        }
    }
}

fn located(text: &str, n: &Node, json: bool) -> Vec<Field> {
    if !matches!(n, Node::Map(_) | Node::Seq(_)) {
        return Vec::new();
    }
    let mut l = Locator {
        text,
        cursor: 0,
        json,
        out: Vec::new(),
    };
    l.walk(n, "", "");
    l.out
}

/// A `key = value` / `KEY=value` / `[section]` block (INI, `.env`, `.npmrc`, Java properties).
fn ini(text: &str) -> Vec<Field> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let l = line.trim_end_matches(['\n', '\r']);
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_string();
            continue;
        }
        let Some(eq) = l.find('=') else { continue };
        let key = l[..eq].trim();
        let key = key.strip_prefix("export ").unwrap_or(key).trim();
        let keyish = !key.is_empty()
            && key.len() <= 128
            && key
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.-/:@".contains(&c));
        if !keyish {
            continue;
        }
        let raw = &l[eq + 1..];
        let lead = raw.len() - raw.trim_start().len();
        let mut v = raw.trim();
        let mut vs = start + eq + 1 + lead;
        if v.len() >= 2 && (v.starts_with('"') || v.starts_with('\'')) && v.ends_with(&v[..1]) {
            v = &v[1..v.len() - 1];
            vs += 1;
        }
        if v.is_empty() {
            continue;
        }
        let path = if section.is_empty() {
            key.to_string()
        } else {
            format!("{section}.{key}")
        };
        out.push(Field {
            path,
            key: key.rsplit(['/', ':']).next().unwrap_or(key).to_string(),
            start: vs,
            end: vs + v.len(),
            unlocated: None,
        });
        if out.len() >= MAX_FIELDS {
            break;
        }
    }
    out
}

/// A YAML mapping: some line is `key:` or `key: value` at the start.
fn yamlish(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ");
        t.split_once(':').is_some_and(|(k, rest)| {
            !k.is_empty()
                && k.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"_.-\"'".contains(&c))
                && (rest.is_empty() || rest.starts_with(' '))
        })
    })
}

/// The fields of `value` when it is a structured document; empty when it is not.
pub(crate) fn fields(value: &[u8]) -> Vec<Field> {
    if value.len() > MAX_INPUT || value.len() < 8 {
        return Vec::new();
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return Vec::new();
    };
    let t = text.trim_start();
    // why: PEM blocks are handled whole by the private-key rule; their base64 lines are not
    // `key=value` pairs.
    if text.contains("-----BEGIN") && !t.starts_with('{') {
        return Vec::new();
    }
    if t.starts_with('{') || t.starts_with('[') {
        let mut d = serde_json::Deserializer::from_str(text);
        if let Ok(n) = Seed(0).deserialize(&mut d) {
            return located(text, &n, true);
        }
    }
    if t.starts_with('<') {
        return structured_xml::fields(text);
    }
    if !text.contains('\n') {
        return Vec::new();
    }
    let kv = ini(text);
    if !kv.is_empty() {
        return kv;
    }
    if yamlish(text)
        && let Ok(n) = serde_saphyr::from_str::<YamlDoc>(text)
    {
        return located(text, &n.0, false);
    }
    Vec::new()
}

/// A YAML document as a [`Node`] (serde-saphyr drives a plain `Deserialize`).
struct YamlDoc(Node);

impl<'de> serde::Deserialize<'de> for YamlDoc {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Seed(0).deserialize(d).map(YamlDoc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leafs(v: &str) -> Vec<(String, String, String)> {
        fields(v.as_bytes())
            .into_iter()
            .map(|f| (f.path, f.key, v[f.start..f.end].to_string()))
            .collect()
    }

    #[test]
    fn json_yaml_ini_paths_and_spans() {
        let j = leafs(r#"{"db": {"user": "app", "password": "app"}, "n": 5}"#);
        assert!(
            j.contains(&("db.password".into(), "password".into(), "app".into())),
            "{j:?}"
        );
        let y =
            leafs("kind: Secret\ndata:\n  token: c2VjcmV0\nstringData:\n  password: \"pw-9x\"\n");
        assert!(
            y.contains(&("data.token".into(), "token".into(), "c2VjcmV0".into())),
            "{y:?}"
        );
        assert!(y.contains(&(
            "stringData.password".into(),
            "password".into(),
            "pw-9x".into()
        )));
        let k = leafs("users:\n- name: a\n  user:\n    token: abc123\n");
        assert!(
            k.contains(&(
                "users[0].user.token".into(),
                "token".into(),
                "abc123".into()
            )),
            "{k:?}"
        );
        let i = leafs("[database]\nhost = db\npassword = 'hunter22'\n");
        assert!(
            i.contains(&(
                "database.password".into(),
                "password".into(),
                "hunter22".into()
            )),
            "{i:?}"
        );
        let n = leafs("registry=https://r/\n//r.io/:_authToken=tok123\n");
        assert!(
            n.contains(&(
                "//r.io/:_authToken".into(),
                "_authToken".into(),
                "tok123".into()
            )),
            "{n:?}"
        );
    }

    #[test]
    fn not_structured_and_bounded() {
        assert!(fields(b"just a plain value").is_empty());
        assert!(
            fields(b"-----BEGIN RSA PRIVATE KEY-----\nMIIEab==\n-----END RSA PRIVATE KEY-----")
                .is_empty()
        );
        let deep = format!("{}1{}", "[".repeat(500), "]".repeat(500));
        assert!(fields(deep.as_bytes()).is_empty());
        let many: String = (0..1000).map(|i| format!("k{i}=v{i}\n")).collect();
        assert_eq!(fields(many.as_bytes()).len(), MAX_FIELDS);
        assert!(fields("a=b\n".repeat(20000).as_bytes()).is_empty());
    }
}
