//! Fixed-width text cells, shared by the views and the help text: pad or cut to a width.

/// Pad or cut `s` to exactly `w` display columns (char count; cells are escaped ASCII mostly).
pub fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        let mut o = s.to_string();
        o.extend(std::iter::repeat_n(' ', w - n));
        o
    } else if w == 0 {
        String::new()
    } else {
        let mut o: String = s.chars().take(w - 1).collect();
        o.push('…');
        o
    }
}
