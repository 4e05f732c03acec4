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

/// The fields of an XML document (empty when it does not scan as XML).
pub(crate) fn fields(text: &str) -> Vec<Field> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    // (element, where its text starts) while no child element has opened.
    let mut open_text: Option<(String, usize)> = None;
    let mut pos = 0;
    let path = |stack: &[String], leaf: &str| {
        let mut p = stack.join(".");
        if !leaf.is_empty() {
            if !p.is_empty() {
                p.push('.');
            }
            p.push_str(leaf);
        }
        p
    };
    while let Some(lt) = text[pos..].find('<').map(|i| pos + i) {
        let rest = &text[lt..];
        let skip = [
            ("<!--", "-->"),
            ("<?", "?>"),
            ("<![CDATA[", "]]>"),
            ("<!", ">"),
        ]
        .iter()
        .find(|(o, _)| rest.starts_with(o));
        if let Some((_, c)) = skip {
            let Some(end) = rest.find(c) else { break };
            pos = lt + end + c.len();
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let inner = &rest[1..gt];
        let after = lt + gt + 1;
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim();
            if let Some((el, ts)) = open_text.take()
                && el == name
            {
                let raw = &text[ts..lt];
                let t = raw.trim();
                let t = t
                    .strip_prefix("<![CDATA[")
                    .and_then(|x| x.strip_suffix("]]>"))
                    .unwrap_or(t);
                if !t.is_empty() && !t.contains('<') {
                    let s = ts + raw.find(t).unwrap_or(0);
                    stack.pop();
                    out.push(Field {
                        path: path(&stack, name),
                        key: name.to_string(),
                        start: s,
                        end: s + t.len(),
                    });
                    pos = after;
                    if out.len() >= MAX_FIELDS {
                        break;
                    }
                    continue;
                }
            }
            if stack.last().is_some_and(|l| l == name) {
                stack.pop();
            }
            pos = after;
            continue;
        }
        let self_closing = inner.ends_with('/');
        let body = inner.trim_end_matches('/');
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(body.len());
        let name = &body[..name_end];
        if name.is_empty()
            || !name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_-.:".contains(&c))
        {
            return Vec::new();
        }
        let attrs = attributes(&body[name_end..], lt + 1 + name_end);
        let key_attr = attrs.iter().find(|a| a.0 == "key");
        let value_attr = attrs.iter().find(|a| a.0 == "value");
        if let (Some(k), Some(v)) = (key_attr, value_attr) {
            let key = text[k.1..k.2].to_string();
            if v.2 > v.1 {
                out.push(Field {
                    path: path(&stack, &key),
                    key,
                    start: v.1,
                    end: v.2,
                });
            }
        } else {
            for (an, s, e) in &attrs {
                if e > s {
                    out.push(Field {
                        path: path(&stack, &format!("{name}@{an}")),
                        key: an.clone(),
                        start: *s,
                        end: *e,
                    });
                }
            }
        }
        if out.len() >= MAX_FIELDS {
            break;
        }
        open_text = None;
        if !self_closing && stack.len() < MAX_DEPTH {
            stack.push(name.to_string());
            open_text = Some((name.to_string(), after));
        }
        pos = after;
    }
    out.truncate(MAX_FIELDS);
    out
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
