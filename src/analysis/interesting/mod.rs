//! The interesting-paths list (`assets/interesting.yaml`): what a responder looks at first in a
//! container root, and which of those files hold secrets. Parsing and matching here are pure;
//! the walks inside a root are `collect::interesting`.

use serde::Deserialize;

/// The list built into the binary.
pub const BUILTIN: &str = include_str!("../../../assets/interesting.yaml");

/// A list of path patterns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterestingList {
    pub paths: Vec<Pattern>,
}

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// Absolute path inside the root, or `~/...` for every home directory; `*` inside a
    /// component matches any run of characters.
    pub path: String,
    /// Short label of what this is.
    pub what: String,
    /// The content is a secret, masked unless `--reveal`.
    #[serde(default)]
    pub sensitive: bool,
    /// How a sensitive file is masked: `whole` (default) or `values` (the file is shown with the
    /// secret values in it masked, like a database of many objects).
    #[serde(default)]
    pub mask: MaskMode,
    /// On a directory: report the executable regular files below it.
    #[serde(default)]
    pub executables: bool,
}

/// How a sensitive file's content is masked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaskMode {
    #[default]
    Whole,
    Values,
}

impl Pattern {
    /// Whether a file this entry leads to is masked whole.
    pub fn masks_whole(&self) -> bool {
        self.sensitive && self.mask == MaskMode::Whole
    }
}

/// A list that could not be used, in one line.
#[derive(Debug, thiserror::Error)]
#[error("interesting-paths list: {0}")]
pub struct ListError(String);

impl InterestingList {
    /// The built-in list.
    pub fn builtin() -> Result<Self, ListError> {
        Self::parse(BUILTIN)
    }

    /// Parse and check a YAML list.
    pub fn parse(text: &str) -> Result<Self, ListError> {
        let list: InterestingList = serde_saphyr::from_str(text)
            .map_err(|e| ListError(e.to_string().replace('\n', " ")))?;
        for p in &list.paths {
            check_pattern(&p.path).map_err(|why| ListError(format!("{:?}: {why}", p.path)))?;
        }
        Ok(list)
    }
}

fn check_pattern(path: &str) -> Result<(), &'static str> {
    let rest = path
        .strip_prefix("~/")
        .or_else(|| path.strip_prefix('/'))
        .ok_or("must start with / or ~/")?;
    if path.contains('\0') {
        return Err("contains a NUL byte");
    }
    if rest.split('/').any(|c| c == "." || c == "..") {
        return Err("must not contain . or .. components");
    }
    Ok(())
}

/// Whether `name` matches the one-component glob `pat` (`*` matches any run of bytes).
pub fn glob_match(pat: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pat.len() && pat[p] == b'*' {
            star = Some((p, n));
            p += 1;
        } else if p < pat.len() && pat[p] == name[n] {
            p += 1;
            n += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&b| b == b'*')
}

/// The non-empty components of a path.
pub fn components(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|&b| b == b'/').filter(|c| !c.is_empty())
}

/// Whether absolute `path` matches absolute glob `pattern`, component by component.
pub fn path_matches(pattern: &[u8], path: &[u8]) -> bool {
    let mut pat = components(pattern);
    let mut got = components(path);
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return true,
            (Some(p), Some(g)) if glob_match(p, g) => {}
            _ => return false,
        }
    }
}

/// The pattern's absolute forms: itself, or one per home directory for a `~/` pattern.
pub fn expand_home(pattern: &str, homes: &[Vec<u8>]) -> Vec<Vec<u8>> {
    match pattern.strip_prefix("~/") {
        None => vec![pattern.as_bytes().to_vec()],
        Some(rest) => homes
            .iter()
            .map(|h| {
                let mut p = h.clone();
                if !p.ends_with(b"/") {
                    p.push(b'/');
                }
                p.extend_from_slice(rest.as_bytes());
                p
            })
            .collect(),
    }
}

/// Home directories named in a passwd file (6th field), absolute ones only, in file order.
pub fn homes_from_passwd(passwd: &[u8]) -> Vec<Vec<u8>> {
    passwd
        .split(|&b| b == b'\n')
        .filter_map(|line| line.split(|&b| b == b':').nth(5))
        .filter(|h| h.starts_with(b"/"))
        .map(<[u8]>::to_vec)
        .collect()
}

/// Whether content looks like a secret whatever its path: a PEM private key or a JWT.
pub fn looks_secret(content: &[u8]) -> bool {
    let pem = content.windows(16).any(|w| w == b"PRIVATE KEY-----");
    let text = content.trim_ascii();
    let jwt = text.starts_with(b"eyJ")
        && text.iter().filter(|&&b| b == b'.').count() == 2
        && text
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='));
    pem || jwt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_parses_and_covers_the_issue() {
        let l = InterestingList::builtin().unwrap();
        let has = |p: &str| l.paths.iter().any(|x| x.path == p);
        assert!(has("/var/run/secrets/kubernetes.io/serviceaccount/token"));
        assert!(has(
            "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
        ));
        assert!(has("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"));
        assert!(has("/etc/shadow") && has("/etc/passwd") && has("/etc/kubernetes/pki"));
        assert!(has("~/.bash_history") && has("~/.aws/credentials") && has("~/.kube/config"));
        assert!(has("~/.docker/config.json") && has("~/.git-credentials") && has("~/.ssh/*"));
        assert!(l.paths.iter().any(|p| p.path == "/tmp" && p.executables));
        assert!(
            l.paths
                .iter()
                .any(|p| p.path == "/dev/shm" && p.executables)
        );
        let token = l.paths.iter().find(|p| p.path.ends_with("account/token"));
        assert!(token.unwrap().sensitive);
    }

    #[test]
    fn bad_lists_are_refused_in_one_line() {
        for bad in [
            "paths:\n  - path: etc/passwd\n    what: x\n",
            "paths:\n  - path: /etc/../x\n    what: x\n",
            "paths:\n  - path: /x\n    what: x\n    colour: red\n",
            "paths: [",
        ] {
            let e = InterestingList::parse(bad).unwrap_err().to_string();
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn globs_match_within_one_component() {
        assert!(glob_match(b"*.key", b"apiserver.key"));
        assert!(!glob_match(b"*.key", b"apiserver.crt"));
        assert!(glob_match(b"id_*", b"id_ed25519"));
        assert!(glob_match(b"*", b".hidden"));
        assert!(glob_match(b"a*b*c", b"axxbyyc"));
        assert!(!glob_match(b"a*b*c", b"axxbyy"));
        assert!(glob_match(b"exact", b"exact"));
        assert!(path_matches(
            b"/home/*/.ssh/id_*",
            b"/home/eve//.ssh/id_rsa"
        ));
        assert!(!path_matches(
            b"/home/*/.ssh/id_*",
            b"/home/eve/x/.ssh/id_rsa"
        ));
        assert!(!path_matches(b"/etc/shadow", b"/etc/shadow-"));
    }

    #[test]
    fn homes_and_tilde_expansion() {
        let passwd = b"root:x:0:0:root:/root:/bin/sh\nbad line\nsvc:x:9:9::/srv/app/:/bin/false\nrel:x:1:1::home:/bin/sh\n";
        let homes = homes_from_passwd(passwd);
        assert_eq!(homes, vec![b"/root".to_vec(), b"/srv/app/".to_vec()]);
        assert_eq!(
            expand_home("~/.bash_history", &homes),
            vec![
                b"/root/.bash_history".to_vec(),
                b"/srv/app/.bash_history".to_vec()
            ]
        );
        assert_eq!(
            expand_home("/etc/passwd", &homes),
            vec![b"/etc/passwd".to_vec()]
        );
    }

    #[test]
    fn secret_content_is_recognised() {
        assert!(looks_secret(b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"));
        assert!(looks_secret(
            b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\n"
        ));
        assert!(!looks_secret(b"-----BEGIN CERTIFICATE-----\nMIIE\n"));
        assert!(!looks_secret(b"root:x:0:0:root:/root:/bin/sh\n"));
        assert!(!looks_secret(b"eyJ but. not a. token"));
    }
}
