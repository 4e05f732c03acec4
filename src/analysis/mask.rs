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
