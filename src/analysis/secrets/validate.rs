//! Format checks a regex cannot express, named by a rule's `validate:` field: the CRC32 checksum
//! of GitHub-style tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `npm_`: 30 random base62
//! characters then the CRC32 of those 30, base62-encoded into 6 characters), and the userinfo
//! syntax of a URL's password (RFC 3986: a "credential" that cannot be parsed is not one).

use serde::Deserialize;

/// A named check over a candidate secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// 30 base62 characters and their base62 CRC32 after a `xxx_` prefix.
    Crc32Base62,
    /// The secret is a URL password: RFC 3986 userinfo characters and valid %-escapes only.
    UrlUserinfo,
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base62(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = B62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// Whether a `prefix_` + 30 + 6 token carries a matching checksum.
fn crc32_base62(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|c| *c == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, sum) = body.split_at(30);
    base62(crc32fast::hash(random)) == sum
}

/// RFC 3986 userinfo: unreserved, sub-delims, `:` and well-formed percent escapes.
fn url_userinfo(pw: &[u8]) -> bool {
    let mut i = 0;
    while i < pw.len() {
        let c = pw[i];
        if c == b'%' {
            let ok = pw
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:".contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

impl Check {
    /// Whether `secret` passes.
    pub fn passes(self, secret: &[u8]) -> bool {
        match self {
            Check::Crc32Base62 => crc32_base62(secret),
            Check::UrlUserinfo => url_userinfo(secret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(prefix: &str, random: &str) -> String {
        let sum = base62(crc32fast::hash(random.as_bytes()));
        format!("{prefix}{random}{}", String::from_utf8_lossy(&sum))
    }

    #[test]
    fn crc_round_trip_and_tamper() {
        let t = token("ghp_", "Zx8b1Q2mWc7Ls0Yp4Nr6Tv9Ka3Hd5F");
        assert!(Check::Crc32Base62.passes(t.as_bytes()), "{t}");
        let mut bad = t.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!Check::Crc32Base62.passes(&bad));
        assert!(!Check::Crc32Base62.passes(b"ghp_short"));
        // crc32("") is 0: base62 pads with zeros.
        assert_eq!(&base62(0), b"000000");
        assert_eq!(&base62(61), b"00000z");
    }

    #[test]
    fn userinfo_syntax() {
        assert!(Check::UrlUserinfo.passes(b"s3cr%40t!"));
        assert!(!Check::UrlUserinfo.passes(b"%zz"));
        assert!(!Check::UrlUserinfo.passes(b"{password}"));
        assert!(!Check::UrlUserinfo.passes(b"<pass>"));
    }
}
