//! A small linear XML scan for settings files (NuGet.config, Maven settings.xml): element text
//! (`<password>v</password>`), attributes (`password="v"`), and NuGet's `<add key="K"
//! value="V"/>` read as field `K` holding `V`, each with its element path and byte span.
//! Comments, processing instructions, doctypes and CDATA are skipped or read as text.

use super::structured::{Field, MAX_FIELDS};

/// Deeper elements are not tracked in the path.
const MAX_DEPTH: usize = 32;

/// (name, value start, value end) of each attribute in a tag's inside.
fn attributes(tag: &str, base: usize) -> Vec<(String, usize, usize)> {
    let b = tag.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && !(b[i].is_ascii_alphabetic() || b[i] == b'_') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_-.:".contains(&b[i])) {
            i += 1;
        }
        let name = &tag[ns..i];
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue;
        }
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let Some(&q) = b.get(i).filter(|q| **q == b'"' || **q == b'\'') else {
            continue;
        };
        let vs = i + 1;
        let Some(len) = b[vs..].iter().position(|c| *c == q) else {
            break;
        };
        out.push((name.to_string(), base + vs, base + vs + len));
        i = vs + len + 1;
    }
    out
}

/// Scanner state: the open elements, and the one whose text is being read.
struct Scan<'a> {
    text: &'a str,
    out: Vec<Field>,
    stack: Vec<String>,
    /// (element, where its text starts) while no child element has opened.
    open_text: Option<(String, usize)>,
}

impl Scan<'_> {
    fn path(&self, leaf: &str) -> String {
        let mut p = self.stack.join(".");
        if !p.is_empty() {
            p.push('.');
        }
        p.push_str(leaf);
        p
    }

    fn push(&mut self, path: String, key: String, start: usize, end: usize) {
        if end > start && self.out.len() < MAX_FIELDS {
            self.out.push(Field {
                path,
                key,
                start,
                end,
                unlocated: None,
            });
        }
    }

    /// `</name>` at `lt`: a text-only element becomes a field.
    fn close(&mut self, name: &str, lt: usize) {
        if let Some((el, ts)) = self.open_text.take()
            && el == name
        {
            let raw = &self.text[ts..lt];
            let mut s = ts + raw.len() - raw.trim_start().len();
            let mut t = raw.trim();
            if let Some(x) = t
                .strip_prefix("<![CDATA[")
                .and_then(|x| x.strip_suffix("]]>"))
            {
                t = x;
                s += "<![CDATA[".len();
            }
            if !t.is_empty() && !t.contains('<') {
                self.stack.pop();
                self.push(self.path(name), name.to_string(), s, s + t.len());
                return;
            }
        }
        if self.stack.last().is_some_and(|l| l == name) {
            self.stack.pop();
        }
    }

    /// `<name attr="v" ...>` (`inner` without the brackets) at `lt`, its text starting at
    /// `after`. `false` when the name is not an XML name (the value is not XML).
    fn open(&mut self, inner: &str, lt: usize, after: usize) -> bool {
        let self_closing = inner.ends_with('/');
        let body = inner.trim_end_matches('/');
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(body.len());
        let name = &body[..name_end];
        let xml_name = |n: &str| {
            !n.is_empty()
                && n.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"_-.:".contains(&c))
        };
        if !xml_name(name) {
            return false;
        }
        let attrs = attributes(&body[name_end..], lt + 1 + name_end);
        let key_attr = attrs.iter().find(|a| a.0 == "key");
        let value_attr = attrs.iter().find(|a| a.0 == "value");
        if let (Some(k), Some(v)) = (key_attr, value_attr) {
            let key = self.text[k.1..k.2].to_string();
            self.push(self.path(&key), key, v.1, v.2);
        } else {
            for (an, s, e) in &attrs {
                self.push(self.path(&format!("{name}@{an}")), an.clone(), *s, *e);
            }
        }
        self.open_text = None;
        if !self_closing && self.stack.len() < MAX_DEPTH {
            self.stack.push(name.to_string());
            self.open_text = Some((name.to_string(), after));
        }
        true
    }
}

/// The fields of an XML document (empty when it does not scan as XML).
pub(crate) fn fields(text: &str) -> Vec<Field> {
    const SKIP: [(&str, &str); 4] = [
        ("<!--", "-->"),
        ("<?", "?>"),
        ("<![CDATA[", "]]>"),
        ("<!", ">"),
    ];
    let mut sc = Scan {
        text,
        out: Vec::new(),
        stack: Vec::new(),
        open_text: None,
    };
    let mut pos = 0;
    while let Some(lt) = text[pos..].find('<').map(|i| pos + i) {
        if sc.out.len() >= MAX_FIELDS {
            break;
        }
        let rest = &text[lt..];
        if let Some((_, c)) = SKIP.iter().find(|(o, _)| rest.starts_with(o)) {
            let Some(end) = rest.find(c) else { break };
            pos = lt + end + c.len();
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let inner = &rest[1..gt];
        pos = lt + gt + 1;
        if let Some(name) = inner.strip_prefix('/') {
            sc.close(name.trim(), lt);
        } else if !sc.open(inner, lt, pos) {
            return Vec::new();
        }
    }
    sc.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leafs(v: &str) -> Vec<(String, String, String)> {
        fields(v)
            .into_iter()
            .map(|f| (f.path, f.key, v[f.start..f.end].to_string()))
            .collect()
    }

    #[test]
    fn nuget_maven_and_attributes() {
        let n = leafs(
            "<?xml version=\"1.0\"?><configuration><packageSourceCredentials><acme>\
            <add key=\"Username\" value=\"bob\" /><add key=\"ClearTextPassword\" value=\"pw&amp;1\" />\
            </acme></packageSourceCredentials></configuration>",
        );
        assert!(
            n.contains(&(
                "configuration.packageSourceCredentials.acme.ClearTextPassword".into(),
                "ClearTextPassword".into(),
                "pw&amp;1".into()
            )),
            "{n:?}"
        );
        let m = leafs(
            "<settings><servers><server><id>r</id><password> s3cr3t </password></server></servers></settings>",
        );
        assert!(
            m.contains(&(
                "settings.servers.server.password".into(),
                "password".into(),
                "s3cr3t".into()
            )),
            "{m:?}"
        );
        let a = leafs("<!-- c --><conn password='x9y8z7' host=\"db\"/>");
        assert!(
            a.contains(&("conn@password".into(), "password".into(), "x9y8z7".into())),
            "{a:?}"
        );
        assert!(fields("<<<>>>").is_empty());
        assert!(fields("< a").is_empty());
    }
}
