//! Splits a command line into what the rules look at: every argument whole, and (name, value)
//! pairs for `--flag=value`, `--flag value`, `KEY=value`, mysql's `-pSECRET`, curl's `-u user:pass`
//! and the like. Arguments holding a whole shell command (`sh -c "..."`, or a title rewritten by
//! the process) are split into words first.

use crate::model::Bytes;

/// A value to check, located in `argv[index]` at byte `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    pub index: usize,
    pub offset: usize,
    pub value: &'a [u8],
    /// The flag or variable name shown in findings.
    pub name: Vec<u8>,
    /// Normalised name for name rules; `None` for a whole argument (pattern rules only).
    pub norm: Option<Vec<u8>>,
}

/// Upper-case, leading dashes dropped, `-` `.` and spaces turned into `_`, and camelCase split
/// (`keyStorePassword` -> `KEY_STORE_PASSWORD`), so one set of name patterns fits variables,
/// flags and Java properties.
pub(crate) fn normalise(name: &[u8]) -> Vec<u8> {
    let start = name.iter().position(|c| *c != b'-').unwrap_or(name.len());
    let mut out = Vec::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for &c in &name[start..] {
        if c.is_ascii_uppercase() && prev_lower {
            out.push(b'_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            b'-' | b'.' | b' ' => b'_',
            c => c.to_ascii_uppercase(),
        });
    }
    out
}

fn basename(b: &[u8]) -> &[u8] {
    b.rsplit(|c| *c == b'/').next().unwrap_or(b)
}

// why: `-pSECRET` is mysql's way to pass a password, but `-p8080` means a port almost everywhere
// else, so it is only read as a password after a mysql-family or sshpass command word.
const MYSQL: &[&[u8]] = &[
    b"mysql",
    b"mysqldump",
    b"mysqladmin",
    b"mysqlimport",
    b"mysqlshow",
    b"mysqlcheck",
    b"mysqlpump",
    b"mysqlsh",
    b"mariadb",
    b"mariadb-dump",
    b"mariadb-admin",
    b"mariadb-import",
    b"mariadb-check",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Plain,
    Mysql,
    Sshpass,
    Curl,
    RedisCli,
}

fn context_of(word: &[u8]) -> Option<Ctx> {
    let b = basename(word);
    if MYSQL.contains(&b) {
        Some(Ctx::Mysql)
    } else if b == b"sshpass" {
        Some(Ctx::Sshpass)
    } else if b == b"curl" {
        Some(Ctx::Curl)
    } else if b == b"redis-cli" || b == b"valkey-cli" {
        Some(Ctx::RedisCli)
    } else {
        None
    }
}

/// (argv index, offset in that argument, word): every argument, split at whitespace when it has any.
fn words(argv: &[Bytes]) -> Vec<(usize, usize, &[u8])> {
    let mut out = Vec::new();
    for (i, a) in argv.iter().enumerate() {
        let a = a.as_bytes();
        if !a.iter().any(u8::is_ascii_whitespace) {
            out.push((i, 0, a));
            continue;
        }
        let mut pos = 0;
        for w in a.split(u8::is_ascii_whitespace) {
            if !w.is_empty() {
                let (mut s, mut e) = (0, w.len());
                if e >= 2 && (w[0] == b'"' || w[0] == b'\'') && w[e - 1] == w[0] {
                    s = 1;
                    e -= 1;
                }
                out.push((i, pos + s, &w[s..e]));
            }
            pos += w.len() + 1;
        }
    }
    out
}

/// The word after `w[j]` as the value of flag `w[j]`, unless it is a flag itself. A value in
/// its own argv entry is that whole entry (`--password` `a b`): a space inside it does not end it.
fn next_value<'a>(
    argv: &'a [Bytes],
    w: &[(usize, usize, &'a [u8])],
    j: usize,
) -> Option<(usize, usize, &'a [u8])> {
    let n = w.get(j + 1).copied().filter(|n| !n.2.starts_with(b"-"))?;
    if n.0 != w[j].0 && n.1 <= 1 {
        let whole = argv[n.0].as_bytes();
        return Some((n.0, 0, whole));
    }
    Some(n)
}

/// Word `word` extended to the end of its argv entry when it starts that entry as a flag
/// (`--password=a b` in one entry): the flag's value is the rest of the entry, spaces included.
fn own_value<'a>(argv: &'a [Bytes], word: (usize, usize, &'a [u8])) -> (usize, usize, &'a [u8]) {
    let whole = argv[word.0].as_bytes();
    if word.1 == 0 && whole.starts_with(b"-") {
        return (word.0, 0, whole);
    }
    word
}

fn is_env_name(n: &[u8]) -> bool {
    !n.is_empty()
        && (n[0].is_ascii_alphabetic() || n[0] == b'_')
        && n.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// A word of the command line: (argv index, offset in that argument, text).
type Word<'a> = (usize, usize, &'a [u8]);

/// The items of a command line. `named` says whether a normalised flag name is one some rule
/// looks at (only then is the next argument taken as the flag's value).
pub(crate) fn items<'a>(argv: &'a [Bytes], named: &mut dyn FnMut(&[u8]) -> bool) -> Vec<Item<'a>> {
    let mut out = whole_items(argv);
    let w = words(argv);
    let mut ctx = Ctx::Plain;
    for j in 0..w.len() {
        let t = w[j].2;
        let next = next_value(argv, &w, j);
        let own = own_value(argv, w[j]);
        if let Some(c) = context_of(t) {
            ctx = c;
            continue;
        }
        let found = match tool_pair(ctx, t, own, next) {
            Some(found) => found,
            None if t.len() > 1 && t[0] == b'-' => flag_pair(ctx, t, own, next, named),
            None => env_pair(w[j]),
        };
        out.extend(found);
    }
    out
}

/// Every non-empty argument whole, for the pattern rules.
fn whole_items(argv: &[Bytes]) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for (i, a) in argv.iter().enumerate() {
        let a = a.as_bytes();
        if a.is_empty() {
            continue;
        }
        out.push(Item {
            index: i,
            offset: 0,
            value: a,
            name: whole_name(argv, i),
            norm: None,
        });
    }
    out
}

/// The name shown for the whole argument `argv[i]`: its own `--flag` part before `=`, else the
/// flag just before it, else `argv[i]`.
fn whole_name(argv: &[Bytes], i: usize) -> Vec<u8> {
    let a = argv[i].as_bytes();
    let prev = i.checked_sub(1).map(|j| argv[j].as_bytes());
    let spaced = a.iter().any(u8::is_ascii_whitespace);
    if !spaced
        && a[0] == b'-'
        && let Some(eq) = a.iter().position(|c| *c == b'=')
    {
        a[..eq].to_vec()
    } else if let Some(prev) = prev
        && prev.len() > 1
        && prev[0] == b'-'
        && !prev.contains(&b'=')
        && !prev.iter().any(u8::is_ascii_whitespace)
        && !a.starts_with(b"-")
    {
        prev.to_vec()
    } else {
        format!("argv[{i}]").into_bytes()
    }
}

/// The item for a value that starts `skip` bytes into `word`.
fn pair<'a>((i, off, t): Word<'a>, skip: usize, name: &[u8], norm: Vec<u8>) -> Item<'a> {
    Item {
        index: i,
        offset: off + skip,
        value: &t[skip..],
        name: name.to_vec(),
        norm: Some(norm),
    }
}

/// A password passed the way the tool named earlier on the line takes it (mysql's `-pSECRET`,
/// sshpass's `-p SECRET`, redis-cli's `-a SECRET`, curl's `-u user:SECRET`). `None` when word `t`
/// is no such flag, so the generic forms apply; `Some(None)` when it is one without a value.
fn tool_pair<'a>(
    ctx: Ctx,
    t: &[u8],
    own: Word<'a>,
    next: Option<Word<'a>>,
) -> Option<Option<Item<'a>>> {
    let flag = |f: &[u8]| t == f;
    let password =
        |w: Word<'a>, skip: usize, name: &[u8]| pair(w, skip, name, b"PASSWORD".to_vec());
    let found = match ctx {
        Ctx::Mysql | Ctx::Sshpass if t.len() > 2 && t.starts_with(b"-p") => {
            Some(password(own, 2, b"-p"))
        }
        Ctx::Sshpass | Ctx::Mysql if flag(b"-p") => next.map(|n| password(n, 0, b"-p")),
        Ctx::RedisCli if flag(b"-a") || flag(b"--pass") => next.map(|n| password(n, 0, t)),
        Ctx::Curl if flag(b"-u") || flag(b"--user") || flag(b"-U") || flag(b"--proxy-user") => next
            .and_then(|n| {
                let c = n.2.iter().position(|c| *c == b':')?;
                Some(password(n, c + 1, t))
            }),
        Ctx::Curl if t.len() > 2 && t.starts_with(b"-u") && !t.starts_with(b"--") => t
            .iter()
            .position(|c| *c == b':')
            .map(|c| password(own, c + 1, b"-u")),
        _ => return None,
    };
    Some(found)
}

/// A `--flag=value` in one word, or `--flag value` when `named` says a rule looks at the flag.
fn flag_pair<'a>(
    ctx: Ctx,
    t: &[u8],
    own: Word<'a>,
    next: Option<Word<'a>>,
    named: &mut dyn FnMut(&[u8]) -> bool,
) -> Option<Item<'a>> {
    if let Some(eq) = t.iter().position(|c| *c == b'=') {
        let name = &t[..eq];
        if ctx == Ctx::Curl && (name == b"--user" || name == b"--proxy-user") {
            let c = t[eq + 1..].iter().position(|c| *c == b':')?;
            return Some(pair(own, eq + 2 + c, name, b"PASSWORD".to_vec()));
        }
        return Some(pair(own, eq + 1, name, normalise(name)));
    }
    let n = next?;
    let norm = normalise(t);
    named(&norm).then(|| pair(n, 0, t, norm))
}

/// A `KEY=value` word whose key looks like an environment variable name.
fn env_pair(word: Word<'_>) -> Option<Item<'_>> {
    let t = word.2;
    let eq = t.iter().position(|c| *c == b'=')?;
    is_env_name(&t[..eq]).then(|| pair(word, eq + 1, &t[..eq], normalise(&t[..eq])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<Bytes> {
        s.iter().map(|a| Bytes::from(*a)).collect()
    }

    fn pairs(s: &[&str]) -> Vec<(usize, String, String, String)> {
        let a = argv(s);
        let mut named = |n: &[u8]| n.ends_with(b"PASSWORD") || n.ends_with(b"TOKEN");
        items(&a, &mut named)
            .into_iter()
            .filter_map(|it| {
                let norm = it.norm?;
                let arg = a[it.index].as_bytes();
                assert_eq!(&arg[it.offset..it.offset + it.value.len()], it.value);
                Some((
                    it.index,
                    String::from_utf8(it.name).unwrap(),
                    String::from_utf8(norm).unwrap(),
                    String::from_utf8(it.value.to_vec()).unwrap(),
                ))
            })
            .collect()
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalise(b"--db-password"), b"DB_PASSWORD");
        assert_eq!(
            normalise(b"-Djavax.net.ssl.keyStorePassword"),
            b"DJAVAX_NET_SSL_KEY_STORE_PASSWORD"
        );
        assert_eq!(
            normalise(b"AWS_SECRET_ACCESS_KEY"),
            b"AWS_SECRET_ACCESS_KEY"
        );
    }

    #[test]
    fn flag_forms() {
        let p = pairs(&[
            "app",
            "--db-password=s3cr3t",
            "--token",
            "abc",
            "--port",
            "80",
        ]);
        assert!(p.contains(&(
            1,
            "--db-password".into(),
            "DB_PASSWORD".into(),
            "s3cr3t".into()
        )));
        assert!(p.contains(&(3, "--token".into(), "TOKEN".into(), "abc".into())));
        assert!(!p.iter().any(|x| x.3 == "80"));
    }

    #[test]
    fn mysql_curl_and_shell_strings() {
        let p = pairs(&["/usr/bin/mysql", "-uroot", "-phunter22", "db"]);
        assert!(p.contains(&(2, "-p".into(), "PASSWORD".into(), "hunter22".into())));
        assert!(pairs(&["nc", "-p8080"]).is_empty());
        let p = pairs(&["curl", "-u", "bob:pw1234", "http://x"]);
        assert!(p.contains(&(2, "-u".into(), "PASSWORD".into(), "pw1234".into())));
        let p = pairs(&["sh", "-c", "mysqldump -pTopSecret1 'DB_PASSWORD=x9y8'"]);
        assert!(p.contains(&(2, "-p".into(), "PASSWORD".into(), "TopSecret1".into())));
        assert!(p.contains(&(2, "DB_PASSWORD".into(), "DB_PASSWORD".into(), "x9y8".into())));
    }
}
