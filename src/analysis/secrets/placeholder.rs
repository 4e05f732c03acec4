//! The placeholder and template filter shared by every rule: values that stand for a secret
//! rather than being one (`changeme`, `xxxx`, `1234567890`, `${{ secrets.X }}`, `{token}`, `%s`,
//! `$1`, `<user:password>`, `var.db_password`, `your_api_key_here`, a right prefix with a body of
//! one repeated character, a secret-named variable holding a sentence or a resource name).
//! A placeholder is not a finding. Only the matched secret is judged, so a real token in an
//! example-looking place (`EXAMPLE_TOKEN=ghp_...`, a URL on `db.example.com`) is still reported.

/// Words that make up placeholder text; a value made only of them (and digits) stands for a
/// secret. Includes resource-name words (`prod-db-password` names a secret, it is not one) and
/// authentication scheme names (a header holding only `Bearer` carries no credential).
const VOCAB: &[&str] = &[
    "access",
    "account",
    "an",
    "api",
    "apikey",
    "app",
    "application",
    "auth",
    "basic",
    "bearer",
    "bot",
    "change",
    "changeit",
    "changeme",
    "client",
    "cred",
    "creds",
    "credential",
    "credentials",
    "database",
    "db",
    "default",
    "demo",
    "dev",
    "digest",
    "dummy",
    "empty",
    "enter",
    "example",
    "fake",
    "fill",
    "fixme",
    "id",
    "github",
    "gitlab",
    "goes",
    "here",
    "in",
    "insert",
    "key",
    "login",
    "me",
    "my",
    "negotiate",
    "new",
    "none",
    "not",
    "null",
    "pass",
    "passphrase",
    "passwd",
    "password",
    "placeholder",
    "private",
    "prod",
    "production",
    "put",
    "pw",
    "pwd",
    "real",
    "redacted",
    "replace",
    "sample",
    "secret",
    "secrets",
    "service",
    "set",
    "slack",
    "staging",
    "svc",
    "tbd",
    "test",
    "testing",
    "the",
    "this",
    "to",
    "todo",
    "token",
    "user",
    "username",
    "value",
    "with",
    "xxx",
    "you",
    "your",
];

/// Words that only occur in a sentence (instructions, not a passphrase).
const FUNCTION_WORDS: &[&str] = &[
    "the", "to", "for", "from", "this", "that", "it", "of", "is", "are", "be", "see", "use", "ask",
    "please", "your", "with", "on", "by", "here", "there", "enter", "set", "in",
];

/// Substrings (lowercase) that no real credential contains but documentation does.
const MARKERS: &[&str] = &[
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "insert_",
    "insert-",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "_here",
    "-here",
    "redacted",
    "not-a-real",
    "notreal",
    "xxxx",
];

/// Template and reference syntax anywhere in the value.
fn templated(v: &str) -> bool {
    let t = v.trim();
    if ["${", "{{", "}}", "%s", "%(", "#{", "@@", "<%"]
        .iter()
        .any(|m| t.contains(m))
    {
        return true;
    }
    let b = t.as_bytes();
    let wrapped = |o: u8, c: u8| b.len() >= 2 && b[0] == o && b[b.len() - 1] == c;
    if wrapped(b'{', b'}') || wrapped(b'<', b'>') || wrapped(b'[', b']') || wrapped(b'%', b'%') {
        return true;
    }
    if t.starts_with("__") && t.ends_with("__") && t.len() > 4 {
        return true;
    }
    // `$VAR`, `$1`, `$(cmd)`: shell references.
    if let Some(r) = t.strip_prefix('$')
        && (r.starts_with('(')
            || (!r.is_empty() && r.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')))
    {
        return true;
    }
    // `<user:password>` split at the colon leaves `password>`.
    if (t.contains('<') || t.contains('>'))
        && t.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"<>_-:. ".contains(&c))
    {
        return true;
    }
    reference(t)
}

/// `var.db_password`, `secrets.API_KEY`, `env.X`, `op://vault/item/field`: a reference to a
/// secret kept elsewhere.
fn reference(t: &str) -> bool {
    const SCHEMES: &[&str] = &[
        "op://", "vault:", "vault://", "awssm://", "gcpsm://", "azkv://",
    ];
    if SCHEMES.iter().any(|s| t.starts_with(s)) || t.starts_with("ref+") {
        return true;
    }
    const ROOTS: &[&str] = &[
        "var", "local", "locals", "data", "module", "secrets", "env", "vars", "inputs", "steps",
        "needs", "matrix", "values", "Values", "params",
    ];
    match t.split_once('.') {
        Some((root, rest)) => {
            ROOTS.contains(&root)
                && !rest.is_empty()
                && rest
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        }
        None => false,
    }
}

/// One character dominates, or very few distinct characters make up a long value.
fn degenerate(b: &[u8]) -> bool {
    if b.len() < 6 {
        return false;
    }
    let mut counts = [0usize; 256];
    for &c in b {
        counts[c as usize] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    let distinct = counts.iter().filter(|&&c| c > 0).count();
    top * 2 >= b.len() || (b.len() >= 16 && distinct <= 5)
}

/// A run of consecutive digits (`1234567890`, cyclic) making up two thirds of the value.
fn counting(b: &[u8]) -> bool {
    let (mut best, mut run) = (1usize, 1usize);
    for w in b.windows(2) {
        let step = w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && (w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'));
        run = if step { run + 1 } else { 1 };
        best = best.max(run);
    }
    best >= 6 && best * 3 >= b.len() * 2
}

/// The value is made only of placeholder words and digits (`your_api_key_here`, `secret123`).
fn vocabulary(v: &str) -> bool {
    let mut letters = 0;
    for w in v
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let low = w.to_ascii_lowercase();
        if w.len() < 2 || (!VOCAB.contains(&low.as_str()) && !camel_vocab(w)) {
            return false;
        }
        letters += w.len();
    }
    // why: a hex token can hold `db` or `be` between digits; placeholder text is mostly words.
    letters * 2 >= v.len()
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"_-. !*#:|".contains(&c))
}

/// `ChangeMe`, `YourToken`: camelCase words all from the vocabulary.
fn camel_vocab(w: &str) -> bool {
    let mut parts = Vec::new();
    let mut cur = String::new();
    for c in w.chars() {
        if c.is_ascii_uppercase() && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    parts.push(cur);
    parts.len() > 1 && parts.iter().all(|p| VOCAB.contains(&p.as_str()))
}

/// Instructions written where a secret should be: several words, one of them a function word.
fn sentence(v: &str) -> bool {
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.len() < 3 {
        return false;
    }
    let alpha = words
        .iter()
        .filter(|w| {
            w.trim_end_matches(['.', ',', '!', '?', ':'])
                .bytes()
                .all(|c| c.is_ascii_alphabetic())
        })
        .count();
    alpha * 4 >= words.len() * 3
        && words.iter().any(|w| {
            let low = w
                .trim_end_matches(['.', ',', '!', '?', ':'])
                .to_ascii_lowercase();
            FUNCTION_WORDS.contains(&low.as_str())
        })
}

/// Whether `secret` is a placeholder, a template or a reference rather than a credential.
pub(crate) fn is_placeholder(secret: &[u8]) -> bool {
    let Ok(v) = std::str::from_utf8(secret) else {
        return false;
    };
    let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return true;
    }
    let low = v.to_ascii_lowercase();
    MARKERS.iter().any(|m| low.contains(m))
        || templated(v)
        || degenerate(v.as_bytes())
        || counting(v.as_bytes())
        || vocabulary(v)
        || sentence(v)
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders_and_templates() {
        for v in [
            "xxxxxxxxxxxxxxxx",
            "1234567890",
            "EXAMPLEKEY123",
            "insert_key_here",
            "changeme123",
            "ChangeMe!",
            "${{ secrets.API_KEY }}",
            "{api_key}",
            "%s",
            "%(password)s",
            "$1",
            "<user:password>",
            "password>",
            "var.db_password",
            "your_api_key_here",
            "********",
            "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "secret123",
            "op://prod/db/password",
            "please set this in vault",
            "prod-db-password",
            "Bearer",
            "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "00000000-0000-0000-0000-000000000000",
            "__PASSWORD__",
            "$PASS",
        ] {
            assert!(is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn real_values_pass() {
        for v in [
            "ghp_Zx8b1Q2mWc7Ls0Yp4Nr6Tv9Ka3Hd5Fg8Jk2E1mLq7",
            "correct horse battery staple",
            "hunter22",
            "s3cr3tPass",
            "tulip orbit seven lantern",
            "V3X8Q~FYcYC.uk1Dhw4F.2X2o1gSuVqvZ-QLg",
            "4f3c2a1b-9d8e-4a7b-a6c5-d4e3f2a1b0c9",
            "my dog ate 3 lemons",
            "secret-sauce-42",
            "MIIEvemQdwj9WbZTDId8xxFdGULKdL6wkKRNWgoL9GUxcyjMDqftVFFEXlpUwMlpp",
        ] {
            assert!(!is_placeholder(v.as_bytes()), "{v}");
        }
    }
}
