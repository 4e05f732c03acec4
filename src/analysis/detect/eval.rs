//! Compiled conditions and their evaluation over one inferred event, with libsinsp's
//! semantics: a check on a field with no value (`<NA>`) is false, whatever the operator.

use super::ast::{Op, Transformer};
use super::extract::Val;
use super::fields::Field;
use std::borrow::Cow;
use std::collections::HashSet;

/// A compiled boolean expression.
#[derive(Debug, Clone)]
pub enum CExpr {
    And(Vec<CExpr>),
    Or(Vec<CExpr>),
    Not(Box<CExpr>),
    Const(bool),
    Check(Box<CCheck>),
}

/// A field with its transformers (innermost first).
#[derive(Debug, Clone)]
pub struct CField {
    pub field: Field,
    pub transforms: Vec<Transformer>,
}

/// A literal with its numeric reading.
#[derive(Debug, Clone)]
pub struct Lit {
    pub text: String,
    pub num: Option<i64>,
}

impl Lit {
    pub fn new(text: String) -> Lit {
        let t = text.trim();
        let num = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .map_or_else(
                || t.parse::<i64>().ok(),
                |h| i64::from_str_radix(h, 16).ok(),
            );
        Lit { text, num }
    }
}

#[derive(Debug, Clone)]
pub enum CRhs {
    None,
    One(Lit),
    Set {
        items: Vec<Lit>,
        texts: HashSet<String>,
        /// The items that are networks (`10.0.0.0/8`), for address fields.
        nets: Vec<String>,
    },
    Regex(regex::Regex),
    Field(CField),
}

#[derive(Debug, Clone)]
pub struct CCheck {
    pub lhs: CField,
    pub op: Op,
    pub rhs: CRhs,
}

pub fn transform<'a>(v: Val<'a>, t: Transformer) -> Option<Val<'a>> {
    use base64_lite::decode;
    Some(match (t, v) {
        (_, Val::List(items)) => {
            Val::List(items.into_iter().filter_map(|x| transform(x, t)).collect())
        }
        (Transformer::Len, v) => Val::Num(v.text().chars().count() as i64),
        (Transformer::ToLower, v) => Val::Str(Cow::Owned(v.text().to_lowercase())),
        (Transformer::ToUpper, v) => Val::Str(Cow::Owned(v.text().to_uppercase())),
        (Transformer::Basename, v) => {
            let t = v.text();
            Val::Str(Cow::Owned(t.rsplit('/').next().unwrap_or("").to_string()))
        }
        (Transformer::B64, v) => Val::Str(Cow::Owned(
            String::from_utf8_lossy(&decode(&v.text())?).into_owned(),
        )),
    })
}

impl CCheck {
    /// Whether the check holds for the left value `v` and, when the right side is a field,
    /// its value `o` (`None`: `<NA>`, and the check is false).
    pub fn holds(&self, v: &Val, o: Option<&Val>) -> bool {
        if self.op == Op::Exists {
            return true;
        }
        let other;
        let rhs = match &self.rhs {
            CRhs::Field(_) => {
                let Some(o) = o else { return false };
                other = CRhs::One(Lit::new(o.text().into_owned()));
                &other
            }
            r => r,
        };
        // why: the multi-valued fields procscope has are ancestor chains (`proc.aname`
        // without an index), which libsinsp matches when any ancestor does.
        match (v, self.op) {
            (Val::List(items), op) => items.iter().any(|x| one(x, op, rhs)),
            (v, op) => one(v, op, rhs),
        }
    }
}

fn eq(v: &Val, lit: &Lit) -> bool {
    match v {
        Val::Num(n) => lit.num == Some(*n),
        Val::Bool(b) => lit
            .text
            .eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Val::Str(s) => s.as_ref() == lit.text,
        Val::List(_) => false,
    }
}

fn ip_in(v: &str, net: &str) -> bool {
    let Some((addr, bits)) = net.split_once('/') else {
        return v == net;
    };
    let (Ok(a), Ok(n), Ok(bits)) = (
        v.parse::<std::net::IpAddr>(),
        addr.parse::<std::net::IpAddr>(),
        bits.parse::<u32>(),
    ) else {
        return false;
    };
    let (a, n, width) = match (a, n) {
        (std::net::IpAddr::V4(a), std::net::IpAddr::V4(n)) => {
            (u32::from(a) as u128, u32::from(n) as u128, 32)
        }
        (std::net::IpAddr::V6(a), std::net::IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let mask = if bits == 0 {
        0
    } else {
        (!0u128 << (width - bits)) & (if width == 32 { 0xffff_ffff } else { !0u128 })
    };
    a & mask == n & mask
}

fn pmatch(v: &str, prefix: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    v == p || (v.starts_with(p) && v.as_bytes().get(p.len()) == Some(&b'/')) || p.is_empty()
}

fn one(v: &Val, op: Op, rhs: &CRhs) -> bool {
    match rhs {
        CRhs::Set { items, texts, nets } => {
            let hit = |lit: &Lit| eq(v, lit);
            match op {
                Op::In | Op::Intersects => match v {
                    Val::Str(s) => texts.contains(s.as_ref()) || nets.iter().any(|n| ip_in(s, n)),
                    _ => items.iter().any(hit),
                },
                Op::PMatch => {
                    let t = v.text();
                    items.iter().any(|l| pmatch(&t, &l.text))
                }
                _ => false,
            }
        }
        CRhs::Regex(re) => re.is_match(&v.text()),
        CRhs::One(lit) => scalar(v, op, lit),
        CRhs::None | CRhs::Field(_) => false,
    }
}

fn scalar(v: &Val, op: Op, lit: &Lit) -> bool {
    let num = |f: fn(i64, i64) -> bool| match (v, lit.num) {
        (Val::Num(n), Some(m)) => f(*n, m),
        _ => false,
    };
    let r = lit.text.as_str();
    let text = || v.text();
    match op {
        Op::Eq => eq(v, lit),
        Op::Ne => !eq(v, lit),
        Op::Lt => num(|a, b| a < b),
        Op::Le => num(|a, b| a <= b),
        Op::Gt => num(|a, b| a > b),
        Op::Ge => num(|a, b| a >= b),
        Op::Contains | Op::BContains => text().contains(r),
        Op::IContains => text().to_lowercase().contains(&r.to_lowercase()),
        Op::StartsWith | Op::BStartsWith => text().starts_with(r),
        Op::EndsWith => text().ends_with(r),
        Op::Glob => glob(text().as_bytes(), r.as_bytes()),
        Op::IGlob => glob(
            text().to_lowercase().as_bytes(),
            r.to_lowercase().as_bytes(),
        ),
        Op::In | Op::Intersects => eq(v, lit),
        Op::PMatch => pmatch(&text(), r),
        Op::Regex | Op::Exists => false,
    }
}

/// fnmatch(3) without FNM_PATHNAME: `*` crosses `/`; `?`, `[...]`, `[!...]` and `\` escapes.
pub fn glob(s: &[u8], p: &[u8]) -> bool {
    let (mut si, mut pi) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    back = Some((pi, si));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    si += 1;
                    pi += 1;
                    continue;
                }
                b'[' => {
                    if let Some((hit, next)) = class(&p[pi..], s[si]) {
                        if hit {
                            si += 1;
                            pi += next;
                            continue;
                        }
                    } else if s[si] == b'[' {
                        si += 1;
                        pi += 1;
                        continue;
                    }
                }
                b'\\' if pi + 1 < p.len() && p[pi + 1] == s[si] => {
                    si += 1;
                    pi += 2;
                    continue;
                }
                c if c == s[si] => {
                    si += 1;
                    pi += 1;
                    continue;
                }
                _ => {}
            }
        }
        match back {
            Some((bp, bs)) => {
                back = Some((bp, bs + 1));
                pi = bp + 1;
                si = bs + 1;
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A `[...]` class at the start of `p`: whether `c` is in it and the class length.
fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let neg = matches!(p.get(i), Some(b'!') | Some(b'^'));
    if neg {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == b']' && !first {
            return Some((hit != neg, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            hit |= p[i] <= c && c <= p[i + 2];
            i += 3;
        } else {
            hit |= p[i] == c;
            i += 1;
        }
    }
    None
}

/// Base64 decoding for the `b64` transformer (standard or URL alphabet, padding optional,
/// white space skipped): the secret scan's decoder.
mod base64_lite {
    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
        crate::analysis::secrets::base64_decode(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_and_cidr() {
        assert!(glob(b"/tmp/a/b", b"/tmp/*"));
        assert!(glob(b"abc", b"a?c"));
        assert!(glob(b"a1", b"a[0-9]"));
        assert!(!glob(b"ab", b"a[0-9]"));
        assert!(!glob(b"/etc", b"/tmp/*"));
        assert!(ip_in("10.1.2.3", "10.0.0.0/8"));
        assert!(!ip_in("11.1.2.3", "10.0.0.0/8"));
        assert!(pmatch("/etc/shadow", "/etc"));
        assert!(!pmatch("/etcx", "/etc"));
        assert_eq!(base64_lite::decode("aGk=").unwrap(), b"hi");
    }
}
