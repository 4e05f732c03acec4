//! Masking of secret values: a value is shown as its first 4 characters and its length
//! (`AKIA…(20)`), or as its length alone when 8 characters or shorter.

/// The masked form of a secret value.
pub fn mask(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let n = text.chars().count();
    if n <= 8 {
        format!("…({n})")
    } else {
        let head: String = text.chars().take(4).collect();
        format!("{head}…({n})")
    }
}

/// `b` with each span (sorted; overlapping or out-of-range ones skipped) replaced by its mask:
/// how a secret inside a longer value (a URL's password, a flag's value) is hidden.
pub fn mask_spans(b: &[u8], spans: &[(usize, usize)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut at = 0;
    for &(s, e) in spans {
        if s < at || e > b.len() || s > e {
            continue;
        }
        out.extend_from_slice(&b[at..s]);
        out.extend_from_slice(mask(&b[s..e]).as_bytes());
        at = e;
    }
    out.extend_from_slice(&b[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_shapes() {
        assert_eq!(mask(b"AKIAABCDEFGHIJKLMNOP"), "AKIA…(20)");
        assert_eq!(mask(b"hunter2"), "…(7)");
        assert_eq!(mask(b"12345678"), "…(8)");
        assert_eq!(mask(b""), "…(0)");
    }
}
