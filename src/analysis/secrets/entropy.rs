//! Measures over a candidate secret: Shannon entropy, character classes, path shape, and the
//! base64url decoding needed to read a JWT's claims.

/// Shannon entropy of `b` in bits per byte (0 for empty input).
pub fn shannon(b: &[u8]) -> f64 {
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &x in b {
        counts[x as usize] += 1;
    }
    let n = b.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// How many of the classes lowercase, uppercase and digit occur in `b`.
pub fn classes(b: &[u8]) -> u8 {
    let lower = b.iter().any(u8::is_ascii_lowercase);
    let upper = b.iter().any(u8::is_ascii_uppercase);
    let digit = b.iter().any(u8::is_ascii_digit);
    lower as u8 + upper as u8 + digit as u8
}

/// Top-level directories that make a slash-led value a path even when it looks random.
const ROOTS: &[&str] = &[
    "bin",
    "boot",
    "data",
    "dev",
    "etc",
    "home",
    "lib",
    "lib64",
    "media",
    "mnt",
    "nix",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "snap",
    "srv",
    "sys",
    "tmp",
    "usr",
    "var",
    "app",
    "workspace",
    "secrets",
    "config",
    "certs",
    "keys",
    "vault",
];

/// A filesystem path (`/x/y`, `./x`, `../x`, `~/x`), as opposed to a random token that happens to
/// start with a slash (base64 keys can).
pub fn looks_like_path(b: &[u8]) -> bool {
    let rest = if let Some(r) = b.strip_prefix(b"~/") {
        r
    } else if let Some(r) = b.strip_prefix(b"./") {
        r
    } else if let Some(r) = b.strip_prefix(b"../") {
        r
    } else if let Some(r) = b.strip_prefix(b"/") {
        r
    } else {
        return false;
    };
    if b.iter().any(|c| c.is_ascii_whitespace() || *c == b'@') {
        return false;
    }
    // why: a leading segment like `etc` or `var` is a path whatever follows (pod volume
    // paths carry uids and hashes); otherwise only low-entropy text passes as a path.
    let first = rest.split(|c| *c == b'/').next().unwrap_or_default();
    if ROOTS.iter().any(|r| r.as_bytes() == first) {
        return true;
    }
    b.starts_with(b"~/") || b.starts_with(b".") || shannon(b) < 4.2
}

/// Decode unpadded or padded base64url (also accepts the standard alphabet).
pub fn base64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `b` is base64 whose decoding is printable text (an encoded config, not key material).
pub fn is_encoded_text(b: &[u8]) -> bool {
    let Some(d) = base64url_decode(b) else {
        return false;
    };
    d.len() >= 8
        && d.iter()
            .all(|c| c.is_ascii_graphic() || matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
}

/// The decoded payload (middle part) of a JWT.
pub fn jwt_payload(token: &[u8]) -> Option<Vec<u8>> {
    let mut parts = token.split(|c| *c == b'.');
    parts.next()?;
    base64url_decode(parts.next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_orders_random_above_repetitive() {
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"ab") - 1.0).abs() < 1e-9);
        let hex = b"3f9a1c0e7b2d4f6a8c1e3b5d7f9a2c4e";
        let b64 = b"q8Zt/1Xb+Vn3Rk0sLp9WmE4yTa7HcJ2uQdG5fNiOoB6=";
        assert!(shannon(hex) <= 4.0);
        assert!(shannon(b64) > 4.5, "{}", shannon(b64));
    }

    #[test]
    fn paths_and_random_slash_tokens() {
        assert!(looks_like_path(b"/root/.password-store"));
        assert!(looks_like_path(b"/usr/lib/git-core/git-gui--askpass"));
        assert!(looks_like_path(b"./certs/key.pem"));
        assert!(!looks_like_path(b"/Kq8Zt1Xb+Vn3Rk0sLp9WmE4yTa7HcJ2uQdG5fN"));
        assert!(!looks_like_path(b"hunter2"));
    }

    #[test]
    fn base64url_round() {
        assert_eq!(base64url_decode(b"eyJhIjoxfQ").unwrap(), b"{\"a\":1}");
        assert_eq!(jwt_payload(b"eyJ.eyJhIjoxfQ.sig").unwrap(), b"{\"a\":1}");
        assert!(base64url_decode(b"a b").is_none());
        assert!(is_encoded_text(b"eyJsb2ciOiJpbmZvIiwicG9ydCI6ODA4MH0="));
        assert!(!is_encoded_text(
            b"q8Zt/1Xb+Vn3Rk0sLp9WmE4yTa7HcJ2uQdG5fNiOoB6="
        ));
    }
}
